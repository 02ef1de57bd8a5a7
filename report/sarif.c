/* sarif.c - the SARIF 2.1.0 writer (jansson). */
#include "sarif.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci_order.h"
#include "escape.h"

/* Where a reader learns about the tool (SARIF tool.driver.informationUri; GitHub code
 * scanning and the SARIF validators want one): the installed documentation unless the
 * build names a web page (cmake -DHOTLINT_INFORMATION_URI=...). */
#ifndef HOTLINT_INFORMATION_URI
#define HOTLINT_INFORMATION_URI "file:///usr/local/share/doc/hotlint/README.md"
#endif

static const char *sarif_level(const char *severity)
{
    if (severity && !strcmp(severity, "error"))
        return "error";
    if (severity && !strcmp(severity, "note"))
        return "note";
    return "warning";
}

/* Percent-encodes a path for a URI reference (RFC 3986: unreserved and '/' stay). */
static void uri_encode(const char *s, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* {"text": s}, s made valid UTF-8 (hl_json_text). */
static json_t *text_obj(const char *s)
{
    return json_pack("{s:o}", "text", hl_json_text(s ? s : ""));
}

/* Line n (1-based) of the file at path without its end of line, or NULL. */
static char *read_line(const char *path, unsigned n)
{
    FILE *in = path ? fopen(path, "rb") : NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = -1;
    if (!in)
        return NULL;
    for (unsigned i = 0; i < n && (len = getline(&line, &cap, in)) >= 0; i++)
        ;
    fclose(in);
    if (len < 0) {
        free(line);
        return NULL;
    }
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    return line;
}

static json_t *rule_obj(const hl_rule *r)
{
    char help[8192], md[12288];
    json_t *o, *tags;
    snprintf(help, sizeof help, "%s%s%s%s%s%s%s", r->fix ? r->fix : "",
             r->bad_example ? "\n\nInstead of:\n" : "", r->bad_example ? r->bad_example : "",
             r->good_example ? "\n\nWrite:\n" : "", r->good_example ? r->good_example : "",
             r->why ? "\n\n" : "", r->why ? r->why : "");
    snprintf(md, sizeof md, "%s%s%s%s%s%s%s%s%s", r->fix ? r->fix : "",
             r->bad_example ? "\n\nInstead of:\n\n```c\n" : "",
             r->bad_example ? r->bad_example : "", r->bad_example ? "\n```" : "",
             r->good_example ? "\n\nWrite:\n\n```c\n" : "", r->good_example ? r->good_example : "",
             r->good_example ? "\n```" : "", r->why ? "\n\n" : "", r->why ? r->why : "");
    tags = json_pack("[s]", "performance");
    if (tags && r->family && r->family[0])
        json_array_append_new(tags, hl_json_text(r->family));
    o = json_pack("{s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:{s:s}, s:{s:o, s:s}}", "id",
                  hl_json_text(r->id ? r->id : ""), "name", hl_json_text(r->name ? r->name : ""),
                  "shortDescription", text_obj(r->summary ? r->summary : r->name),
                  "fullDescription",
                  text_obj(r->why ? r->why : (r->summary ? r->summary : r->name)), "help", "text",
                  hl_json_text(help), "markdown", hl_json_text(md), "defaultConfiguration", "level",
                  sarif_level(r->severity), "properties", "tags", tags ? tags : json_array(),
                  "precision", "medium");
    return o;
}

/* The region of finding x: libclang's columns count bytes; the log declares
 * unicodeCodePoints, so count the code points of the line before the column (the
 * end column's line may be another one: read it). */
static json_t *region_obj(const hl_finding *x)
{
    unsigned col = hl_codepoint_column(x->source_line, x->column ? x->column : 1);
    unsigned end_col = 0;
    if (x->end_column && x->end_line > x->line) {
        char *end_text = read_line(x->abs_file ? x->abs_file : x->file, x->end_line);
        end_col = hl_codepoint_column(end_text, x->end_column);
        free(end_text);
    } else if (x->end_column && x->end_column > x->column) {
        end_col = hl_codepoint_column(x->source_line, x->end_column);
    }
    json_t *region = json_pack("{s:I, s:I}", "startLine", (json_int_t)(x->line ? x->line : 1),
                               "startColumn", (json_int_t)col);
    if (region && x->end_line >= x->line && x->end_line)
        json_object_set_new(region, "endLine", json_integer(x->end_line));
    if (region && end_col)
        json_object_set_new(region, "endColumn", json_integer(end_col));
    return region;
}

/* The verdict's fields: the verdict, the evidence and its interval, the
 * site's shares, and what a hot-other-cause, merged or not-applicable
 * verdict has to say. */
static void verdict_props(json_t *props, const hl_verified *e, const hl_verify_result *vr)
{
    json_object_set_new(props, "verdict", json_string(hl_verdict_name(e->verdict)));
    json_object_set_new(props, "flat", json_integer(e->flat));
    json_object_set_new(props, "cum", json_integer(e->cum));
    json_object_set_new(props, "loopCum", json_integer(e->loop_cum));
    json_object_set_new(props, "evidence", json_integer(e->evidence));
    json_object_set_new(props, "flatShare", json_real(e->flat_share));
    json_object_set_new(props, "cumShare", json_real(e->cum_share));
    json_object_set_new(props, "loopCumShare", json_real(e->loop_cum_share));
    json_object_set_new(props, "evidenceShare", json_real(e->evidence_share));
    json_object_set_new(props, "ciLow", json_real(e->ci_low));
    json_object_set_new(props, "ciHigh", json_real(e->ci_high));
    json_object_set_new(props, "intervalOf", json_string("evidenceShare"));
    json_object_set_new(props, "cumCiLow", json_real(e->cum_ci_low));
    json_object_set_new(props, "cumCiHigh", json_real(e->cum_ci_high));
    json_object_set_new(props, "cumSamples", json_integer(e->cum_samples));
    if (vr->sample_type)
        json_object_set_new(props, "sampleType", hl_json_text(vr->sample_type));
    if (vr->sample_unit)
        json_object_set_new(props, "sampleUnit", hl_json_text(vr->sample_unit));
    if (e->n_causes) {
        json_t *causes = json_array();
        for (size_t k = 0; causes && k < e->n_causes; k++)
            json_array_append_new(causes, json_pack("{s:o, s:o, s:I, s:f}", "function",
                                                    hl_json_text(e->causes[k].function), "file",
                                                    hl_json_text(e->causes[k].file), "line",
                                                    (json_int_t)e->causes[k].line, "share",
                                                    e->causes[k].of_site));
        json_object_set_new(props, "causes", causes ? causes : json_array());
    }
    if (e->n_merged_with) {
        json_t *with = json_array();
        for (size_t k = 0; with && k < e->n_merged_with; k++)
            json_array_append_new(with, json_pack("{s:o, s:I}", "file",
                                                  hl_json_text(e->merged_with[k]->file), "line",
                                                  (json_int_t)e->merged_with[k]->line));
        json_object_set_new(props, "mergedWith", with ? with : json_array());
        json_object_set_new(props, "mergedShare", json_real(e->merged_share));
        json_object_set_new(props, "keepApart", hl_json_text(e->keep_apart));
    }
    if (e->why_not_applicable)
        json_object_set_new(props, "whyNotApplicable", hl_json_text(e->why_not_applicable));
}

/* A finding's rule points into the catalog (finding.h), so its index is
 * where it sits there. */
static int rule_index(const hl_catalog *cat, const hl_rule *r)
{
    if (!cat || !r || r < cat->rules || r >= cat->rules + cat->n_rules)
        return -1;
    return (int)(r - cat->rules);
}

/* The finding's notes (its loop, a macro, a chain's steps, further call
 * sites) as related locations, each with its message. */
static json_t *related_locations(const hl_finding *x, const char *cwd)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < x->n_notes; i++) {
        const hl_note *n = &x->notes[i];
        hl_finding at = *x; /* the note's file, shown as the finding's would be */
        char rel[4096], uri[4200];
        if (n->file) {
            at.file = n->file;
            at.abs_file = n->file[0] == '/' ? n->file : x->abs_file;
        }
        hl_finding_rel_path(&at, cwd, rel, sizeof rel);
        int under_cwd = rel[0] != '/';
        uri_encode(rel, uri + (under_cwd ? 0 : 7), sizeof uri - 7);
        if (!under_cwd)
            memcpy(uri, "file://", 7);
        /* Lines only: SARIF counts columns in code points, and the note's line
         * text is not at hand. */
        json_t *region = json_pack("{s:I}", "startLine", (json_int_t)(n->line ? n->line : 1));
        json_t *phys =
            json_pack("{s:{s:s}, s:o}", "artifactLocation", "uri", uri, "region", region);
        if (phys && under_cwd)
            json_object_set_new(json_object_get(phys, "artifactLocation"), "uriBaseId",
                                json_string("%SRCROOT%"));
        json_array_append_new(arr,
                              json_pack("{s:I, s:o, s:o}", "id", (json_int_t)i, "physicalLocation",
                                        phys, "message", text_obj(n->message)));
    }
    return arr ? arr : json_array();
}

int hl_report_sarif(FILE *out, const hl_findings *f, const hl_catalog *cat,
                    const hl_verify_result *vr, const char *version)
{
    const hl_verified **v = NULL;
    size_t *idx = hl_report_order(f, vr, &v);
    json_t *log = NULL, *run, *rules, *results, *notes, *driver;
    static const char *const levels[] = {"note", "warning", "error"};
    char cwd[PATH_MAX], uri[PATH_MAX * 3], rel[PATH_MAX], lh[64];
    hl_report_fp *fps = NULL;
    int rc = -1;

    if (!idx)
        return -1;
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    rules = json_array();
    results = json_array();
    notes = json_array();
    fps = hl_report_fingerprints(f, idx, cwd);
    driver = json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", "hotlint", "version",
                       version ? version : "0", "semanticVersion", version ? version : "0.0.0",
                       "informationUri", HOTLINT_INFORMATION_URI, "rules", rules);
    if (!rules || !results || !notes || !fps || !driver)
        goto out;
    for (size_t i = 0; cat && i < cat->n_rules; i++)
        json_array_append_new(rules, rule_obj(&cat->rules[i]));

    for (size_t k = 0; k < f->n; k++) {
        const hl_finding *x = &f->items[idx[k]];
        const hl_verified *e = v[idx[k]];
        const char *level = levels[hl_report_level_of(x, e)];
        json_t *res, *loc, *phys, *region, *props;
        int ri = rule_index(cat, x->rule);
        int under_cwd;

        hl_finding_rel_path(x, cwd, rel, sizeof rel);
        under_cwd = rel[0] != '/';
        snprintf(lh, sizeof lh, "%s:%zu", fps[k].fp, fps[k].occurrence);

        uri_encode(rel, uri + (under_cwd ? 0 : 7), sizeof uri - 7);
        if (!under_cwd)
            memcpy(uri, "file://", 7);
        region = region_obj(x);
        if (x->source_line)
            json_object_set_new(region, "snippet", text_obj(x->source_line));
        phys = json_pack("{s:{s:s}, s:o}", "artifactLocation", "uri", uri, "region", region);
        if (under_cwd)
            json_object_set_new(json_object_get(phys, "artifactLocation"), "uriBaseId",
                                json_string("%SRCROOT%"));
        loc = json_pack("{s:o}", "physicalLocation", phys);
        if (x->function)
            json_object_set_new(
                loc, "logicalLocations",
                json_pack("[{s:o, s:s}]", "name", hl_json_text(x->function), "kind", "function"));
        res = json_pack("{s:o, s:s, s:o, s:[o], s:{s:s}}", "ruleId",
                        hl_json_text(x->rule && x->rule->id ? x->rule->id : "HL"), "level", level,
                        "message", text_obj(x->message), "locations", loc, "partialFingerprints",
                        "primaryLocationLineHash", lh);
        if (!res)
            goto out;
        if (ri >= 0)
            json_object_set_new(res, "ruleIndex", json_integer(ri));
        props = json_object();
        if (x->callee)
            json_object_set_new(props, "callee", hl_json_text(x->callee));
        if (x->loop_depth)
            json_object_set_new(props, "loopDepth", json_integer(x->loop_depth));
        if (x->heat) {
            json_t *why = json_array();
            json_object_set_new(props, "heat", json_string(hl_heat_name(x->heat)));
            for (size_t r = 0; why && r < x->n_heat_reasons; r++)
                json_array_append_new(why, hl_json_text(x->heat_reasons[r]));
            json_object_set_new(props, "heatReasons", why ? why : json_array());
        }
        if (e)
            verdict_props(props, e, vr);
        json_object_set_new(res, "properties", props);
        if (x->n_notes)
            json_object_set_new(res, "relatedLocations", related_locations(x, cwd));
        json_array_append_new(results, res);
    }
    for (size_t i = 0; i < f->n_errors; i++) {
        char text[8192];
        json_array_append_new(
            notes, json_pack("{s:s, s:o}", "level", "error", "message",
                             text_obj(hl_diag_format(&f->errors[i], text, sizeof text))));
    }

    uri_encode(cwd, uri + 7, sizeof uri - 8);
    memcpy(uri, "file://", 7);
    if (uri[strlen(uri) - 1] != '/')
        strcat(uri, "/");
    run = json_pack("{s:{s:o}, s:{s:{s:s}}, s:[{s:b, s:o}], s:o, s:s}", "tool", "driver", driver,
                    "originalUriBaseIds", "%SRCROOT%", "uri", uri, "invocations",
                    "executionSuccessful", f->n_errors == 0, "toolExecutionNotifications", notes,
                    "results", results, "columnKind", "unicodeCodePoints");
    driver = notes = results = NULL;
    if (!run)
        goto out;
    log = json_pack("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                    "version", "2.1.0", "runs", run);
    if (!log)
        goto out;
    if (json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF)
        rc = 0;
out:
    json_decref(log);
    json_decref(driver);
    json_decref(notes);
    json_decref(results);
    free(fps);
    free(idx);
    free(v);
    return rc;
}
