/* verify_text.c - writes hotlint --verify's text report. */
#include "verify_text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"

const char *hl_format_value(int64_t value, const char *unit, char *buf, size_t len)
{
    double v = (double)value, a = v < 0 ? -v : v;
    if (value == 0)
        snprintf(buf, len, "0");
    else if (unit && !strcmp(unit, "nanoseconds")) {
        if (a >= 1e9)
            snprintf(buf, len, "%.2fs", v / 1e9);
        else if (a >= 1e6)
            snprintf(buf, len, "%.0fms", v / 1e6);
        else if (a >= 1e3)
            snprintf(buf, len, "%.0fus", v / 1e3);
        else
            snprintf(buf, len, "%lldns", (long long)value);
    } else if (unit && !strcmp(unit, "bytes")) {
        if (a >= 1073741824.0)
            snprintf(buf, len, "%.2fGB", v / 1073741824.0);
        else if (a >= 1048576.0)
            snprintf(buf, len, "%.2fMB", v / 1048576.0);
        else if (a >= 1024.0)
            snprintf(buf, len, "%.2fkB", v / 1024.0);
        else
            snprintf(buf, len, "%lldB", (long long)value);
    } else {
        snprintf(buf, len, "%lld", (long long)value);
    }
    return buf;
}

const char *hl_display_path(const char *path)
{
    static char cwd[PATH_MAX];
    static int have = -1;
    if (have < 0)
        have = getcwd(cwd, sizeof cwd) != NULL;
    size_t n = have ? strlen(cwd) : 0;
    if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

static const char *pct(double share, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f%%", share * 100.0);
    return buf;
}

/* "malloc/free": the first two cost symbols of a rule, without '*'. */
static void cost_label(const hl_rule *rule, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; rule && i < rule->n_cost_symbols && i < 2 && at < len; i++) {
        const char *s = rule->cost_symbols[i];
        size_t sl = strlen(s);
        while (sl && (s[sl - 1] == '*' || s[sl - 1] == '_'))
            sl--;
        int n = snprintf(buf + at, len - at, "%s%.*s", i ? "/" : "", (int)sl, s);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    if (!buf[0])
        snprintf(buf, len, "its cost symbols");
}

static void unexplained_list(FILE *out, const hl_verify_result *r, bool lines, bool by_cum)
{
    const hl_unexplained **rows = malloc((r->n_unexplained + 1) * sizeof *rows);
    size_t n = 0;
    if (!rows)
        return;
    for (size_t i = 0; i < r->n_unexplained; i++)
        if ((r->unexplained[i].line > 0) == lines)
            rows[n++] = &r->unexplained[i];
    /* insertion sort: at most a few dozen rows */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0; k--) {
            const hl_unexplained *a = rows[k - 1], *b = rows[k];
            int64_t ka = by_cum ? a->cum : a->flat, kb = by_cum ? b->cum : b->flat;
            int64_t sa = by_cum ? a->flat : a->cum, sb = by_cum ? b->flat : b->cum;
            if (ka > kb || (ka == kb && sa >= sb))
                break;
            rows[k - 1] = b;
            rows[k] = a;
        }
    fprintf(out, "  by %s, %s:\n", by_cum ? "cum" : "flat", lines ? "lines" : "functions");
    size_t shown = 0;
    char f[32], c[32], fp[16], cp[16];
    for (size_t i = 0; i < n && shown < r->options.max_unexplained; i++) {
        const hl_unexplained *u = rows[i];
        if ((by_cum ? u->cum : u->flat) <= 0)
            continue;
        char where[PATH_MAX + 32];
        const char *file = u->file[0] ? hl_display_path(u->file) : "?";
        if (lines)
            snprintf(where, sizeof where, "%s:%lld", file, (long long)u->line);
        else
            snprintf(where, sizeof where, "%s", u->file[0] ? file : "");
        fprintf(out, "    %8s %6s %8s %6s  %-30s %s\n",
                hl_format_value(u->flat, r->sample_unit, f, sizeof f),
                pct(u->flat_share, fp, sizeof fp),
                hl_format_value(u->cum, r->sample_unit, c, sizeof c),
                pct(u->cum_share, cp, sizeof cp), hl_esc(lines ? where : u->function),
                hl_esc(lines ? u->function : where));
        shown++;
    }
    if (!shown)
        fputs("    (none)\n", out);
    free(rows);
}

/* Bold red for confirmed, green for dismissed, dim for not exercised, yellow
 * for inconclusive. */
static const char *verdict_color(hl_verdict v)
{
    switch (v) {
    case HL_VERDICT_CONFIRMED:
        return "\033[1;31m";
    case HL_VERDICT_DISMISSED:
        return "\033[32m";
    case HL_VERDICT_NOT_EXERCISED:
        return "\033[2m";
    case HL_VERDICT_INCONCLUSIVE:
        return "\033[33m";
    }
    return "";
}

int hl_verify_write_text(FILE *out, const hl_verify_result *r, const char *profile_name, bool color)
{
    char a[32], b[32], c[32], d[32], e[32];
    const hl_verify_options *o = &r->options;

    fprintf(out, "profile: %s (%s, %s): total %s", hl_esc(profile_name ? profile_name : "-"),
            hl_esc(r->sample_type ? r->sample_type : "?"),
            hl_esc(r->sample_unit ? r->sample_unit : "?"),
            hl_format_value(r->total, r->sample_unit, a, sizeof a));
    if (r->sampling_period > 0)
        fprintf(out, ", %lld sampling periods of %s\n", (long long)r->total_samples,
                hl_format_value(r->sampling_period, r->sample_unit, b, sizeof b));
    else
        fprintf(out, " in %lld samples\n", (long long)r->total_samples);
    if (r->profile_default_type)
        fprintf(out,
                "sample type: %s, not the profile's default %s: allocation rules are about "
                "allocated bytes (--sample-index %s for the other)\n",
                hl_esc(r->sample_type ? r->sample_type : "?"), hl_esc(r->profile_default_type),
                hl_esc(r->profile_default_type));
    fprintf(out,
            "thresholds: confirmed at cum >= %s of the total; dismissed when the 95%% Wilson "
            "upper bound is under %s with >= %lld samples; not exercised when the function "
            "never appears\n",
            pct(o->min_share, a, sizeof a), pct(o->min_share, b, sizeof b),
            (long long)o->min_samples);
    if (r->total_samples == 0)
        fputs("note: the profile holds no samples, so every verdict is inconclusive; did the "
              "program run long enough under the profiler?\n",
              out);
    else if (!r->profile_has_functions && !r->profile_has_lines)
        fputs("note: the profile has neither function names nor lines (only addresses), so "
              "no finding can be matched; symbolize it first (e.g. go tool pprof -proto "
              "BINARY PROFILE)\n",
              out);
    else if (!r->profile_has_functions)
        fputs("note: the profile names no functions; findings were matched by file and line "
              "alone\n",
              out);
    else if (!r->profile_has_lines)
        fputs("note: the profile has no line information; findings were matched by function "
              "name, so flat and cum are those of their functions\n",
              out);

    if (r->unsymbolized_share >= o->min_share)
        fprintf(out,
                "note: %s of the samples hold frames without symbols outside the system's "
                "libraries; a function may hide there, so none is called not exercised "
                "(symbolize the profile, or build with symbols)\n",
                pct(r->unsymbolized_share, a, sizeof a));
    fputs("\ndiagnosis: share of the total in each rule family's cost symbols\n", out);
    for (size_t i = 0; i < r->n_families; i++) {
        const hl_family_share *f = &r->families[i];
        /* The first four symbols name the family well enough. */
        const char *sym = f->symbols, *cut = sym;
        for (int k = 0; k < 4 && cut; k++)
            cut = strchr(cut + (k ? 1 : 0), ',');
        int shown = cut ? (int)(cut - sym) : (int)strlen(sym);
        fprintf(out, "  %-18s %8s %6s   %.*s%s\n", hl_esc(f->family),
                hl_format_value(f->value, r->sample_unit, a, sizeof a), pct(f->share, b, sizeof b),
                shown, sym, cut ? ", ..." : "");
    }
    if (!r->n_families)
        fputs("  (no rules)\n", out);

    /* The table: rule and location widths fit their longest entry. */
    int wr = 4, wl = 8;
    char loc[PATH_MAX + 32];
    for (size_t i = 0; i < r->n_items; i++) {
        const hl_finding *f = r->items[i].finding;
        char rule[256];
        snprintf(rule, sizeof rule, "%s %s", f->rule ? f->rule->id : "?",
                 f->rule ? f->rule->name : "?");
        int n = (int)strlen(hl_esc(rule));
        wr = n > wr ? n : wr;
        snprintf(loc, sizeof loc, "%s:%u:%u", f->file ? f->file : "?", f->line, f->column);
        n = (int)strlen(hl_esc(loc));
        wl = n > wl ? n : wl;
    }
    fprintf(out, "\n%-13s %7s %6s %7s %6s  %-13s  %-*s  %-*s  %s\n", "verdict", "flat", "flat%",
            "cum", "cum%", "[95% CI]", wr, "rule", wl, "location", "function");
    for (size_t i = 0; i < r->n_items; i++) {
        const hl_verified *v = &r->items[i];
        const hl_finding *f = v->finding;
        char rule[256], ci[48];
        snprintf(rule, sizeof rule, "%s %s", f->rule ? f->rule->id : "?",
                 f->rule ? f->rule->name : "?");
        snprintf(loc, sizeof loc, "%s:%u:%u", f->file ? f->file : "?", f->line, f->column);
        if (color)
            fputs(verdict_color(v->verdict), out);
        fprintf(out, "%-13s", hl_verdict_name(v->verdict));
        if (color)
            fputs("\033[0m", out);
        if (v->verdict == HL_VERDICT_NOT_EXERCISED) {
            fprintf(out, " %7s %6s %7s %6s  %-13s  %-*s  %-*s  %s\n", "-", "-", "-", "-", "", wr,
                    hl_esc(rule), wl, hl_esc(loc), hl_esc(f->function ? f->function : ""));
            continue;
        }
        snprintf(ci, sizeof ci, "[%.1f,%.1f]", v->ci_low * 100.0, v->ci_high * 100.0);
        fprintf(
            out, " %7s %6s %7s %6s  %-13s  %-*s  %-*s  %s\n",
            hl_format_value(v->flat, r->sample_unit, a, sizeof a), pct(v->flat_share, b, sizeof b),
            hl_format_value(v->cum, r->sample_unit, c, sizeof c), pct(v->cum_share, d, sizeof d),
            ci, wr, hl_esc(rule), wl, hl_esc(loc), hl_esc(f->function ? f->function : ""));
    }
    if (!r->n_items)
        fputs("(no findings)\n", out);

    if (r->n_confirmed) {
        fputs("\nevidence of the confirmed findings:\n", out);
        for (size_t i = 0; i < r->n_items; i++) {
            const hl_verified *v = &r->items[i];
            if (v->verdict != HL_VERDICT_CONFIRMED)
                continue;
            const hl_finding *f = v->finding;
            char label[128];
            cost_label(f->rule, label, sizeof label);
            fprintf(out,
                    "  %s:%u:%u %s in %s: %s under this call: %s of total (%s of the "
                    "site's cum)",
                    hl_esc(f->file ? f->file : "?"), f->line, f->column,
                    hl_esc(f->rule ? f->rule->id : "?"), hl_esc(f->function ? f->function : "?"),
                    hl_esc(label), pct(v->evidence_share, a, sizeof a),
                    pct(v->evidence_of_cum, b, sizeof b));
            if (f->loop_start_line)
                fprintf(out, "; loop %u-%u: cum %s (%s)", f->loop_start_line, f->loop_end_line,
                        hl_format_value(v->loop_cum, r->sample_unit, c, sizeof c),
                        pct(v->loop_cum_share, e, sizeof e));
            fputc('\n', out);
        }
    }

    fprintf(out,
            "\nhot code no rule explains (samples whose stack holds no finding's line: %s, %s):\n",
            hl_format_value(r->unexplained_total, r->sample_unit, a, sizeof a),
            pct(r->total > 0 ? (double)r->unexplained_total / (double)r->total : 0.0, b, sizeof b));
    fprintf(out, "    %8s %6s %8s %6s\n", "flat", "flat%", "cum", "cum%");
    unexplained_list(out, r, true, false);
    unexplained_list(out, r, true, true);
    unexplained_list(out, r, false, false);
    unexplained_list(out, r, false, true);

    fprintf(out,
            "\n%zu finding%s: %zu confirmed, %zu dismissed, %zu not exercised, %zu "
            "inconclusive\n",
            r->n_items, r->n_items == 1 ? "" : "s", r->n_confirmed, r->n_dismissed,
            r->n_not_exercised, r->n_inconclusive);
    return ferror(out) ? -1 : 0;
}
