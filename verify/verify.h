/* verify.h - joins static findings with a measured profile and gives verdicts. */
#ifndef HL_VERIFY_H
#define HL_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include "../lint/finding.h"
#include "../profile/profile.h"

typedef enum hl_verdict {
    HL_VERDICT_CONFIRMED,
    HL_VERDICT_DISMISSED,
    HL_VERDICT_NOT_EXERCISED,
    HL_VERDICT_INCONCLUSIVE,
} hl_verdict;

const char *hl_verdict_name(hl_verdict v); /* "confirmed", "not exercised", ... */

typedef struct hl_verify_options {
    const char *sample_index; /* NULL: the profile's default */
    double min_share;         /* default 0.01 */
    int64_t min_samples;      /* samples needed before "dismissed"; default documented in verify.c */
    const char *const *trim_paths;
    size_t n_trim_paths;
    const char *source_root;
    size_t max_unexplained;   /* rows in the unexplained list; default 10 */
} hl_verify_options;

void hl_verify_options_init(hl_verify_options *o);

typedef struct hl_verified {
    const hl_finding *finding;
    hl_verdict verdict;
    int64_t flat, cum, loop_cum, evidence; /* in the chosen sample type's unit */
    double flat_share, cum_share, loop_cum_share, evidence_share; /* of the profile total */
    double ci_low, ci_high;   /* 95% Wilson interval on the cum share */
    int64_t cum_samples;      /* sample count behind cum */
} hl_verified;

typedef struct hl_unexplained {
    char *file;
    int64_t line;       /* 0 for a function-level row */
    char *function;
    int64_t flat, cum;
    double flat_share, cum_share;
} hl_unexplained;

typedef struct hl_family_share {
    char *family;       /* "allocation", "formatting", ... */
    int64_t value;
    double share;
} hl_family_share;

typedef struct hl_verify_result {
    hl_verified *items; /* sorted by cum, descending */
    size_t n_items;
    hl_unexplained *unexplained;
    size_t n_unexplained;
    hl_family_share *families;
    size_t n_families;
    int64_t total;        /* total of the chosen sample type */
    int64_t total_samples;
    const char *sample_type, *sample_unit;
    bool profile_has_lines;
    hl_verify_options options; /* as used, with defaults filled in */
} hl_verify_result;

/* Returns 0, or -1 with a message in err (unknown sample index, ...). */
int hl_verify(const hl_findings *findings, const hl_catalog *cat, const hl_profile *prof,
              const hl_verify_options *opt, hl_verify_result *out, char *err, size_t errlen);
void hl_verify_result_free(hl_verify_result *r);

#endif
