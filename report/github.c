/* github.c - GitHub Actions annotations through workflow commands. */
#include "github.h"

#include <stdlib.h>
#include <string.h>

void hl_github_escape(const char *s, int property, char *out, size_t outlen)
{
    size_t o = 0;
    char hex[8];
    if (outlen == 0)
        return;
    for (; s && *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '%':
            rep = "%25";
            break;
        case '\r':
            rep = "%0D";
            break;
        case '\n':
            rep = "%0A";
            break;
        case ':':
            rep = property ? "%3A" : NULL;
            break;
        case ',':
            rep = property ? "%2C" : NULL;
            break;
        default:
            break;
        }
        if (!rep && ((unsigned char)*s < 0x20 || *s == 0x7f)) {
            /* Other control characters (ESC drives the log's colours): \xNN. */
            snprintf(hex, sizeof hex, "\\x%02X", (unsigned char)*s);
            rep = hex;
        }
        if (rep) {
            size_t n = strlen(rep);
            if (o + n >= outlen)
                break;
            memcpy(out + o, rep, n);
            o += n;
        } else {
            if (o + 1 >= outlen)
                break;
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

/* Markdown text with '|' and newlines neutralised, for a table cell. */
static void md_cell(FILE *o, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", o);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', o);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            fprintf(o, "\\x%02X", (unsigned char)*s);
        else
            fputc(*s, o);
    }
}

/* Appends a Markdown table of the most important findings to the job summary
 * ($GITHUB_STEP_SUMMARY), which has no 10-per-level limit. Failures are ignored. */
static void step_summary(const char *path, const hl_findings *f, const size_t *idx,
                         const hl_verified **v, const hl_verify_result *vr)
{
    FILE *o = fopen(path, "a");
    size_t rows = f->n < 100 ? f->n : 100;
    char rel[4096];
    if (!o)
        return;
    fprintf(o, "### hotlint: %zu finding%s\n\n", f->n, f->n == 1 ? "" : "s");
    if (f->n) {
        fputs(
            vr ? "| verdict | cum | rule | location | message |\n| --- | ---: | --- | --- | --- |\n"
               : "| rule | location | message |\n| --- | --- | --- |\n",
            o);
        for (size_t k = 0; k < rows; k++) {
            const hl_finding *x = &f->items[idx[k]];
            const hl_verified *e = v[idx[k]];
            hl_finding_rel_path(x, NULL, rel, sizeof rel);
            if (vr)
                fprintf(o, "| %s | %.1f%% ", e ? hl_verdict_name(e->verdict) : "-",
                        e ? 100.0 * e->cum_share : 0.0);
            fputs("| ", o);
            md_cell(o, x->rule && x->rule->id ? x->rule->id : "");
            fputc(' ', o);
            md_cell(o, x->rule && x->rule->name ? x->rule->name : "");
            fputs(" | `", o);
            md_cell(o, rel);
            fprintf(o, ":%u` | ", x->line);
            md_cell(o, x->message);
            fputs(" |\n", o);
        }
        if (rows < f->n)
            fprintf(o, "\n%zu more in the job log.\n", f->n - rows);
    }
    fputc('\n', o);
    fclose(o);
}

int hl_report_github(FILE *out, const hl_findings *f, const hl_verify_result *vr)
{
    const char *summary_path = getenv("GITHUB_STEP_SUMMARY");
    const hl_verified **v = NULL;
    size_t *idx = hl_report_order(f, vr, &v);
    size_t n_err = 0, n_warn = 0, n_notice = 0, n_confirmed = 0;
    char file[4096], title[512], msg[8192], raw[8192];
    if (!idx)
        return -1;
    for (size_t k = 0; k < f->n; k++) {
        const hl_finding *x = &f->items[idx[k]];
        static const char *const levels[] = {"notice", "warning", "error"};
        const char *lvl = levels[hl_report_level_of(x, v[idx[k]])];
        const char *id = x->rule && x->rule->id ? x->rule->id : "HL";
        const char *name = x->rule && x->rule->name ? x->rule->name : "";
        char rel[4096];
        /* Relative to the working directory (the checkout) when under it. */
        hl_finding_rel_path(x, NULL, rel, sizeof rel);
        hl_github_escape(rel, 1, file, sizeof file);
        if (x->heat)
            snprintf(raw, sizeof raw, "%s %s (%s)", id, name, hl_heat_name(x->heat));
        else
            snprintf(raw, sizeof raw, "%s %s", id, name);
        hl_github_escape(raw, 1, title, sizeof title);
        if (v[idx[k]]) {
            const hl_verified *e = v[idx[k]];
            snprintf(raw, sizeof raw, "%s\n%s: flat %.1f%%, cum %.1f%% of %s (95%% CI %.1f-%.1f%%)",
                     x->message ? x->message : "", hl_verdict_name(e->verdict),
                     100.0 * e->flat_share, 100.0 * e->cum_share,
                     vr->sample_type ? vr->sample_type : "samples", 100.0 * e->ci_low,
                     100.0 * e->ci_high);
            if (e->verdict == HL_VERDICT_CONFIRMED)
                n_confirmed++;
        } else {
            snprintf(raw, sizeof raw, "%s", x->message ? x->message : "");
        }
        for (size_t r = 0; r < x->n_heat_reasons; r++) {
            size_t l = strlen(raw);
            snprintf(raw + l, sizeof raw - l, "%s%s", r ? "; " : "\nwhy: ", x->heat_reasons[r]);
        }
        if (x->rule && x->rule->fix && x->rule->fix[0]) {
            size_t l = strlen(raw);
            snprintf(raw + l, sizeof raw - l, "\nfix: %s", x->rule->fix);
            for (l = strlen(raw); l > 0 && (raw[l - 1] == '\n' || raw[l - 1] == ' ');)
                raw[--l] = '\0';
        }
        hl_github_escape(raw, 0, msg, sizeof msg);
        fprintf(out, "::%s file=%s,line=%u,endLine=%u,col=%u,endColumn=%u,title=%s::%s\n", lvl,
                file, x->line, x->end_line ? x->end_line : x->line, x->column,
                x->end_column ? x->end_column : x->column, title, msg);
        if (!strcmp(lvl, "error"))
            n_err++;
        else if (!strcmp(lvl, "warning"))
            n_warn++;
        else
            n_notice++;
    }
    for (size_t i = 0; i < f->n_errors; i++) {
        /* A compiler error with a place becomes an annotation on that line. */
        const hl_diag *e = &f->errors[i];
        if (hl_diag_has_place(e)) {
            hl_github_escape(e->path, 1, file, sizeof file);
            char text[8192];
            snprintf(text, sizeof text, "%s: %s", hl_diag_tag(e), e->message);
            hl_github_escape(text, 0, msg, sizeof msg);
            fprintf(out, "::error file=%s,line=%u,col=%u,title=hotlint::%s\n", file, e->line,
                    e->column, msg);
        } else {
            char text[8192];
            hl_github_escape(hl_diag_format(e, text, sizeof text), 0, msg, sizeof msg);
            fprintf(out, "::error title=hotlint::%s\n", msg);
        }
    }
    fprintf(out, "hotlint: %zu finding%s (%zu error, %zu warning, %zu notice", f->n,
            f->n == 1 ? "" : "s", n_err, n_warn, n_notice);
    if (vr)
        fprintf(out, "; %zu confirmed", n_confirmed);
    if (f->n_errors)
        fprintf(out, "; %zu analysis error%s", f->n_errors, f->n_errors == 1 ? "" : "s");
    fputs(")", out);
    if (n_err > HL_GITHUB_MAX_PER_LEVEL || n_warn > HL_GITHUB_MAX_PER_LEVEL ||
        n_notice > HL_GITHUB_MAX_PER_LEVEL)
        fprintf(
            out,
            "; GitHub shows the first %d of each level, most important first; all are listed above",
            HL_GITHUB_MAX_PER_LEVEL);
    fputc('\n', out);
    if (summary_path && summary_path[0])
        step_summary(summary_path, f, idx, v, vr);
    free(idx);
    free(v);
    return ferror(out) ? -1 : 0;
}
