/* cmd_list.c - hotlint list REGEX PROFILE... [PATH...]: annotated source of the matching
 * functions, with the findings of PATHs (when given) marked with their verdicts. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "lint_options.h"
#include "list_text.h"
#include "verify.h"

typedef struct list_cli {
    const char *sample_index, *source_root, *token;
    const char **trims;
    size_t n_trims;
} list_cli;

static const char *usage_text =
    "usage: hotlint list REGEX PROFILE... [options] [PATH...]\n"
    "\n"
    "Prints the source of every function whose name matches REGEX (POSIX extended) with\n"
    "flat and cum per line, like pprof -list. With PATHs (directories or C files) they\n"
    "are linted and each finding is marked on its line with its verdict. Several\n"
    "profiles are merged when their sample types agree.\n"
    "\n"
    "list options:\n"
    "  --sample-index NAME  the value to show (default: the profile's default)\n"
    "  --trim-path PREFIX   remove PREFIX from the profile's file names (repeatable)\n"
    "  --source-root DIR    relative profile file names are under DIR\n"
    "  --token T            bearer token for profile URLs\n"
    "\nshared options (for the linted PATHs):\n";

static bool is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

static const char *value_of(const char *name, int argc, char **argv, int *i, char *err,
                            size_t errlen)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (arg[n] == '=')
        return arg + n + 1;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "option %s needs a value (see --help)", name);
        return NULL;
    }
    return argv[++*i];
}

static hl_opt_result list_layer(void *user, int argc, char **argv, int *i, char *err, size_t errlen)
{
    list_cli *l = user;
    const char *arg = argv[*i];
    if (is_opt(arg, "--sample-index"))
        return (l->sample_index = value_of("--sample-index", argc, argv, i, err, errlen))
                   ? HL_OPT_OK
                   : HL_OPT_ERROR;
    if (is_opt(arg, "--token"))
        return (l->token = value_of("--token", argc, argv, i, err, errlen)) ? HL_OPT_OK
                                                                            : HL_OPT_ERROR;
    if (is_opt(arg, "--source-root"))
        return (l->source_root = value_of("--source-root", argc, argv, i, err, errlen))
                   ? HL_OPT_OK
                   : HL_OPT_ERROR;
    if (is_opt(arg, "--trim-path")) {
        const char *v = value_of("--trim-path", argc, argv, i, err, errlen);
        if (!v)
            return HL_OPT_ERROR;
        const char **t = realloc(l->trims, (l->n_trims + 1) * sizeof *t);
        if (!t) {
            snprintf(err, errlen, "out of memory parsing the arguments");
            return HL_OPT_ERROR;
        }
        t[l->n_trims++] = v;
        l->trims = t;
        return HL_OPT_OK;
    }
    return HL_OPT_NOT_MINE;
}

static bool is_source_path(const char *arg)
{
    struct stat st;
    if (!strncmp(arg, "http://", 7) || !strncmp(arg, "https://", 8))
        return false;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    const char *dot = strrchr(arg, '.'), *slash = strrchr(arg, '/');
    if (!dot || (slash && dot < slash))
        return false;
    return !strcmp(dot, ".c") || !strcmp(dot, ".h") || !strcmp(dot, ".cc") ||
           !strcmp(dot, ".cpp") || !strcmp(dot, ".i");
}

int hl_cmd_list(int argc, char **argv)
{
    hl_lint_cli lc;
    list_cli l = {0};
    hl_catalog cat = {0};
    hl_findings fs = {0};
    hl_verify_result vr = {0};
    hl_profile *prof = NULL;
    const char **profiles = NULL;
    size_t n_profiles = 0;
    regex_t re;
    bool have_re = false, linted = false, verified = false;
    char err[1024] = "";
    int rc = 2;

    hl_lint_cli_init(&lc);
    hl_opt_result pr = hl_lint_cli_parse(&lc, argc, argv, list_layer, &l, err, sizeof err);
    if (pr == HL_OPT_HELP) {
        fputs(usage_text, stdout);
        fputs(hl_lint_cli_help(), stdout);
        rc = 0;
        goto out;
    }
    if (pr != HL_OPT_OK) {
        fprintf(stderr, "hotlint list: %s\n", err);
        goto out;
    }
    if (lc.n_paths < 2) {
        fputs("usage: hotlint list REGEX PROFILE... [options] [PATH...] (see --help)\n", stderr);
        goto out;
    }
    const char *pattern = lc.paths[0];
    int rerr = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rerr) {
        regerror(rerr, &re, err, sizeof err);
        fprintf(stderr, "hotlint list: '%s' is not a regular expression: %s\n", pattern, err);
        goto out;
    }
    have_re = true;
    profiles = calloc(lc.n_paths, sizeof *profiles);
    if (!profiles)
        goto out;
    size_t kept = 0;
    for (size_t i = 1; i < lc.n_paths; i++) {
        if (i == 1 || !is_source_path(lc.paths[i]))
            profiles[n_profiles++] = lc.paths[i];
        else
            lc.paths[kept++] = lc.paths[i];
    }
    lc.n_paths = kept;
    if (!(prof = hl_verify_open_profiles(profiles, n_profiles, l.token, err, sizeof err))) {
        fprintf(stderr, "hotlint list: %s\n", err);
        goto out;
    }
    hl_list_options lo = {
        .sample_index = prof->default_sample_index,
        .trim_paths = l.trims,
        .n_trim_paths = l.n_trims,
        .source_root = l.source_root,
    };
    if (l.sample_index) {
        int idx = hl_profile_sample_index(prof, l.sample_index);
        if (idx < 0) {
            fprintf(stderr, "hotlint list: the profile has no sample type '%s'\n", l.sample_index);
            goto out;
        }
        lo.sample_index = (size_t)idx;
    }
    if (kept > 0) {
        if (hl_lint_cli_run(&lc, &cat, &fs, err, sizeof err) < 0) {
            fprintf(stderr, "hotlint list: %s\n", err);
            goto out;
        }
        linted = true;
        for (size_t i = 0; i < fs.n_errors; i++)
            fprintf(stderr, "%s\n", fs.errors[i]);
        hl_verify_options vo;
        hl_verify_options_init(&vo);
        vo.sample_index = l.sample_index;
        vo.trim_paths = l.trims;
        vo.n_trim_paths = l.n_trims;
        vo.source_root = l.source_root;
        if (hl_verify(&fs, &cat, prof, &vo, &vr, err, sizeof err) < 0) {
            fprintf(stderr, "hotlint list: %s\n", err);
            goto out;
        }
        verified = true;
        lo.vr = &vr;
    }
    int n = hl_list_write_text(stdout, prof, &re, &lo);
    if (n < 0) {
        fputs("hotlint list: writing the listing failed\n", stderr);
        goto out;
    }
    if (n == 0) {
        fprintf(stderr, "hotlint list: no function in the profile matches '%s'\n", pattern);
        goto out;
    }
    rc = 0;
out:
    if (verified)
        hl_verify_result_free(&vr);
    if (linted) {
        hl_findings_free(&fs);
        hl_catalog_free(&cat);
    }
    if (prof)
        hl_profile_free(prof);
    if (have_re)
        regfree(&re);
    free(profiles);
    free(l.trims);
    hl_lint_cli_free(&lc);
    return rc;
}
