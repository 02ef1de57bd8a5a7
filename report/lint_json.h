/* lint_json.h - JSON output of static findings (format version 1). */
#ifndef HL_REPORT_LINT_JSON_H
#define HL_REPORT_LINT_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "../lint/finding.h"

#define HL_LINT_JSON_VERSION 1

/* One finding as a JSON object with the contract keys: rule, name, severity,
 * file, line, column, end_line, end_column, function, loop {start_line,
 * end_line, depth} (null outside a loop), callee, message, fix; plus family.
 * Returns a new reference, or NULL on out of memory. Callers may add keys. */
json_t *hl_finding_to_json(const hl_finding *x);

/* {"version":1,"findings":[...],"errors":[...]}: a new reference or NULL. */
json_t *hl_findings_to_json(const hl_findings *f);

/* Writes hl_findings_to_json, indented, with a final newline. Returns 0 or -1. */
int hl_report_lint_json(FILE *out, const hl_findings *f);

#endif
