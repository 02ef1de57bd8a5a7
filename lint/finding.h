/* finding.h - one static finding, the product of lint/ and the input of verify/ and report/. */
#ifndef HL_FINDING_H
#define HL_FINDING_H

#include <stddef.h>

#include "../base/diag.h"
#include "rule.h"

typedef struct hl_finding {
    const hl_rule *rule; /* points into the catalog; outlives the finding */
    char *file;          /* path as the user named it (relative stays relative) */
    char *abs_file;      /* absolute, resolved path (for matching profile paths) */
    unsigned line, column, end_line, end_column; /* 1-based */
    char *function;                              /* enclosing function, or NULL at file scope */
    unsigned function_start_line, function_end_line;
    unsigned loop_start_line, loop_end_line; /* 0 when not in a loop */
    unsigned loop_depth;                     /* 0 when not in a loop */
    char *callee;                            /* the matched callee */
    char *message;                           /* rendered message */
    char *source_line;                       /* the text of the line, for carets and fingerprints */
    const char *severity; /* a .hotlint.yaml override (a static string), or NULL: the rule's */
} hl_finding;

/* The finding's severity: the override, else its rule's, else "warning". */
static inline const char *hl_finding_severity(const hl_finding *x)
{
    return x->severity ? x->severity : x->rule && x->rule->severity ? x->rule->severity : "warning";
}

typedef struct hl_findings {
    hl_finding *items;
    size_t n, cap;
    hl_diag *errors; /* what could not be analysed, and why; hl_diag_format prints one */
    size_t n_errors, cap_errors;
    size_t files_analyzed;
} hl_findings;

void hl_findings_free(hl_findings *f);

#endif
