/* finding.h - one static finding, the product of lint/ and the input of verify/ and report/. */
#ifndef HL_FINDING_H
#define HL_FINDING_H

#include <stddef.h>

#include "../base/diag.h"
#include "rule.h"

/* How often the code of a finding is likely to run, from evidence in the code
 * (lint/heat.c). Ordered: a higher value is hotter. */
typedef enum hl_heat { HL_HEAT_COLD = 1, HL_HEAT_WARM = 2, HL_HEAT_HOT = 3 } hl_heat;

/* "cold", "warm" or "hot"; and back (0 for an unknown name). */
const char *hl_heat_name(hl_heat h);
hl_heat hl_heat_parse(const char *s);

/* A compiler-style note attached to a finding: a place and what it shows
 * (the loop's header, a macro expansion, one step of a call chain). */
typedef struct hl_note {
    char *file; /* as shown to the user; NULL: the finding's file */
    unsigned line, column;
    char *message;
    unsigned end_line,
        end_column; /* a further call site of the finding (in its file): its end; 0: not one */
} hl_note;

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
    hl_heat heat;         /* 0 until lint/heat.c has judged it */
    char **heat_reasons;  /* why, one phrase each, strongest first */
    size_t n_heat_reasons;
    hl_note *notes; /* in the order they are shown */
    size_t n_notes;
} hl_finding;

/* Both return 0, or -1 when out of memory (the finding unchanged). */
int hl_finding_add_note(hl_finding *x, const char *file, unsigned line, unsigned column,
                        const char *message);
int hl_finding_add_heat_reason(hl_finding *x, const char *reason);

/* Whether line is one of the finding's call sites: its own range or a
 * further site (a note with an end). */
static inline int hl_finding_site_has_line(const hl_finding *x, unsigned line)
{
    unsigned end = x->end_line > x->line ? x->end_line : x->line;
    if (line >= x->line && line <= end)
        return 1;
    for (size_t i = 0; i < x->n_notes; i++)
        if (x->notes[i].end_line && line >= x->notes[i].line && line <= x->notes[i].end_line)
            return 1;
    return 0;
}

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
/* Removes the findings colder than min (a finding not yet judged stays);
 * returns how many it removed. */
size_t hl_findings_keep_heat(hl_findings *f, hl_heat min);

#endif
