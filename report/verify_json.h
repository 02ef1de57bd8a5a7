/* verify_json.h - hotlint --verify --format json: the lint keys of every finding plus its
 * verdict and figures, the families, and the hot code no rule explains. */
#ifndef HL_REPORT_VERIFY_JSON_H
#define HL_REPORT_VERIFY_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "../verify/verify.h"

/* Adds the verify keys (verdict, flat, cum, flat_share, cum_share, ci_low,
 * ci_high, loop_cum, evidence_share, ...) of v to obj. Returns 0, or -1 on
 * allocation failure. */
int hl_verified_add_json(json_t *obj, const hl_verified *v);

/* The whole report as one JSON object (new reference), NULL on allocation
 * failure. profile_name may be NULL. */
json_t *hl_verify_to_json(const hl_findings *fs, const hl_verify_result *r,
                          const char *profile_name);

/* Writes hl_verify_to_json to out, indented, with a final newline. Returns 0,
 * or -1 when memory or writing fails. */
int hl_verify_write_json(FILE *out, const hl_findings *fs, const hl_verify_result *r,
                         const char *profile_name);

#endif
