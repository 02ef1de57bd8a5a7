/* diff.h - the lines a change adds or modifies, from git's unified diff, for `--diff [REV]`. */
#ifndef HL_DIFF_H
#define HL_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

/* The changed lines of one file: sorted, non-overlapping ranges of new-file lines. */
typedef struct hl_diff_file {
    char *path; /* as in the diff's "+++ b/PATH" line: relative to the repository top */
    struct {
        unsigned first, last; /* 1-based, inclusive */
    } * ranges;
    size_t n, cap;
} hl_diff_file;

typedef struct hl_diff {
    char *top; /* absolute, resolved repository top; NULL when parsed from text */
    hl_diff_file *files;
    size_t n, cap;
} hl_diff;

/* Parses the text of `git diff -U0` (any unified diff whose new-side paths
 * carry git's "b/" prefix, or none with no_prefix): for each "+++ PATH" the
 * new-side ranges of its "@@ -a,b +c,d @@" hunks (d lines from c; d omitted
 * means 1; d = 0, a pure deletion, adds nothing). Quoted paths ("b/a\tb.c")
 * are unquoted; deleted files ("+++ /dev/null") are left out. Returns 0, or
 * -1 with a message in err for a malformed hunk header (naming its line of
 * the diff) or when out of memory. */
int hl_diff_parse(const char *text, size_t len, bool no_prefix, hl_diff *out, char *err,
                  size_t errlen);

/* Runs git in the working directory's repository: `git diff --cached -U0`
 * (the staged change) when rev is NULL, else `git diff -U0 REV` (the working
 * tree against REV), and parses it; sets out->top. Returns 0, or -1 with a
 * message in err outside a git repository, for a REV git does not know, or
 * when git cannot be run. */
int hl_diff_from_git(const char *rev, hl_diff *out, char *err, size_t errlen);

/* True when lines first..last of the file at abs_path (resolved, under
 * d->top; or a path relative to the top when d->top is NULL) meet a changed
 * range. */
bool hl_diff_touches(const hl_diff *d, const char *abs_path, unsigned first, unsigned last);

/* True when the change touches the finding: its call's range (a compare
 * chain's whole range) or its loop's header line. */
bool hl_diff_touches_finding(const hl_diff *d, const hl_finding *x);

/* Drops the findings the change does not touch; returns how many. */
size_t hl_diff_filter(const hl_diff *d, hl_findings *f);

void hl_diff_free(hl_diff *d);

#endif
