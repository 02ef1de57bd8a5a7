/* cmd_top.c - `hotlint top`: pprof's top table (flat, flat%, sum%, cum, cum%). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/escape.h"
#include "../base/units.h"
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

static double pct(int64_t v, int64_t total)
{
    return total ? 100.0 * (double)v / (double)total : 0.0;
}

typedef struct {
    long n_top;
    bool cum, lines;
    const char *sample_name, *token, *source, *save;
} top_options;

/* Returns -1 to go on, else the exit status (help printed, or a usage error). */
static int parse_top_options(int argc, char **argv, top_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-n") || !strcmp(a, "--nodecount")) {
            char *end;
            if (i + 1 >= argc || (o->n_top = strtol(argv[++i], &end, 10), *end) || o->n_top < 0) {
                fprintf(stderr, "hotlint top: %s needs a number >= 0\n", a);
                return 2;
            }
        } else if (!strcmp(a, "--cum")) {
            o->cum = true;
        } else if (!strcmp(a, "--lines")) {
            o->lines = true;
        } else if (!strcmp(a, "--sample-index") || !strcmp(a, "--token") ||
                   !strcmp(a, "--save-profile")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hotlint top: %s needs a value\n", a);
                return 2;
            }
            const char **dst = !strcmp(a, "--token")          ? &o->token
                               : !strcmp(a, "--save-profile") ? &o->save
                                                              : &o->sample_name;
            *dst = argv[++i];
        } else if (!strncmp(a, "--save-profile=", 15)) {
            o->save = a + 15;
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
            o->sample_name = a + 15;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "hotlint top: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else if (o->source) {
            fprintf(stderr, "hotlint top: one profile at a time (got %s and %s)\n", o->source, a);
            return 2;
        } else {
            o->source = a;
        }
    }
    if (!o->source) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* The sample type named (or numbered) by name; -1 after a message. */
static int pick_sample_type(const hl_profile *p, const char *name, const char *source)
{
    if (!name)
        return (int)p->default_sample_index;
    char *end;
    long num = strtol(name, &end, 10);
    int ix = hl_profile_sample_index(p, name);
    if (ix >= 0)
        return ix;
    if (!*end && *name && num >= 0 && (size_t)num < p->n_sample_types)
        return (int)num;
    char shown[512];
    fprintf(stderr, "hotlint top: %s: no sample type '%s'; it has:",
            hl_fetch_redact(source, shown, sizeof shown), name);
    for (size_t i = 0; i < p->n_sample_types; i++)
        fprintf(stderr, " %s", p->sample_types[i].type);
    fputc('\n', stderr);
    return -1;
}

static void print_top(const hl_profile *p, size_t si, const hl_agg *a, const top_options *o)
{
    const char *unit = p->sample_types[si].unit;
    size_t shown = o->n_top == 0 || (size_t)o->n_top > a->n_rows ? a->n_rows : (size_t)o->n_top;
    int64_t shown_flat = 0;
    for (size_t i = 0; i < shown; i++)
        shown_flat += a->rows[i].flat;
    char b1[32], b2[32], b3[32];
    printf("Type: %s\n", hl_esc(p->sample_types[si].type));
    for (size_t i = 0; i < p->n_comments; i++)
        printf("Comment: %s\n", hl_esc(p->comments[i]));
    if (p->duration_nanos > 0) {
        hl_units_format(p->duration_nanos, "nanoseconds", b1, sizeof b1);
        hl_units_format(a->total, unit, b2, sizeof b2);
        printf("Duration: %s, Total samples = %s (%.2f%%)\n", b1, b2,
               !strcmp(unit, "nanoseconds") ? pct(a->total, p->duration_nanos) : 100.0);
    }
    hl_units_format(shown_flat, unit, b1, sizeof b1);
    hl_units_format(a->total, unit, b2, sizeof b2);
    printf("Showing nodes accounting for %s, %.2f%% of %s total\n", b1, pct(shown_flat, a->total),
           b2);
    if (shown < a->n_rows)
        printf("Showing top %zu nodes out of %zu\n", shown, a->n_rows);
    printf("%10s %6s %6s %10s %6s\n", "flat", "flat%", "sum%", "cum", "cum%");
    int64_t sum = 0;
    for (size_t i = 0; i < shown; i++) {
        const hl_agg_row *r = &a->rows[i];
        sum += r->flat;
        hl_units_format(r->flat, unit, b1, sizeof b1);
        hl_units_format(r->cum, unit, b3, sizeof b3);
        printf("%10s %5.2f%% %5.2f%% %10s %5.2f%%  %s", b1, pct(r->flat, a->total),
               pct(sum, a->total), b3, pct(r->cum, a->total), hl_esc(r->function));
        if (o->lines && *r->file) {
            if (r->line > 0)
                printf(" %s:%" PRId64, hl_esc(r->file), r->line);
            else
                printf(" %s", hl_esc(r->file));
        }
        putchar('\n');
    }
}

int hl_cmd_top(int argc, char **argv)
{
    top_options o = {.n_top = 20};
    int rc = parse_top_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[512];
    hl_profile *p = hl_profile_open(o.source, o.token, err, sizeof err);
    if (!p || hl_profile_cli_save(p, o.save, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint top: %s\n", hl_esc(err));
        hl_profile_free(p);
        return 2;
    }
    int si = pick_sample_type(p, o.sample_name, o.source);
    hl_agg *a =
        si < 0 ? NULL : hl_agg_build(p, (size_t)si, o.lines ? HL_AGG_LINE : HL_AGG_FUNCTION);
    if (si >= 0 && !a)
        fprintf(stderr, "hotlint top: out of memory\n");
    rc = a ? 0 : 2;
    if (a) {
        hl_agg_sort(a, o.cum);
        print_top(p, (size_t)si, a, &o);
    }
    hl_agg_free(a);
    hl_profile_free(p);
    return rc;
}
