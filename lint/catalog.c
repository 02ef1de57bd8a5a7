/* catalog.c - loads the rule catalog: one YAML file per rule (rules/HLnnn-name.yaml). */
#include "rule.h"
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/grow.h"
#include <yaml.h>

static const char *const matcher_names[] = {
    [HL_MATCH_CALL_IN_LOOP_BODY] = "call-in-loop-body",
    [HL_MATCH_CALL_IN_LOOP_CONDITION] = "call-in-loop-condition",
    [HL_MATCH_COMPARE_CHAIN] = "compare-chain",
    [HL_MATCH_REALLOC_GROWTH] = "realloc-growth",
    [HL_MATCH_UNBUFFERED_IO] = "unbuffered-io",
};
#define N_MATCHERS (sizeof matcher_names / sizeof matcher_names[0])

const char *hl_matcher_name(hl_matcher m)
{
    return (unsigned)m < N_MATCHERS ? matcher_names[m] : NULL;
}

static int matcher_from_name(const char *s)
{
    for (size_t i = 0; i < N_MATCHERS; i++)
        if (!strcmp(s, matcher_names[i]))
            return (int)i;
    return -1;
}

static void rule_free(hl_rule *r)
{
    free(r->id);
    free(r->name);
    free(r->severity);
    free(r->family);
    free(r->summary);
    free(r->why);
    for (size_t i = 0; i < r->n_callees; i++)
        free(r->callees[i]);
    free(r->callees);
    for (size_t i = 0; i < r->n_cost_symbols; i++)
        free(r->cost_symbols[i]);
    free(r->cost_symbols);
    free(r->message);
    free(r->message_note);
    free(r->fix);
    free(r->bad_example);
    free(r->good_example);
    free(r->source_path);
    memset(r, 0, sizeof *r);
}

void hl_catalog_free(hl_catalog *cat)
{
    for (size_t i = 0; i < cat->n_rules; i++)
        rule_free(&cat->rules[i]);
    free(cat->rules);
    cat->rules = NULL;
    cat->n_rules = 0;
}

/* Loading state: the document, the file name and the error buffer. */
struct ld {
    yaml_document_t *doc;
    const char *path;
    char *err;
    size_t errlen;
};

static int fail(struct ld *l, yaml_node_t *n, const char *what)
{
    if (n)
        snprintf(l->err, l->errlen, "%s:%lu: %s", l->path, (unsigned long)n->start_mark.line + 1,
                 what);
    else
        snprintf(l->err, l->errlen, "%s: %s", l->path, what);
    return -1;
}

static int get_string(struct ld *l, yaml_node_t *n, char **out, const char *key)
{
    char msg[128];
    if (n->type != YAML_SCALAR_NODE) {
        snprintf(msg, sizeof msg, "'%s' must be a string", key);
        return fail(l, n, msg);
    }
    free(*out);
    *out = strndup((const char *)n->data.scalar.value, n->data.scalar.length);
    return *out ? 0 : fail(l, n, "out of memory");
}

static int get_list(struct ld *l, yaml_node_t *n, char ***out, size_t *nout, const char *key)
{
    char msg[128];
    if (n->type != YAML_SEQUENCE_NODE) {
        snprintf(msg, sizeof msg, "'%s' must be a list of strings", key);
        return fail(l, n, msg);
    }
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    char **v = calloc(cnt ? cnt : 1, sizeof *v);
    if (!v)
        return fail(l, n, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *it = yaml_document_get_node(l->doc, n->data.sequence.items.start[i]);
        if (!it || get_string(l, it, &v[i], key) < 0) {
            for (size_t k = 0; k < i; k++)
                free(v[k]);
            free(v);
            return -1;
        }
    }
    /* A key given twice: the last list wins, the earlier one is released. */
    for (size_t k = 0; k < *nout; k++)
        free((*out)[k]);
    free(*out);
    *out = v;
    *nout = cnt;
    return 0;
}

static int load_match(struct ld *l, yaml_node_t *n, hl_rule *r)
{
    if (n->type == YAML_SCALAR_NODE) {
        int m = matcher_from_name((const char *)n->data.scalar.value);
        if (m < 0)
            return fail(l, n,
                        "unknown matcher (call-in-loop-body, call-in-loop-condition, "
                        "compare-chain, realloc-growth, unbuffered-io)");
        r->matcher = (hl_matcher)m;
        r->match_mask |= HL_MATCH_BIT(m);
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(l, n, "'match' must be a matcher name or a list of them");
    if (n->data.sequence.items.top == n->data.sequence.items.start)
        return fail(l, n, "'match' must name at least one matcher");
    bool first = true;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *s = yaml_document_get_node(l->doc, *it);
        if (!s || s->type != YAML_SCALAR_NODE)
            return fail(l, n, "'match' must be a list of matcher names");
        int m = matcher_from_name((const char *)s->data.scalar.value);
        if (m < 0)
            return fail(l, s,
                        "unknown matcher (call-in-loop-body, call-in-loop-condition, "
                        "compare-chain, realloc-growth, unbuffered-io)");
        if (first)
            r->matcher = (hl_matcher)m;
        first = false;
        r->match_mask |= HL_MATCH_BIT(m);
    }
    return 0;
}

static int load_examples(struct ld *l, yaml_node_t *n, hl_rule *r)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(l, n, "'examples' must be a mapping with 'bad' and 'good'");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return fail(l, n, "bad 'examples' entry");
        const char *key = (const char *)k->data.scalar.value;
        if (!strcmp(key, "bad")) {
            if (get_string(l, v, &r->bad_example, "examples.bad") < 0)
                return -1;
        } else if (!strcmp(key, "good")) {
            if (get_string(l, v, &r->good_example, "examples.good") < 0)
                return -1;
        } else {
            return fail(l, k, "unknown key in 'examples' (expected bad, good)");
        }
    }
    return 0;
}

static int load_rule(struct ld *l, yaml_node_t *root, hl_rule *r)
{
    if (!root || root->type != YAML_MAPPING_NODE)
        return fail(l, root, "a rule file must be a YAML mapping (id: ..., name: ...)");
    bool have_match = false;
    r->min_chain = 4;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return fail(l, k, "keys must be strings");
        const char *key = (const char *)k->data.scalar.value;
        int rc = 0;
        if (!strcmp(key, "id"))
            rc = get_string(l, v, &r->id, key);
        else if (!strcmp(key, "name"))
            rc = get_string(l, v, &r->name, key);
        else if (!strcmp(key, "severity"))
            rc = get_string(l, v, &r->severity, key);
        else if (!strcmp(key, "family"))
            rc = get_string(l, v, &r->family, key);
        else if (!strcmp(key, "summary"))
            rc = get_string(l, v, &r->summary, key);
        else if (!strcmp(key, "why"))
            rc = get_string(l, v, &r->why, key);
        else if (!strcmp(key, "message"))
            rc = get_string(l, v, &r->message, key);
        else if (!strcmp(key, "message_note"))
            rc = get_string(l, v, &r->message_note, key);
        else if (!strcmp(key, "fix"))
            rc = get_string(l, v, &r->fix, key);
        else if (!strcmp(key, "callees"))
            rc = get_list(l, v, &r->callees, &r->n_callees, key);
        else if (!strcmp(key, "cost_symbols"))
            rc = get_list(l, v, &r->cost_symbols, &r->n_cost_symbols, key);
        else if (!strcmp(key, "examples"))
            rc = load_examples(l, v, r);
        else if (!strcmp(key, "match")) {
            rc = load_match(l, v, r);
            have_match = true;
        } else if (!strcmp(key, "min_chain")) {
            char *s = NULL;
            rc = get_string(l, v, &s, key);
            if (rc == 0) {
                char *end;
                long n = strtol(s, &end, 10);
                if (*end || n < 2 || n > 100)
                    rc = fail(l, v, "'min_chain' must be a number from 2 to 100");
                else
                    r->min_chain = (int)n;
            }
            free(s);
        } else {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "unknown key '%s' (expected id, name, severity, family, summary, why, "
                     "match, callees, cost_symbols, message, fix, examples)",
                     key);
            rc = fail(l, k, msg);
        }
        if (rc < 0)
            return -1;
    }
    static const char *const required[] = {"id", "name", "message", "match", "callees"};
    const void *have[] = {r->id, r->name, r->message, have_match ? r : NULL, r->callees};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (!have[i]) {
            char msg[96];
            snprintf(msg, sizeof msg, "missing required key '%s'", required[i]);
            return fail(l, root, msg);
        }
    }
    if (!r->severity && !(r->severity = strdup("warning")))
        return fail(l, root, "out of memory");
    if (strcmp(r->severity, "warning") && strcmp(r->severity, "note") &&
        strcmp(r->severity, "error"))
        return fail(l, root, "'severity' must be warning, note or error");
    return 0;
}

/* Loads the rule in f, or in data[0..len) when f is NULL, named path. */
static int load_rule_input(hl_catalog *cat, FILE *f, const void *data, size_t len, const char *path,
                           char *err, size_t errlen)
{
    yaml_document_t doc;
    hl_rule r = {0};
    int rc = -1;
    struct ld l = {&doc, path, err, errlen};
    if (hl_yaml_load_bounded(f, data, len, path, "", &doc, err, errlen) < 0)
        goto out_rule;
    if (load_rule(&l, yaml_document_get_root_node(&doc), &r) < 0)
        goto out_doc;
    if (!(r.source_path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out_doc;
    }
    for (size_t i = 0; i < cat->n_rules; i++) {
        if (!strcmp(cat->rules[i].id, r.id)) {
            /* Said, not silent: a repository's rule file can shadow a
             * built-in rule (the later file wins). */
            fprintf(stderr, "hotlint: %s: rule %s replaces the rule %s of %s\n", path, r.id,
                    cat->rules[i].id, cat->rules[i].source_path ? cat->rules[i].source_path : "?");
            rule_free(&cat->rules[i]);
            cat->rules[i] = r;
            memset(&r, 0, sizeof r);
            rc = 0;
            goto out_doc;
        }
    }
    hl_rule *nr = realloc(cat->rules, (cat->n_rules + 1) * sizeof *nr);
    if (!nr) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out_doc;
    }
    cat->rules = nr;
    cat->rules[cat->n_rules++] = r;
    memset(&r, 0, sizeof r);
    rc = 0;
out_doc:
    yaml_document_delete(&doc);
out_rule:
    rule_free(&r);
    return rc;
}

int hl_catalog_load_file(hl_catalog *cat, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read rule file: %s", path, strerror(errno));
        return -1;
    }
    int rc = load_rule_input(cat, f, NULL, 0, path, err, errlen);
    fclose(f);
    return rc;
}

int hl_catalog_load_buffer(hl_catalog *cat, const void *data, size_t len, const char *path,
                           char *err, size_t errlen)
{
    return load_rule_input(cat, NULL, data, len, path, err, errlen);
}

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const hl_rule *)a)->id, ((const hl_rule *)b)->id);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int hl_catalog_load_dir(hl_catalog *cat, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open the rules directory: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".yaml"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn || !(nn[n] = strdup(e->d_name))) {
            names = nn ? nn : names;
            snprintf(err, errlen, "%s: out of memory", dir);
            rc = -1;
            break;
        }
        names = nn;
        n++;
    }
    closedir(d);
    if (rc == 0)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = hl_catalog_load_file(cat, path, err, errlen);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc < 0) {
        hl_catalog_free(cat);
        return -1;
    }
    qsort(cat->rules, cat->n_rules, sizeof *cat->rules, cmp_rule);
    return 0;
}

const char *hl_catalog_default_dir(void)
{
    /* The source tree wins over an installed copy so an uninstalled build
     * always sees the rules it was built with. */
    const char *env = getenv("HOTLINT_RULES_DIR");
    if (env && *env)
        return env;
    struct stat st;
#ifdef HOTLINT_RULES_SOURCE_DIR
    if (stat(HOTLINT_RULES_SOURCE_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return HOTLINT_RULES_SOURCE_DIR;
#endif
#ifdef HOTLINT_RULES_INSTALL_DIR
    if (stat(HOTLINT_RULES_INSTALL_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return HOTLINT_RULES_INSTALL_DIR;
#endif
    return NULL;
}

const hl_rule *hl_catalog_find(const hl_catalog *cat, const char *id_or_name)
{
    for (size_t i = 0; i < cat->n_rules; i++)
        if (!strcasecmp(cat->rules[i].id, id_or_name) || !strcmp(cat->rules[i].name, id_or_name))
            return &cat->rules[i];
    return NULL;
}

int hl_catalog_add_cost_symbols(hl_catalog *cat, const char *family, char *const *names, size_t n)
{
    for (size_t r = 0; r < cat->n_rules; r++) {
        hl_rule *rule = &cat->rules[r];
        if (!rule->family || strcmp(rule->family, family))
            continue;
        for (size_t i = 0; i < n; i++) {
            bool have = false;
            for (size_t k = 0; k < rule->n_cost_symbols && !have; k++)
                have = !strcmp(rule->cost_symbols[k], names[i]);
            if (have)
                continue;
            size_t cap = rule->n_cost_symbols;
            char *copy = strdup(names[i]);
            if (!copy || HL_GROW(rule->cost_symbols, rule->n_cost_symbols, cap) < 0) {
                free(copy);
                return -1;
            }
            rule->cost_symbols[rule->n_cost_symbols++] = copy;
        }
    }
    return 0;
}
