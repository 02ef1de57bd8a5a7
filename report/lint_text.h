/* lint_text.h - compiler-style text output of static findings. */
#ifndef HL_REPORT_LINT_TEXT_H
#define HL_REPORT_LINT_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "../lint/finding.h"

typedef struct hl_report_text_options {
    bool color;       /* ANSI colours (the caller decides: terminal, --color) */
    bool show_source; /* the source line and a caret under each finding (default on) */
    bool show_fix;    /* the rule's fix on one line under each finding (default on) */
} hl_report_text_options;

/* Writes every finding as "path:line:col: warning: message [HL001 name]", the
 * source line and a caret. Returns 0, or -1 when the stream failed. */
int hl_report_lint_text(FILE *out, const hl_findings *f, const hl_report_text_options *opt);

/* Writes one finding (the same shape); for writers that interleave other text. */
int hl_report_lint_text_one(FILE *out, const hl_finding *x, const hl_report_text_options *opt);

/* The per-file errors, one line each ("path:line:col: error: ..."). */
void hl_report_lint_errors(FILE *out, const hl_findings *f, bool color);

/* The one-line summary: "hotlint: 3 findings (2 HL001, 1 HL002) in 12 files, 0.4s". */
void hl_report_lint_summary(FILE *out, const hl_findings *f, double seconds);

#endif
