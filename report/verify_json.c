/* verify_json.c - writes hotlint --verify's JSON report with jansson. */
#include "verify_json.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "lint_json.h"

/* Adds key: s, or null when s is NULL. Returns 0 or -1. */
static int set_str(json_t *o, const char *key, const char *s)
{
    return json_object_set_new(o, key, hl_json_text(s));
}

/* The leaves under a hot-other-cause site. */
static json_t *causes_json(const hl_verified *v)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < v->n_causes; k++) {
        const hl_cause *h = &v->causes[k];
        json_t *o =
            json_pack("{s:o, s:o, s:I, s:I, s:f, s:f}", "function", hl_json_text(h->function),
                      "file", hl_json_text(h->file), "line", (json_int_t)h->line, "value",
                      (json_int_t)h->value, "share", h->share, "of_site", h->of_site);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The sites sharing a merged call instruction. */
static int add_merged(json_t *o, const hl_verified *v)
{
    char addr[32];
    json_t *a = json_array();
    int rc = a ? 0 : -1;
    for (size_t k = 0; a && k < v->n_merged_with; k++) {
        const hl_finding *f = v->merged_with[k];
        rc |= json_array_append_new(
            a, json_pack("{s:o, s:I}", "file", hl_json_text(f->file), "line", (json_int_t)f->line));
    }
    snprintf(addr, sizeof addr, "0x%llx", (unsigned long long)v->merged_address);
    rc |= json_object_set_new(o, "merged_with", a);
    rc |= json_object_set_new(o, "merged_evidence", json_integer(v->merged_evidence));
    rc |= json_object_set_new(o, "merged_share", json_real(v->merged_share));
    rc |= json_object_set_new(o, "merged_address", json_string(addr));
    rc |= set_str(o, "keep_apart", v->keep_apart);
    return rc ? -1 : 0;
}

int hl_verified_add_json(json_t *o, const hl_verified *v)
{
    int rc = 0;
    rc |= json_object_set_new(o, "verdict", json_string(hl_verdict_name(v->verdict)));
    rc |= json_object_set_new(o, "flat", json_integer(v->flat));
    rc |= json_object_set_new(o, "cum", json_integer(v->cum));
    rc |= json_object_set_new(o, "flat_share", json_real(v->flat_share));
    rc |= json_object_set_new(o, "cum_share", json_real(v->cum_share));
    rc |= json_object_set_new(o, "ci_low", json_real(v->ci_low));
    rc |= json_object_set_new(o, "ci_high", json_real(v->ci_high));
    rc |= json_object_set_new(o, "cum_samples", json_integer(v->cum_samples));
    rc |= json_object_set_new(o, "loop_cum", json_integer(v->loop_cum));
    rc |= json_object_set_new(o, "loop_cum_share", json_real(v->loop_cum_share));
    rc |= json_object_set_new(o, "evidence", json_integer(v->evidence));
    rc |= json_object_set_new(o, "evidence_share", json_real(v->evidence_share));
    rc |= json_object_set_new(o, "evidence_of_cum", json_real(v->evidence_of_cum));
    rc |= json_object_set_new(o, "matched_by", json_string(v->by_function ? "function" : "line"));
    rc |= json_object_set_new(o, "interval_of", json_string("evidence_share"));
    rc |= json_object_set_new(o, "cum_ci_low", json_real(v->cum_ci_low));
    rc |= json_object_set_new(o, "cum_ci_high", json_real(v->cum_ci_high));
    if (v->verdict == HL_VERDICT_HOT_OTHER_CAUSE)
        rc |= json_object_set_new(o, "causes", causes_json(v));
    if (v->verdict == HL_VERDICT_MERGED)
        rc |= add_merged(o, v);
    if (v->why_not_applicable)
        rc |= set_str(o, "why_not_applicable", v->why_not_applicable);
    return rc ? -1 : 0;
}

json_t *hl_verify_to_json(const hl_findings *fs, const hl_verify_result *r,
                          const char *profile_name)
{
    json_t *root = json_object(), *prof = json_object(), *thr = json_object();
    json_t *items = json_array(), *fams = json_array(), *unex = json_array();
    json_t *sum = json_object(), *errs = json_array();
    int rc = 0;
    if (!root || !prof || !thr || !items || !fams || !unex || !sum || !errs)
        goto err;
    rc |= set_str(prof, "name", profile_name);
    rc |= set_str(prof, "sample_type", r->sample_type);
    rc |= set_str(prof, "sample_unit", r->sample_unit);
    if (r->profile_default_type) /* verify chose sample_type over the profile's default */
        rc |= set_str(prof, "default_sample_type", r->profile_default_type);
    rc |= json_object_set_new(prof, "total", json_integer(r->total));
    rc |= json_object_set_new(prof, "total_samples", json_integer(r->total_samples));
    rc |= json_object_set_new(prof, "has_lines", json_boolean(r->profile_has_lines));
    rc |= json_object_set_new(prof, "has_functions", json_boolean(r->profile_has_functions));
    rc |= json_object_set_new(prof, "unsymbolized_share", json_real(r->unsymbolized_share));
    rc |= json_object_set_new(prof, "allocation_profile", json_boolean(r->allocation_profile));
    if (r->stale)
        rc |= set_str(prof, "stale", r->stale);
    if (r->binary_note)
        rc |= set_str(prof, "binary_note", r->binary_note);
    rc |= json_object_set_new(thr, "min_share", json_real(r->options.min_share));
    rc |= json_object_set_new(thr, "min_samples", json_integer(r->options.min_samples));
    rc |= json_object_set_new(thr, "confidence", json_real(0.95));
    rc |= json_object_set_new(thr, "samples_to_decide", json_integer(r->samples_to_decide));
    for (size_t i = 0; i < r->n_items; i++) {
        json_t *o = hl_finding_to_json(r->items[i].finding);
        if (!o || hl_verified_add_json(o, &r->items[i]) < 0 || json_array_append_new(items, o)) {
            json_decref(o);
            goto err;
        }
    }
    for (size_t i = 0; i < r->n_families; i++) {
        const hl_family_share *f = &r->families[i];
        json_t *o = json_pack("{s:s, s:I, s:f, s:s}", "family", f->family, "value",
                              (json_int_t)f->value, "share", f->share, "symbols", f->symbols);
        if (!o || json_array_append_new(fams, o))
            goto err;
    }
    for (size_t i = 0; i < r->n_unexplained; i++) {
        const hl_unexplained *u = &r->unexplained[i];
        json_t *o =
            json_pack("{s:o, s:I, s:o, s:s, s:I, s:I, s:f, s:f}", "file", hl_json_text(u->file),
                      "line", (json_int_t)u->line, "function", hl_json_text(u->function), "kind",
                      u->line > 0 ? "line" : "function", "flat", (json_int_t)u->flat, "cum",
                      (json_int_t)u->cum, "flat_share", u->flat_share, "cum_share", u->cum_share);
        if (o && u->callee)
            json_object_set_new(o, "callee", hl_json_text(u->callee));
        if (!o || json_array_append_new(unex, o))
            goto err;
    }
    rc |= json_object_set_new(sum, "findings", json_integer((json_int_t)r->n_items));
    rc |= json_object_set_new(sum, "confirmed", json_integer((json_int_t)r->n_confirmed));
    rc |= json_object_set_new(sum, "dismissed", json_integer((json_int_t)r->n_dismissed));
    rc |= json_object_set_new(sum, "not_exercised", json_integer((json_int_t)r->n_not_exercised));
    rc |= json_object_set_new(sum, "inconclusive", json_integer((json_int_t)r->n_inconclusive));
    rc |=
        json_object_set_new(sum, "hot_other_cause", json_integer((json_int_t)r->n_hot_other_cause));
    rc |= json_object_set_new(sum, "not_applicable", json_integer((json_int_t)r->n_not_applicable));
    rc |= json_object_set_new(sum, "merged", json_integer((json_int_t)r->n_merged));
    for (size_t i = 0; fs && i < fs->n_errors; i++) {
        char text[8192];
        rc |= json_array_append_new(
            errs, hl_json_text(hl_diag_format(&fs->errors[i], text, sizeof text)));
    }
    rc |= json_object_set_new(root, "version", json_integer(1));
    rc |= json_object_set_new(root, "profile", prof);
    rc |= json_object_set_new(root, "thresholds", thr);
    rc |= json_object_set_new(root, "families", fams);
    rc |= json_object_set_new(root, "findings", items);
    rc |= json_object_set_new(root, "unexplained", unex);
    rc |= json_object_set_new(root, "unexplained_total", json_integer(r->unexplained_total));
    rc |= json_object_set_new(root, "summary", sum);
    rc |= json_object_set_new(root, "errors", errs);
    if (rc) {
        json_decref(root);
        return NULL;
    }
    return root;
err:
    json_decref(prof);
    json_decref(thr);
    json_decref(items);
    json_decref(fams);
    json_decref(unex);
    json_decref(sum);
    json_decref(errs);
    json_decref(root);
    return NULL;
}

int hl_verify_write_json(FILE *out, const hl_findings *fs, const hl_verify_result *r,
                         const char *profile_name)
{
    json_t *root = hl_verify_to_json(fs, r, profile_name);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc == 0 && fputc('\n', out) == EOF)
        rc = -1;
    return rc ? -1 : 0;
}
