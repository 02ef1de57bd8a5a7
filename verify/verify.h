/* verify.h - joins static findings with a measured profile and gives verdicts. */
#ifndef HL_VERIFY_H
#define HL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../lint/finding.h"
#include "../profile/profile.h"

typedef enum hl_verdict {
    HL_VERDICT_CONFIRMED,
    HL_VERDICT_DISMISSED,
    HL_VERDICT_NOT_EXERCISED,
    HL_VERDICT_INCONCLUSIVE,
    HL_VERDICT_HOT_OTHER_CAUSE, /* the site is hot, the rule's cost under it is not */
    HL_VERDICT_NOT_APPLICABLE,  /* the profile's sample type cannot show the rule's cost */
    HL_VERDICT_MERGED,          /* the compiler made this call and another one call */
} hl_verdict;
#define HL_VERDICT_COUNT 7

/* "confirmed", "dismissed", "not exercised", "inconclusive", "hot other cause",
 * "not applicable", "merged". */
const char *hl_verdict_name(hl_verdict v);
/* Where the text report lists a verdict: what needs a decision first
 * (confirmed, hot other cause, merged, inconclusive), then the rest. */
int hl_verdict_rank(hl_verdict v);

/* Defaults, documented here because users see them in the output:
 * - min_share 0.01: a finding is confirmed when the lower bound of the 95%
 *   interval of its evidence (the samples through its call into the rule's
 *   cost) is >= 1% of the total, dismissed when the upper bound is under it.
 * - min_samples 100: no finding is dismissed on fewer samples than this (1 s at
 *   100 Hz). With the default threshold the Wilson bound is the stricter test
 *   (a site with no sample at all needs 381 samples before its upper bound falls
 *   under 1%); the floor matters for higher thresholds, where a handful of
 *   samples would otherwise be enough to dismiss.
 * - max_unexplained 10: rows in each "hot code no rule explains" list. */
#define HL_VERIFY_DEFAULT_MIN_SHARE       0.01
#define HL_VERIFY_DEFAULT_MIN_SAMPLES     100
#define HL_VERIFY_DEFAULT_MAX_UNEXPLAINED 10

typedef struct hl_verify_options {
    const char *sample_index; /* NULL: alloc_space if present, else the profile's default */
    double min_share;         /* default 0.01 */
    int64_t min_samples;      /* samples needed before "dismissed"; default 100 */
    const char *const *trim_paths;
    size_t n_trim_paths;
    const char *source_root;
    size_t max_unexplained; /* rows in each unexplained list; default 10 */
    /* Sources that do not match the profiled binary are an error (hl_verify
     * returns -1 naming the file) unless this is set; then result.stale says so. */
    bool allow_stale;
} hl_verify_options;

/* Causes shown for a hot-other-cause finding. */
#define HL_VERIFY_MAX_CAUSES 3

/* Where the time under a site goes: one leaf (symbol and line). */
typedef struct hl_cause {
    char *function;
    char *file;   /* the profile's file name; "" when unknown */
    int64_t line; /* 0 when unknown */
    int64_t value;
    double share;   /* of the profile total */
    double of_site; /* of the site's cum */
} hl_cause;

void hl_verify_options_init(hl_verify_options *o);

typedef struct hl_verified {
    const hl_finding *finding;
    hl_verdict verdict;
    int64_t flat, cum, loop_cum, evidence; /* in the chosen sample type's unit */
    double flat_share, cum_share, loop_cum_share, evidence_share; /* of the profile total */
    /* 95% Wilson interval on the evidence share: the verdict's interval. */
    double ci_low, ci_high;
    int64_t cum_samples; /* sample count behind cum */
    /* Added: evidence as a part of the site's own cum (0 when cum is 0). */
    double evidence_of_cum;
    /* Added: true when the site was matched by function name only (the profile
     * has no line information): flat and cum are then the function's. */
    bool by_function;
    /* Added: the interval on the site's cum share (hot-other-cause needs its
     * lower bound at min_share or more). */
    double cum_ci_low, cum_ci_high;
    /* Hot other cause: the leaves under the site, by value (at most
     * HL_VERIFY_MAX_CAUSES). */
    hl_cause *causes;
    size_t n_causes;
    /* Merged: the other findings whose calls share this call instruction
     * (pointers into the findings), the group's combined evidence, the
     * instruction's address in the binary and the flag that keeps them apart. */
    const hl_finding **merged_with;
    size_t n_merged_with;
    int64_t merged_evidence;
    double merged_share;
    uint64_t merged_address;
    const char *keep_apart; /* "-fno-crossjumping"; static */
    /* Not applicable: why (static text). */
    const char *why_not_applicable;
} hl_verified;

typedef struct hl_unexplained {
    char *file;   /* the profile's file name, trimmed; "" when unknown */
    int64_t line; /* 0 for a function-level row */
    char *function;
    /* The library function the code called when the time is in a library
     * ("pread" for "pread 22% <- unixRead os_unix.c:3425"); NULL when the
     * time is the code's own. */
    char *callee;
    int64_t flat, cum;
    double flat_share, cum_share;
} hl_unexplained;

typedef struct hl_family_share {
    char *family; /* "allocation", "formatting", ... */
    int64_t value;
    double share;
    char *symbols; /* the family's cost symbols, comma-separated, for the reader */
} hl_family_share;

typedef struct hl_verify_result {
    hl_verified *items; /* sorted by cum, descending */
    size_t n_items;
    /* The union of the top max_unexplained rows by flat and by cum, for lines
     * (line > 0) and for functions (line == 0), over the samples whose stack
     * holds no finding's site. Shares are of the profile total. */
    hl_unexplained *unexplained;
    size_t n_unexplained;
    hl_family_share *families; /* sorted by share, descending */
    size_t n_families;
    int64_t total; /* total of the chosen sample type */
    int64_t total_samples;
    const char *sample_type, *sample_unit;
    bool profile_has_lines;
    hl_verify_options options; /* as used, with defaults filled in */
    /* Added below. */
    bool profile_has_functions; /* at least one location names a function */
    int64_t unexplained_total;  /* value of the samples through no finding's call */
    size_t n_confirmed, n_dismissed, n_not_exercised, n_inconclusive;
    /* Value of the samples with a frame that has no symbol, outside the
     * system's libraries: a function missing from the profile may hide there,
     * so at min_share or more "not exercised" becomes inconclusive. */
    int64_t unsymbolized;
    double unsymbolized_share;
    /* The profile's default sample type when verify chose another one on its
     * own (alloc_space over a heap profile's inuse_space); else NULL. */
    const char *profile_default_type;
    /* Heap-style profiles (values in the period's unit): total_samples is
     * total / sampling_period, the number of sampling periods the statistics
     * count; 0 when total_samples counts sample records (CPU profiles). */
    int64_t sampling_period;
    size_t n_hot_other_cause, n_not_applicable, n_merged;
    /* An allocation profile (alloc_space, inuse_objects, ...): every sample is
     * an allocation, so only allocating rules apply. */
    bool allocation_profile;
    /* Samples needed before a finding can be dismissed or called not
     * exercised at min_share (the Wilson bound of 0 samples falls under it),
     * or min_samples when larger. */
    int64_t samples_to_decide;
    /* With allow_stale: what does not match ("main.c: function f starts at
     * line 12 in the profiled binary, line 15 in the source"); else NULL. */
    char *stale;
    /* A note on the binary read for merged calls (not found, other build ID);
     * NULL when there is nothing to say. */
    char *binary_note;
} hl_verify_result;

/* How a finding meets the profile:
 * - Its site is lines line..end_line of its file in its function. A profile
 *   line matches when its function has the finding's function name (GCC clone
 *   suffixes ignored) and its file name shares the longest common path suffix
 *   with the finding's file among all the findings' files (after --trim-path;
 *   a relative name under --source-root may match exactly). Inlined frames are
 *   lines of their own. A line whose function has no name (some symbolizers
 *   leave out-of-line copies nameless) matches by file and line alone, within
 *   the finding's function.
 * - flat: samples whose leaf line is in the site; cum: samples whose stack
 *   holds the site, once per sample; loop cum: the same for the loop's lines;
 *   evidence: samples whose stack passes through the finding's call: a site
 *   frame whose next frame down is the callee, one of the rule's cost symbols
 *   or a library function, with a rule cost symbol at or below it (in an
 *   allocation profile every sample through the call counts; a library frame
 *   without symbols counts as the call, its cost being invisible). A compare
 *   chain's branch bodies call other functions, so only its compares count.
 * - The interval is Wilson's on the evidence share with n = the profile's
 *   sample count ("samples" type; else total / period when the period is in
 *   the value's unit, as in heap profiles; else one per sample record).
 *   Confirmed: lower bound >= min_share. Upper bound < min_share with at
 *   least min_samples samples: hot other cause when the lower bound of the
 *   site's cum share is >= min_share (the causes are the top leaves under the
 *   site), else dismissed. Otherwise inconclusive.
 * - Not applicable: an allocation profile and a rule that does not allocate
 *   (compare, format, strlen, I/O; asprintf and strdup do allocate).
 * - Merged: the profiled binary (the mapping's path, its build ID checked)
 *   has fewer call sites of the callee in the function than there are
 *   findings, and this finding's lines hold none of them (gcc's cross-jumping
 *   made two calls one).
 * - Not exercised needs the function absent from every symbolized frame,
 *   enough samples for the Wilson bound of zero to fall under min_share, and
 *   the frames without symbols under min_share of the total (counting only
 *   mappings the producer did not symbolize, outside /lib and /usr/lib); else
 *   the verdict is inconclusive.
 * - Stale: a function of a finding whose start line in the profile (DWARF's
 *   declaration line) is not the line naming it in the source.
 * - Without line information the site is the whole function (by_function).
 *   Without function names and lines (addresses only), or without samples,
 *   nothing can be matched: every verdict is inconclusive.
 * - Unexplained: samples that pass through no finding's call into its rule's
 *   cost (a site's other work, a chain's branch bodies, are not explained), by their own
 *   cost: the leaf when it is the program's code, else the first frame of the
 *   program's code above the library leaves (with the library function it
 *   called; allocator frames are not named). Functions with a confirmed
 *   finding and the process start-up frames are left out.
 *
 * Returns 0, or -1 with a message in err (unknown sample index, out of memory,
 * stale sources without allow_stale: "FILE: ..." naming what differs).
 * out borrows findings (items point into it) and the profile's type strings:
 * both must outlive it. cat may be NULL (the families then come from the
 * findings' rules). */
int hl_verify(const hl_findings *findings, const hl_catalog *cat, const hl_profile *prof,
              const hl_verify_options *opt, hl_verify_result *out, char *err, size_t errlen);
void hl_verify_result_free(hl_verify_result *r);

/* --- building blocks, public for the report writers and the tests --- */

/* 95% Wilson score interval for x successes in n trials. n <= 0 gives [0, 1].
 * Can't fail. */
void hl_wilson_interval(int64_t x, int64_t n, double *lo, double *hi);

/* The same for an observed share p of n samples (p = x / n). Can't fail. */
void hl_wilson_share(double p, int64_t n, double *lo, double *hi);

/* Number of trailing path components two paths share ("a/b/c.c" and
 * "/x/b/c.c" share 2). Empty components and "." are ignored. Can't fail. */
size_t hl_path_common_suffix(const char *a, const char *b);

/* Applies the first matching --trim-path prefix to path and returns a pointer
 * into path past it (and past any '/' that follows); path itself otherwise. */
const char *hl_path_trim(const char *path, const char *const *trims, size_t n_trims);

/* True when name matches a rule's cost symbol: exactly, or as a prefix when
 * the symbol ends in '*'. Version suffixes ("@GLIBC_2.2.5") and GCC clone
 * suffixes (".constprop.0", ".isra.0", ".cold") of name are ignored. */
bool hl_cost_symbol_match(const char *symbol, const char *name);

/* Length of name without GCC clone and symbol version suffixes. */
size_t hl_function_name_len(const char *name);

/* The sample type verify sums: the one named (by type, e.g. "cpu",
 * "alloc_space"); else alloc_space when the profile has it (a heap profile:
 * allocation rules are about allocated bytes, and Go's default inuse_space
 * makes a program that frees everything look empty); else the profile's
 * default. Returns its index, or -1 with a
 * message in err listing the profile's types when name is not one of them or
 * the profile has none. */
int hl_verify_sample_index(const hl_profile *prof, const char *name, char *err, size_t errlen);

/* Opens every profile (a path or a URL, fetched with token as a bearer token
 * when not NULL) and merges them when there are several. NULL with a message in err naming the
 * source when one cannot be read, or naming both when their sample types differ. (verify/load.c,
 * which needs hl_fetch and hl_profile.) */
hl_profile *hl_verify_open_profiles(const char *const *sources, size_t n, const char *token,
                                    char *err, size_t errlen);

#endif
