/* lint.h - the static analyzer's entry point: paths in, findings out. */
#ifndef HL_LINT_H
#define HL_LINT_H

#include <stdbool.h>
#include "finding.h"
#include "rule.h"

/* Functions declared to pay a cost family's price on every call
 * (.hotlint.yaml allocators:, formatters:, string-compares:, concatenators:),
 * indexed like the families of rules/ (lint/summary.h): allocation,
 * formatting, string-compare, string-concat. */
#define HL_WRAPPER_FAMILIES 4
typedef struct hl_wrappers {
    char **names[HL_WRAPPER_FAMILIES];
    size_t n[HL_WRAPPER_FAMILIES];
} hl_wrappers;

typedef struct hl_lint_options {
    const char *const *paths; /* files and directories; none means "." */
    size_t n_paths;
    const char *compdb_dir;        /* -p DIR, or NULL to auto-detect */
    const char *const *extra_args; /* after "--" */
    size_t n_extra_args;
    int jobs;      /* 0: number of cores */
    bool progress; /* progress line on stderr (terminal only), once the run
                      takes over a second ($HOTLINT_PROGRESS_AFTER seconds) */

    /* Files to leave unparsed (.hotlint.yaml excludes), or NULL: called once
     * per discovered file with its absolute path, before parsing. */
    bool (*skip)(void *user, const char *abs_path);
    void *skip_user;
    bool no_cache;               /* --no-cache: parse every file (lint/cache.h) */
    const char *cache_dir;       /* --cache-dir DIR, or NULL for the default place */
    const hl_wrappers *wrappers; /* declared wrappers, or NULL */
} hl_lint_options;

/* Lints the paths with the catalog's rules. Returns 0 when the run completed
 * (findings and per-file errors are in out), -1 on a usage or input error
 * with the message in err (nothing to lint, missing path, ...). */
int hl_lint_run(const hl_lint_options *opt, const hl_catalog *cat, hl_findings *out, char *err,
                size_t errlen);

#endif
