/* config.c - loads .hotlint.yaml files (libyaml, with line numbers in errors) and
 * applies them to a run: rule selection, excludes, severities, user rules. */
#include "config.h"
#include "baseline.h"
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

struct hl_config_dir {
    char *dir;
    hl_config *cfg; /* NULL: none up to / */
};

struct hl_config_rule_copy {
    const hl_config *cfg;
    char *id;
    hl_rule rule; /* shallow copy of the catalog's rule, with severity replaced */
    struct hl_config_rule_copy *next;
};

static void free_strv(char **v, size_t n)
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
    free_strv(c->enable, c->n_enable);
    free_strv(c->disable, c->n_disable);
    free_strv(c->exclude, c->n_exclude);
    free_strv(c->rule_dirs, c->n_rule_dirs);
    free_strv(c->sev_rule, c->n_sev);
    free_strv(c->sev_level, c->n_sev);
    free_strv(c->user_rule_ids, c->n_user_rule_ids);
    free(c);
}

static int push_str(char ***v, size_t *n, const char *s)
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
        return push_str(v, cnt, scalar(n)) < 0 ? perr(p, n, "out of memory", NULL, NULL) : 0;
    if (n->type != YAML_SEQUENCE_NODE)
        return perr(p, n, "'%s' must be a string or a list of strings", key, NULL);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(p->doc, *it);
        if (!scalar(e))
            return perr(p, e, "'%s' entries must be strings", key, NULL);
        if (push_str(v, cnt, scalar(e)) < 0)
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
            rc = v[i][0] == '-' ? push_str(&c->disable, &c->n_disable, v[i] + 1)
                                : push_str(&c->enable, &c->n_enable, v[i]);
        free_strv(v, cnt);
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
        if (push_str(&c->sev_rule, &c->n_sev, rule) < 0)
            return perr(p, k, "out of memory", NULL, NULL);
        c->n_sev--;
        if (push_str(&c->sev_level, &c->n_sev, lvl) < 0)
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

int hl_yaml_load_bounded(FILE *fp, const void *data, size_t len, const char *path, const char *tag,
                         struct yaml_document_s *doc, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, done = 0, rc = -1;
    /* First the events, counting the nesting: libyaml's loader takes time
     * quadratic in the depth of flow collections ([[[[...), so a hostile
     * file is refused after HL_YAML_MAX_DEPTH levels, not parsed whole. */
    yaml_parser_initialize(&parser);
    if (fp)
        yaml_parser_set_input_file(&parser, fp);
    else
        yaml_parser_set_input_string(&parser, data, len);
    while (!done) {
        if (!yaml_parser_parse(&parser, &ev))
            goto bad_yaml;
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > HL_YAML_MAX_DEPTH) {
                snprintf(err, errlen,
                         "%s:%zu:%zu: %snested more than %d levels deep; hotlint's YAML "
                         "files need a few levels, flatten this one",
                         path, ev.start_mark.line + 1, ev.start_mark.column + 1, tag,
                         HL_YAML_MAX_DEPTH);
                yaml_event_delete(&ev);
                goto out;
            }
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    yaml_parser_initialize(&parser);
    if (fp) {
        rewind(fp);
        yaml_parser_set_input_file(&parser, fp);
    } else {
        yaml_parser_set_input_string(&parser, data, len);
    }
    if (!yaml_parser_load(&parser, doc))
        goto bad_yaml;
    rc = 0;
    goto out;
bad_yaml:
    snprintf(err, errlen, "%s:%zu:%zu: %sinvalid YAML: %s%s%s", path, parser.problem_mark.line + 1,
             parser.problem_mark.column + 1, tag, parser.problem ? parser.problem : "syntax error",
             parser.context ? " " : "", parser.context ? parser.context : "");
out:
    yaml_parser_delete(&parser);
    return rc;
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
        else
            rc = perr(&p, k,
                      "unknown key '%s' (expected rules, exclude, severity, verify or rule-dirs)",
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
    if (cs->n_dirs == cs->cap_dirs) {
        size_t cap = cs->cap_dirs ? cs->cap_dirs * 2 : 64;
        struct hl_config_dir *d = realloc(cs->dirs, cap * sizeof *d);
        if (!d)
            return found;
        cs->dirs = d;
        cs->cap_dirs = cap;
    }
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
                if (push_str(&names, &n, e->d_name) < 0)
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
                    if (push_str(&c->user_rule_ids, &c->n_user_rule_ids, r->id) < 0)
                        rc = -1;
                    break;
                }
            }
        }
        free_strv(names, n);
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

static const hl_rule *rule_with_severity(hl_configs *cs, const hl_config *c, const hl_rule *r,
                                         const char *lvl)
{
    struct hl_config_rule_copy *v;
    for (v = cs->copies; v; v = v->next)
        if (v->cfg == c && !strcmp(v->id, r->id))
            return &v->rule;
    /* One allocation per copy: findings keep pointers to them. */
    if (!(v = calloc(1, sizeof *v)) || !(v->id = strdup(r->id))) {
        free(v);
        return r;
    }
    v->cfg = c;
    v->rule = *r;
    v->rule.severity = (char *)lvl;
    v->next = cs->copies;
    cs->copies = v;
    cs->n_copies++;
    return &v->rule;
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
                newrule[i] = rule_with_severity(cs, c, x->rule, lvl);
        }
    }
    /* Per-file errors ("path:line:col: error: ...") in excluded files go too. */
    for (size_t i = 0; i < f->n_errors; i++) {
        char path[PATH_MAX], abs[PATH_MAX];
        const char *colon = strchr(f->errors[i], ':');
        size_t n = colon ? (size_t)(colon - f->errors[i]) : 0;
        int failed = 0;
        const hl_config *c = NULL;
        if (n > 0 && n < sizeof path) {
            memcpy(path, f->errors[i], n);
            path[n] = '\0';
            if (realpath(path, abs))
                c = hl_configs_for(cs, abs, &failed, err, errlen);
        }
        if (c && hl_config_excludes(c, abs))
            free(f->errors[i]);
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
    while (cs->copies) {
        struct hl_config_rule_copy *next = cs->copies->next;
        free(cs->copies->id);
        free(cs->copies);
        cs->copies = next;
    }
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

int hl_project_filter(hl_configs *cs, const char *baseline, const char *write_baseline,
                      hl_findings *f, size_t *n_left_out, char *err, size_t errlen)
{
    *n_left_out = 0;
    if (cs && cs->n_cfgs && hl_configs_apply(cs, f, err, errlen) < 0)
        return -1;
    if (write_baseline) {
        if (hl_baseline_write(f, write_baseline, err, errlen) < 0 ||
            hl_baseline_filter(f, write_baseline, n_left_out, err, errlen) < 0)
            return -1;
        return 0;
    }
    if (baseline && hl_baseline_filter(f, baseline, n_left_out, err, errlen) < 0)
        return -1;
    return 0;
}
