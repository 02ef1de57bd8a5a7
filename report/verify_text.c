/* verify_text.c - writes hotlint --verify's text report. */
#include "verify_text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/units.h"
#include "escape.h"

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

/* The finding's location; a range of lines for a chain. */
static void location(const hl_finding *f, char *buf, size_t len)
{
    if (f->end_line > f->line)
        snprintf(buf, len, "%s:%u-%u", f->file ? f->file : "?", f->line, f->end_line);
    else
        snprintf(buf, len, "%s:%u:%u", f->file ? f->file : "?", f->line, f->column);
}

static void rule_label(const hl_finding *f, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s", f->rule ? f->rule->id : "?", f->rule ? f->rule->name : "?");
}

/* Bold red for confirmed, magenta for hot other cause and merged, green for
 * dismissed, dim for not exercised and not applicable, yellow for inconclusive. */
static const char *verdict_color(hl_verdict v)
{
    switch (v) {
    case HL_VERDICT_CONFIRMED:
        return "\033[1;31m";
    case HL_VERDICT_HOT_OTHER_CAUSE:
    case HL_VERDICT_MERGED:
        return "\033[35m";
    case HL_VERDICT_DISMISSED:
        return "\033[32m";
    case HL_VERDICT_NOT_EXERCISED:
    case HL_VERDICT_NOT_APPLICABLE:
        return "\033[2m";
    case HL_VERDICT_INCONCLUSIVE:
        return "\033[33m";
    }
    return "";
}

/* The items in the order the table lists them: by verdict rank, then as
 * verify sorted them (by cum). NULL when out of memory. */
static const hl_verified **table_order(const hl_verify_result *r)
{
    const hl_verified **v = malloc((r->n_items + 1) * sizeof *v);
    size_t n = 0;
    if (!v)
        return NULL;
    for (int rank = 0; rank < HL_VERDICT_COUNT; rank++)
        for (size_t i = 0; i < r->n_items; i++)
            if (hl_verdict_rank(r->items[i].verdict) == rank)
                v[n++] = &r->items[i];
    return v;
}

static void header(FILE *out, const hl_verify_result *r, const char *profile_name)
{
    char a[32], b[32];
    const hl_verify_options *o = &r->options;
    fprintf(out, "profile: %s (%s, %s): total %s", hl_esc(profile_name ? profile_name : "-"),
            hl_esc(r->sample_type ? r->sample_type : "?"),
            hl_esc(r->sample_unit ? r->sample_unit : "?"),
            hl_units_format_short(r->total, r->sample_unit, a, sizeof a));
    if (r->sampling_period > 0)
        fprintf(out, ", %lld sampling periods of %s\n", (long long)r->total_samples,
                hl_units_format_short(r->sampling_period, r->sample_unit, b, sizeof b));
    else
        fprintf(out, " in %lld samples\n", (long long)r->total_samples);
    if (r->profile_default_type)
        fprintf(out,
                "sample type: %s, not the profile's default %s: allocation rules are about "
                "allocated bytes (--sample-index %s for the other)\n",
                hl_esc(r->sample_type ? r->sample_type : "?"), hl_esc(r->profile_default_type),
                hl_esc(r->profile_default_type));
    fprintf(out,
            "thresholds: a finding's evidence is the samples through its call into the rule's "
            "cost; confirmed when its 95%% interval is at or above %s of the total, dismissed "
            "(or hot other cause, when the site itself is above) when it is below, with at "
            "least %lld samples\n",
            pct(o->min_share, a, sizeof a), (long long)r->samples_to_decide);
}

static void notes(FILE *out, const hl_verify_result *r)
{
    char a[32];
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
    if (r->total_samples > 0 && r->total_samples < r->samples_to_decide)
        fprintf(out,
                "note: %lld samples are too few to dismiss anything at this threshold (%lld "
                "needed): run the program longer or at a higher rate\n",
                (long long)r->total_samples, (long long)r->samples_to_decide);
    if (r->unsymbolized_share >= r->options.min_share)
        fprintf(out,
                "note: %s of the samples hold frames without symbols outside the system's "
                "libraries; a function may hide there, so none is called not exercised "
                "(symbolize the profile, or build with symbols)\n",
                pct(r->unsymbolized_share, a, sizeof a));
    if (r->stale)
        fprintf(out, "warning: %s (--allow-stale)\n", hl_esc(r->stale));
    if (r->binary_note)
        fprintf(out, "note: %s\n", hl_esc(r->binary_note));
}

static void diagnosis(FILE *out, const hl_verify_result *r)
{
    char a[32], b[32];
    fputs("\ndiagnosis: share of the total in each rule family's cost symbols\n", out);
    for (size_t i = 0; i < r->n_families; i++) {
        const hl_family_share *f = &r->families[i];
        /* The first four symbols name the family well enough. */
        const char *sym = f->symbols, *cut = sym;
        for (int k = 0; k < 4 && cut; k++)
            cut = strchr(cut + (k ? 1 : 0), ',');
        int shown = cut ? (int)(cut - sym) : (int)strlen(sym);
        fprintf(out, "  %-18s %8s %6s   %.*s%s\n", hl_esc(f->family),
                hl_units_format_short(f->value, r->sample_unit, a, sizeof a),
                pct(f->share, b, sizeof b), shown, sym, cut ? ", ..." : "");
    }
    if (!r->n_families)
        fputs("  (no rules)\n", out);
}

static void table_row(FILE *out, const hl_verify_result *r, const hl_verified *v, int wr, int wl,
                      bool color)
{
    char a[32], b[32], c[32], d[32], rule[256], loc[PATH_MAX + 32], ci[48];
    const hl_finding *f = v->finding;
    rule_label(f, rule, sizeof rule);
    location(f, loc, sizeof loc);
    if (color)
        fputs(verdict_color(v->verdict), out);
    fprintf(out, "%-15s", hl_verdict_name(v->verdict));
    if (color)
        fputs("\033[0m", out);
    if (v->verdict == HL_VERDICT_NOT_EXERCISED || v->verdict == HL_VERDICT_NOT_APPLICABLE) {
        fprintf(out, " %8s %6s  %-13s %7s %6s  %-*s  %-*s  %s\n", "-", "-", "", "-", "-", wr,
                hl_esc(rule), wl, hl_esc(loc), hl_esc(f->function ? f->function : ""));
        return;
    }
    snprintf(ci, sizeof ci, "[%.1f,%.1f]", v->ci_low * 100.0, v->ci_high * 100.0);
    fprintf(out, " %8s %6s  %-13s %7s %6s  %-*s  %-*s  %s\n",
            hl_units_format_short(v->evidence, r->sample_unit, a, sizeof a),
            pct(v->evidence_share, b, sizeof b), ci,
            hl_units_format_short(v->cum, r->sample_unit, c, sizeof c),
            pct(v->cum_share, d, sizeof d), wr, hl_esc(rule), wl, hl_esc(loc),
            hl_esc(f->function ? f->function : ""));
}

static void table(FILE *out, const hl_verify_result *r, const hl_verified **order, bool all,
                  bool color)
{
    int wr = 4, wl = 8;
    char buf[PATH_MAX + 32];
    for (size_t i = 0; i < r->n_items; i++) {
        rule_label(r->items[i].finding, buf, sizeof buf);
        int n = (int)strlen(hl_esc(buf));
        wr = n > wr ? n : wr;
        location(r->items[i].finding, buf, sizeof buf);
        n = (int)strlen(hl_esc(buf));
        wl = n > wl ? n : wl;
    }
    fprintf(out, "\n%-15s %8s %6s  %-13s %7s %6s  %-*s  %-*s  %s\n", "verdict", "evidence", "ev%",
            "[95% CI]", "cum", "cum%", wr, "rule", wl, "location", "function");
    for (size_t i = 0; i < r->n_items; i++)
        if (all || order[i]->verdict != HL_VERDICT_NOT_EXERCISED)
            table_row(out, r, order[i], wr, wl, color);
    if (!r->n_items)
        fputs("(no findings)\n", out);
    if (!all && r->n_not_exercised)
        fprintf(out,
                "(%zu not exercised: their functions never ran in the profile; --all lists "
                "them)\n",
                r->n_not_exercised);
}

/* The evidence line of a confirmed or inconclusive finding. */
static void evidence_line(FILE *out, const hl_verify_result *r, const hl_verified *v)
{
    char a[32], b[32], c[32], e[32], loc[PATH_MAX + 32];
    const hl_finding *f = v->finding;
    location(f, loc, sizeof loc);
    fprintf(out, "  %s %s in %s: %s under this call: %s of total (%s of the site's cum %s)",
            hl_esc(loc), hl_esc(f->rule ? f->rule->id : "?"),
            hl_esc(f->function ? f->function : "?"), hl_esc(f->callee ? f->callee : "the callee"),
            pct(v->evidence_share, a, sizeof a), pct(v->evidence_of_cum, b, sizeof b),
            pct(v->cum_share, e, sizeof e));
    if (f->loop_start_line)
        fprintf(out, "; loop %u-%u: cum %s (%s)", f->loop_start_line, f->loop_end_line,
                hl_units_format_short(v->loop_cum, r->sample_unit, c, sizeof c),
                pct(v->loop_cum_share, e, sizeof e));
    fputc('\n', out);
}

/* What a hot-other-cause, merged or not-applicable finding needs said. */
static void detail_line(FILE *out, const hl_verified *v)
{
    char a[32], b[32], loc[PATH_MAX + 32], other[PATH_MAX + 32];
    const hl_finding *f = v->finding;
    location(f, loc, sizeof loc);
    if (v->verdict == HL_VERDICT_HOT_OTHER_CAUSE) {
        fprintf(out,
                "  %s %s in %s: the site is %s of the total, %s under the call only %s; the "
                "time goes to:",
                hl_esc(loc), hl_esc(f->rule ? f->rule->id : "?"),
                hl_esc(f->function ? f->function : "?"), pct(v->cum_share, a, sizeof a),
                hl_esc(f->callee ? f->callee : "the callee"), pct(v->evidence_share, b, sizeof b));
        for (size_t k = 0; k < v->n_causes; k++) {
            const hl_cause *h = &v->causes[k];
            fprintf(out, "%s %s", k ? "," : "", hl_esc(h->function));
            if (h->line > 0)
                fprintf(out, " %s:%lld", hl_esc(hl_display_path(h->file)), (long long)h->line);
            fprintf(out, " %s", pct(h->of_site, a, sizeof a));
        }
        fputc('\n', out);
    } else if (v->verdict == HL_VERDICT_MERGED) {
        fprintf(out, "  %s %s in %s: the compiler merged this %s call with", hl_esc(loc),
                hl_esc(f->rule ? f->rule->id : "?"), hl_esc(f->function ? f->function : "?"),
                hl_esc(f->callee ? f->callee : ""));
        for (size_t k = 0; k < v->n_merged_with; k++) {
            location(v->merged_with[k], other, sizeof other);
            fprintf(out, "%s %s", k ? "," : "", hl_esc(other));
        }
        if (v->merged_address)
            fprintf(out, " (one call instruction at 0x%llx); together %s of the total",
                    (unsigned long long)v->merged_address, pct(v->merged_share, a, sizeof a));
        else
            fprintf(out,
                    " (one of them: its line has no call of its own); at most %s of the "
                    "total together",
                    pct(v->merged_share, a, sizeof a));
        fprintf(out, "; build with %s to keep them apart\n",
                v->keep_apart ? v->keep_apart : "-fno-crossjumping");
    } else if (v->verdict == HL_VERDICT_NOT_APPLICABLE) {
        fprintf(out, "  %s %s in %s: %s\n", hl_esc(loc), hl_esc(f->rule ? f->rule->id : "?"),
                hl_esc(f->function ? f->function : "?"),
                v->why_not_applicable ? v->why_not_applicable : "");
    }
}

static void details(FILE *out, const hl_verify_result *r, const hl_verified **order)
{
    bool any = false;
    for (size_t i = 0; i < r->n_items; i++) {
        const hl_verified *v = order[i];
        if (v->verdict == HL_VERDICT_DISMISSED || v->verdict == HL_VERDICT_NOT_EXERCISED ||
            (v->verdict == HL_VERDICT_INCONCLUSIVE && !v->cum))
            continue;
        if (!any)
            fputs("\nevidence:\n", out);
        any = true;
        if (v->verdict == HL_VERDICT_CONFIRMED || v->verdict == HL_VERDICT_INCONCLUSIVE)
            evidence_line(out, r, v);
        else
            detail_line(out, v);
    }
}

static void unexplained_list(FILE *out, const hl_verify_result *r, bool lines)
{
    char f[32], fp[16], where[PATH_MAX + 32];
    size_t shown = 0;
    fprintf(out, "  by own cost, %s:\n", lines ? "lines" : "functions");
    for (size_t i = 0; i < r->n_unexplained; i++) {
        const hl_unexplained *u = &r->unexplained[i];
        if ((u->line > 0) != lines || u->flat <= 0)
            continue;
        const char *file = u->file[0] ? hl_display_path(u->file) : "";
        if (lines)
            snprintf(where, sizeof where, "%s %s:%lld", u->function, file[0] ? file : "?",
                     (long long)u->line);
        else
            snprintf(where, sizeof where, "%s%s%s", u->function, file[0] ? " " : "", file);
        fprintf(out, "    %8s %6s  %s%s%s\n",
                hl_units_format_short(u->flat, r->sample_unit, f, sizeof f),
                pct(u->flat_share, fp, sizeof fp), u->callee ? hl_esc(u->callee) : "",
                u->callee ? " <- " : "", hl_esc(where));
        shown++;
    }
    if (!shown)
        fputs("    (none)\n", out);
}

int hl_verify_write_text_ex(FILE *out, const hl_verify_result *r, const char *profile_name,
                            bool color, bool all)
{
    char a[32], b[32];
    const hl_verified **order = table_order(r);
    if (!order)
        return -1;
    header(out, r, profile_name);
    notes(out, r);
    diagnosis(out, r);
    table(out, r, order, all, color);
    details(out, r, order);
    free(order);
    fprintf(out,
            "\nhot code no rule explains (samples through no finding's call into its cost: %s, "
            "%s):\n",
            hl_units_format_short(r->unexplained_total, r->sample_unit, a, sizeof a),
            pct(r->total > 0 ? (double)r->unexplained_total / (double)r->total : 0.0, b, sizeof b));
    unexplained_list(out, r, true);
    unexplained_list(out, r, false);
    fprintf(out,
            "\n%zu finding%s: %zu confirmed, %zu hot other cause, %zu merged, %zu inconclusive, "
            "%zu dismissed, %zu not applicable, %zu not exercised\n",
            r->n_items, r->n_items == 1 ? "" : "s", r->n_confirmed, r->n_hot_other_cause,
            r->n_merged, r->n_inconclusive, r->n_dismissed, r->n_not_applicable,
            r->n_not_exercised);
    return ferror(out) ? -1 : 0;
}

int hl_verify_write_text(FILE *out, const hl_verify_result *r, const char *profile_name, bool color)
{
    return hl_verify_write_text_ex(out, r, profile_name, color, false);
}
