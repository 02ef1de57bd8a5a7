/* cmd_flame.c - `hotlint flame`: a profile as an interactive SVG flame graph or folded stacks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/escape.h"
#include "../fetch/fetch.h"
#include "../fetch/source.h"
#include "../report/flame.h"
#include "../report/folded.h"
#include "../base/atomic_file.h"
#include "../verify/verify.h"
#include "commands.h"
#include "lint_options.h"
#include "verify_options.h"

static const char flame_usage[] =
    "usage: hotlint flame PROFILE... [-o FILE] [options] [--findings PATH... [-- FLAGS...]]\n"
    "\n"
    "Writes a self-contained interactive SVG flame graph (hover for function, file:line,\n"
    "flat and cum; click to zoom; search box; reset), or folded stacks with --folded.\n"
    "Several profiles of one kind are merged. PROFILE may be a path or an http(s) URL.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      write here instead of standard output\n"
    "  --folded               folded stacks (\"main;parse;strlen 123\") instead of SVG\n"
    "  --sample-index NAME|N  the sample type to draw (default: the profile's default)\n"
    "  --token T              bearer token for profile URLs\n"
    "  --save-profile FILE    keep the profile read (a URL's window,\n"
    "                         kept for later runs)\n"
    "  --max-profile-memory SIZE  memory one profile may take to read (default 2G)\n"
    "  --trim-path PREFIX     for --findings: remove PREFIX from the profile's file names\n"
    "  --source-root DIR      for --findings: relative profile file names are under DIR\n"
    "  --title TEXT           the graph's title\n"
    "  --width PIXELS         the graph's width (default 1200)\n"
    "  --findings PATH...     lint these sources, verify the findings against the profile,\n"
    "                         and colour the frames of confirmed findings (rule in tooltip);\n"
    "                         -p DIR, --rules DIR and -- FLAGS work as for lint\n"
    "  --min-share PCT        confirm at this share of the total, in percent, for\n"
    "                         --findings (default 1, or verify.min-share of .hotlint.yaml)\n"
    "  -h, --help             this help\n";

struct flame_args {
    hl_lint_cli lint;  /* the shared options; its paths are the profiles, then the sources */
    hl_profile_cli pc; /* --sample-index, --token, --trim-path, --source-root; the profiles */
    const char *output, *title;
    int width;
    bool folded, findings;
    size_t first_source; /* the positional arguments from here on follow --findings */
    double min_share;
    bool have_min_share;
};

/* The sample type to draw: the one named (by type or by index), else the
 * profile's default. Returns 0, or -1 with a message in err listing the types. */
static int pick_sample_index(const hl_profile *p, const char *s, size_t *out, char *err,
                             size_t errlen)
{
    char *end;
    long v;
    if (p->n_sample_types == 0) {
        snprintf(err, errlen, "the profile has no sample types; is it a pprof profile?");
        return -1;
    }
    if (!s) {
        *out = p->default_sample_index < p->n_sample_types ? p->default_sample_index : 0;
        return 0;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (!errno && end != s && !*end && v >= 0 && (size_t)v < p->n_sample_types) {
        *out = (size_t)v;
        return 0;
    }
    int ix = hl_verify_sample_index(p, s, err, errlen);
    if (ix < 0)
        return -1;
    *out = (size_t)ix;
    return 0;
}

/* The options of flame's own (an hl_opt_layer_fn; user is the flame_args). */
static hl_opt_result flame_layer(void *user, int argc, char **argv, int *i, char *err,
                                 size_t errlen)
{
    struct flame_args *a = user;
    const char *arg = argv[*i], *v;
    hl_opt_result r;
    if (!strcmp(arg, "--folded")) {
        a->folded = true;
        return HL_OPT_OK;
    }
    if (!strcmp(arg, "--findings")) {
        if (!a->findings)
            a->first_source = a->lint.n_paths;
        a->findings = true;
        return HL_OPT_OK;
    }
    if (!strcmp(arg, "-o")) {
        if (*i + 1 >= argc) {
            snprintf(err, errlen, "option -o needs a value (see --help)");
            return HL_OPT_ERROR;
        }
        a->output = argv[++*i];
        return HL_OPT_OK;
    }
    if ((r = hl_opt_value("--output", argc, argv, i, &a->output, err, errlen)) != HL_OPT_NOT_MINE)
        return r;
    if ((r = hl_opt_value("--title", argc, argv, i, &a->title, err, errlen)) != HL_OPT_NOT_MINE)
        return r;
    if ((r = hl_opt_value("--width", argc, argv, i, &v, err, errlen)) != HL_OPT_NOT_MINE) {
        char *end;
        long w = r == HL_OPT_OK ? strtol(v, &end, 10) : 0;
        if (r == HL_OPT_OK && (*end || w < 200 || w > 20000)) {
            snprintf(err, errlen, "--width %s: give 200 to 20000 pixels", v);
            return HL_OPT_ERROR;
        }
        a->width = (int)w;
        return r;
    }
    if ((r = hl_opt_value("--min-share", argc, argv, i, &v, err, errlen)) != HL_OPT_NOT_MINE) {
        char *end;
        if (r != HL_OPT_OK)
            return r;
        a->min_share = strtod(v, &end) / 100.0;
        if (end == v || *end || !(a->min_share > 0 && a->min_share <= 1)) {
            snprintf(err, errlen, "--min-share %s: give a percentage in (0, 100]", v);
            return HL_OPT_ERROR;
        }
        a->have_min_share = true;
        return HL_OPT_OK;
    }
    return hl_profile_cli_parse_one(&a->pc, argc, argv, i, err, errlen);
}

/* Parses argv; returns -1 for usage errors (message printed), 1 for --help, 0 otherwise. */
static int parse_args(struct flame_args *a, int argc, char **argv)
{
    char err[512];
    hl_lint_cli_init(&a->lint);
    hl_opt_result r = hl_lint_cli_parse(&a->lint, argc, argv, flame_layer, a, err, sizeof err);
    if (r == HL_OPT_HELP)
        return 1;
    if (r != HL_OPT_OK) {
        fprintf(stderr, "hotlint flame: %s\n", hl_esc(err));
        return -1;
    }
    /* The positional arguments before --findings are profiles, the rest sources. */
    size_t n_prof = a->findings ? a->first_source : a->lint.n_paths;
    for (size_t i = 0; i < n_prof; i++)
        if (hl_profile_cli_add(&a->pc, a->lint.paths[i]) < 0) {
            fputs("hotlint flame: out of memory\n", stderr);
            return -1;
        }
    a->lint.n_paths -= n_prof;
    memmove(a->lint.paths, a->lint.paths + n_prof, a->lint.n_paths * sizeof *a->lint.paths);
    if (a->pc.n_profiles == 0) {
        fputs("hotlint flame: no profile given (see hotlint flame --help)\n", stderr);
        return -1;
    }
    return 0;
}

/* One mark per confirmed finding: the frames of its function and lines get
 * the finding's label. Returns 0, or -1 when out of memory. */
static int confirmed_marks(const hl_verify_result *vr, hl_flame_mark **marks_out,
                           char ***labels_out, size_t *n_out)
{
    hl_flame_mark *marks = calloc(vr->n_items + 1, sizeof *marks);
    char **labels = calloc(vr->n_items + 1, sizeof *labels);
    *marks_out = marks;
    *labels_out = labels;
    if (!marks || !labels)
        return -1;
    size_t n_marks = 0;
    for (size_t i = 0; i < vr->n_items; i++) {
        const hl_verified *v = &vr->items[i];
        const hl_finding *f = v->finding;
        hl_flame_mark *m = &marks[n_marks];
        char buf[1024];
        if (v->verdict != HL_VERDICT_CONFIRMED || !f->function)
            continue;
        snprintf(buf, sizeof buf, "%s %s at %s:%u (cum %.1f%%): %s",
                 f->rule && f->rule->id ? f->rule->id : "",
                 f->rule && f->rule->name ? f->rule->name : "", f->file, f->line,
                 100.0 * v->cum_share, f->message ? f->message : "");
        if (!(labels[n_marks] = strdup(buf)))
            continue;
        m->function = f->function;
        m->file = f->abs_file ? f->abs_file : f->file;
        m->first_line = f->loop_start_line ? f->loop_start_line : f->line;
        m->last_line = f->loop_end_line ? f->loop_end_line : (f->end_line ? f->end_line : f->line);
        m->label = labels[n_marks];
        n_marks++;
    }
    *n_out = n_marks;
    return 0;
}

/* The SVG writer's options; the default title names the profile (a URL
 * without its token, which must not end up in the file). */
static void flame_options(const struct flame_args *a, size_t six, hl_flame_mark *marks,
                          size_t n_marks, char *title, size_t title_len, hl_flame_options *fo)
{
    memset(fo, 0, sizeof *fo);
    fo->sample_index = six;
    if (!a->title) {
        char shown[480];
        hl_fetch_redact(a->pc.profiles[0], shown, sizeof shown);
        const char *base = strrchr(shown, '/');
        snprintf(title, title_len, "Flame graph: %s%s", base ? base + 1 : shown,
                 a->pc.n_profiles > 1 ? " (merged)" : "");
    }
    fo->title = a->title ? a->title : title;
    fo->width = a->width;
    fo->marks = marks;
    fo->n_marks = n_marks;
}

int hl_cmd_flame(int argc, char **argv)
{
    struct flame_args a;
    char err[1024], title[512];
    hl_profile *prof = NULL;
    hl_checked ck = {0};
    const hl_verify_result *vr = &ck.vr;
    int rc = 2, pr;
    size_t six = 0;
    hl_flame_mark *marks = NULL;
    char **labels = NULL;
    size_t n_marks = 0;
    FILE *out = stdout;
    hl_afile af = {.dirfd = -1, .fd = -1};

    memset(&a, 0, sizeof a);
    pr = parse_args(&a, argc, argv);
    if (pr != 0) {
        if (pr > 0)
            fputs(flame_usage, stdout);
        rc = pr > 0 ? 0 : 2;
        goto out;
    }
    if (!(prof = hl_verify_open_profiles(a.pc.profiles, a.pc.n_profiles, a.pc.token, err,
                                         sizeof err)) ||
        hl_profile_cli_save(prof, a.pc.save_profile, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint flame: %s\n", hl_esc(err));
        goto out;
    }
    if (pick_sample_index(prof, a.pc.sample_index, &six, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint flame: %s\n", hl_esc(err));
        goto out;
    }
    if (a.findings) {
        hl_verify_options vo;
        hl_verify_options_init(&vo);
        hl_profile_cli_verify_options(&a.pc, &vo); /* --trim-path, --source-root */
        vo.sample_index = prof->sample_types[six].type;
        if (a.have_min_share)
            vo.min_share = a.min_share;
        if (hl_lint_and_verify(&a.lint, prof, &vo, a.have_min_share, false, &ck, err, sizeof err) <
            0) {
            fprintf(stderr, "hotlint flame: %s\n", hl_esc(err));
            goto out;
        }
        if (confirmed_marks(vr, &marks, &labels, &n_marks) < 0) {
            fputs("hotlint flame: out of memory\n", stderr);
            goto out;
        }
    }
    /* -o: a temporary file beside the target, renamed over it once complete. */
    if (a.output &&
        (hl_afile_begin(&af, AT_FDCWD, a.output, 0666) < 0 || !(out = hl_afile_stream(&af)))) {
        fprintf(stderr, "hotlint flame: %s: cannot write: %s\n", a.output, strerror(errno));
        out = NULL;
        goto out;
    }
    if (a.folded) {
        if (hl_folded_write(out, prof, six, err, sizeof err) < 0) {
            fprintf(stderr, "hotlint flame: %s%s%s\n", a.output ? a.output : "",
                    a.output ? ": " : "", err);
            goto out;
        }
    } else {
        hl_flame_options fo;
        flame_options(&a, six, marks, n_marks, title, sizeof title, &fo);
        if (hl_flame_write_svg(out, prof, &fo, err, sizeof err) < 0) {
            fprintf(stderr, "hotlint flame: %s%s%s\n", a.output ? a.output : "",
                    a.output ? ": " : "", err);
            goto out;
        }
    }
    rc = 0;
out:
    if (af.dirfd >= 0 && rc == 0 && hl_afile_commit(&af) < 0) {
        fprintf(stderr, "hotlint flame: %s: write error: %s\n", a.output, strerror(errno));
        rc = 2;
    }
    hl_afile_abort(&af); /* a failed run leaves neither a partial file nor a temporary */
    for (size_t i = 0; i < n_marks; i++)
        free(labels[i]);
    free(labels);
    free(marks);
    hl_checked_free(&ck);
    if (prof)
        hl_profile_free(prof);
    hl_profile_cli_free(&a.pc);
    hl_lint_cli_free(&a.lint);
    return rc;
}
