/* summary.h - what one translation unit tells the whole-program stage
 * (program.c): the functions it defines with the costs every call of them
 * pays, the calls between functions (the call graph that heat follows), and
 * the calls in loops to functions no rule names (wrapper candidates: a
 * finding once the callee is known to allocate or format). Kept in the result
 * cache with the file's findings. Private to lint/. */
#ifndef HL_LINT_SUMMARY_H
#define HL_LINT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

/* The cost families a function can pay on every call; a rule of the same
 * family (the "family:" of a rule file) reports a call to it in a loop. */
typedef enum hl_family {
    HL_FAM_ALLOCATION,
    HL_FAM_FORMATTING,
    HL_FAM_STRING_COMPARE,
    HL_FAM_STRING_CONCAT,
    HL_N_FAMILIES
} hl_family;

#define HL_FAM_BIT(f) (1u << (unsigned)(f))
_Static_assert(HL_N_FAMILIES == 4, "lint.h's HL_WRAPPER_FAMILIES counts the same families");

/* "allocation", ... as rule files spell the family; -1 for another. */
int hl_family_of(const char *name);
const char *hl_family_name(hl_family f);
/* The family whose in-loop rule names callee (malloc: allocation), or -1. */
int hl_callee_family(const struct hl_catalog *cat, const char *callee);

/* A call inside a function. In a function's always list, steps of group 0
 * are each called on every call; steps that share a group k > 0 are
 * alternatives, one of which is called ("if (small) return a(); else
 * return b();"). */
typedef struct hl_step {
    char *callee;
    unsigned line;
    unsigned group;
} hl_step;

typedef struct hl_fn_summary {
    char *name;
    char *abs_file; /* where it is defined */
    unsigned line, end_line;
    bool is_static;
    bool parses_options; /* main, or any function, that loops over main's argument vector */
    unsigned families;   /* HL_FAM_BIT: paid on every call by a call in its own body */
    hl_step direct[HL_N_FAMILIES]; /* that call, per family in families */
    hl_step *always;               /* functions called on every call of this one */
    size_t n_always, cap_always;
    hl_step *returns; /* calls whose result it returns, directly or through a local */
    size_t n_returns, cap_returns;
} hl_fn_summary;

/* How a call sits in its caller, for heat. */
typedef enum hl_edge_kind {
    HL_EDGE_ONCE,    /* runs as often as the caller */
    HL_EDGE_LOOP,    /* in a loop that makes code hot */
    HL_EDGE_PER_ARG, /* in a loop over the program's arguments */
    HL_EDGE_COLD,    /* on an error path or under a verbosity or debug guard */
} hl_edge_kind;

typedef struct hl_edge {
    unsigned caller; /* index into the unit's functions */
    char *callee;
    unsigned line;
    hl_edge_kind kind;
} hl_edge;

/* A call in a loop to a function no rule names. */
typedef struct hl_wrapper_call {
    hl_finding at;          /* where: file, lines, function, loop, callee; no rule yet */
    unsigned attr_families; /* from the callee's declaration: malloc, alloc_size, format */
    bool conditional;       /* behind a capacity check in its loop ("if (len == cap)") */
    bool cheap_compare;     /* a compare there would cost little (values.c: a small table, after a
                               match) */
} hl_wrapper_call;

typedef struct hl_tu_summary {
    hl_fn_summary *fns;
    size_t n_fns, cap_fns;
    hl_edge *edges;
    size_t n_edges, cap_edges;
    hl_wrapper_call *calls;
    size_t n_calls, cap_calls;
} hl_tu_summary;

void hl_tu_summary_free(hl_tu_summary *s);

#endif
