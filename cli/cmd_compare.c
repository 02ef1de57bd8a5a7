/* cmd_compare.c - hotlint compare: did the change work? Reads the runs of
 * each side, lints the sources before and after the edit, compares and
 * reports. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fetch/fetch.h"
#include "commands.h"
#include "compare.h"
#include "compare_json.h"
#include "compare_text.h"
#include "escape.h"
#include "lint_options.h"
#include "verify_options.h"

static const char *usage_text =
    "usage: hotlint compare BEFORE AFTER [options] [SOURCES...] [-- COMPILER-FLAGS...]\n"
    "       hotlint compare --before FILE... --after FILE... [options] [SOURCES...]\n"
    "\n"
    "Did the change work? BEFORE and AFTER are CPU profiles of repeated runs: one\n"
    "profile of `hotlint run --repeat N` each (split into its runs by the \"run\"\n"
    "label), or several profiles of one run each from any producer (--before and\n"
    "--after, repeatable). Compares run by run the total CPU time, each function's\n"
    "flat cost and, when SOURCES are given, each finding's cost at its site, the\n"
    "findings matched across the edit by their fingerprint (rule, file, function,\n"
    "line text), so a finding whose line moved is the same finding. SOURCES are\n"
    "linted as they are now; --before-source DIR gives the tree as it was before,\n"
    "laid out as the current directory (each SOURCE is linted again under DIR).\n"
    "\n"
    "Each row: the medians per run with the half-width of their interval (order\n"
    "statistics), the change of the medians with the interval of the shift and the\n"
    "Mann-Whitney U test (exact for small samples without ties, else the normal\n"
    "approximation with tie correction). Verdicts: improved, regressed (p < alpha),\n"
    "unchanged; for findings also fixed (still reported, confirmed by verify before\n"
    "and dismissed now), new (no match before) and gone (no longer reported by lint).\n"
    "\n"
    "Exit status: 0, or 1 with --fail-on regressed when the total or a finding\n"
    "regressed; 2 a usage or input error.\n"
    "\n"
    "compare options:\n"
    "  --before FILE        a profile of the before side (repeatable)\n"
    "  --after FILE         a profile of the after side (repeatable)\n"
    "  --before-source DIR  the source tree before the edit\n"
    "  --format FMT         text (default) or json\n"
    "  --alpha A            significance level, and 1 - A the intervals' level\n"
    "                       (default 0.05)\n"
    "  --min-share PCT      list functions from this share of a side's total\n"
    "                       (default 1)\n"
    "  --fail-on WHEN       regressed: exit 1 when the total or a finding regressed;\n"
    "                       none (default)\n"
    "  --sample-index NAME  the value to compare (default: cpu); must be a time\n"
    "  --trim-path PREFIX, --source-root DIR, --token T, --max-profile-memory SIZE\n"
    "                       as for verify\n"
    "\nshared options (for linting SOURCES):\n";

typedef struct compare_cli {
    hl_profile_cli pc;
    const char **before, **after;
    size_t n_before, n_after;
    const char *before_source;
    double alpha, min_share;
    bool fail_on_regressed;
} compare_cli;

static int push(const char ***arr, size_t *n, const char *v)
{
    const char **t = realloc(*arr, (*n + 1) * sizeof *t);
    if (!t)
        return -1;
    t[(*n)++] = v;
    *arr = t;
    return 0;
}

static hl_opt_result number_opt(const char *name, int argc, char **argv, int *i, double lo,
                                double hi, double *out, char *err, size_t errlen)
{
    const char *val;
    hl_opt_result r = hl_opt_value(name, argc, argv, i, &val, err, errlen);
    if (r != HL_OPT_OK)
        return r;
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (errno || end == val || *end || !(v > lo) || !(v < hi)) {
        snprintf(err, errlen, "%s: '%s' is not a number in (%g, %g)", name, val, lo, hi);
        return HL_OPT_ERROR;
    }
    *out = v;
    return HL_OPT_OK;
}

static hl_opt_result compare_layer(void *user, int argc, char **argv, int *i, char *err,
                                   size_t errlen)
{
    compare_cli *c = user;
    const char *val;
    hl_opt_result r;
    bool before = true;
    if ((r = hl_opt_value("--before", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE ||
        (before = false,
         (r = hl_opt_value("--after", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE)) {
        if (r == HL_OPT_OK && (before ? push(&c->before, &c->n_before, val)
                                      : push(&c->after, &c->n_after, val)) < 0) {
            snprintf(err, errlen, "out of memory parsing the arguments");
            return HL_OPT_ERROR;
        }
        return r;
    }
    if ((r = hl_opt_value("--before-source", argc, argv, i, &c->before_source, err, errlen)) !=
        HL_OPT_NOT_MINE)
        return r;
    if ((r = number_opt("--alpha", argc, argv, i, 0, 0.5, &c->alpha, err, errlen)) !=
        HL_OPT_NOT_MINE)
        return r;
    if ((r = number_opt("--min-share", argc, argv, i, 0, 100, &c->min_share, err, errlen)) !=
        HL_OPT_NOT_MINE) {
        c->min_share /= 100;
        return r;
    }
    if ((r = hl_opt_value("--fail-on", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE) {
        if (r != HL_OPT_OK)
            return r;
        if (strcmp(val, "regressed") && strcmp(val, "none")) {
            snprintf(err, errlen, "--fail-on: '%s' is not one of regressed, none", val);
            return HL_OPT_ERROR;
        }
        c->fail_on_regressed = !strcmp(val, "regressed");
        return HL_OPT_OK;
    }
    return hl_profile_cli_parse_one(&c->pc, argc, argv, i, err, errlen);
}

/* Reads every profile of one side into s. Returns 0, or -1 (message printed). */
static int read_side(hl_side *s, const char *const *files, size_t n, const char *token)
{
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        hl_profile *p = hl_verify_open_profiles(&files[i], 1, token, err, sizeof err);
        if (!p || hl_side_add(s, p, files[i], err, sizeof err) < 0) {
            fprintf(stderr, "hotlint compare: %s\n", hl_esc(err));
            return -1;
        }
    }
    if (hl_side_finish(s, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint compare: %s\n", hl_esc(err));
        return -1;
    }
    return 0;
}

/* "a.prof: 10 runs" or "3 profiles: 3 runs". */
static void describe(char *out, size_t n, const char *const *files, size_t nf, const hl_side *s)
{
    char shown[512];
    if (nf == 1)
        snprintf(out, n, "%s: %zu run%s", hl_fetch_redact(files[0], shown, sizeof shown), s->n_runs,
                 s->n_runs == 1 ? "" : "s");
    else
        snprintf(out, n, "%zu profiles (%s, ...): %zu runs", nf,
                 hl_fetch_redact(files[0], shown, sizeof shown), s->n_runs);
}

/* Warnings about a side: too few runs, samples without a run label, runs
 * that ended differently. */
static void warn_side(const char *what, const char *name, const hl_side *s)
{
    if (s->n_runs < 5)
        fprintf(stderr,
                "hotlint compare: warning: %s (%s) has %zu run%s: with fewer than 5 runs a side "
                "rarely shows a significant change (3 against 3 cannot reach p < 0.05); record "
                "more with hotlint run --repeat 10\n",
                what, hl_esc(name), s->n_runs, s->n_runs == 1 ? "" : "s");
    if (s->n_unlabelled)
        fprintf(stderr,
                "hotlint compare: warning: %s: %zu samples carry no run label and are left out\n",
                what, s->n_unlabelled);
    for (size_t r = 1; r < s->n_runs; r++)
        if (strcmp(s->runs[r].status, s->runs[0].status)) {
            fprintf(stderr,
                    "hotlint compare: warning: %s: the runs ended differently (run %s: %s, run "
                    "%s: %s)\n",
                    what, s->runs[0].label, s->runs[0].status, s->runs[r].label, s->runs[r].status);
            break;
        }
}

/* Lints the sources for the before side: each SOURCE under dir. */
static int lint_before(const hl_lint_cli *lc, const char *dir, hl_catalog *cat, hl_findings *fs,
                       char *err, size_t errlen)
{
    hl_lint_cli b = *lc;
    char **paths = calloc(lc->n_paths + 1, sizeof *paths);
    int rc = -1;
    if (!paths) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < lc->n_paths; i++) {
        if (lc->paths[i][0] == '/') {
            snprintf(err, errlen,
                     "%s: with --before-source, give SOURCES relative to the current directory "
                     "(they are linted again under %s)",
                     lc->paths[i], dir);
            goto done;
        }
        size_t n = strlen(dir) + strlen(lc->paths[i]) + 2;
        if (!(paths[i] = malloc(n))) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        snprintf(paths[i], n, "%s/%s", dir, lc->paths[i]);
    }
    b.paths = (const char **)paths;
    b.baseline = b.write_baseline = NULL;
    b.diff = false;
    rc = hl_lint_cli_run(&b, cat, fs, err, errlen);
done:
    for (size_t i = 0; i < lc->n_paths; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

/* What one comparison holds; zero-initialise. */
typedef struct compare_state {
    hl_lint_cli lc;
    compare_cli cc;
    hl_side before, after;
    hl_catalog cat_b, cat_a;
    hl_findings fs_b, fs_a;
    bool linted_b, linted_a;
    char *before_root;
} compare_state;

static void state_free(compare_state *s)
{
    hl_side_free(&s->before);
    hl_side_free(&s->after);
    if (s->linted_b) {
        hl_findings_free(&s->fs_b);
        hl_catalog_free(&s->cat_b);
    }
    if (s->linted_a) {
        hl_findings_free(&s->fs_a);
        hl_catalog_free(&s->cat_a);
    }
    free(s->before_root);
    free(s->cc.before);
    free(s->cc.after);
    hl_profile_cli_free(&s->cc.pc);
    hl_lint_cli_free(&s->lc);
}

/* Moves the first two positional arguments to the sides when neither
 * --before nor --after was given. Returns 0, or -1 (message printed). */
static int take_sides(compare_state *s)
{
    compare_cli *c = &s->cc;
    if (!c->n_before && !c->n_after) {
        if (s->lc.n_paths < 2) {
            fputs("hotlint compare: give the BEFORE and AFTER profiles\n"
                  "usage: hotlint compare BEFORE AFTER [options] [SOURCES...] (see --help)\n",
                  stderr);
            return -1;
        }
        if (push(&c->before, &c->n_before, s->lc.paths[0]) < 0 ||
            push(&c->after, &c->n_after, s->lc.paths[1]) < 0) {
            fputs("hotlint compare: out of memory\n", stderr);
            return -1;
        }
        memmove(s->lc.paths, s->lc.paths + 2, (s->lc.n_paths - 2) * sizeof *s->lc.paths);
        s->lc.n_paths -= 2;
    } else if (!c->n_before || !c->n_after) {
        fprintf(stderr, "hotlint compare: --%s needs --%s too (a profile for each side)\n",
                c->n_before ? "before" : "after", c->n_before ? "after" : "before");
        return -1;
    }
    return 0;
}

/* Lints both sides when there are sources. Returns 0, or -1 (message printed). */
static int lint_sides(compare_state *s)
{
    char err[1024] = "";
    if (!s->lc.n_paths) {
        if (s->cc.before_source)
            fputs("hotlint compare: warning: --before-source without SOURCES: no findings to "
                  "compare\n",
                  stderr);
        return 0;
    }
    if (hl_lint_cli_run(&s->lc, &s->cat_a, &s->fs_a, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint compare: %s\n", hl_esc(err));
        return -1;
    }
    s->linted_a = true;
    if (!s->cc.before_source)
        return 0;
    struct stat st;
    if (stat(s->cc.before_source, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                "hotlint compare: --before-source %s: not a directory; give the tree "
                "as it was before the edit\n",
                hl_esc(s->cc.before_source));
        return -1;
    }
    s->before_root = realpath(s->cc.before_source, NULL);
    if (!s->before_root ||
        lint_before(&s->lc, s->cc.before_source, &s->cat_b, &s->fs_b, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint compare: %s\n", hl_esc(err[0] ? err : strerror(errno)));
        return -1;
    }
    s->linted_b = true;
    return 0;
}

static bool anything_regressed(const hl_compare_result *r)
{
    if (r->total_verdict == HL_CMP_REGRESSED)
        return true;
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].verdict == HL_CMP_REGRESSED)
            return true;
    return false;
}

static int report(compare_state *s, const hl_compare_result *res)
{
    char bname[1024], aname[1024];
    describe(bname, sizeof bname, s->cc.before, s->cc.n_before, &s->before);
    describe(aname, sizeof aname, s->cc.after, s->cc.n_after, &s->after);
    warn_side("BEFORE", bname, &s->before);
    warn_side("AFTER", aname, &s->after);
    int wr = !strcmp(s->lc.format, "json") ? hl_compare_write_json(stdout, res)
                                           : hl_compare_write_text(stdout, res, bname, aname);
    if (fflush(stdout) != 0 || wr < 0) {
        fprintf(stderr, "hotlint compare: writing the report failed: %s\n", strerror(errno));
        return 2;
    }
    return s->cc.fail_on_regressed && anything_regressed(res) ? 1 : 0;
}

int hl_cmd_compare(int argc, char **argv)
{
    compare_state s;
    memset(&s, 0, sizeof s);
    char err[1024] = "";
    int rc = 2;
    hl_lint_cli_init(&s.lc);
    int pr =
        hl_lint_cli_parse_command(&s.lc, argc, argv, compare_layer, &s.cc, "compare", usage_text);
    if (pr >= 0) {
        rc = pr;
        goto out;
    }
    if (strcmp(s.lc.format, "text") && strcmp(s.lc.format, "json")) {
        fprintf(stderr, "hotlint compare: --format %s: compare writes text or json\n",
                hl_esc(s.lc.format));
        goto out;
    }
    if (take_sides(&s) < 0 || read_side(&s.before, s.cc.before, s.cc.n_before, s.cc.pc.token) < 0 ||
        read_side(&s.after, s.cc.after, s.cc.n_after, s.cc.pc.token) < 0 || lint_sides(&s) < 0)
        goto out;
    for (size_t i = 0; i < s.fs_a.n_errors; i++) {
        char text[8192];
        fprintf(
            stderr, "%s\n",
            hl_esc_flags(hl_diag_format(&s.fs_a.errors[i], text, sizeof text), HL_ESC_LINE_START));
    }
    hl_compare_input in = {
        .before = &s.before,
        .after = &s.after,
        .before_findings = s.linted_b   ? &s.fs_b
                           : s.linted_a ? &s.fs_a
                                        : NULL,
        .after_findings = s.linted_a ? &s.fs_a : NULL,
        .before_root = s.before_root,
        .alpha = s.cc.alpha,
        .min_share = s.cc.min_share,
    };
    hl_verify_options_init(&in.vo);
    hl_profile_cli_verify_options(&s.cc.pc, &in.vo);
    hl_compare_result res;
    if (hl_compare(&in, &res, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint compare: %s\n", hl_esc(err));
        goto out;
    }
    rc = report(&s, &res);
    hl_compare_result_free(&res);
out:
    state_free(&s);
    return rc;
}
