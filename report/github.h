/* github.h - GitHub Actions workflow commands (::error file=...::message), most
 * important first, and the ordering the other CI writers share. */
#ifndef HL_REPORT_GITHUB_H
#define HL_REPORT_GITHUB_H

#include <stdio.h>

#include "../lint/baseline.h"
#include "../lint/finding.h"
#include "../verify/verify.h"

/* GitHub shows this many annotations of one level per step. */
#define HL_GITHUB_MAX_PER_LEVEL 10

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

/* Escapes message text (%, \r, \n) or, with property set, a property value
 * (also ':' and ','). Writes at most outlen bytes; can't fail. */
void hl_github_escape(const char *s, int property, char *out, size_t outlen);

/* Writes one workflow command per finding (error for confirmed under verify or
 * for rules of severity error, notice for dismissed or notes, else warning),
 * then per-file errors as ::error, then a summary line with the totals.
 * When $GITHUB_STEP_SUMMARY names a file, a Markdown table of the findings
 * is appended to it (the job summary). Returns 0, or -1 when writing fails. */
int hl_report_github(FILE *out, const hl_findings *f, const hl_verify_result *vr);

#endif
