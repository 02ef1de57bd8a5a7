/* compare_json.c - writes hotlint compare's JSON report with jansson. */
#include "compare_json.h"

#include <math.h>

#include "escape.h"

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *interval(const hl_cmp_stat *s)
{
    if (!isfinite(s->ci_lo) || !isfinite(s->ci_hi))
        return json_null();
    return json_pack("[ff]", s->ci_lo, s->ci_hi);
}

/* before, after, change, ci of a row (the keys every row has). */
static int add_costs(json_t *o, const hl_cmp_stat *s)
{
    int rc = 0;
    rc |= json_object_set_new(o, "before", s->has_before ? num(s->before) : json_null());
    rc |= json_object_set_new(o, "after", s->has_after ? num(s->after) : json_null());
    rc |= json_object_set_new(o, "change", num(s->change));
    rc |= json_object_set_new(o, "ci", interval(s));
    return rc;
}

static json_t *total_json(const hl_compare_result *r)
{
    json_t *o = json_object();
    if (!o || add_costs(o, &r->total) < 0 || json_object_set_new(o, "p", num(r->total.p)) < 0 ||
        json_object_set_new(o, "verdict", json_string(hl_cmp_verdict_name(r->total_verdict))) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *finding_json(const hl_compare_result *r, const hl_cmp_finding *f)
{
    const hl_finding *shown = f->after ? f->after : f->before;
    char path[4096];
    hl_finding_rel_path(shown, f->after ? r->after_root : r->before_root, path, sizeof path);
    json_t *o = json_object();
    int rc = !o;
    rc |= json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
    rc |= json_object_set_new(o, "rule", json_string(shown->rule->id));
    rc |= json_object_set_new(o, "file", hl_json_text(path));
    rc |= json_object_set_new(o, "line", f->after ? json_integer(f->after->line) : json_null());
    rc |= json_object_set_new(o, "before_line",
                              f->before ? json_integer(f->before->line) : json_null());
    rc |= add_costs(o, &f->st);
    rc |= json_object_set_new(o, "verdict", json_string(hl_cmp_verdict_name(f->verdict)));
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *function_json(const hl_cmp_function *f)
{
    json_t *o = json_object();
    int rc = !o;
    rc |= json_object_set_new(o, "function", hl_json_text(f->name));
    rc |= add_costs(o, &f->st);
    rc |= json_object_set_new(o, "p", num(f->st.p));
    rc |= json_object_set_new(o, "verdict", json_string(hl_cmp_verdict_name(f->verdict)));
    rc |= json_object_set_new(o, "before_share", num(f->st.before_share));
    rc |= json_object_set_new(o, "after_share", num(f->st.after_share));
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *hl_compare_to_json(const hl_compare_result *r)
{
    json_t *root = json_object(), *fs = json_array(), *fn = json_array();
    int rc = !root || !fs || !fn;
    for (size_t i = 0; !rc && i < r->n_findings; i++)
        rc |= json_array_append_new(fs, finding_json(r, &r->findings[i]));
    for (size_t i = 0; !rc && i < r->n_functions; i++)
        rc |= json_array_append_new(fn, function_json(&r->functions[i]));
    if (!rc) {
        rc |= json_object_set_new(root, "total", total_json(r));
        rc |= json_object_set_new(root, "findings", fs);
        rc |= json_object_set_new(root, "functions", fn);
        fs = fn = NULL;
    }
    json_decref(fs);
    json_decref(fn);
    if (rc) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int hl_compare_write_json(FILE *out, const hl_compare_result *r)
{
    json_t *root = hl_compare_to_json(r);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    json_decref(root);
    if (rc < 0 || fputc('\n', out) == EOF)
        return -1;
    return 0;
}
