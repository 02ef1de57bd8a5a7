/* lint_text.c - compiler-style text output of static findings. */
#include "lint_text.h"

#include "escape.h"

#include <stdlib.h>
#include <string.h>

#define C_BOLD    "\033[1m"
#define C_MAGENTA "\033[1;35m"
#define C_RED     "\033[1;31m"
#define C_CYAN    "\033[1;36m"
#define C_GREEN   "\033[1;32m"
#define C_RESET   "\033[0m"

static const char *sev_color(const char *sev)
{
    if (!strcmp(sev, "error"))
        return C_RED;
    if (!strcmp(sev, "note"))
        return C_CYAN;
    return C_MAGENTA;
}

/* The notes as a compiler prints them: "file:line:col: note: text", then
 * why the finding is as hot as it is. */
static void write_notes(FILE *out, const hl_finding *x, bool c)
{
    for (size_t i = 0; i < x->n_notes; i++) {
        const hl_note *n = &x->notes[i];
        fputs(c ? C_BOLD : "", out);
        hl_esc_fputs(out, n->file ? n->file : x->file, HL_ESC_LINE_START);
        if (n->column)
            fprintf(out, ":%u:%u:%s %snote:%s %s\n", n->line, n->column, c ? C_RESET : "",
                    c ? C_CYAN : "", c ? C_RESET : "", hl_esc(n->message));
        else
            fprintf(out, ":%u:%s %snote:%s %s\n", n->line, c ? C_RESET : "", c ? C_CYAN : "",
                    c ? C_RESET : "", hl_esc(n->message));
    }
    if (x->n_heat_reasons) {
        fprintf(out, "  %s%s:%s ", c ? C_BOLD : "", hl_heat_name(x->heat), c ? C_RESET : "");
        for (size_t i = 0; i < x->n_heat_reasons; i++)
            fprintf(out, "%s%s", i ? "; " : "", hl_esc(x->heat_reasons[i]));
        fputc('\n', out);
    }
}

/* The rule's fix on one line: its first paragraph, line breaks as spaces. */
static void write_fix(FILE *out, const char *fix, bool c)
{
    if (!fix || !*fix)
        return;
    char line[1024];
    size_t n = 0;
    for (const char *p = fix; *p && n + 1 < sizeof line; p++) {
        if (*p == '\n' && (p[1] == '\n' || !p[1]))
            break;
        line[n++] = *p == '\n' ? ' ' : *p;
    }
    line[n] = 0;
    fprintf(out, "  %sfix:%s %s\n", c ? C_GREEN : "", c ? C_RESET : "", hl_esc(line));
}

int hl_report_lint_text_one(FILE *out, const hl_finding *x, const hl_report_text_options *opt)
{
    bool c = opt && opt->color;
    bool src = !opt || opt->show_source;
    const char *sev = hl_finding_severity(x);
    /* The column is in bytes, 1-based, as gcc and clang print it by default
     * (-fdiagnostics-column-unit=byte), so editors and scripts that parse compiler
     * output jump to the same place; only the caret line below is in display columns. */
    fputs(c ? C_BOLD : "", out);
    hl_esc_fputs(out, x->file, HL_ESC_LINE_START);
    fprintf(out, ":%u:%u:%s %s%s:%s %s%s%s [%s %s", x->line, x->column, c ? C_RESET : "",
            c ? sev_color(sev) : "", hl_esc(sev), c ? C_RESET : "", c ? C_BOLD : "",
            hl_esc(x->message), c ? C_RESET : "", hl_esc(x->rule->id), hl_esc(x->rule->name));
    if (x->heat)
        fprintf(out, ", %s", hl_heat_name(x->heat));
    fputs("]\n", out);
    if (src && x->source_line) {
        /* Tabs expand to multiples of 8 in both lines (as gcc and clang show them), so the
         * caret lines up whatever the terminal's tab stops; a UTF-8 character is one
         * column (East Asian wide ones two), an escaped control character its escape. */
        const char *line = x->source_line;
        size_t len = strlen(line);
        size_t b0 = x->column ? x->column - 1 : 0;
        unsigned d0 = hl_display_column(line, b0 < len ? b0 : len);
        hl_fputs_display(out, line);
        fputc('\n', out);
        if (c)
            fputs(C_GREEN, out);
        for (unsigned i = 0; i < d0; i++)
            fputc(' ', out);
        fputc('^', out);
        if (x->end_line == x->line && x->end_column > x->column + 1 && b0 < len) {
            size_t b1 = x->end_column - 1 < len ? x->end_column - 1 : len;
            unsigned d1 = hl_display_column(line, b1);
            for (unsigned i = d0 + 1; i < d1; i++)
                fputc('~', out);
        }
        if (c)
            fputs(C_RESET, out);
        fputc('\n', out);
    }
    write_notes(out, x, c);
    if (!opt || opt->show_fix)
        write_fix(out, x->rule->fix, c);
    return ferror(out) ? -1 : 0;
}

int hl_report_lint_text(FILE *out, const hl_findings *f, const hl_report_text_options *opt)
{
    for (size_t i = 0; i < f->n; i++)
        if (hl_report_lint_text_one(out, &f->items[i], opt) < 0)
            return -1;
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

void hl_report_lint_errors(FILE *out, const hl_findings *f, bool color)
{
    for (size_t i = 0; i < f->n_errors; i++) {
        /* Escaped: the error names the file, and a file name may hold a newline. */
        const hl_diag *e = &f->errors[i];
        const char *tag = hl_diag_tag(e);
        char text[8192];
        if (!tag) {
            fprintf(out, "hotlint: error: %s\n", hl_esc(hl_diag_format(e, text, sizeof text)));
            continue;
        }
        if (e->line)
            snprintf(text, sizeof text, "%s:%u:%u", e->path, e->line, e->column);
        else
            snprintf(text, sizeof text, "%s", e->path);
        const char *where = hl_esc_flags(text, HL_ESC_LINE_START);
        if (color)
            fprintf(out, C_BOLD "%s:" C_RESET " " C_RED "%s:" C_RESET C_BOLD " %s" C_RESET "\n",
                    where, tag, hl_esc(e->message));
        else
            fprintf(out, "%s: %s: %s\n", where, tag, hl_esc(e->message));
    }
}

void hl_report_lint_summary(FILE *out, const hl_findings *f, double seconds)
{
    /* Counts per rule, in catalog (id) order of first appearance. */
    const char *ids[64];
    size_t counts[64], n_ids = 0;
    for (size_t i = 0; i < f->n; i++) {
        const char *id = f->items[i].rule->id;
        size_t k = 0;
        while (k < n_ids && strcmp(ids[k], id))
            k++;
        if (k == n_ids && n_ids < 64) {
            ids[n_ids] = id;
            counts[n_ids++] = 0;
        }
        if (k < n_ids)
            counts[k]++;
    }
    for (size_t a = 1; a < n_ids; a++)
        for (size_t b = a; b > 0 && strcmp(ids[b - 1], ids[b]) > 0; b--) {
            const char *t = ids[b];
            ids[b] = ids[b - 1];
            ids[b - 1] = t;
            size_t tc = counts[b];
            counts[b] = counts[b - 1];
            counts[b - 1] = tc;
        }
    fprintf(out, "hotlint: %zu finding%s", f->n, f->n == 1 ? "" : "s");
    for (size_t k = 0; k < n_ids; k++)
        fprintf(out, "%s%zu %s", k ? ", " : " (", counts[k], hl_esc(ids[k]));
    fprintf(out, "%s in %zu file%s", n_ids ? ")" : "", f->files_analyzed,
            f->files_analyzed == 1 ? "" : "s");
    if (f->n_errors)
        fprintf(out, ", %zu error%s", f->n_errors, f->n_errors == 1 ? "" : "s");
    fprintf(out, ", %.2fs\n", seconds);
}
