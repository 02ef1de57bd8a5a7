/* list_text.c - writes hotlint list's annotated source listings. */
#include "../base/atomic_file.h"
#include "../base/units.h"
#include "list_text.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../profile/aggregate.h"
#include "escape.h"
#include "verify_text.h"

#define LIST_MAX_SOURCE_BYTES ((size_t)1 << 30) /* a larger "source" is not listed */

/* The lines of a text file; NULL when it cannot be read. */
typedef struct text {
    char *buf;
    char **lines;
    size_t n;
} text;

static int text_load(text *t, const char *path)
{
    memset(t, 0, sizeof *t);
    size_t len;
    /* A FIFO or device named as a source must not block the listing. */
    if (hl_file_read_all(AT_FDCWD, path, 0, LIST_MAX_SOURCE_BYTES, &t->buf, &len) < 0)
        return -1;
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += t->buf[i] == '\n';
    if (!(t->lines = malloc(count * sizeof *t->lines)))
        goto err;
    char *s = t->buf;
    while (*s || t->n == 0) {
        t->lines[t->n++] = s;
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    return 0;
err:
    free(t->buf);
    memset(t, 0, sizeof *t);
    return -1;
}

static void text_free(text *t)
{
    free(t->buf);
    free(t->lines);
}

/* A readable source file for a profile file name, into buf; NULL when none. */
static const char *find_source(const char *file, const hl_list_options *o, char *buf, size_t len)
{
    const char *t = hl_path_trim(file, o->trim_paths, o->n_trim_paths);
    if (!t[0])
        return NULL;
    if (o->source_root && t[0] != '/') {
        snprintf(buf, len, "%s/%s", o->source_root, t);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    if (access(t, R_OK) == 0) {
        snprintf(buf, len, "%s", t);
        return buf;
    }
    /* A finding's file sharing the longest path suffix. */
    size_t best = 0;
    for (size_t i = 0; o->vr && i < o->vr->n_items; i++) {
        const char *a = o->vr->items[i].finding->abs_file;
        size_t s = a ? hl_path_common_suffix(t, a) : 0;
        if (s > best) {
            best = s;
            snprintf(buf, len, "%s", a);
        }
    }
    return best ? buf : NULL;
}

/* True when finding f belongs to the listed function in the listed file. */
static bool finding_here(const hl_finding *f, const char *function, const char *file,
                         const hl_list_options *o)
{
    if (!f->function || !function)
        return false;
    size_t lf = hl_function_name_len(function);
    if (strlen(f->function) != lf || strncmp(f->function, function, lf))
        return false;
    const char *t = hl_path_trim(file, o->trim_paths, o->n_trim_paths);
    if (!t[0])
        return true;
    const char *a = f->abs_file ? f->abs_file : f->file;
    return a && hl_path_common_suffix(t, a) > 0;
}

static int64_t function_start(const hl_profile *p, const char *name, const char *file)
{
    for (size_t i = 0; i < p->n_functions; i++) {
        const hl_prof_function *f = &p->functions[i];
        if (f->name && !strcmp(f->name, name) && f->filename && !strcmp(f->filename, file))
            return f->start_line;
    }
    return 0;
}

/* Appends "<- HL002 alloc-in-loop: confirmed" for each finding on line. */
static void print_marks(FILE *out, const hl_verified **marks, size_t n_marks, int64_t line)
{
    for (size_t k = 0; k < n_marks; k++) {
        const hl_finding *f = marks[k]->finding;
        if ((int64_t)f->line != line)
            continue;
        fprintf(out, "   <- %s %s: %s", hl_esc(f->rule ? f->rule->id : "?"),
                hl_esc(f->rule ? f->rule->name : "?"), hl_verdict_name(marks[k]->verdict));
    }
}

int hl_list_write_text(FILE *out, const hl_profile *p, const regex_t *re, const hl_list_options *o)
{
    hl_agg *fa = hl_agg_build(p, o->sample_index, HL_AGG_FUNCTION);
    hl_agg *la = hl_agg_build(p, o->sample_index, HL_AGG_LINE);
    const char *unit = p->sample_types[o->sample_index].unit;
    size_t max_lines = o->max_lines ? o->max_lines : 400;
    const hl_verified **marks = NULL;
    const hl_agg_row **fl = NULL;
    int listed = 0;
    if (!fa || !la)
        goto err;
    hl_agg_sort(fa, true);
    hl_agg_sort(la, false);
    marks = malloc(((o->vr ? o->vr->n_items : 0) + 1) * sizeof *marks);
    fl = malloc((la->n_rows + 1) * sizeof *fl);
    if (!marks || !fl)
        goto err;
    for (size_t i = 0; i < fa->n_rows; i++) {
        const hl_agg_row *fr = &fa->rows[i];
        if (regexec(re, fr->function, 0, NULL, 0) != 0)
            continue;
        char a[32], b[32], path[PATH_MAX];
        int64_t lo = INT64_MAX, hi = 0;
        for (size_t k = 0; k < la->n_rows; k++) {
            const hl_agg_row *lr = &la->rows[k];
            if (lr->line > 0 && !strcmp(lr->function, fr->function) &&
                !strcmp(lr->file, fr->file)) {
                lo = lr->line < lo ? lr->line : lo;
                hi = lr->line > hi ? lr->line : hi;
            }
        }
        size_t n_marks = 0;
        for (size_t k = 0; o->vr && k < o->vr->n_items; k++) {
            const hl_finding *f = o->vr->items[k].finding;
            if (!finding_here(f, fr->function, fr->file, o))
                continue;
            marks[n_marks++] = &o->vr->items[k];
            /* The linter knows the function's extent: list all of it. */
            int64_t first = f->function_start_line ? f->function_start_line : f->line;
            int64_t last = f->function_end_line ? f->function_end_line : f->line;
            lo = first < lo ? first : lo;
            hi = last > hi ? last : hi;
        }
        int64_t start = function_start(p, fr->function, fr->file);
        if (start > 0 && start < lo)
            lo = start;
        const char *src = find_source(fr->file, o, path, sizeof path);
        fprintf(out, "ROUTINE ======================== %s in %s\n", hl_esc(fr->function),
                hl_esc(fr->file[0] ? hl_display_path(src ? src : fr->file) : "?"));
        fprintf(out, "%10s %10s (flat, cum) %.1f%% of Total\n",
                hl_units_format_short(fr->flat, unit, a, sizeof a),
                hl_units_format_short(fr->cum, unit, b, sizeof b),
                fa->total ? 100.0 * (double)fr->cum / (double)fa->total : 0.0);
        listed++;
        if (hi == 0) {
            fputs("         .          .  (no line information)\n", out);
            continue;
        }
        size_t n_fl = 0;
        for (size_t k = 0; k < la->n_rows; k++)
            if (la->rows[k].line >= lo && la->rows[k].line <= hi &&
                !strcmp(la->rows[k].function, fr->function) && !strcmp(la->rows[k].file, fr->file))
                fl[n_fl++] = &la->rows[k];
        text t;
        bool have = src && text_load(&t, src) == 0;
        if (!have)
            fprintf(out, "         .          .  (source not found: %s; see --source-root)\n",
                    hl_esc(fr->file[0] ? fr->file : "?"));
        bool whole = have && (size_t)(hi - lo) < max_lines;
        for (int64_t line = lo; line <= hi; line++) {
            const hl_agg_row *lr = NULL;
            for (size_t k = 0; k < n_fl && !lr; k++)
                if (fl[k]->line == line)
                    lr = fl[k];
            bool marked = false;
            for (size_t k = 0; k < n_marks; k++)
                marked = marked || (int64_t)marks[k]->finding->line == line;
            if (!whole && !lr && !marked)
                continue;
            const char *code = have && line >= 1 && (size_t)line <= t.n ? t.lines[line - 1] : "";
            fprintf(out, "%10s %10s %6lld: %s",
                    lr && lr->flat ? hl_units_format_short(lr->flat, unit, a, sizeof a) : ".",
                    lr && lr->cum ? hl_units_format_short(lr->cum, unit, b, sizeof b) : ".",
                    (long long)line, hl_esc_flags(code, HL_ESC_KEEP_TAB));
            print_marks(out, marks, n_marks, line);
            fputc('\n', out);
        }
        if (have)
            text_free(&t);
    }
    free(marks);
    free(fl);
    hl_agg_free(fa);
    hl_agg_free(la);
    return ferror(out) ? -1 : listed;
err:
    free(marks);
    free(fl);
    if (fa)
        hl_agg_free(fa);
    if (la)
        hl_agg_free(la);
    return -1;
}
