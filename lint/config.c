/* config.c - one .hotlint.yaml file: parsed with libyaml (line numbers in
 * errors) into rule selection, excludes, severities and verify thresholds,
 * and the queries on it (is a rule enabled, is a path excluded). */
#include "config.h"
#include "baseline.h"
#include "config_internal.h"
#include "lint_internal.h"

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

void hl_cfg_free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void hl_config_free(hl_config *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->dir);
    hl_cfg_free_strv(c->enable, c->n_enable);
    hl_cfg_free_strv(c->disable, c->n_disable);
    hl_cfg_free_strv(c->exclude, c->n_exclude);
    hl_cfg_free_strv(c->rule_dirs, c->n_rule_dirs);
    hl_cfg_free_strv(c->sev_rule, c->n_sev);
    hl_cfg_free_strv(c->sev_level, c->n_sev);
    hl_cfg_free_strv(c->user_rule_ids, c->n_user_rule_ids);
    for (int i = 0; i < HL_WRAPPER_FAMILIES; i++)
        hl_cfg_free_strv(c->wrappers.names[i], c->wrappers.n[i]);
    free(c);
}

int hl_cfg_push_str(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

/* Parsing state: the document and where errors go. */
struct parse {
    yaml_document_t *doc;
    const char *path;
    char *err;
    size_t errlen;
};

static int perr(struct parse *p, const yaml_node_t *n, const char *fmt, const char *a,
                const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    snprintf(p->err, p->errlen, "%s:%zu:%zu: error: %s", p->path, n ? n->start_mark.line + 1 : 1,
             n ? n->start_mark.column + 1 : 1, msg);
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A scalar or a sequence of scalars, appended to v. */
static int str_list(struct parse *p, yaml_node_t *n, const char *key, char ***v, size_t *cnt)
{
    if (n->type == YAML_SCALAR_NODE)
        return hl_cfg_push_str(v, cnt, scalar(n)) < 0 ? perr(p, n, "out of memory", NULL, NULL) : 0;
    if (n->type != YAML_SEQUENCE_NODE)
        return perr(p, n, "'%s' must be a string or a list of strings", key, NULL);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(p->doc, *it);
        if (!scalar(e))
            return perr(p, e, "'%s' entries must be strings", key, NULL);
        if (hl_cfg_push_str(v, cnt, scalar(e)) < 0)
            return perr(p, e, "out of memory", NULL, NULL);
    }
    return 0;
}

static int parse_rules(struct parse *p, hl_config *c, yaml_node_t *n)
{
    if (n->type == YAML_SEQUENCE_NODE || n->type == YAML_SCALAR_NODE) {
        /* Short form: ["HL001", "-HL004"], a leading '-' disables. */
        char **v = NULL;
        size_t cnt = 0;
        int rc = str_list(p, n, "rules", &v, &cnt);
        for (size_t i = 0; rc == 0 && i < cnt; i++)
            rc = v[i][0] == '-' ? hl_cfg_push_str(&c->disable, &c->n_disable, v[i] + 1)
                                : hl_cfg_push_str(&c->enable, &c->n_enable, v[i]);
        hl_cfg_free_strv(v, cnt);
        return rc < 0 ? (p->err[0] ? -1 : perr(p, n, "out of memory", NULL, NULL)) : 0;
    }
    if (n->type != YAML_MAPPING_NODE)
        return perr(p, n, "'rules' must be a mapping with 'enable' and 'disable' lists", NULL,
                    NULL);
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        const char *key = scalar(k);
        if (key && !strcmp(key, "enable")) {
            if (str_list(p, v, key, &c->enable, &c->n_enable) < 0)
                return -1;
        } else if (key && !strcmp(key, "disable")) {
            if (str_list(p, v, key, &c->disable, &c->n_disable) < 0)
                return -1;
        } else {
            return perr(p, k, "unknown key 'rules.%s' (expected enable or disable)", key, NULL);
        }
    }
    return 0;
}

static int parse_severity(struct parse *p, hl_config *c, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return perr(p, n, "'severity' must map rule ids or globs to error, warning or note", NULL,
                    NULL);
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        const char *rule = scalar(k), *lvl = scalar(v);
        if (!rule)
            return perr(p, k, "severity keys must be rule ids or globs", NULL, NULL);
        if (!lvl || (strcmp(lvl, "error") && strcmp(lvl, "warning") && strcmp(lvl, "note")))
            return perr(p, v, "severity of '%s' must be error, warning or note, not '%s'", rule,
                        lvl ? lvl : "a list");
        if (hl_cfg_push_str(&c->sev_rule, &c->n_sev, rule) < 0)
            return perr(p, k, "out of memory", NULL, NULL);
        c->n_sev--;
        if (hl_cfg_push_str(&c->sev_level, &c->n_sev, lvl) < 0)
            return perr(p, v, "out of memory", NULL, NULL);
    }
    return 0;
}

static int parse_verify(struct parse *p, hl_config *c, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return perr(p, n, "'verify' must be a mapping (min-share, min-samples)", NULL, NULL);
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        const char *key = scalar(k), *val = scalar(v);
        char *end = NULL;
        if (key && !strcmp(key, "min-share")) {
            double d;
            int pct;
            if (!val || !*val)
                return perr(p, v, "min-share must be a number between 0 and 1 (or a percentage)",
                            NULL, NULL);
            errno = 0;
            d = strtod(val, &end);
            pct = *end == '%';
            if (pct)
                end++, d /= 100.0;
            if (errno || *end || !(d >= 0.0 && d <= 1.0))
                return perr(
                    p, v, "min-share must be a number between 0 and 1 (or a percentage), not '%s'",
                    val, NULL);
            c->min_share = d;
            c->has_min_share = true;
        } else if (key && !strcmp(key, "min-samples")) {
            long long l;
            if (!val || !*val)
                return perr(p, v, "min-samples must be a positive integer", NULL, NULL);
            errno = 0;
            l = strtoll(val, &end, 10);
            if (errno || *end || l < 1)
                return perr(p, v, "min-samples must be a positive integer, not '%s'", val, NULL);
            c->min_samples = l;
            c->has_min_samples = true;
        } else {
            return perr(p, k, "unknown key 'verify.%s' (expected min-share or min-samples)", key,
                        NULL);
        }
    }
    return 0;
}

/* The family index of a wrapper key (lint.h's hl_wrappers), or -1. */
static int wrapper_family(const char *key)
{
    static const char *const keys[HL_WRAPPER_FAMILIES] = {"allocators", "formatters",
                                                          "string-compares", "concatenators"};
    for (int i = 0; i < HL_WRAPPER_FAMILIES; i++)
        if (!strcmp(key, keys[i]))
            return i;
    return -1;
}

/* Parses the config in fp, or in data[0..len) when fp is NULL; path names it
 * in messages and abs is its absolute path (c->path, c->dir). */
static hl_config *parse_config(FILE *fp, const void *data, size_t len, const char *path,
                               const char *abs, char *err, size_t errlen)
{
    yaml_document_t doc;
    hl_config *c = NULL;
    yaml_node_t *root;
    struct parse p = {&doc, path, err, errlen};
    int have_doc = 0;

    if (!(c = calloc(1, sizeof *c)) || !(c->path = strdup(abs)) || !(c->dir = strdup(abs))) {
        snprintf(err, errlen, "%s: error: out of memory", path);
        goto err;
    }
    {
        char *slash = strrchr(c->dir, '/');
        if (slash == c->dir)
            slash[1] = '\0';
        else if (slash)
            *slash = '\0';
    }
    if (hl_yaml_load_bounded(fp, data, len, path, "error: ", &doc, err, errlen) < 0)
        goto err;
    have_doc = 1;
    root = yaml_document_get_root_node(&doc);
    if (!root) /* an empty file: every default */
        goto done;
    if (root->type != YAML_MAPPING_NODE) {
        perr(&p, root, "the config must be a mapping (rules, exclude, severity, verify, rule-dirs)",
             NULL, NULL);
        goto err;
    }
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
        const char *key = scalar(k);
        int rc;
        if (!key)
            rc = perr(&p, k, "keys must be strings", NULL, NULL);
        else if (!strcmp(key, "rules"))
            rc = parse_rules(&p, c, v);
        else if (!strcmp(key, "exclude"))
            rc = str_list(&p, v, key, &c->exclude, &c->n_exclude);
        else if (!strcmp(key, "severity"))
            rc = parse_severity(&p, c, v);
        else if (!strcmp(key, "verify"))
            rc = parse_verify(&p, c, v);
        else if (!strcmp(key, "rule-dirs"))
            rc = str_list(&p, v, key, &c->rule_dirs, &c->n_rule_dirs);
        else if (!strcmp(key, "min-heat"))
            rc = (c->min_heat = hl_heat_parse(scalar(v)))
                     ? 0
                     : perr(&p, v, "min-heat must be hot, warm or cold, not '%s'",
                            scalar(v) ? scalar(v) : "a list", NULL);
        else if (wrapper_family(key) >= 0)
            rc = str_list(&p, v, key, &c->wrappers.names[wrapper_family(key)],
                          &c->wrappers.n[wrapper_family(key)]);
        else
            rc = perr(&p, k,
                      "unknown key '%s' (expected rules, exclude, severity, verify, rule-dirs, "
                      "min-heat, allocators, formatters, string-compares or concatenators)",
                      key, NULL);
        if (rc < 0)
            goto err;
    }
done:
    if (have_doc)
        yaml_document_delete(&doc);
    return c;
err:
    if (have_doc)
        yaml_document_delete(&doc);
    hl_config_free(c);
    return NULL;
}

hl_config *hl_config_load(const char *path, char *err, size_t errlen)
{
    char abs[PATH_MAX];
    FILE *fp = NULL;
    err[0] = '\0';
    if (!realpath(path, abs) || !(fp = fopen(abs, "rb"))) {
        snprintf(err, errlen, "%s: error: cannot read the config: %s", path, strerror(errno));
        return NULL;
    }
    hl_config *c = parse_config(fp, NULL, 0, path, abs, err, errlen);
    fclose(fp);
    return c;
}

hl_config *hl_config_load_buffer(const void *data, size_t len, const char *path, char *err,
                                 size_t errlen)
{
    err[0] = '\0';
    return parse_config(NULL, data, len, path, path, err, errlen);
}

bool hl_config_rule_matches(const char *glob, const hl_rule *r)
{
    return (r->id && fnmatch(glob, r->id, 0) == 0) || (r->name && fnmatch(glob, r->name, 0) == 0);
}

bool hl_config_rule_enabled(const hl_config *c, const hl_rule *r)
{
    bool on = c->n_enable == 0;
    for (size_t i = 0; i < c->n_enable && !on; i++)
        on = hl_config_rule_matches(c->enable[i], r);
    for (size_t i = 0; i < c->n_disable && on; i++)
        on = !hl_config_rule_matches(c->disable[i], r);
    return on;
}

/* fnmatch(pat, the n bytes at s): the bytes are copied to scratch (*buf of
 * *cap bytes, grown as needed) to end them with a NUL. Returns 1 on a match,
 * 0 on none, -1 when out of memory. */
static int match_part(const char *pat, const char *s, size_t n, char **buf, size_t *cap)
{
    if (n + 1 > *cap) {
        char *nb = realloc(*buf, n + 1);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = n + 1;
    }
    memcpy(*buf, s, n);
    (*buf)[n] = '\0';
    return fnmatch(pat, *buf, 0) == 0;
}

/* gitignore-like: "dir/" or "dir" matches everything below it, a pattern without
 * '/' also matches any single path component, '*' crosses '/' ("**" too).
 * Patterns and paths of any length (no fixed-size buffers); false when out of
 * memory. */
static bool path_matches(const char *pat, const char *rel)
{
    if (!pat[0])
        return false;
    while (pat[0] == '.' && pat[1] == '/')
        pat += 2;
    if (pat[0] == '/')
        pat++;
    size_t n = strlen(pat);
    while (n > 0 && pat[n - 1] == '/')
        n--;
    if (n == 0)
        return true; /* "/" or "./": the whole tree */
    char *trimmed = malloc(n + 1), *part = NULL;
    size_t part_cap = 0;
    int m = 0;
    if (!trimmed)
        return false;
    memcpy(trimmed, pat, n);
    trimmed[n] = '\0';
    if (fnmatch(trimmed, rel, 0) == 0)
        m = 1;
    /* A directory prefix: "third_party" matches "third_party/x/y.c". */
    for (const char *s = strchr(rel, '/'); s && m == 0; s = strchr(s + 1, '/'))
        m = match_part(trimmed, rel, (size_t)(s - rel), &part, &part_cap);
    if (m == 0 && !strchr(trimmed, '/')) {
        for (const char *s = strchr(rel, '/'); s && m == 0; s = strchr(s + 1, '/')) {
            const char *e = strchr(s + 1, '/');
            m = match_part(trimmed, s + 1, e ? (size_t)(e - s - 1) : strlen(s + 1), &part,
                           &part_cap);
        }
    }
    free(part);
    free(trimmed);
    return m == 1;
}

bool hl_config_excludes(const hl_config *c, const char *abs_path)
{
    size_t dn = strlen(c->dir);
    const char *rel;
    if (!strcmp(c->dir, "/"))
        rel = abs_path + 1;
    else if (!strncmp(abs_path, c->dir, dn) && abs_path[dn] == '/')
        rel = abs_path + dn + 1;
    else
        return false;
    for (size_t i = 0; i < c->n_exclude; i++)
        if (path_matches(c->exclude[i], rel))
            return true;
    return false;
}

const char *hl_config_severity(const hl_config *c, const hl_rule *r)
{
    const char *lvl = NULL;
    for (size_t i = 0; i < c->n_sev; i++) /* the last matching entry wins */
        if (hl_config_rule_matches(c->sev_rule[i], r))
            lvl = c->sev_level[i];
    return lvl;
}
