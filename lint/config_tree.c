/* config_tree.c - the .hotlint.yaml files of a run: the nearest one above
 * each source, user rules loaded into the catalog, and their application to
 * the findings (rule selection, excludes, severities, baselines). */
#include "config.h"
#include "baseline.h"
#include "config_internal.h"
#include "lint_internal.h"
#include "../base/grow.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

void hl_configs_init(hl_configs *cs)
{
    memset(cs, 0, sizeof *cs);
}

static hl_config *add_cfg(hl_configs *cs, hl_config *c)
{
    hl_config **v = realloc(cs->cfgs, (cs->n_cfgs + 1) * sizeof *v);
    if (!v) {
        hl_config_free(c);
        return NULL;
    }
    cs->cfgs = v;
    cs->cfgs[cs->n_cfgs++] = c;
    return c;
}

int hl_configs_set_explicit(hl_configs *cs, const char *path, char *err, size_t errlen)
{
    hl_config *c = hl_config_load(path, err, errlen);
    if (!c || !add_cfg(cs, c)) {
        if (!err[0])
            snprintf(err, errlen, "%s: error: out of memory", path);
        return -1;
    }
    free(cs->explicit_path);
    cs->explicit_path = strdup(c->path);
    cs->first = c;
    return cs->explicit_path ? 0 : -1;
}

/* The nearest config for the absolute directory dir, cached per directory. */
static hl_config *config_for_dir(hl_configs *cs, const char *dir, int *failed, char *err,
                                 size_t errlen)
{
    char cand[PATH_MAX + sizeof HL_CONFIG_NAME + 1], parent[PATH_MAX];
    hl_config *found = NULL;
    struct stat st;

    for (size_t i = 0; i < cs->n_dirs; i++)
        if (!strcmp(cs->dirs[i].dir, dir))
            return cs->dirs[i].cfg;
    snprintf(cand, sizeof cand, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", HL_CONFIG_NAME);
    if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
        for (size_t i = 0; i < cs->n_cfgs && !found; i++)
            if (!strcmp(cs->cfgs[i]->path, cand))
                found = cs->cfgs[i];
        if (!found) {
            hl_config *c = hl_config_load(cand, err, errlen);
            if (!c || !(found = add_cfg(cs, c))) {
                *failed = 1;
                return NULL;
            }
        }
    } else if (strcmp(dir, "/")) {
        char *slash;
        snprintf(parent, sizeof parent, "%s", dir);
        slash = strrchr(parent, '/');
        if (slash == parent)
            slash[1] = '\0';
        else if (slash)
            *slash = '\0';
        found = config_for_dir(cs, parent, failed, err, errlen);
        if (*failed)
            return NULL;
    }
    if (HL_GROW(cs->dirs, cs->n_dirs, cs->cap_dirs) < 0)
        return found;
    if ((cs->dirs[cs->n_dirs].dir = strdup(dir)))
        cs->dirs[cs->n_dirs++].cfg = found;
    return found;
}

const hl_config *hl_configs_for(hl_configs *cs, const char *path, int *failed, char *err,
                                size_t errlen)
{
    char abs[PATH_MAX];
    struct stat st;
    *failed = 0;
    if (cs->explicit_path)
        return cs->first;
    if (!realpath(path, abs)) {
        /* A file that is gone (or not yet written): its directory decides. */
        char dir[PATH_MAX];
        const char *slash = strrchr(path, '/');
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
        if (!realpath(dir, abs))
            return NULL;
        return config_for_dir(cs, abs, failed, err, errlen);
    }
    if (stat(abs, &st) == 0 && !S_ISDIR(st.st_mode)) {
        char *slash = strrchr(abs, '/');
        if (slash == abs)
            slash[1] = '\0';
        else if (slash)
            *slash = '\0';
    }
    return config_for_dir(cs, abs, failed, err, errlen);
}

/* Loads the configs in the tree below dir (skipping hidden directories). */
static int scan_tree(hl_configs *cs, const char *dir, int depth, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *e;
    int rc = 0;
    if (depth > 64 || !(d = opendir(dir)))
        return 0;
    while (rc == 0 && (e = readdir(d))) {
        char sub[PATH_MAX];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
            continue;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            int failed = 0;
            hl_configs_for(cs, sub, &failed, err, errlen);
            rc = failed ? -1 : scan_tree(cs, sub, depth + 1, err, errlen);
        }
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the *.yaml rules of c's rule-dirs to cat and records their ids. */
static int load_user_rules(hl_config *c, hl_catalog *cat, char *err, size_t errlen)
{
    for (size_t i = 0; i < c->n_rule_dirs; i++) {
        char dir[PATH_MAX];
        char **names = NULL;
        size_t n = 0;
        DIR *d;
        struct dirent *e;
        int rc = 0;
        if (c->rule_dirs[i][0] == '/')
            snprintf(dir, sizeof dir, "%s", c->rule_dirs[i]);
        else
            snprintf(dir, sizeof dir, "%s/%s", c->dir, c->rule_dirs[i]);
        if (!(d = opendir(dir))) {
            snprintf(err, errlen, "%s: error: rule-dirs entry '%s': cannot open %s: %s", c->path,
                     c->rule_dirs[i], dir, strerror(errno));
            return -1;
        }
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] != '.' && len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
                if (hl_cfg_push_str(&names, &n, e->d_name) < 0)
                    rc = -1;
        }
        closedir(d);
        if (rc == 0)
            qsort(names, n, sizeof *names, cmp_str);
        for (size_t j = 0; rc == 0 && j < n; j++) {
            char file[PATH_MAX * 2];
            snprintf(file, sizeof file, "%s/%s", dir, names[j]);
            if (hl_catalog_load_file(cat, file, err, errlen) < 0) {
                rc = -1;
                break;
            }
            /* Found by its file: it was appended or replaced a rule with its id. */
            for (size_t k = 0; k < cat->n_rules; k++) {
                const hl_rule *r = &cat->rules[k];
                if (r->source_path && !strcmp(r->source_path, file)) {
                    if (hl_cfg_push_str(&c->user_rule_ids, &c->n_user_rule_ids, r->id) < 0)
                        rc = -1;
                    break;
                }
            }
        }
        hl_cfg_free_strv(names, n);
        if (rc < 0) {
            if (!err[0])
                snprintf(err, errlen, "%s: error: out of memory", c->path);
            return -1;
        }
    }
    return 0;
}

int hl_configs_prepare(hl_configs *cs, hl_catalog *cat, const char *const *paths, size_t n,
                       char *err, size_t errlen)
{
    static const char *const dot[] = {"."};
    size_t before = cs->n_cfgs;
    if (n == 0)
        paths = dot, n = 1;
    err[0] = '\0';
    for (size_t i = 0; i < n && !cs->explicit_path; i++) {
        int failed = 0;
        struct stat st;
        const hl_config *c = hl_configs_for(cs, paths[i], &failed, err, errlen);
        if (failed)
            return -1;
        if (i == 0 && !cs->first)
            cs->first = (hl_config *)c;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            char abs[PATH_MAX];
            if (realpath(paths[i], abs) && scan_tree(cs, abs, 0, err, errlen) < 0)
                return -1;
        }
    }
    for (size_t i = cs->explicit_path ? 0 : before; i < cs->n_cfgs; i++)
        if (cs->cfgs[i]->n_user_rule_ids == 0 && load_user_rules(cs->cfgs[i], cat, err, errlen) < 0)
            return -1;
    return 0;
}

static bool is_user_rule(const hl_configs *cs, const char *id)
{
    for (size_t i = 0; i < cs->n_cfgs; i++)
        for (size_t j = 0; j < cs->cfgs[i]->n_user_rule_ids; j++)
            if (!strcmp(cs->cfgs[i]->user_rule_ids[j], id))
                return true;
    return false;
}

static bool cfg_has_user_rule(const hl_config *c, const char *id)
{
    for (size_t j = 0; j < c->n_user_rule_ids; j++)
        if (!strcmp(c->user_rule_ids[j], id))
            return true;
    return false;
}

/* The static spelling of a severity a config may set (config.c accepts only
 * these), so findings need not point into the config. */
static const char *severity_name(const char *lvl)
{
    static const char *const names[] = {"error", "warning", "note"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(lvl, names[i]))
            return names[i];
    return "warning";
}

int hl_configs_apply(hl_configs *cs, hl_findings *f, char *err, size_t errlen)
{
    size_t keep = 0, gone = 0, ekeep = 0;
    const hl_rule **newrule = calloc(f->n + 1, sizeof *newrule);
    int rc = -1;

    if (!newrule) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* Decide first, so a config that fails to parse leaves f untouched. */
    for (size_t i = 0; i < f->n; i++) {
        hl_finding *x = &f->items[i];
        int failed = 0;
        const char *p = x->abs_file ? x->abs_file : x->file;
        const hl_config *c = hl_configs_for(cs, p, &failed, err, errlen);
        char abs[PATH_MAX];
        if (failed)
            goto out;
        newrule[i] = x->rule;
        if (x->rule && x->rule->id && is_user_rule(cs, x->rule->id) &&
            (!c || !cfg_has_user_rule(c, x->rule->id))) {
            newrule[i] = NULL;
            continue;
        }
        if (!c)
            continue;
        if (!realpath(p, abs))
            snprintf(abs, sizeof abs, "%s", p);
        if (hl_config_excludes(c, abs) || (x->rule && !hl_config_rule_enabled(c, x->rule))) {
            newrule[i] = NULL;
            continue;
        }
        if (x->rule) {
            const char *lvl = hl_config_severity(c, x->rule);
            if (lvl && (!x->rule->severity || strcmp(lvl, x->rule->severity)))
                x->severity = severity_name(lvl);
        }
    }
    /* Errors in excluded files go too. */
    for (size_t i = 0; i < f->n_errors; i++) {
        char abs[PATH_MAX];
        int failed = 0;
        const hl_config *c = NULL;
        if (*f->errors[i].path && realpath(f->errors[i].path, abs))
            c = hl_configs_for(cs, abs, &failed, err, errlen);
        if (c && hl_config_excludes(c, abs))
            hl_diag_clear(&f->errors[i]);
        else
            f->errors[ekeep++] = f->errors[i];
    }
    f->n_errors = ekeep;
    for (size_t i = 0; i < f->n; i++) {
        if (newrule[i]) {
            f->items[i].rule = newrule[i];
            f->items[keep++] = f->items[i];
        } else {
            hl_finding_clear(&f->items[i]);
            gone++;
        }
    }
    f->n = keep;
    cs->n_excluded += gone;
    rc = 0;
out:
    free(newrule);
    return rc;
}

bool hl_configs_rule_active(void *user, const char *abs_path, const hl_rule *rule)
{
    hl_configs *cs = user;
    char err[256];
    int failed = 0;
    if (!cs || cs->n_cfgs == 0)
        return true;
    const hl_config *c = hl_configs_for(cs, abs_path, &failed, err, sizeof err);
    if (failed)
        return true;
    if (rule->id && is_user_rule(cs, rule->id) && (!c || !cfg_has_user_rule(c, rule->id)))
        return false;
    return !c || hl_config_rule_enabled(c, rule);
}

bool hl_configs_skip(void *user, const char *abs_path)
{
    hl_configs *cs = user;
    char err[256];
    int failed = 0;
    const hl_config *c;
    if (!cs || cs->n_cfgs == 0)
        return false;
    c = hl_configs_for(cs, abs_path, &failed, err, sizeof err);
    if (c && hl_config_excludes(c, abs_path)) {
        cs->n_excluded++;
        return true;
    }
    return false;
}

void hl_configs_verify_thresholds(const hl_configs *cs, double *min_share, int64_t *min_samples)
{
    if (!cs->first)
        return;
    if (cs->first->has_min_share)
        *min_share = cs->first->min_share;
    if (cs->first->has_min_samples)
        *min_samples = cs->first->min_samples;
}

void hl_configs_free(hl_configs *cs)
{
    for (size_t i = 0; i < cs->n_cfgs; i++)
        hl_config_free(cs->cfgs[i]);
    free(cs->cfgs);
    for (size_t i = 0; i < cs->n_dirs; i++)
        free(cs->dirs[i].dir);
    free(cs->dirs);
    free(cs->explicit_path);
    memset(cs, 0, sizeof *cs);
}

int hl_project_prepare(hl_configs *cs, const char *config_path, bool no_config, hl_catalog *cat,
                       const char *const *paths, size_t n, char *err, size_t errlen)
{
    if (!cs)
        return 0;
    if (config_path && hl_configs_set_explicit(cs, config_path, err, errlen) < 0)
        return -1;
    if (no_config && !config_path)
        return 0;
    return hl_configs_prepare(cs, cat, paths, n, err, errlen);
}
