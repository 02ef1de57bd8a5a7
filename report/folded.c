/* folded.c - writes a profile as folded stacks, one line per distinct stack. */
#include "folded.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

void hl_frame_name(const hl_prof_location *loc, size_t line_index, char *out, size_t outlen)
{
    if (line_index < loc->n_lines && loc->lines[line_index].function &&
        loc->lines[line_index].function->name && loc->lines[line_index].function->name[0]) {
        snprintf(out, outlen, "%s", hl_esc(loc->lines[line_index].function->name));
        return;
    }
    if (loc->mapping && loc->mapping->filename && loc->mapping->filename[0]) {
        const char *base = strrchr(loc->mapping->filename, '/');
        snprintf(out, outlen, "%s+0x%" PRIx64, hl_esc(base ? base + 1 : loc->mapping->filename),
                 loc->address - loc->mapping->memory_start + loc->mapping->file_offset);
        return;
    }
    snprintf(out, outlen, "0x%" PRIx64, loc->address);
}

struct stack_line {
    char *text;
    int64_t value;
};

static int line_cmp(const void *a, const void *b)
{
    return strcmp(((const struct stack_line *)a)->text, ((const struct stack_line *)b)->text);
}

/* Builds the folded text of sample s into a malloc'ed string. */
static char *fold(const hl_prof_sample *s)
{
    size_t cap = 256, len = 0;
    char *buf = malloc(cap), name[1024];
    if (!buf)
        return NULL;
    buf[0] = '\0';
    for (size_t i = s->n_locs; i-- > 0;) {
        const hl_prof_location *loc = s->locs[i];
        size_t nl = loc->n_lines ? loc->n_lines : 1;
        for (size_t j = nl; j-- > 0;) {
            size_t n;
            hl_frame_name(loc, j, name, sizeof name);
            for (char *c = name; *c; c++)
                if (*c == ';' || *c == '\n')
                    *c = ':';
            n = strlen(name);
            if (len + n + 2 > cap) {
                char *nb;
                while (len + n + 2 > cap)
                    cap *= 2;
                if (!(nb = realloc(buf, cap))) {
                    free(buf);
                    return NULL;
                }
                buf = nb;
            }
            if (len)
                buf[len++] = ';';
            memcpy(buf + len, name, n + 1);
            len += n;
        }
    }
    return buf;
}

int hl_folded_write(FILE *out, const hl_profile *p, size_t sample_index, char *err, size_t errlen)
{
    struct stack_line *lines;
    size_t n = 0, w = 0;
    int rc = -1;
    if (sample_index >= p->n_sample_types) {
        snprintf(err, errlen, "sample index %zu out of range (the profile has %zu sample types)",
                 sample_index, p->n_sample_types);
        return -1;
    }
    if (!(lines = calloc(p->n_samples + 1, sizeof *lines))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        if (s->values[sample_index] == 0 || s->n_locs == 0)
            continue;
        if (!(lines[n].text = fold(s))) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        lines[n++].value = s->values[sample_index];
    }
    qsort(lines, n, sizeof *lines, line_cmp);
    for (size_t i = 0; i < n; i++) { /* merge equal stacks */
        if (w && !strcmp(lines[w - 1].text, lines[i].text)) {
            lines[w - 1].value += lines[i].value;
            free(lines[i].text);
            lines[i].text = NULL;
        } else {
            lines[w++] = lines[i];
        }
    }
    n = w;
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s %" PRId64 "\n", lines[i].text, lines[i].value);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(err, errlen, "write error");
        goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(lines[i].text);
    free(lines);
    return rc;
}
