/* compare_text.c - the text table of hotlint compare. */
#include "compare_text.h"

#include <math.h>
#include <string.h>

#include "escape.h"

/* Function rows in the table; the JSON report has them all. */
#define MAX_FUNCTION_ROWS 20

/* "1.234s", "12.3ms", "456us"; "-" when absent. */
static const char *secs(char *buf, size_t n, bool has, double v)
{
    if (!has)
        snprintf(buf, n, "-");
    else if (v >= 1)
        snprintf(buf, n, "%.3fs", v);
    else if (v >= 1e-3)
        snprintf(buf, n, "%.1fms", v * 1e3);
    else if (v > 0)
        snprintf(buf, n, "%.0fus", v * 1e6);
    else
        snprintf(buf, n, "0");
    return buf;
}

/* The median with the half-width of its interval, relative: "1.234s ±2%". */
static const char *cost(char *buf, size_t n, bool has, double med, double lo, double hi)
{
    char s[32];
    secs(s, sizeof s, has, med);
    if (!has || med <= 0)
        snprintf(buf, n, "%s", s);
    else
        snprintf(buf, n, "%s ±%.0f%%", s, fmax(med - lo, hi - med) / med * 100);
    return buf;
}

static const char *pct(char *buf, size_t n, double v)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%+.1f%%", v * 100);
    return buf;
}

/* Writes s left-aligned in width characters (UTF-8 aware: ± and → are one
 * character each), then a space. */
static void col(FILE *out, const char *s, int width)
{
    int n = 0;
    for (const char *c = s; *c; c++)
        n += ((unsigned char)*c & 0xC0) != 0x80;
    fputs(s, out);
    for (; n < width; n++)
        fputc(' ', out);
    fputc(' ', out);
}

/* The columns every row has: before, after, change, interval, p. */
static void row_head(FILE *out, const char *verdict, const hl_cmp_stat *s)
{
    char b[48], a[48], c[16], lo[16], hi[16], ci[40], p[16];
    cost(b, sizeof b, s->has_before, s->before, s->before_lo, s->before_hi);
    cost(a, sizeof a, s->has_after, s->after, s->after_lo, s->after_hi);
    if (isfinite(s->ci_lo))
        snprintf(ci, sizeof ci, "[%s, %s]", pct(lo, sizeof lo, s->ci_lo),
                 pct(hi, sizeof hi, s->ci_hi));
    else
        snprintf(ci, sizeof ci, "-");
    if (s->has_before && s->has_after)
        snprintf(p, sizeof p, "%.3f", s->p);
    else
        snprintf(p, sizeof p, "-");
    col(out, verdict, 10);
    col(out, b, 16);
    col(out, a, 16);
    col(out, pct(c, sizeof c, s->change), 8);
    col(out, ci, 19);
    col(out, p, 6);
}

static void share_col(FILE *out, const hl_cmp_stat *s)
{
    char b[16] = "-", a[16] = "-", both[40];
    if (s->has_before)
        snprintf(b, sizeof b, "%.1f%%", s->before_share * 100);
    if (s->has_after)
        snprintf(a, sizeof a, "%.1f%%", s->after_share * 100);
    snprintf(both, sizeof both, "%s→%s", b, a);
    col(out, both, 12);
}

static void heading(FILE *out, const char *last)
{
    fprintf(out, "%-10s %-16s %-16s %-8s %-19s %-6s %-12s %s\n", "verdict", "before", "after",
            "change", "[interval]", "p", "share", last);
}

static void finding_row(FILE *out, const hl_compare_result *r, const hl_cmp_finding *f)
{
    const hl_finding *shown = f->after ? f->after : f->before;
    char path[4096], where[4200];
    hl_finding_rel_path(shown, f->after ? r->after_root : r->before_root, path, sizeof path);
    if (f->after && f->before && f->before->line != f->after->line)
        snprintf(where, sizeof where, "%s:%u (was %u)", path, f->after->line, f->before->line);
    else
        snprintf(where, sizeof where, "%s:%u", path, shown->line);
    row_head(out, hl_cmp_verdict_name(f->verdict), &f->st);
    share_col(out, &f->st);
    fprintf(out, "%s %s  %s  %s\n", shown->rule->id, shown->rule->name, hl_esc(where),
            hl_esc(shown->function ? shown->function : "-"));
}

int hl_compare_write_text(FILE *out, const hl_compare_result *r, const char *before_name,
                          const char *after_name)
{
    fprintf(out,
            "before: %s\nafter:  %s\n%s per run: medians ±half-width of their %g%% interval; "
            "change of the medians, %g%% interval of the shift; p: Mann-Whitney U, two-sided\n\n",
            hl_esc(before_name), hl_esc(after_name), r->sample_type, (1 - r->alpha) * 100,
            (1 - r->alpha) * 100);
    heading(out, "");
    row_head(out, hl_cmp_verdict_name(r->total_verdict), &r->total);
    fprintf(out, "%-12s total (sampled %s)\n", "", r->sample_type);
    if (r->has_measured) {
        row_head(out, hl_cmp_verdict_name(hl_cmp_stat_verdict(&r->measured_cpu)), &r->measured_cpu);
        fprintf(out, "%-12s CPU time measured (user + system, with the profiler)\n", "");
        row_head(out, hl_cmp_verdict_name(hl_cmp_stat_verdict(&r->wall)), &r->wall);
        fprintf(out, "%-12s wall time\n", "");
    }
    if (r->n_findings) {
        fputs("\nfindings (cost at the site: cum)\n", out);
        heading(out, "rule  location  function");
        for (size_t i = 0; i < r->n_findings; i++)
            finding_row(out, r, &r->findings[i]);
    }
    if (r->n_functions) {
        fputs("\nfunctions (flat)\n", out);
        heading(out, "function");
        size_t shown = r->n_functions < MAX_FUNCTION_ROWS ? r->n_functions : MAX_FUNCTION_ROWS;
        for (size_t i = 0; i < shown; i++) {
            const hl_cmp_function *f = &r->functions[i];
            row_head(out, hl_cmp_verdict_name(f->verdict), &f->st);
            share_col(out, &f->st);
            fprintf(out, "%s\n", hl_esc(f->name));
        }
        if (shown < r->n_functions)
            fprintf(
                out,
                "(%zu more functions of at least the minimum share: --format json lists them)\n",
                r->n_functions - shown);
    }
    return ferror(out) ? -1 : 0;
}
