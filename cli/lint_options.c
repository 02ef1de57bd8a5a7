/* lint_options.c - parses the options `lint` and `verify` share and runs the analyzer. */
#include "lint_options.h"
#include "../lint/config.h"
#include "../lint/diff.h"
#include "../lint/filter.h"
#include "../report/escape.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void hl_lint_cli_init(hl_lint_cli *c)
{
    memset(c, 0, sizeof *c);
    c->format = "text";
    c->color = -1;
    c->configs = calloc(1, sizeof *c->configs); /* NULL: hl_lint_cli_run reports it */
}

/* Matches "--name", "--name=value" (sets *inline_val) against argv[*i]. */
static bool match_long(const char *arg, const char *name, const char **inline_val)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '\0') {
        *inline_val = NULL;
        return true;
    }
    if (arg[n] == '=') {
        *inline_val = arg + n + 1;
        return true;
    }
    return false;
}

/* Takes the value of an option: inline, or the next argument. */
static const char *take_value(const char *opt, const char *inline_val, int argc, char **argv,
                              int *i, char *err, size_t errlen)
{
    if (inline_val)
        return inline_val;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "option %s needs a value (see --help)", opt);
        return NULL;
    }
    return argv[++*i];
}

hl_opt_result hl_opt_value(const char *name, int argc, char **argv, int *i, const char **val,
                           char *err, size_t errlen)
{
    const char *v = NULL;
    if (!match_long(argv[*i], name, &v))
        return HL_OPT_NOT_MINE;
    return (*val = take_value(name, v, argc, argv, i, err, errlen)) ? HL_OPT_OK : HL_OPT_ERROR;
}

static bool parse_jobs(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 1024)
        return false;
    *out = (int)v;
    return true;
}

hl_opt_result hl_lint_cli_parse_one(hl_lint_cli *c, int argc, char **argv, int *i, char *err,
                                    size_t errlen)
{
    const char *arg = argv[*i];
    const char *v = NULL;

    if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
        return HL_OPT_HELP;
    if (!strcmp(arg, "-p") || !strncmp(arg, "-p", 2) || match_long(arg, "--compdb", &v)) {
        if (strncmp(arg, "--", 2) != 0)
            v = arg[2] ? arg + 2 : NULL;
        if (!(v = take_value("-p", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->compdb_dir = v;
        return HL_OPT_OK;
    }
    if (!strncmp(arg, "-j", 2) || match_long(arg, "--jobs", &v)) {
        if (strncmp(arg, "--", 2) != 0)
            v = arg[2] ? arg + 2 : NULL;
        if (!(v = take_value("-j", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        if (!parse_jobs(v, &c->jobs)) {
            snprintf(err, errlen, "-j: '%s' is not a number of jobs (0..1024; 0 = all cores)", v);
            return HL_OPT_ERROR;
        }
        return HL_OPT_OK;
    }
    if (match_long(arg, "--rules", &v)) {
        if (!(v = take_value("--rules", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->rules_dir = v;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--format", &v) || (!strcmp(arg, "-f") && (v = NULL, true))) {
        if (!(v = take_value("--format", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->format = v;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--color", &v)) {
        if (!v || !strcmp(v, "always") || !strcmp(v, "yes")) {
            c->color = 1;
        } else if (!strcmp(v, "never") || !strcmp(v, "no")) {
            c->color = 0;
        } else if (!strcmp(v, "auto")) {
            c->color = -1;
        } else {
            snprintf(err, errlen, "--color: '%s' is not one of always, never, auto", v);
            return HL_OPT_ERROR;
        }
        return HL_OPT_OK;
    }
    if (!strcmp(arg, "--no-color")) {
        c->color = 0;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--config", &v)) {
        if (!(v = take_value("--config", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->config_path = v;
        return HL_OPT_OK;
    }
    if (!strcmp(arg, "--no-cache")) {
        c->no_cache = true;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--cache-dir", &v)) {
        if (!(v = take_value("--cache-dir", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->cache_dir = v;
        return HL_OPT_OK;
    }
    if (!strcmp(arg, "--no-config")) {
        c->no_config = true;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--heat", &v)) {
        if (!(v = take_value("--heat", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->min_heat = !strcmp(v, "all") ? HL_HEAT_COLD : hl_heat_parse(v);
        if (!c->min_heat) {
            snprintf(err, errlen, "--heat must be all, cold, warm or hot, not '%s'", v);
            return HL_OPT_ERROR;
        }
        return HL_OPT_OK;
    }
    if (match_long(arg, "--baseline", &v)) {
        if (!(v = take_value("--baseline", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->baseline = v;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--write-baseline", &v)) {
        if (!(v = take_value("--write-baseline", v, argc, argv, i, err, errlen)))
            return HL_OPT_ERROR;
        c->write_baseline = v;
        return HL_OPT_OK;
    }
    if (match_long(arg, "--diff", &v)) {
        /* The revision is optional: "--diff=REV", or "--diff REV" when the
         * next argument is neither an option nor an existing path. */
        struct stat st;
        if (v && !*v) {
            snprintf(err, errlen, "--diff=: the revision is empty (use --diff or --diff=REV)");
            return HL_OPT_ERROR;
        }
        if (!v && *i + 1 < argc && argv[*i + 1][0] != '-' && stat(argv[*i + 1], &st) != 0)
            v = argv[++*i];
        c->diff = true;
        c->diff_rev = v;
        return HL_OPT_OK;
    }
    if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
        c->quiet = true;
        return HL_OPT_OK;
    }
    return HL_OPT_NOT_MINE;
}

static int push(const char ***arr, size_t *n, const char *s)
{
    const char **p = realloc(*arr, (*n + 1) * sizeof **arr);
    if (!p)
        return -1;
    p[(*n)++] = s;
    *arr = p;
    return 0;
}

hl_opt_result hl_lint_cli_parse(hl_lint_cli *c, int argc, char **argv, hl_opt_layer_fn layer,
                                void *user, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--")) {
            for (int k = i + 1; k < argc; k++)
                if (push(&c->extra_args, &c->n_extra_args, argv[k]) < 0)
                    goto oom;
            break;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            hl_opt_result r = hl_lint_cli_parse_one(c, argc, argv, &i, err, errlen);
            if (r == HL_OPT_NOT_MINE && layer)
                r = layer(user, argc, argv, &i, err, errlen);
            if (r == HL_OPT_NOT_MINE) {
                snprintf(err, errlen, "unknown option '%s' (see --help)", arg);
                return HL_OPT_ERROR;
            }
            if (r != HL_OPT_OK)
                return r;
            continue;
        }
        if (push(&c->paths, &c->n_paths, arg) < 0)
            goto oom;
    }
    c->progress = !c->quiet && isatty(STDERR_FILENO);
    return HL_OPT_OK;
oom:
    snprintf(err, errlen, "out of memory parsing the arguments");
    return HL_OPT_ERROR;
}

int hl_lint_cli_parse_command(hl_lint_cli *c, int argc, char **argv, hl_opt_layer_fn layer,
                              void *user, const char *cmd, const char *usage)
{
    char err[1024] = "";
    hl_opt_result pr = hl_lint_cli_parse(c, argc, argv, layer, user, err, sizeof err);
    if (pr == HL_OPT_HELP) {
        fputs(usage, stdout);
        fputs(hl_lint_cli_help(), stdout);
        return 0;
    }
    if (pr != HL_OPT_OK) {
        fprintf(stderr, "hotlint %s: %s\n", cmd, hl_esc(err));
        return 2;
    }
    return -1;
}

int hl_lint_cli_check_format(const hl_lint_cli *c, char *err, size_t errlen)
{
    static const char *const known[] = {"text", "json", "sarif", "github", "codequality"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(c->format, known[i]))
            return 0;
    snprintf(err, errlen, "unknown format '%s' (use text, json, sarif, github or codequality)",
             c->format);
    return -1;
}

bool hl_lint_cli_use_color(const hl_lint_cli *c)
{
    if (c->color >= 0)
        return c->color == 1;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    return isatty(STDOUT_FILENO);
}

/* With --diff and no paths: the C files the change touches that still
 * exist, relative to the working directory when under it. Sets *paths (owned
 * strings in *own) and *n. Returns 0, or -1 when out of memory. */
static int changed_paths(const hl_diff *d, char ***own, size_t *n)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    size_t cl = strlen(cwd);
    *own = calloc(d->n + 1, sizeof **own);
    *n = 0;
    if (!*own)
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        const char *p = d->files[i].path;
        size_t pl = strlen(p);
        struct stat st;
        if (pl < 3 || p[pl - 2] != '.' || (p[pl - 1] != 'c' && p[pl - 1] != 'h'))
            continue;
        size_t need = strlen(d->top) + pl + 2;
        char *abs = malloc(need);
        if (!abs)
            return -1;
        snprintf(abs, need, "%s/%s", d->top, p);
        if (stat(abs, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(abs);
            continue;
        }
        if (cl > 1 && !strncmp(abs, cwd, cl) && abs[cl] == '/')
            memmove(abs, abs + cl + 1, strlen(abs + cl + 1) + 1);
        (*own)[(*n)++] = abs;
    }
    return 0;
}

static void free_paths(char **own, size_t n)
{
    for (size_t i = 0; own && i < n; i++)
        free(own[i]);
    free(own);
}

/* What the filters left out, on stderr: the change's untouched lines, the
 * baseline, heat. */
static void report_left_out(const hl_lint_cli *c, const hl_filters *fl)
{
    size_t outside_diff = hl_filters_dropped(fl, "diff");
    size_t recorded = hl_filters_dropped(fl, "baseline");
    size_t colder = hl_filters_dropped(fl, "heat");
    if (outside_diff)
        fprintf(stderr, "hotlint: %zu finding%s on lines the change does not touch not shown\n",
                outside_diff, outside_diff == 1 ? "" : "s");
    if (c->write_baseline)
        fprintf(stderr, "hotlint: recorded %zu finding%s in %s\n", recorded,
                recorded == 1 ? "" : "s", c->write_baseline);
    else if (c->baseline && recorded)
        fprintf(stderr, "hotlint: %zu finding%s recorded in %s not shown\n", recorded,
                recorded == 1 ? "" : "s", c->baseline);
    if (colder)
        fprintf(stderr, "hotlint: %zu colder finding%s not shown (--heat all shows %s)\n", colder,
                colder == 1 ? "" : "s", colder == 1 ? "it" : "them");
}

int hl_lint_cli_run(const hl_lint_cli *c, hl_catalog *cat, hl_findings *out, char *err,
                    size_t errlen)
{
    memset(cat, 0, sizeof *cat);
    memset(out, 0, sizeof *out);
    const char *dir = c->rules_dir ? c->rules_dir : hl_catalog_default_dir();
    hl_diff diff = {0};
    char **changed = NULL;
    size_t n_changed = 0;
    const char *const *paths = c->paths;
    size_t n_paths = c->n_paths;
    if (!dir) {
        snprintf(err, errlen, "no rule catalog found: pass --rules DIR or set HOTLINT_RULES_DIR");
        return -1;
    }
    /* The change first: a bad revision should not wait for the parse. */
    if (c->diff && hl_diff_from_git(c->diff_rev, &diff, err, errlen) < 0) {
        hl_diff_free(&diff);
        return -1;
    }
    if (c->diff && n_paths == 0) {
        if (changed_paths(&diff, &changed, &n_changed) < 0) {
            snprintf(err, errlen, "out of memory");
            goto err;
        }
        if (n_changed == 0) { /* no C file changed: nothing to report */
            if (hl_catalog_load_dir(cat, dir, err, errlen) < 0)
                goto err;
            goto done;
        }
        paths = (const char *const *)changed;
        n_paths = n_changed;
    }
    if (hl_catalog_load_dir(cat, dir, err, errlen) < 0)
        goto err;
    if (cat->n_rules == 0) {
        snprintf(err, errlen, "%s: no rule files (*.yaml) in this directory", dir);
        goto err;
    }
    if (!c->configs) {
        snprintf(err, errlen, "out of memory");
        goto err;
    }
    if (hl_project_prepare(c->configs, c->config_path, c->no_config, cat, paths, n_paths, err,
                           errlen) < 0)
        goto err;
    if (c->configs && c->configs->first) {
        static const char *const families[HL_WRAPPER_FAMILIES] = {
            "allocation", "formatting", "string-compare", "string-concat"};
        const hl_wrappers *w = &c->configs->first->wrappers;
        for (int k = 0; k < HL_WRAPPER_FAMILIES; k++)
            if (hl_catalog_add_cost_symbols(cat, families[k], w->names[k], w->n[k]) < 0) {
                snprintf(err, errlen, "out of memory");
                goto err;
            }
    }
    hl_lint_options o = {
        .paths = paths,
        .n_paths = n_paths,
        .compdb_dir = c->compdb_dir,
        .extra_args = c->extra_args,
        .n_extra_args = c->n_extra_args,
        .jobs = c->jobs,
        .progress = c->progress,
        .skip = c->no_config && !c->config_path ? NULL : hl_configs_skip,
        .skip_user = c->configs,
        .rule_active = c->no_config && !c->config_path ? NULL : hl_configs_rule_active,
        .rule_active_user = c->configs,
        .no_cache = c->no_cache,
        .cache_dir = c->cache_dir,
        .wrappers = c->configs && c->configs->first ? &c->configs->first->wrappers : NULL,
    };
    hl_filters fl = {0};
    hl_filters_add_config(&fl, c->configs);
    hl_filters_add_baseline(&fl, c->write_baseline ? c->write_baseline : c->baseline,
                            c->write_baseline != NULL);
    hl_filters_add_diff(&fl, c->diff ? &diff : NULL);
    hl_filters_add_heat(&fl, c->show_heat);
    if (hl_lint_run(&o, cat, out, err, errlen) < 0 || hl_filters_run(&fl, out, err, errlen) < 0)
        goto err;
    if (!c->quiet)
        report_left_out(c, &fl);
done:
    hl_diff_free(&diff);
    free_paths(changed, n_changed);
    return 0;
err:
    hl_diff_free(&diff);
    free_paths(changed, n_changed);
    hl_findings_free(out);
    hl_catalog_free(cat);
    return -1;
}

const char *hl_lint_cli_help(void)
{
    return "  -p DIR             read DIR/compile_commands.json (default: ./ or ./build/)\n"
           "  -j N               parse N files in parallel (default: number of cores)\n"
           "  --rules DIR        load the rule catalog from DIR instead of the built-in one\n"
           "  --format FORMAT    text (default), json, sarif, github or codequality\n"
           "  --color, --no-color  colour the output (default: when stdout is a terminal)\n"
           "  --config FILE      settings from FILE instead of the nearest .hotlint.yaml\n"
           "  --no-config        ignore .hotlint.yaml files\n"
           "  --baseline FILE    report only findings not recorded in FILE\n"
           "  --write-baseline FILE  record today's findings in FILE (and report none)\n"
           "  --diff [REV]       report only findings on lines the change adds or modifies:\n"
           "                     the staged change (git diff --cached), or with REV the\n"
           "                     working tree against REV (git diff REV; --diff=REV when\n"
           "                     REV is also a path); no PATH: the changed C files\n"
           "  --heat LEVEL       show findings at least this hot: hot, warm (default,\n"
           "                     or .hotlint.yaml's min-heat) or all; JSON lists all\n"
           "  -q, --quiet        no summary line on stderr\n"
           "  --no-cache         parse every file (results are cached per file in\n"
           "                     $HOTLINT_CACHE_DIR, else $XDG_CACHE_HOME/hotlint;\n"
           "                     HOTLINT_CACHE=0 also turns the cache off)\n"
           "  --cache-dir DIR    keep the result cache in DIR\n"
           "  -- FLAGS...        extra compiler flags for every file (-I, -D, -std=...)\n";
}

hl_heat hl_lint_cli_min_heat(const hl_lint_cli *c)
{
    if (c->min_heat)
        return c->min_heat;
    if (c->configs && c->configs->first && c->configs->first->min_heat)
        return c->configs->first->min_heat;
    return HL_HEAT_WARM;
}

void hl_lint_cli_free(hl_lint_cli *c)
{
    if (c->configs) {
        hl_configs_free(c->configs);
        free(c->configs);
        c->configs = NULL;
    }
    free(c->paths);
    free(c->extra_args);
    c->paths = c->extra_args = NULL;
    c->n_paths = c->n_extra_args = 0;
}
