/* lint_json.c - JSON output of static findings (format version 1). */
#include "lint_json.h"

#include "escape.h"

/* Text that may not be valid UTF-8 (names, messages): hl_json_text. */
static json_t *str_or_null(const char *s)
{
    return hl_json_text(s);
}

json_t *hl_finding_to_json(const hl_finding *x)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_t *loop = json_null();
    if (x->loop_depth > 0)
        loop = json_pack("{s:I,s:I,s:I}", "start_line", (json_int_t)x->loop_start_line, "end_line",
                         (json_int_t)x->loop_end_line, "depth", (json_int_t)x->loop_depth);
    int rc = 0;
    rc |= json_object_set_new(o, "rule", hl_json_text(x->rule->id));
    rc |= json_object_set_new(o, "name", hl_json_text(x->rule->name));
    rc |= json_object_set_new(o, "severity", str_or_null(hl_finding_severity(x)));
    rc |= json_object_set_new(o, "file", hl_json_text(x->file));
    rc |= json_object_set_new(o, "line", json_integer(x->line));
    rc |= json_object_set_new(o, "column", json_integer(x->column));
    rc |= json_object_set_new(o, "end_line", json_integer(x->end_line));
    rc |= json_object_set_new(o, "end_column", json_integer(x->end_column));
    rc |= json_object_set_new(o, "function", str_or_null(x->function));
    rc |= json_object_set_new(o, "loop", loop ? loop : json_null());
    rc |= json_object_set_new(o, "callee", str_or_null(x->callee));
    rc |= json_object_set_new(o, "message", str_or_null(x->message));
    rc |= json_object_set_new(o, "fix", str_or_null(x->rule->fix));
    rc |= json_object_set_new(o, "family", str_or_null(x->rule->family));
    rc |= json_object_set_new(o, "heat", hl_json_text(hl_heat_name(x->heat)));
    json_t *reasons = json_array(), *notes = json_array();
    for (size_t i = 0; reasons && i < x->n_heat_reasons; i++)
        rc |= json_array_append_new(reasons, hl_json_text(x->heat_reasons[i]));
    for (size_t i = 0; notes && i < x->n_notes; i++) {
        const hl_note *n = &x->notes[i];
        json_t *no =
            json_pack("{s:o,s:I,s:I,s:o}", "file", hl_json_text(n->file ? n->file : x->file),
                      "line", (json_int_t)n->line, "column", (json_int_t)n->column, "message",
                      hl_json_text(n->message));
        /* A further call site of the finding: where it ends, as for the finding. */
        if (no && n->end_line)
            rc |= json_object_set_new(no, "site",
                                      json_pack("{s:I,s:I}", "end_line", (json_int_t)n->end_line,
                                                "end_column", (json_int_t)n->end_column));
        rc |= json_array_append_new(notes, no);
    }
    rc |= json_object_set_new(o, "heat_reasons", reasons ? reasons : json_null());
    rc |= json_object_set_new(o, "notes", notes ? notes : json_null());
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *hl_findings_to_json(const hl_findings *f)
{
    json_t *arr = json_array(), *errs = json_array();
    json_t *root = json_object();
    if (!arr || !errs || !root)
        goto err;
    for (size_t i = 0; i < f->n; i++) {
        json_t *o = hl_finding_to_json(&f->items[i]);
        if (!o || json_array_append_new(arr, o))
            goto err;
    }
    for (size_t i = 0; i < f->n_errors; i++) {
        char text[8192];
        if (json_array_append_new(errs,
                                  hl_json_text(hl_diag_format(&f->errors[i], text, sizeof text))))
            goto err;
    }
    if (json_object_set_new(root, "version", json_integer(HL_LINT_JSON_VERSION)) ||
        json_object_set_new(root, "findings", arr) || json_object_set_new(root, "errors", errs))
        goto err_root;
    return root;
err:
    json_decref(arr);
    json_decref(errs);
err_root:
    json_decref(root);
    return NULL;
}

int hl_report_lint_json(FILE *out, const hl_findings *f)
{
    json_t *root = hl_findings_to_json(f);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc == 0)
        fputc('\n', out);
    return rc == 0 && fflush(out) == 0 ? 0 : -1;
}
