/* measure.h - per-run values of a side: the sampled total, each function's
 * flat cost and each finding's cost at its site (verify's cum), in seconds. */
#ifndef HL_COMPARE_MEASURE_H
#define HL_COMPARE_MEASURE_H

#include <stddef.h>

#include "../base/hashmap.h"
#include "../verify/verify.h"
#include "runs.h"

/* Seconds per unit for time units (nanoseconds, microseconds, milliseconds,
 * seconds); 0 for anything else. */
double hl_measure_time_scale(const char *unit);

/* The index of the sample type named type (NULL: "cpu" when present, else the
 * default) in every run of s, checked to be a time; its name is copied to
 * type_out. Returns 0, or -1 with a message in err naming the source. */
int hl_measure_check_type(const hl_side *s, const char *type, char *type_out, size_t type_len,
                          char *err, size_t errlen);

/* out[r]: the sum of the type's values over run r's samples, in seconds. */
void hl_measure_totals(const hl_side *s, const char *type, double *out);

/* Function names (GCC clone suffixes removed) of both sides, each given a
 * row index in names (order of first appearance); nameless frames are left
 * out. */
typedef struct hl_fn_names {
    hl_hashmap map;
    char **names;
    size_t n, cap;
} hl_fn_names;

int hl_measure_collect_names(hl_fn_names *fn, const hl_side *s);
void hl_fn_names_free(hl_fn_names *fn);

/* flat[i * n_runs + r]: the flat cost of function i in run r, in seconds.
 * flat has fn->n * s->n_runs elements, zeroed by the caller. */
void hl_measure_functions(const hl_side *s, const char *type, const hl_fn_names *fn, double *flat);

/* cost[i * n_runs + r]: the cum cost of finding i at its site in run r, in
 * seconds, and share[...] its share of the run's total (share may be NULL).
 * verdict[i] (may be NULL): verify's verdict over all runs (s->merged).
 * Returns 0, or -1 with a message in err. */
int hl_measure_findings(const hl_side *s, const hl_findings *fs, const hl_catalog *cat,
                        const hl_verify_options *vo, double *cost, double *share,
                        hl_verdict *verdict, char *err, size_t errlen);

#endif
