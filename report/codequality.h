/* codequality.h - GitLab Code Quality report (a JSON array of issues). */
#ifndef HL_REPORT_CODEQUALITY_H
#define HL_REPORT_CODEQUALITY_H

#include <stdio.h>

#include "../lint/finding.h"
#include "../verify/verify.h"

/* Writes the findings as GitLab Code Quality issues: description, check_name,
 * fingerprint (stable across line shifts), severity (critical for confirmed or
 * error rules, major for warnings, info for notes and dismissed findings),
 * location.path and location.lines.begin, categories ["Performance"].
 * Returns 0, or -1 when memory or writing fails. */
int hl_report_codequality(FILE *out, const hl_findings *f, const hl_verify_result *vr);

#endif
