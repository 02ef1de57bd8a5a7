/* verify_options.c - the profile options `verify` and `list` share, and opening their profiles. */
#include "../report/escape.h"
#include "verify_options.h"
#include "../lint/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int hl_profile_cli_add(hl_profile_cli *p, const char *source)
{
    const char **a = realloc(p->profiles, (p->n_profiles + 1) * sizeof *a);
    if (!a)
        return -1;
    a[p->n_profiles++] = source;
    p->profiles = a;
    return 0;
}

int hl_profile_cli_max_memory(const char *value, char *err, size_t errlen)
{
    size_t n;
    if (hl_profile_parse_size(value, &n) < 0) {
        snprintf(err, errlen,
                 "--max-profile-memory: '%s' is not a size (a number of bytes, or with K, M or G: "
                 "512M, 4G)",
                 value);
        return -1;
    }
    hl_profile_set_max_memory(n);
    return 0;
}

hl_opt_result hl_profile_cli_parse_one(void *user, int argc, char **argv, int *i, char *err,
                                       size_t errlen)
{
    hl_profile_cli *p = user;
    const char *v;
    hl_opt_result r;
    if ((r = hl_opt_value("--sample-index", argc, argv, i, &p->sample_index, err, errlen)) !=
        HL_OPT_NOT_MINE)
        return r;
    if ((r = hl_opt_value("--source-root", argc, argv, i, &p->source_root, err, errlen)) !=
        HL_OPT_NOT_MINE)
        return r;
    if ((r = hl_opt_value("--token", argc, argv, i, &p->token, err, errlen)) != HL_OPT_NOT_MINE)
        return r;
    if ((r = hl_opt_value("--save-profile", argc, argv, i, &p->save_profile, err, errlen)) !=
        HL_OPT_NOT_MINE)
        return r;
    if ((r = hl_opt_value("--max-profile-memory", argc, argv, i, &v, err, errlen)) !=
        HL_OPT_NOT_MINE) {
        if (r == HL_OPT_OK && hl_profile_cli_max_memory(v, err, errlen) < 0)
            return HL_OPT_ERROR;
        return r;
    }
    if ((r = hl_opt_value("--trim-path", argc, argv, i, &v, err, errlen)) != HL_OPT_OK)
        return r;
    const char **t = realloc(p->trims, (p->n_trims + 1) * sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory parsing the arguments");
        return HL_OPT_ERROR;
    }
    t[p->n_trims++] = v;
    p->trims = t;
    return HL_OPT_OK;
}

/* A positional argument is a source path when it is a directory or a C/C++
 * source or header; anything else (a file, a URL) is a profile. A missing
 * name without an extension counts as a source path so that lint names it. */
static bool is_source_path(const char *arg)
{
    struct stat st;
    if (!strncmp(arg, "http://", 7) || !strncmp(arg, "https://", 8))
        return false;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    const char *dot = strrchr(arg, '.');
    const char *slash = strrchr(arg, '/');
    if (!dot || (slash && dot < slash))
        return stat(arg, &st) != 0;
    static const char *const exts[] = {".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".i"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (!strcmp(dot, exts[i]))
            return true;
    return false;
}

int hl_profile_cli_split(hl_profile_cli *p, hl_lint_cli *lc, size_t from, bool first_is_profile)
{
    size_t kept = from;
    for (size_t i = from; i < lc->n_paths; i++) {
        if ((i == from && first_is_profile) || !is_source_path(lc->paths[i])) {
            if (hl_profile_cli_add(p, lc->paths[i]) < 0)
                return -1;
        } else {
            lc->paths[kept++] = lc->paths[i];
        }
    }
    lc->n_paths = kept;
    return 0;
}

hl_profile *hl_profile_cli_open(const hl_profile_cli *p, size_t *sample_index, char *err,
                                size_t errlen)
{
    hl_profile *prof = hl_verify_open_profiles(p->profiles, p->n_profiles, p->token, err, errlen);
    if (!prof)
        return NULL;
    int ix = hl_verify_sample_index(prof, p->sample_index, err, errlen);
    if (ix < 0) {
        hl_profile_free(prof);
        return NULL;
    }
    if (sample_index)
        *sample_index = (size_t)ix;
    if (hl_profile_cli_save(prof, p->save_profile, err, errlen) < 0) {
        hl_profile_free(prof);
        return NULL;
    }
    return prof;
}

int hl_profile_cli_save(const hl_profile *prof, const char *path, char *err, size_t errlen)
{
    if (!path)
        return 0;
    if (hl_profile_write_file(prof, path) < 0) {
        snprintf(err, errlen, "--save-profile %s: cannot write the profile: %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

void hl_profile_cli_verify_options(const hl_profile_cli *p, hl_verify_options *vo)
{
    vo->sample_index = p->sample_index;
    vo->trim_paths = p->trims;
    vo->n_trim_paths = p->n_trims;
    vo->source_root = p->source_root;
}

void hl_profile_cli_free(hl_profile_cli *p)
{
    free(p->profiles);
    free(p->trims);
    memset(p, 0, sizeof *p);
}

int hl_lint_and_verify(const hl_lint_cli *lc, const hl_profile *prof, hl_verify_options *vo,
                       bool share_set, bool samples_set, hl_checked *out, char *err, size_t errlen)
{
    if (hl_lint_cli_run(lc, &out->cat, &out->fs, err, errlen) < 0)
        return -1;
    out->linted = true;
    for (size_t i = 0; i < out->fs.n_errors; i++) {
        char text[8192];
        fprintf(
            stderr, "%s\n",
            hl_esc_flags(hl_diag_format(&out->fs.errors[i], text, sizeof text), HL_ESC_LINE_START));
    }
    if (lc->configs) {
        double share = vo->min_share;
        int64_t samples = vo->min_samples;
        hl_configs_verify_thresholds(lc->configs, &share, &samples);
        if (!share_set)
            vo->min_share = share;
        if (!samples_set)
            vo->min_samples = samples;
    }
    if (hl_verify(&out->fs, &out->cat, prof, vo, &out->vr, err, errlen) < 0)
        return -1;
    out->verified = true;
    return 0;
}

void hl_checked_free(hl_checked *c)
{
    if (c->verified)
        hl_verify_result_free(&c->vr);
    if (c->linted) {
        hl_findings_free(&c->fs);
        hl_catalog_free(&c->cat);
    }
    memset(c, 0, sizeof *c);
}
