/* diag.c - diagnostics as data (see diag.h). */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

int hl_diags_add(hl_diags *d, hl_diag_kind kind, const char *path, unsigned line, unsigned column,
                 const char *message)
{
    if (HL_GROW(d->v, d->n, d->cap) < 0)
        return -1;
    hl_diag *x = &d->v[d->n];
    x->path = strdup(path ? path : "");
    x->message = strdup(message ? message : "");
    if (!x->path || !x->message) {
        hl_diag_clear(x);
        return -1;
    }
    x->kind = kind;
    x->line = line;
    x->column = column;
    d->n++;
    return 0;
}

int hl_diags_add_copy(hl_diags *d, const hl_diag *x)
{
    return hl_diags_add(d, x->kind, x->path, x->line, x->column, x->message);
}

int hl_diags_take(hl_diags *dst, hl_diags *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (HL_GROW(dst->v, dst->n, dst->cap) < 0)
            return -1;
        dst->v[dst->n++] = src->v[i];
        src->v[i] = (hl_diag){0};
    }
    free(src->v);
    *src = (hl_diags){0};
    return 0;
}

void hl_diag_clear(hl_diag *x)
{
    free(x->path);
    free(x->message);
    *x = (hl_diag){0};
}

void hl_diags_free(hl_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        hl_diag_clear(&d->v[i]);
    free(d->v);
    *d = (hl_diags){0};
}

bool hl_diag_equal(const hl_diag *a, const hl_diag *b)
{
    return a->kind == b->kind && a->line == b->line && a->column == b->column &&
           !strcmp(a->path, b->path) && !strcmp(a->message, b->message);
}

const char *hl_diag_tag(const hl_diag *x)
{
    return x->kind == HL_DIAG_COMPILE ? "error" : x->kind == HL_DIAG_FATAL ? "fatal error" : NULL;
}

bool hl_diag_has_place(const hl_diag *x)
{
    return hl_diag_tag(x) && x->line > 0;
}

const char *hl_diag_format(const hl_diag *x, char *buf, size_t len)
{
    const char *tag = hl_diag_tag(x);
    if (tag && x->line)
        snprintf(buf, len, "%s:%u:%u: %s: %s", x->path, x->line, x->column, tag, x->message);
    else if (tag)
        snprintf(buf, len, "%s: %s: %s", x->path, tag, x->message);
    else
        snprintf(buf, len, "%s: %s", x->path, x->message);
    return buf;
}
