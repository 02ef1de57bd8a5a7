/* lint_json.c - JSON output of static findings (format version 1). */
#include "lint_json.h"

#include "escape.h"
#include "../lint/finding_fields.h"

/* Text that may not be valid UTF-8 (names, messages): hl_json_text. */
static json_t *str_or_null(const char *s)
{
    return hl_json_text(s);
}

static json_t *loop_json(const hl_finding *x)
{
    if (x->loop_depth == 0)
        return json_null();
    return json_pack("{s:I,s:I,s:I}", "start_line", (json_int_t)x->loop_start_line, "end_line",
                     (json_int_t)x->loop_end_line, "depth", (json_int_t)x->loop_depth);
}

static json_t *heat_reasons_json(const hl_finding *x)
{
    json_t *reasons = json_array();
    for (size_t i = 0; reasons && i < x->n_heat_reasons; i++)
        if (json_array_append_new(reasons, hl_json_text(x->heat_reasons[i])) < 0) {
            json_decref(reasons);
            return NULL;
        }
    return reasons;
}

static json_t *notes_json(const hl_finding *x)
{
    json_t *notes = json_array();
    int rc = 0;
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
    if (rc) {
        json_decref(notes);
        return NULL;
    }
    return notes;
}

/* One field of the table (lint/finding_fields.c) as JSON. */
static json_t *field_json(const hl_finding *x, const hl_finding_field *fd)
{
    switch (fd->kind) {
    case HL_FIELD_RULE:
        return hl_json_text(x->rule->id);
    case HL_FIELD_RULE_NAME:
        return hl_json_text(x->rule->name);
    case HL_FIELD_RULE_FIX:
        return str_or_null(x->rule->fix);
    case HL_FIELD_RULE_FAMILY:
        return str_or_null(x->rule->family);
    case HL_FIELD_SEVERITY:
        return str_or_null(hl_finding_severity(x));
    case HL_FIELD_PATH:
        return hl_json_text(x->file);
    case HL_FIELD_STR:
        return str_or_null(hl_field_cstr(x, fd));
    case HL_FIELD_UINT:
        return json_integer(hl_field_cuint(x, fd));
    case HL_FIELD_LOOP:
        return loop_json(x);
    case HL_FIELD_HEAT:
        return hl_json_text(hl_heat_name(x->heat));
    case HL_FIELD_HEAT_REASONS:
        return heat_reasons_json(x);
    case HL_FIELD_NOTES:
        return notes_json(x);
    default:
        return json_null();
    }
}

json_t *hl_finding_to_json(const hl_finding *x)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (size_t k = 0; k < hl_n_finding_fields; k++) {
        const hl_finding_field *fd = &hl_finding_fields[k];
        if (!(fd->in & HL_FIELD_IN_JSON))
            continue;
        json_t *v = field_json(x, fd);
        if (!v || json_object_set_new(o, fd->name, v) < 0) {
            json_decref(o);
            return NULL;
        }
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
