/* util.c - small containers the analyzer shares: string lists, finding lists, messages. */
#include "lint_internal.h"
#include "../base/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hl_strv_push_own(hl_strv *s, char *str)
{
    if (!str)
        return -1;
    if (HL_GROW(s->v, s->n, s->cap) < 0) {
        free(str);
        return -1;
    }
    s->v[s->n++] = str;
    return 0;
}

int hl_strv_push(hl_strv *s, const char *str)
{
    return hl_strv_push_own(s, strdup(str));
}

void hl_strv_free(hl_strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

void hl_finding_clear(hl_finding *x)
{
    free(x->file);
    free(x->abs_file);
    free(x->function);
    free(x->callee);
    free(x->message);
    free(x->source_line);
    for (size_t i = 0; i < x->n_heat_reasons; i++)
        free(x->heat_reasons[i]);
    free(x->heat_reasons);
    for (size_t i = 0; i < x->n_notes; i++) {
        free(x->notes[i].file);
        free(x->notes[i].message);
    }
    free(x->notes);
    memset(x, 0, sizeof *x);
}

size_t hl_findings_keep_heat(hl_findings *f, hl_heat min)
{
    size_t w = 0, dropped = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (f->items[i].heat && f->items[i].heat < min) {
            hl_finding_clear(&f->items[i]);
            dropped++;
            continue;
        }
        f->items[w++] = f->items[i];
    }
    f->n = w;
    return dropped;
}

const char *hl_heat_name(hl_heat h)
{
    return h == HL_HEAT_HOT ? "hot" : h == HL_HEAT_COLD ? "cold" : "warm";
}

hl_heat hl_heat_parse(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "hot"))
        return HL_HEAT_HOT;
    if (!strcmp(s, "warm"))
        return HL_HEAT_WARM;
    if (!strcmp(s, "cold"))
        return HL_HEAT_COLD;
    return 0;
}

int hl_finding_add_note(hl_finding *x, const char *file, unsigned line, unsigned column,
                        const char *message)
{
    size_t cap = x->n_notes;
    if (HL_GROW(x->notes, x->n_notes, cap) < 0)
        return -1;
    hl_note n = {file ? strdup(file) : NULL, line, column, strdup(message ? message : ""), 0, 0};
    if ((file && !n.file) || !n.message) {
        free(n.file);
        free(n.message);
        return -1;
    }
    x->notes[x->n_notes++] = n;
    return 0;
}

int hl_finding_add_heat_reason(hl_finding *x, const char *reason)
{
    for (size_t i = 0; i < x->n_heat_reasons; i++)
        if (!strcmp(x->heat_reasons[i], reason))
            return 0;
    size_t cap = x->n_heat_reasons;
    char *r = strdup(reason);
    if (!r || HL_GROW(x->heat_reasons, x->n_heat_reasons, cap) < 0) {
        free(r);
        return -1;
    }
    x->heat_reasons[x->n_heat_reasons++] = r;
    return 0;
}

int hl_findings_push(hl_findings *f, const hl_finding *x)
{
    if (HL_GROW(f->items, f->n, f->cap) < 0)
        return -1;
    f->items[f->n++] = *x;
    return 0;
}

int hl_findings_add_error(hl_findings *f, const hl_diag *d)
{
    hl_diags v = {f->errors, f->n_errors, f->cap_errors};
    int rc = hl_diags_add_copy(&v, d);
    f->errors = v.v;
    f->n_errors = v.n;
    f->cap_errors = v.cap;
    return rc;
}

void hl_findings_free(hl_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        hl_finding_clear(&f->items[i]);
    free(f->items);
    hl_diags v = {f->errors, f->n_errors, f->cap_errors};
    hl_diags_free(&v);
    memset(f, 0, sizeof *f);
}

/* Appends s[0..n) to a growing buffer; returns -1 on out of memory. */
static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t nc = (*len + n + 1) * 2;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

char *hl_render_message(const hl_rule *r, const char *callee, const char *function, unsigned depth,
                        const char *note)
{
    char *buf = NULL, num[16];
    size_t len = 0, cap = 0;
    const char *t = r->message;
    snprintf(num, sizeof num, "%u", depth);
    if (append(&buf, &len, &cap, "", 0) < 0)
        return NULL;
    while (*t) {
        const char *open = strchr(t, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            if (append(&buf, &len, &cap, t, strlen(t)) < 0)
                goto oom;
            break;
        }
        if (append(&buf, &len, &cap, t, (size_t)(open - t)) < 0)
            goto oom;
        size_t kn = (size_t)(close - open - 1);
        const char *val = NULL;
        if (kn == 6 && !strncmp(open + 1, "callee", kn))
            val = callee ? callee : "";
        else if (kn == 8 && !strncmp(open + 1, "function", kn))
            val = function ? function : "";
        else if (kn == 5 && !strncmp(open + 1, "depth", kn))
            val = num;
        else if (kn == 4 && !strncmp(open + 1, "note", kn))
            val = note ? note : "";
        if (val) {
            if (append(&buf, &len, &cap, val, strlen(val)) < 0)
                goto oom;
        } else if (append(&buf, &len, &cap, open, kn + 2) < 0) {
            goto oom;
        }
        t = close + 1;
    }
    return buf;
oom:
    free(buf);
    return NULL;
}
