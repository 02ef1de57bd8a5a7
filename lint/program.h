/* program.h - the whole-program stage, after every unit is parsed (or read
 * from the cache): one index of the functions of all units, what each one
 * pays on every call through its callees (reach, program.c), the findings
 * at calls in loops to such functions (wrapper findings), and the heat of
 * every finding (heat.c). Private to lint/. */
#ifndef HL_LINT_PROGRAM_H
#define HL_LINT_PROGRAM_H

#include <stddef.h>

#include "../base/hashmap.h"
#include "lint.h"
#include "lint_internal.h"

#define HL_REACH_DEPTH 4 /* calls followed below a wrapper */

/* One function of the program: the first summary met for it. */
typedef struct prog_fn {
    const hl_fn_summary *s;
    size_t next_same_name; /* SIZE_MAX ends the chain */
    unsigned reach;        /* HL_FAM_BIT: paid on every call, through callees too */
    bool fresh;            /* returns memory it allocated (directly or through a callee) */
    /* per family: the call that pays it (into.callee) and the function it
     * leads to (SIZE_MAX: the call pays it itself) */
    struct {
        hl_step at;
        size_t into;
    } via[HL_N_FAMILIES];
    hl_heat level;       /* how often it runs (heat.c) */
    size_t why_edge;     /* the edge that set level, SIZE_MAX: none */
    const char *why_own; /* or a reason of its own (its name), NULL */
} prog_fn;

/* An edge of the program's call graph, resolved. */
typedef struct prog_edge {
    size_t caller, callee;
    const hl_edge *e;
} prog_edge;

typedef struct program {
    const hl_catalog *cat;
    const hl_scope *scope;
    prog_fn *fns;
    size_t n_fns, cap_fns;
    hl_hashmap by_name; /* name -> first prog_fn of that name */
    hl_hashmap by_site; /* abs_file NUL line -> prog_fn */
    prog_edge *edges;
    size_t n_edges, cap_edges;
    hl_hashmap program_files; /* files whose main loops over its arguments (heat.c) */
    size_t *fn_base;          /* per unit: its summary's function k is fn_map[fn_base[u] + k] */
    size_t *fn_map;
} program;

/* Applies the stage to the units' results in place: adds wrapper findings
 * and sets every finding's heat. Returns 0, or -1 when out of memory. */
int hl_program_apply(hl_file_result *results, size_t n, const hl_catalog *cat,
                     const hl_scope *scope, const hl_wrappers *declared);

/* program.c: the function callee names, seen from a caller in abs_file (a
 * static function of that file first); SIZE_MAX when the program has none. */
size_t lx_prog_resolve(const program *p, const char *name, const char *abs_file);
/* The function a finding is in; SIZE_MAX when unknown. */
size_t lx_prog_fn_at(const program *p, const char *abs_file, unsigned line);

/* heat.c */
/* The word of a function's name that marks code run once, on request or on
 * failure ("usage", "debug", "init", "error", "assert", "log", ...), or NULL. */
const char *lx_cold_word(const char *name, bool as_callee);
void lx_heat_functions(program *p);
/* Sets x's heat from its own evidence and its function's. 0, or -1 (OOM). */
int lx_heat_finding(const program *p, hl_finding *x);

#endif
