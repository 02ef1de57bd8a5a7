/* cmd_top.c - `hotlint top`: pprof's top table (flat, flat%, sum%, cum, cum%). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "../fetch/fetch.h"
#include "../fetch/source.h"
#include "../profile/aggregate.h"
#include "commands.h"
#include "verify_options.h"

static void usage(FILE *out)
{
    fputs("usage: hotlint top [-n N] [--cum] [--lines] [--sample-index NAME] [--token T] "
          "[--max-profile-memory SIZE] PROFILE\n"
          "  PROFILE             a pprof profile file (gzip or plain) or an http(s) URL\n"
          "  -n N                show the N top rows (default 20, 0: all)\n"
          "  --cum               sort by cumulative value instead of flat\n"
          "  --lines             one row per source line (function file:line)\n"
          "  --sample-index NAME the value to show (cpu, samples, alloc_space, ...; or a "
          "number)\n"
          "  --token T           bearer token for URLs\n"
          "  --save-profile FILE keep the profile read (from a URL: the same window for\n"
          "                      later top, list, flame and verify runs)\n"
          "  --max-profile-memory SIZE  memory the profile may take to read (K, M, G;\n"
          "                      default 2G); a bigger one is refused\n",
          out);
}

/* Formats v in the unit of the sample type, the way pprof does. */
static void fmt_value(char *buf, size_t n, int64_t v, const char *unit)
{
    double d = (double)v;
    if (!strcmp(unit, "nanoseconds")) {
        double a = d < 0 ? -d : d;
        if (a >= 1e9)
            snprintf(buf, n, "%.2fs", d / 1e9);
        else if (a >= 1e6)
            snprintf(buf, n, "%.2fms", d / 1e6);
        else if (a >= 1e3)
            snprintf(buf, n, "%.2fus", d / 1e3);
        else
            snprintf(buf, n, "%" PRId64 "ns", v);
    } else if (!strcmp(unit, "bytes")) {
        double a = d < 0 ? -d : d;
        if (a >= 1024.0 * 1024 * 1024)
            snprintf(buf, n, "%.2fGB", d / (1024.0 * 1024 * 1024));
        else if (a >= 1024.0 * 1024)
            snprintf(buf, n, "%.2fMB", d / (1024.0 * 1024));
        else if (a >= 1024.0)
            snprintf(buf, n, "%.2fkB", d / 1024.0);
        else
            snprintf(buf, n, "%" PRId64 "B", v);
    } else {
        snprintf(buf, n, "%" PRId64, v);
    }
}

static double pct(int64_t v, int64_t total)
{
    return total ? 100.0 * (double)v / (double)total : 0.0;
}

int hl_cmd_top(int argc, char **argv)
{
    long n_top = 20;
    bool cum = false, lines = false;
    const char *sample_name = NULL, *token = NULL, *source = NULL, *save = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-n") || !strcmp(a, "--nodecount")) {
            char *end;
            if (i + 1 >= argc || (n_top = strtol(argv[++i], &end, 10), *end) || n_top < 0) {
                fprintf(stderr, "hotlint top: %s needs a number >= 0\n", a);
                return 2;
            }
        } else if (!strcmp(a, "--cum")) {
            cum = true;
        } else if (!strcmp(a, "--lines")) {
            lines = true;
        } else if (!strcmp(a, "--sample-index") || !strcmp(a, "--token") ||
                   !strcmp(a, "--save-profile")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hotlint top: %s needs a value\n", a);
                return 2;
            }
            if (!strcmp(a, "--token"))
                token = argv[++i];
            else if (!strcmp(a, "--save-profile"))
                save = argv[++i];
            else
                sample_name = argv[++i];
        } else if (!strncmp(a, "--save-profile=", 15)) {
            save = a + 15;
        } else if (!strcmp(a, "--max-profile-memory") || !strncmp(a, "--max-profile-memory=", 21)) {
            const char *v = a[20] == '=' ? a + 21 : i + 1 < argc ? argv[++i] : NULL;
            char err[256];
            if (!v) {
                fprintf(stderr, "hotlint top: %s needs a value\n", a);
                return 2;
            }
            if (hl_profile_cli_max_memory(v, err, sizeof err) < 0) {
                fprintf(stderr, "hotlint top: %s\n", err);
                return 2;
            }
        } else if (!strncmp(a, "--sample-index=", 15)) {
            sample_name = a + 15;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "hotlint top: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else if (source) {
            fprintf(stderr, "hotlint top: one profile at a time (got %s and %s)\n", source, a);
            return 2;
        } else {
            source = a;
        }
    }
    if (!source) {
        usage(stderr);
        return 2;
    }
    char err[512];
    hl_profile *p = hl_profile_open(source, token, err, sizeof err);
    if (!p || hl_profile_cli_save(p, save, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint top: %s\n", hl_esc(err));
        hl_profile_free(p);
        return 2;
    }
    size_t si = p->default_sample_index;
    if (sample_name) {
        char *end;
        long num = strtol(sample_name, &end, 10);
        int ix = hl_profile_sample_index(p, sample_name);
        if (ix >= 0)
            si = (size_t)ix;
        else if (!*end && *sample_name && num >= 0 && (size_t)num < p->n_sample_types)
            si = (size_t)num;
        else {
            char shown[512];
            fprintf(stderr, "hotlint top: %s: no sample type '%s'; it has:",
                    hl_fetch_redact(source, shown, sizeof shown), sample_name);
            for (size_t i = 0; i < p->n_sample_types; i++)
                fprintf(stderr, " %s", p->sample_types[i].type);
            fputc('\n', stderr);
            hl_profile_free(p);
            return 2;
        }
    }
    hl_agg *a = hl_agg_build(p, si, lines ? HL_AGG_LINE : HL_AGG_FUNCTION);
    if (!a) {
        fprintf(stderr, "hotlint top: out of memory\n");
        hl_profile_free(p);
        return 2;
    }
    hl_agg_sort(a, cum);
    const char *unit = p->sample_types[si].unit;
    size_t shown = n_top == 0 || (size_t)n_top > a->n_rows ? a->n_rows : (size_t)n_top;
    int64_t shown_flat = 0;
    for (size_t i = 0; i < shown; i++)
        shown_flat += a->rows[i].flat;
    char b1[32], b2[32], b3[32];
    printf("Type: %s\n", hl_esc(p->sample_types[si].type));
    for (size_t i = 0; i < p->n_comments; i++)
        printf("Comment: %s\n", hl_esc(p->comments[i]));
    if (p->duration_nanos > 0) {
        fmt_value(b1, sizeof b1, p->duration_nanos, "nanoseconds");
        fmt_value(b2, sizeof b2, a->total, unit);
        printf("Duration: %s, Total samples = %s (%.2f%%)\n", b1, b2,
               !strcmp(unit, "nanoseconds") ? pct(a->total, p->duration_nanos) : 100.0);
    }
    fmt_value(b1, sizeof b1, shown_flat, unit);
    fmt_value(b2, sizeof b2, a->total, unit);
    printf("Showing nodes accounting for %s, %.2f%% of %s total\n", b1, pct(shown_flat, a->total),
           b2);
    if (shown < a->n_rows)
        printf("Showing top %zu nodes out of %zu\n", shown, a->n_rows);
    printf("%10s %6s %6s %10s %6s\n", "flat", "flat%", "sum%", "cum", "cum%");
    int64_t sum = 0;
    for (size_t i = 0; i < shown; i++) {
        const hl_agg_row *r = &a->rows[i];
        sum += r->flat;
        fmt_value(b1, sizeof b1, r->flat, unit);
        fmt_value(b3, sizeof b3, r->cum, unit);
        printf("%10s %5.2f%% %5.2f%% %10s %5.2f%%  %s", b1, pct(r->flat, a->total),
               pct(sum, a->total), b3, pct(r->cum, a->total), hl_esc(r->function));
        if (lines && *r->file) {
            if (r->line > 0)
                printf(" %s:%" PRId64, hl_esc(r->file), r->line);
            else
                printf(" %s", hl_esc(r->file));
        }
        putchar('\n');
    }
    hl_agg_free(a);
    hl_profile_free(p);
    return 0;
}
