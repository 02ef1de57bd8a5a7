/* github.h - GitHub Actions workflow commands (::error file=...::message), most
 * important first. */
#ifndef HL_REPORT_GITHUB_H
#define HL_REPORT_GITHUB_H

#include <stdio.h>

#include "../lint/finding.h"
#include "../verify/verify.h"
#include "ci_order.h"

/* GitHub shows this many annotations of one level per step. */
#define HL_GITHUB_MAX_PER_LEVEL 10

/* Escapes message text (%, \r, \n) or, with property set, a property value
 * (also ':' and ','), per GitHub's workflow command rules; other control characters
 * become \xNN. Writes at most outlen bytes; can't fail. */
void hl_github_escape(const char *s, int property, char *out, size_t outlen);

/* Writes one workflow command per finding (error for confirmed under verify or
 * for rules of severity error, notice for dismissed or notes, else warning),
 * then per-file errors as ::error, then a summary line with the totals.
 * When $GITHUB_STEP_SUMMARY names a file, a Markdown table of the findings
 * is appended to it (the job summary). Returns 0, or -1 when writing fails. */
int hl_report_github(FILE *out, const hl_findings *f, const hl_verify_result *vr);

#endif
