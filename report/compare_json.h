/* compare_json.h - hotlint compare --format json:
 *   {"total": {"before", "after", "change", "ci": [lo, hi], "p", "verdict"},
 *    "findings": [{"fingerprint", "rule", "file", "line", "before_line", "before",
 *                  "after", "change", "ci", "verdict"}],
 *    "functions": [{"function", "before", "after", "change", "ci", "p", "verdict",
 *                   "before_share", "after_share"}]}
 * Costs are medians per run in seconds; change and ci are relative (-0.12 is
 * 12% less); a value that does not exist (the after cost of a gone finding,
 * the change of a row that cost nothing before) is null. */
#ifndef HL_REPORT_COMPARE_JSON_H
#define HL_REPORT_COMPARE_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "../compare/compare.h"

/* The report as one JSON object (new reference); NULL when out of memory. */
json_t *hl_compare_to_json(const hl_compare_result *r);

/* Writes it to out, indented, with a final newline. Returns 0 or -1. */
int hl_compare_write_json(FILE *out, const hl_compare_result *r);

#endif
