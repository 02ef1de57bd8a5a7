/* filter.h - the filter stage of lint: what the parse found, narrowed by one
 * ordered list of steps. Suppression comments are the first filter; they run
 * inside hl_lint_run, in the workers, because they need each file's text. The
 * list then applies, in the order it is built:
 *
 *   config    per-directory .hotlint.yaml: path excludes, rule selection,
 *             severity overrides (errors in excluded files go too)
 *   baseline  --baseline (read) or --write-baseline (record, then read):
 *             before diff, so a baseline records the whole tree
 *   diff      --diff: lines the change does not touch
 *   heat      --heat / min-heat: findings colder than the output shows
 *
 * Each step counts what it dropped, so the messages about hidden findings
 * come from one place. */
#ifndef HL_LINT_FILTER_H
#define HL_LINT_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

struct hl_configs;
struct hl_diff;

struct hl_filters;

/* One step: drops findings from f and sets *dropped to how many went; what
 * it reads is in fl. 0, or -1 with a message in err (f unchanged). */
typedef int (*hl_filter_fn)(const struct hl_filters *fl, hl_findings *f, size_t *dropped, char *err,
                            size_t errlen);

typedef struct hl_filter_step {
    const char *name; /* "config", "baseline", "diff", "heat" */
    hl_filter_fn apply;
    size_t dropped; /* set by hl_filters_run */
} hl_filter_step;

#define HL_FILTER_MAX_STEPS 8

typedef struct hl_filters {
    hl_filter_step step[HL_FILTER_MAX_STEPS];
    size_t n;
    /* What the steps read; set by the hl_filters_add_* calls. */
    struct hl_configs *configs;
    const struct hl_diff *diff;
    const char *baseline_path;
    bool write_baseline;
    hl_heat min_heat;
} hl_filters;

/* Append a step (in the order they should run). A NULL or empty argument adds
 * nothing. */
void hl_filters_add_config(hl_filters *fl, struct hl_configs *cs);
void hl_filters_add_diff(hl_filters *fl, const struct hl_diff *d);
/* write: record f's findings at path first (then every one of them is left
 * out of what is shown). */
void hl_filters_add_baseline(hl_filters *fl, const char *path, bool write);
void hl_filters_add_heat(hl_filters *fl, hl_heat min);

/* Runs the steps in order. 0, or -1 with err set by the step that failed. */
int hl_filters_run(hl_filters *fl, hl_findings *f, char *err, size_t errlen);

/* How many findings the step named name dropped (0 when it did not run). */
size_t hl_filters_dropped(const hl_filters *fl, const char *name);

#endif
