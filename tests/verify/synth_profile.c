/* synth_profile.c - writes pprof profiles for the verify tests from a small text spec,
 * and runs the synthetic verify benchmark (1 M samples, 10 k findings).
 *
 *   synth_profile write SPEC OUT    profile from SPEC (format below)
 *   synth_profile bench DIR [SAMPLES FINDINGS]
 *
 * SPEC, one statement a line ('#' comments):
 *   types samples/count/1 cpu/nanoseconds/10000000   value types, each with its multiplier
 *   sample N FRAME...                                 N counts, frames leaf first
 *   default TYPE                                      the default sample type (else the last)
 * FRAME is func@file:line, or several joined with '+' for one location with
 * inlined frames (innermost first); file may be empty (malloc@:0). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "profile.h"
#include "verify.h"

/* --- spec mode --- */

#define MAXN 4096

typedef struct spec {
    hl_profile p;
    hl_prof_value_type types[8];
    int64_t mult[8];
    hl_prof_function funcs[MAXN];
    hl_prof_location locs[MAXN];
    char *loc_key[MAXN];
    hl_prof_line lines[MAXN];
    size_t n_lines;
    hl_prof_sample samples[MAXN];
    bool owned_types[8];
} spec;

static hl_prof_function *get_func(spec *s, const char *name, const char *file)
{
    for (size_t i = 0; i < s->p.n_functions; i++)
        if (!strcmp(s->funcs[i].name, name) && !strcmp(s->funcs[i].filename, file))
            return &s->funcs[i];
    hl_prof_function *f = &s->funcs[s->p.n_functions++];
    f->id = s->p.n_functions;
    f->name = strdup(name);
    f->system_name = strdup(name);
    f->filename = strdup(file);
    return f;
}

static hl_prof_location *get_loc(spec *s, const char *frame)
{
    for (size_t i = 0; i < s->p.n_locations; i++)
        if (!strcmp(s->loc_key[i], frame))
            return &s->locs[i];
    size_t li = s->p.n_locations++;
    hl_prof_location *l = &s->locs[li];
    s->loc_key[li] = strdup(frame);
    l->id = li + 1;
    l->address = 0x1000 + li * 16;
    l->lines = &s->lines[s->n_lines];
    char *copy = strdup(frame), *save = NULL;
    for (char *part = strtok_r(copy, "+", &save); part; part = strtok_r(NULL, "+", &save)) {
        char *at = strchr(part, '@'), *colon = strrchr(part, ':');
        if (!at || !colon || colon < at) {
            fprintf(stderr, "synth_profile: bad frame '%s' (want func@file:line)\n", part);
            exit(2);
        }
        *at = *colon = '\0';
        s->lines[s->n_lines++] = (hl_prof_line){get_func(s, part, at + 1), atoll(colon + 1)};
        l->n_lines++;
    }
    free(copy);
    return l;
}

static void spec_free(spec *s)
{
    for (size_t i = 0; i < s->p.n_functions; i++) {
        free(s->funcs[i].name);
        free(s->funcs[i].system_name);
        free(s->funcs[i].filename);
    }
    for (size_t i = 0; i < s->p.n_locations; i++)
        free(s->loc_key[i]);
    for (size_t i = 0; i < s->p.n_samples; i++) {
        free(s->samples[i].values);
        free(s->samples[i].locs);
    }
    for (size_t i = 0; i < 8; i++)
        if (s->owned_types[i]) {
            free(s->types[i].type);
            free(s->types[i].unit);
        }
    free(s);
}

static int write_spec(const char *in, const char *out)
{
    FILE *f = fopen(in, "r");
    if (!f) {
        fprintf(stderr, "synth_profile: %s: %s\n", in, strerror(errno));
        return 2;
    }
    spec *s = calloc(1, sizeof *s);
    s->p.sample_types = s->types;
    s->p.functions = s->funcs;
    s->p.locations = s->locs;
    s->p.samples = s->samples;
    s->types[0] = (hl_prof_value_type){"samples", "count"};
    s->types[1] = (hl_prof_value_type){"cpu", "nanoseconds"};
    s->mult[0] = 1;
    s->mult[1] = 10000000;
    s->p.n_sample_types = 2;
    char line[8192], deflt[64] = "";
    while (fgets(line, sizeof line, f)) {
        char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
        if (!tok || tok[0] == '#')
            continue;
        if (!strcmp(tok, "types")) {
            s->p.n_sample_types = 0;
            while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
                size_t k = s->p.n_sample_types++;
                char *u = strchr(tok, '/'), *m = u ? strchr(u + 1, '/') : NULL;
                if (!u || !m) {
                    fprintf(stderr, "synth_profile: bad type '%s'\n", tok);
                    return 2;
                }
                *u = *m = '\0';
                s->types[k] = (hl_prof_value_type){strdup(tok), strdup(u + 1)};
                s->owned_types[k] = true;
                s->mult[k] = atoll(m + 1);
            }
        } else if (!strcmp(tok, "default")) {
            tok = strtok_r(NULL, " \t\r\n", &save);
            snprintf(deflt, sizeof deflt, "%s", tok ? tok : "");
        } else if (!strcmp(tok, "sample")) {
            hl_prof_sample *sm = &s->samples[s->p.n_samples++];
            int64_t n = atoll(strtok_r(NULL, " \t\r\n", &save));
            sm->values = calloc(s->p.n_sample_types, sizeof *sm->values);
            for (size_t k = 0; k < s->p.n_sample_types; k++)
                sm->values[k] = n * s->mult[k];
            sm->locs = calloc(64, sizeof *sm->locs);
            while ((tok = strtok_r(NULL, " \t\r\n", &save)) && sm->n_locs < 64)
                sm->locs[sm->n_locs++] = get_loc(s, tok);
        }
    }
    fclose(f);
    s->p.default_sample_index = s->p.n_sample_types - 1;
    for (size_t k = 0; k < s->p.n_sample_types; k++)
        if (!strcmp(s->types[k].type, deflt))
            s->p.default_sample_index = k;
    s->p.period_type = s->types[s->p.n_sample_types - 1];
    s->p.period = s->mult[s->p.n_sample_types - 1];
    int rc = 0;
    if (hl_profile_write_file(&s->p, out) < 0) {
        fprintf(stderr, "synth_profile: %s: %s\n", out, strerror(errno));
        rc = 2;
    }
    spec_free(s);
    return rc;
}

/* --- bench mode --- */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t gunzipped_size(const char *path)
{
    gzFile g = gzopen(path, "rb");
    char buf[1 << 16];
    size_t total = 0;
    int n;
    if (!g)
        return 0;
    while ((n = gzread(g, buf, sizeof buf)) > 0)
        total += (size_t)n;
    gzclose(g);
    return total;
}

static int bench(const char *dir, size_t n_samples, size_t n_findings)
{
    const size_t per_file = 10, lines_per_fn = 8;
    size_t n_fn = n_findings, n_files = (n_findings + per_file - 1) / per_file;
    enum { LIBC = 4 };
    static const char *libc[LIBC] = {"malloc", "free", "__strcmp_avx2", "__memmove_avx_unaligned"};
    size_t n_unexpl = 100;

    /* Functions: the findings' functions, libc, main, unexplained helpers. */
    hl_profile p;
    memset(&p, 0, sizeof p);
    hl_prof_value_type types[2] = {{"samples", "count"}, {"cpu", "nanoseconds"}};
    p.sample_types = types;
    p.n_sample_types = 2;
    p.default_sample_index = 1;
    p.period_type = types[1];
    p.period = 1000000;
    p.n_functions = n_fn + LIBC + 1 + n_unexpl;
    p.functions = calloc(p.n_functions, sizeof *p.functions);
    char **files = calloc(n_files, sizeof *files);
    char buf[256];
    for (size_t k = 0; k < n_files; k++) {
        snprintf(buf, sizeof buf, "/build/proj/src/mod%zu/file%zu.c", k % 37, k);
        files[k] = strdup(buf);
    }
    for (size_t i = 0; i < p.n_functions; i++) {
        hl_prof_function *f = &p.functions[i];
        f->id = i + 1;
        if (i < n_fn) {
            snprintf(buf, sizeof buf, "fn_%zu", i);
            f->filename = files[i / per_file];
            f->start_line = (int64_t)(i % per_file) * 20 + 1;
        } else if (i < n_fn + LIBC) {
            snprintf(buf, sizeof buf, "%s", libc[i - n_fn]);
            f->filename = "";
        } else if (i == n_fn + LIBC) {
            snprintf(buf, sizeof buf, "main");
            f->filename = "/build/proj/src/main.c";
        } else {
            snprintf(buf, sizeof buf, "hash_%zu", i);
            f->filename = "/build/proj/src/hash.c";
        }
        f->name = f->system_name = strdup(buf);
    }
    /* Locations: lines_per_fn per finding function (its loop), one per other function. */
    size_t n_other = LIBC + 1 + n_unexpl;
    p.n_locations = n_fn * lines_per_fn + n_other;
    p.locations = calloc(p.n_locations, sizeof *p.locations);
    hl_prof_line *lines = calloc(p.n_locations, sizeof *lines);
    for (size_t i = 0; i < p.n_locations; i++) {
        hl_prof_location *l = &p.locations[i];
        l->id = i + 1;
        l->address = 0x400000 + i * 8;
        l->lines = &lines[i];
        l->n_lines = 1;
        if (i < n_fn * lines_per_fn) {
            size_t fn = i / lines_per_fn;
            lines[i].function = &p.functions[fn];
            lines[i].line = p.functions[fn].start_line + 2 + (int64_t)(i % lines_per_fn);
        } else {
            size_t fn = n_fn + (i - n_fn * lines_per_fn);
            lines[i].function = &p.functions[fn];
            lines[i].line = p.functions[fn].filename[0] ? 5 + (int64_t)(fn % 50) : 0;
        }
    }
    /* Samples: main -> 3..8 finding functions at random lines -> a libc leaf or not;
     * one in ten lands in an unexplained helper instead. */
    p.n_samples = n_samples;
    p.samples = calloc(n_samples, sizeof *p.samples);
    int64_t *values = calloc(n_samples * 2, sizeof *values);
    hl_prof_location **stacks = calloc(n_samples * 10, sizeof *stacks);
    hl_prof_location *main_loc = &p.locations[n_fn * lines_per_fn + LIBC];
    for (size_t s = 0; s < n_samples; s++) {
        hl_prof_sample *sm = &p.samples[s];
        sm->locs = &stacks[s * 10];
        sm->values = &values[s * 2];
        sm->values[0] = 1;
        sm->values[1] = 1000000;
        uint64_t r = next();
        if (r % 10 == 0) {
            sm->locs[sm->n_locs++] =
                &p.locations[n_fn * lines_per_fn + LIBC + 1 + (r >> 8) % n_unexpl];
        } else {
            if (r % 3 == 0)
                sm->locs[sm->n_locs++] = &p.locations[n_fn * lines_per_fn + (r >> 4) % LIBC];
            size_t depth = 3 + (r >> 12) % 6;
            for (size_t d = 0; d < depth; d++) {
                /* A skewed choice: a few functions are hot, most are cold. */
                uint64_t x = next();
                bool hot = x % 4 == 0;
                size_t fn = hot ? (x >> 8) % 50 : (x >> 8) % n_fn;
                size_t at = hot ? 2 : (x >> 40) % lines_per_fn; /* line 2 is the site */
                sm->locs[sm->n_locs++] = &p.locations[fn * lines_per_fn + at];
            }
        }
        sm->locs[sm->n_locs++] = main_loc;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/synth.prof", dir);
    double t0 = now();
    if (hl_profile_write_file(&p, path) < 0) {
        fprintf(stderr, "synth_profile: %s: %s\n", path, strerror(errno));
        return 2;
    }
    double t_write = now() - t0;

    /* Findings: one per function, in its loop; rules with cost symbols. */
    char *alloc_syms[] = {"malloc", "free"}, *cmp_syms[] = {"__strcmp_*", "strcmp"};
    hl_rule rules[2] = {
        {.id = "HL002",
         .name = "alloc-in-loop",
         .family = "allocation",
         .cost_symbols = alloc_syms,
         .n_cost_symbols = 2},
        {.id = "HL003",
         .name = "string-compare",
         .family = "string compares",
         .cost_symbols = cmp_syms,
         .n_cost_symbols = 2},
    };
    hl_catalog cat = {rules, 2};
    hl_findings fs;
    memset(&fs, 0, sizeof fs);
    fs.items = calloc(n_findings, sizeof *fs.items);
    fs.n = n_findings;
    for (size_t i = 0; i < n_findings; i++) {
        hl_finding *f = &fs.items[i];
        f->rule = &rules[i % 2];
        snprintf(buf, sizeof buf, "/home/dev/proj/src/mod%zu/file%zu.c", (i / per_file) % 37,
                 i / per_file);
        f->abs_file = f->file = strdup(buf);
        f->function = p.functions[i].name;
        f->line = f->end_line = (unsigned)p.functions[i].start_line + 4;
        f->column = 9;
        f->loop_start_line = f->line - 2;
        f->loop_end_line = f->line + 3;
    }

    size_t zsize = 0;
    FILE *zf = fopen(path, "rb");
    if (zf) {
        fseek(zf, 0, SEEK_END);
        zsize = (size_t)ftell(zf);
        fclose(zf);
    }
    size_t raw = gunzipped_size(path);
    /* Best of three runs of each step: the machine may be shared. */
    char err[512];
    hl_profile *rp = NULL;
    hl_verify_result vr;
    double t_read = 1e9, t_verify = 1e9;
    for (int run = 0; run < 3; run++) {
        if (rp)
            hl_profile_free(rp);
        t0 = now();
        rp = hl_profile_read_file(path, err, sizeof err);
        double t = now() - t0;
        if (!rp) {
            fprintf(stderr, "synth_profile: %s\n", err);
            return 2;
        }
        t_read = t < t_read ? t : t_read;
    }
    for (int run = 0; run < 3; run++) {
        if (run)
            hl_verify_result_free(&vr);
        t0 = now();
        if (hl_verify(&fs, &cat, rp, NULL, &vr, err, sizeof err) < 0) {
            fprintf(stderr, "synth_profile: %s\n", err);
            return 2;
        }
        double t = now() - t0;
        t_verify = t < t_verify ? t : t_verify;
    }
    double mb = (double)raw / 1e6;
    printf("profile: %s: %zu samples, %zu locations, %zu findings, %.1f MB decompressed, "
           "%.1f MB gzip (written in %.2f s)\n",
           path, n_samples, p.n_locations, n_findings, mb, (double)zsize / 1e6, t_write);
    printf("read:    %.3f s  %.0f MB/s decompressed\n", t_read, mb / t_read);
    printf("verify:  %.3f s  %.0f MB/s decompressed  (%zu confirmed, %zu dismissed, %zu not "
           "exercised, %zu inconclusive)\n",
           t_verify, mb / t_verify, vr.n_confirmed, vr.n_dismissed, vr.n_not_exercised,
           vr.n_inconclusive);
    printf("total:   %.3f s  %.0f MB/s decompressed (goal: >= 100 MB/s, < 1 s)\n",
           t_read + t_verify, mb / (t_read + t_verify));
    hl_verify_result_free(&vr);
    hl_profile_free(rp);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "write"))
        return write_spec(argv[2], argv[3]);
    if ((argc == 3 || argc == 5) && !strcmp(argv[1], "bench"))
        return bench(argv[2], argc == 5 ? strtoul(argv[3], NULL, 10) : 1000000,
                     argc == 5 ? strtoul(argv[4], NULL, 10) : 10000);
    fputs("usage: synth_profile write SPEC OUT | synth_profile bench DIR [SAMPLES FINDINGS]\n",
          stderr);
    return 2;
}
