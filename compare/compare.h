/* compare.h - did the change work? Two sides (before, after), each a list of
 * runs (runs.h), compared run by run for the total, each function's flat
 * cost and each finding's cost at its site, findings matched across the edit
 * by their baseline fingerprint (lint/baseline.h). Sits beside verify/ and
 * uses it for the finding costs; below report/ and cli/. */
#ifndef HL_COMPARE_H
#define HL_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lint/baseline.h"
#include "../verify/verify.h"
#include "runs.h"

typedef enum hl_cmp_verdict {
    HL_CMP_IMPROVED,
    HL_CMP_REGRESSED,
    HL_CMP_UNCHANGED,
    HL_CMP_FIXED, /* findings: still reported; confirmed before, dismissed by verify now */
    HL_CMP_NEW,   /* findings: no match before */
    HL_CMP_GONE,  /* findings: no longer reported by lint */
} hl_cmp_verdict;

const char *hl_cmp_verdict_name(hl_cmp_verdict v); /* "improved", ... */

/* One row's statistics over the runs. Costs are per run, in seconds. */
typedef struct hl_cmp_stat {
    bool has_before, has_after; /* a side that cannot be measured (new, gone) has none */
    double before, after;       /* medians */
    double before_lo, before_hi, after_lo, after_hi; /* intervals of the medians */
    double before_share, after_share;                /* median share of the run's total */
    /* Relative change of the medians, after / before - 1, and the interval
     * of the shift (hl_shift_ci) over the before median; NAN when before is 0. */
    double change, ci_lo, ci_hi;
    double p;         /* Mann-Whitney, two-sided; 1 when not tested */
    bool exact;       /* exact distribution of U */
    bool significant; /* p < alpha */
} hl_cmp_stat;

typedef struct hl_cmp_finding {
    const hl_finding *before, *after; /* NULL for new (before) and gone (after) */
    char fingerprint[HL_FINGERPRINT_LEN];
    hl_cmp_stat st;
    hl_cmp_verdict verdict;
} hl_cmp_finding;

typedef struct hl_cmp_function {
    char *name;
    hl_cmp_stat st;
    hl_cmp_verdict verdict;
} hl_cmp_function;

typedef struct hl_compare_input {
    const hl_side *before, *after;
    const hl_findings *before_findings, *after_findings; /* may be NULL: no findings */
    const char *before_root, *after_root; /* fingerprint roots (NULL: the working directory) */
    const hl_catalog *cat;                /* may be NULL */
    hl_verify_options vo;                 /* sample_index NULL: "cpu" when present */
    double alpha;                         /* significance level; 0: 0.05 */
    double min_share;                     /* functions listed from this share; 0: 0.01 */
} hl_compare_input;

typedef struct hl_compare_result {
    hl_cmp_stat total; /* the sampled total of each run */
    hl_cmp_verdict total_verdict;
    bool has_measured; /* every run of both sides has hotlint-run figures */
    hl_cmp_stat measured_cpu, wall;
    hl_cmp_finding *findings; /* biggest significant changes first */
    size_t n_findings;
    hl_cmp_function *functions; /* the same order */
    size_t n_functions;
    size_t n_before_runs, n_after_runs;
    double alpha;
    char sample_type[64];
    const char *before_root, *after_root; /* from the input, for the findings' paths */
} hl_compare_result;

/* Compares. Returns 0, or -1 with a message in err (no runs, a sample type
 * missing or not a time, out of memory). */
int hl_compare(const hl_compare_input *in, hl_compare_result *out, char *err, size_t errlen);
void hl_compare_result_free(hl_compare_result *r);

/* --- building blocks, public for the tests --- */

/* The statistics of one row from the per-run values of each side. Returns 0,
 * or -1 when out of memory. */
int hl_cmp_stat_compute(const double *before, size_t nb, const double *after, size_t na,
                        double alpha, hl_cmp_stat *out);

/* The verdict of a row: improved or regressed when significant, by the sign
 * of the change; else unchanged. */
hl_cmp_verdict hl_cmp_stat_verdict(const hl_cmp_stat *s);

#endif
