/* ci_order.h - what the CI writers (github, sarif, codequality) share: the
 * order of the findings, how loud each is, and unique fingerprints. */
#ifndef HL_REPORT_CI_ORDER_H
#define HL_REPORT_CI_ORDER_H

#include <stddef.h>

#include "../lint/baseline.h"
#include "../lint/finding.h"
#include "../verify/verify.h"

/* Findings in report order: confirmed first, then by cum (descending), then
 * by path, line and column. vr may be NULL (lint only). Returns a malloc'ed
 * array of f->n indices and, in *verified (when not NULL), a malloc'ed array
 * giving each finding's entry in vr or NULL. Returns NULL on allocation failure. */
size_t *hl_report_order(const hl_findings *f, const hl_verify_result *vr,
                        const hl_verified ***verified);

/* How loud a finding is in CI: loud for confirmed findings under verify and
 * rules of severity error, quiet for dismissed findings and notes, else
 * normal. v may be NULL. Can't fail. */
typedef enum hl_report_level {
    HL_LEVEL_QUIET = 0,
    HL_LEVEL_NORMAL = 1,
    HL_LEVEL_LOUD = 2,
} hl_report_level;
hl_report_level hl_report_level_of(const hl_finding *x, const hl_verified *v);

/* The fingerprint of each finding in report order (idx from hl_report_order,
 * paths relative to root) and its occurrence among the earlier findings with
 * the same fingerprint (1 for the first), so that writers can make them
 * unique. Returns a malloc'ed array of f->n, or NULL on allocation failure. */
typedef struct hl_report_fp {
    char fp[HL_FINGERPRINT_LEN];
    size_t occurrence;
} hl_report_fp;
hl_report_fp *hl_report_fingerprints(const hl_findings *f, const size_t *idx, const char *root);

#endif
