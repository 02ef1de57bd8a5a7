/* http_text.c - the ?debug=1 text form of a profile: one block per sample
 * with its values, labels and symbolized frames, for reading in a browser. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"

void hl_http_buf_printf(hl_http_buf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->oom)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *hl_http_profile_text(const hl_profile *p, const char *title, size_t *len)
{
    hl_http_buf t = {0};
    hl_http_buf_printf(&t, "%s profile: %zu samples; values:", title, p->n_samples);
    for (size_t i = 0; i < p->n_sample_types; i++)
        hl_http_buf_printf(&t, " %s/%s", p->sample_types[i].type, p->sample_types[i].unit);
    hl_http_buf_printf(&t, "\n");
    for (size_t i = 0; i < p->n_comments; i++)
        hl_http_buf_printf(&t, "# %s\n", p->comments[i]);
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        hl_http_buf_printf(&t, "\n");
        for (size_t v = 0; v < p->n_sample_types; v++)
            hl_http_buf_printf(&t, "%s%" PRId64, v ? " " : "", s->values[v]);
        for (size_t l = 0; l < s->n_labels; l++) {
            if (s->labels[l].str)
                hl_http_buf_printf(&t, " %s=%s", s->labels[l].key, s->labels[l].str);
            else
                hl_http_buf_printf(&t, " %s=%" PRId64, s->labels[l].key, s->labels[l].num);
        }
        hl_http_buf_printf(&t, "\n");
        for (size_t k = 0; k < s->n_locs; k++) {
            const hl_prof_location *loc = s->locs[k];
            if (!loc->n_lines) {
                const char *map = loc->mapping ? loc->mapping->filename : "";
                hl_http_buf_printf(&t, "#\t%#" PRIx64 "\t?\t%s\n", loc->address, map ? map : "");
                continue;
            }
            for (size_t j = 0; j < loc->n_lines; j++) {
                const hl_prof_line *ln = &loc->lines[j];
                const char *fn = ln->function && ln->function->name && *ln->function->name
                                     ? ln->function->name
                                     : "?";
                const char *file =
                    ln->function && ln->function->filename ? ln->function->filename : "";
                if (*file && ln->line)
                    hl_http_buf_printf(&t, "#\t%#" PRIx64 "\t%s\t%s:%" PRId64 "\n", loc->address,
                                       fn, file, ln->line);
                else
                    hl_http_buf_printf(&t, "#\t%#" PRIx64 "\t%s\t%s\n", loc->address, fn, file);
            }
        }
    }
    if (t.oom) {
        free(t.s);
        return NULL;
    }
    if (!t.s) {
        t.s = calloc(1, 1);
        if (!t.s)
            return NULL;
    }
    *len = t.len;
    return t.s;
}
