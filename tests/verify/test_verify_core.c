/* test_verify_core.c - unit tests of verify/: statistics, path matching, flat/cum/loop cum,
 * evidence, verdicts and the unexplained list, on profiles built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "table.h"
#include "verify.h"

/* --- statistics and matching helpers --- */

static void test_wilson_known_values(void **state)
{
    (void)state;
    double lo, hi;
    /* Newcombe (1998), Statistics in Medicine 17:857, method 3 examples. */
    hl_wilson_interval(81, 263, &lo, &hi);
    assert_float_equal(lo, 0.2553, 0.00005);
    assert_float_equal(hi, 0.3662, 0.00005);
    hl_wilson_interval(15, 148, &lo, &hi);
    assert_float_equal(lo, 0.0624, 0.00005);
    assert_float_equal(hi, 0.1605, 0.00005);
    hl_wilson_interval(0, 20, &lo, &hi);
    assert_float_equal(lo, 0.0, 1e-12);
    assert_float_equal(hi, 0.1611, 0.00005);
    hl_wilson_interval(1, 29, &lo, &hi);
    assert_float_equal(lo, 0.0061, 0.00005);
    assert_float_equal(hi, 0.1718, 0.00005);
    /* Symmetric at one half; the edges are exact. */
    hl_wilson_interval(50, 100, &lo, &hi);
    assert_float_equal(lo, 0.403832, 1e-6);
    assert_float_equal(hi, 0.596168, 1e-6);
    hl_wilson_interval(100, 100, &lo, &hi);
    assert_float_equal(hi, 1.0, 1e-12);
    hl_wilson_interval(0, 0, &lo, &hi);
    assert_float_equal(lo, 0.0, 1e-12);
    assert_float_equal(hi, 1.0, 1e-12);
    /* Zero hits: the upper bound falls under 1% only from 381 samples on. */
    hl_wilson_interval(0, 380, &lo, &hi);
    assert_true(hi > 0.01);
    hl_wilson_interval(0, 381, &lo, &hi);
    assert_true(hi < 0.01);
}

static void test_path_suffix(void **state)
{
    (void)state;
    assert_int_equal(hl_path_common_suffix("a/b/c.c", "/x/b/c.c"), 2);
    assert_int_equal(hl_path_common_suffix("./c.c", "/x/c.c"), 1);
    assert_int_equal(hl_path_common_suffix("/x/y.c", "/x/c.c"), 0);
    assert_int_equal(hl_path_common_suffix("/build/src//parse.c", "/home/u/proj/src/parse.c"), 2);
    assert_int_equal(hl_path_common_suffix("/a/b/c.c", "/a/b/c.c"), 3);
    assert_int_equal(hl_path_common_suffix("", "/a/b/c.c"), 0);
    assert_int_equal(hl_path_common_suffix("xc.c", "/a/c.c"), 0);

    const char *trims[] = {"/ci/build/", "/other"};
    assert_string_equal(hl_path_trim("/ci/build/src/a.c", trims, 2), "src/a.c");
    assert_string_equal(hl_path_trim("/other/a.c", trims, 2), "a.c");
    assert_string_equal(hl_path_trim("/otherwise/a.c", trims, 2), "/otherwise/a.c");
    assert_string_equal(hl_path_trim("src/a.c", trims, 2), "src/a.c");
}

static void test_symbol_match(void **state)
{
    (void)state;
    assert_true(hl_cost_symbol_match("__strcmp_*", "__strcmp_avx2"));
    assert_true(hl_cost_symbol_match("malloc", "malloc@@GLIBC_2.2.5"));
    assert_true(hl_cost_symbol_match("malloc", "malloc"));
    assert_false(hl_cost_symbol_match("malloc", "malloc_usable_size"));
    assert_false(hl_cost_symbol_match("__strcmp_*", "strcmp"));
    assert_true(hl_cost_symbol_match("parse", "parse.constprop.0"));
    assert_int_equal(hl_function_name_len("foo.isra.0"), 3);
    assert_int_equal(hl_function_name_len("foo"), 3);
}

/* The hash tables keep ids dense and stable through growth. */
static void test_tables(void **state)
{
    (void)state;
    hl_strtab st = {0};
    hl_u64tab ut = {0};
    char buf[32];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(buf, sizeof buf, "fn_%d", i);
        assert_int_equal(hl_strtab_intern(&st, buf, (size_t)n), i);
        assert_int_equal(hl_u64tab_intern(&ut, (uint64_t)i * 0x100000001ULL), i);
    }
    for (int i = 0; i < 50000; i += 7) {
        int n = snprintf(buf, sizeof buf, "fn_%d", i);
        assert_int_equal(hl_strtab_find(&st, buf, (size_t)n), i);
        assert_int_equal(hl_strtab_intern(&st, buf, (size_t)n), i);
        assert_int_equal(hl_u64tab_find(&ut, (uint64_t)i * 0x100000001ULL), i);
    }
    assert_int_equal(hl_strtab_find(&st, "fn_", 3), -1);
    assert_int_equal(hl_strtab_find(&st, "fn_12x", 5), 12); /* "fn_12": length counts */
    assert_int_equal(hl_u64tab_find(&ut, 3), -1);
    assert_int_equal(st.n, 50000);
    hl_strtab_free(&st);
    hl_u64tab_free(&ut);
    assert_int_equal(hl_strtab_find(&st, "fn_1", 4), -1); /* freed tables are empty */
}

/* --- an in-memory profile --- */

enum { F_MAIN, F_PARSE, F_MALLOC, F_HELPER, F_HASH, F_OTHER_MAIN, F_STRCMP, N_FUNCS };

typedef struct fixture {
    hl_profile p;
    hl_prof_function funcs[N_FUNCS];
    hl_prof_location locs[16];
    hl_prof_line lines[32];
    hl_prof_sample samples[16];
    hl_prof_location *stacks[16][8];
    int64_t values[16][2];
    hl_prof_value_type types[2];
    size_t n_lines;
    hl_rule rules[2];
    char *alloc_syms[2], *cmp_syms[1];
    hl_finding f[4];
    hl_findings fs;
    hl_catalog cat;
} fixture;

/* A location with one line, or two when inl (an inlined frame first). */
static hl_prof_location *loc(fixture *x, int fn, int64_t line, int inl_fn, int64_t inl_line)
{
    hl_prof_location *l = &x->p.locations[x->p.n_locations];
    l->id = x->p.n_locations + 1;
    l->lines = &x->lines[x->n_lines];
    if (inl_fn >= 0)
        x->lines[x->n_lines++] = (hl_prof_line){&x->funcs[inl_fn], inl_line};
    x->lines[x->n_lines++] = (hl_prof_line){&x->funcs[fn], line};
    l->n_lines = inl_fn >= 0 ? 2 : 1;
    x->p.n_locations++;
    return l;
}

static void sample(fixture *x, int64_t count, int n, ...)
{
    size_t i = x->p.n_samples++;
    hl_prof_sample *s = &x->samples[i];
    va_list ap;
    va_start(ap, n);
    for (int k = 0; k < n; k++)
        x->stacks[i][k] = va_arg(ap, hl_prof_location *);
    va_end(ap);
    s->locs = x->stacks[i];
    s->n_locs = (size_t)n;
    x->values[i][0] = count;
    x->values[i][1] = count * 10000000; /* 100 Hz */
    s->values = x->values[i];
}

static hl_finding finding(hl_rule *r, const char *abs, unsigned line, const char *fn,
                          unsigned loop_start, unsigned loop_end)
{
    hl_finding f;
    memset(&f, 0, sizeof f);
    f.rule = r;
    f.file = (char *)abs;
    f.abs_file = (char *)abs;
    f.line = f.end_line = line;
    f.column = 5;
    f.function = (char *)fn;
    f.loop_start_line = loop_start;
    f.loop_end_line = loop_end;
    return f;
}

/* parse_row (src/parse.c) allocates at line 47 in a loop over lines 45-52;
 * main calls it and a hash function no rule knows; usage never runs. */
static fixture *make_fixture(bool with_lines)
{
    fixture *x = calloc(1, sizeof *x);
    x->p.functions = x->funcs;
    x->p.n_functions = N_FUNCS;
    x->funcs[F_MAIN] = (hl_prof_function){1, "main", "main", "/build/proj/main.c", 5};
    x->funcs[F_PARSE] = (hl_prof_function){2, "parse_row", "parse_row", "/build/src/parse.c", 40};
    x->funcs[F_MALLOC] = (hl_prof_function){3, "malloc", "malloc", "", 0};
    x->funcs[F_HELPER] = (hl_prof_function){4, "helper", "helper", "/build/src/parse.c", 3};
    x->funcs[F_HASH] = (hl_prof_function){5, "hash_bytes", "hash_bytes", "/build/src/hash.c", 15};
    x->funcs[F_OTHER_MAIN] = (hl_prof_function){6, "other", "other", "/elsewhere/main.c", 1};
    x->funcs[F_STRCMP] = (hl_prof_function){7, "__strcmp_avx2", "__strcmp_avx2", "", 0};
    for (int i = 0; i < N_FUNCS; i++)
        x->funcs[i].id = (uint64_t)i + 1;
    x->types[0] = (hl_prof_value_type){"samples", "count"};
    x->types[1] = (hl_prof_value_type){"cpu", "nanoseconds"};
    x->p.sample_types = x->types;
    x->p.n_sample_types = 2;
    x->p.default_sample_index = 1;
    x->p.locations = x->locs;
    x->p.samples = x->samples;

    int64_t L = with_lines ? 1 : 0;
    hl_prof_location *main10 = loc(x, F_MAIN, 10 * L, -1, 0);
    hl_prof_location *main12 = loc(x, F_MAIN, 12 * L, -1, 0);
    hl_prof_location *p47 = loc(x, F_PARSE, 47 * L, -1, 0);
    hl_prof_location *p50 = loc(x, F_PARSE, 50 * L, -1, 0);
    hl_prof_location *mal = loc(x, F_MALLOC, 0, -1, 0);
    hl_prof_location *inl = loc(x, F_PARSE, 47 * L, F_HELPER, 5 * L);
    hl_prof_location *hash = loc(x, F_HASH, 20 * L, -1, 0);

    sample(x, 100, 3, mal, p47, main10); /* allocation under the site */
    sample(x, 5, 2, p47, main10);        /* flat at the site */
    sample(x, 3, 2, p50, main10);        /* elsewhere in the loop */
    sample(x, 2, 3, p47, p47, main10);   /* recursion: counted once */
    sample(x, 4, 2, inl, main10);        /* an inlined helper under the site */
    sample(x, 910, 2, hash, main12);     /* hot code no rule explains */

    char **as = x->alloc_syms, **cs = x->cmp_syms;
    as[0] = "malloc";
    as[1] = "free";
    cs[0] = "__strcmp_*";
    x->rules[0] = (hl_rule){.id = "HL002",
                            .name = "alloc-in-loop",
                            .family = "allocation",
                            .cost_symbols = as,
                            .n_cost_symbols = 2};
    x->rules[1] = (hl_rule){.id = "HL003",
                            .name = "string-compare",
                            .family = "string compares",
                            .cost_symbols = cs,
                            .n_cost_symbols = 1};
    x->cat.rules = x->rules;
    x->cat.n_rules = 2;
    x->f[0] = finding(&x->rules[0], "/home/u/proj/src/parse.c", 47, "parse_row", 45, 52);
    x->f[1] = finding(&x->rules[1], "/home/u/proj/src/cli.c", 88, "usage", 0, 0);
    x->f[2] = finding(&x->rules[1], "/home/u/proj/main.c", 30, "main", 0, 0);
    x->f[3] = finding(&x->rules[0], "/home/u/proj/other/main.c", 10, "main", 0, 0);
    x->fs.items = x->f;
    x->fs.n = 4;
    return x;
}

static const hl_verified *item_for(const hl_verify_result *r, const hl_finding *f)
{
    for (size_t i = 0; i < r->n_items; i++)
        if (r->items[i].finding == f)
            return &r->items[i];
    fail_msg("finding not in the result");
    return NULL;
}

static void test_flat_cum_loop_evidence(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    const int64_t tick = 10000000;
    assert_int_equal(r.total, 1024 * tick);
    assert_int_equal(r.total_samples, 1024);
    assert_string_equal(r.sample_type, "cpu");
    assert_true(r.profile_has_lines);

    const hl_verified *v = item_for(&r, &x->f[0]);
    assert_int_equal(v->flat, 7 * tick);  /* 5 + 2 (leaf of the recursion) */
    assert_int_equal(v->cum, 111 * tick); /* 100 + 5 + 2 once + 4 inlined */
    assert_int_equal(v->cum_samples, 111);
    assert_int_equal(v->loop_cum, 114 * tick); /* plus line 50 */
    assert_int_equal(v->evidence, 100 * tick); /* malloc under the site */
    assert_float_equal(v->cum_share, 111.0 / 1024, 1e-12);
    assert_float_equal(v->evidence_of_cum, 100.0 / 111, 1e-12);
    assert_int_equal(v->verdict, HL_VERDICT_CONFIRMED);
    /* The verdict's interval is the evidence's; the site's cum has its own. */
    assert_true(v->ci_low < v->evidence_share && v->evidence_share < v->ci_high);
    assert_true(v->ci_low >= 0.01);
    assert_true(v->cum_ci_low < v->cum_share && v->cum_share < v->cum_ci_high);
    assert_false(v->by_function);

    /* usage never appears; main does but not at line 30 (1024 samples: dismissed). */
    assert_int_equal(item_for(&r, &x->f[1])->verdict, HL_VERDICT_NOT_EXERCISED);
    const hl_verified *m = item_for(&r, &x->f[2]);
    assert_int_equal(m->cum, 0);
    assert_int_equal(m->verdict, HL_VERDICT_DISMISSED);
    /* A main in another main.c: the profile's main.c is /build/proj/main.c, whose
     * longest common suffix is with /home/u/proj/main.c, so not this one. */
    const hl_verified *o = item_for(&r, &x->f[3]);
    assert_int_equal(o->cum, 0);
    assert_int_equal(o->verdict, HL_VERDICT_NOT_EXERCISED);

    /* Sorted by cum. */
    assert_ptr_equal(r.items[0].finding, &x->f[0]);
    assert_int_equal(r.n_confirmed, 1);
    assert_int_equal(r.n_dismissed, 1);
    assert_int_equal(r.n_not_exercised, 2);

    /* Families: allocation is the malloc sample. */
    bool found = false;
    for (size_t i = 0; i < r.n_families; i++)
        if (!strcmp(r.families[i].family, "allocation")) {
            assert_int_equal(r.families[i].value, 100 * tick);
            assert_string_equal(r.families[i].symbols, "malloc, free");
            found = true;
        }
    assert_true(found);

    /* Unexplained: the hash sample (the others hold the site). */
    /* Everything but the malloc under the call: the site's own work, the
     * loop's line 50, the inlined helper and the hash. */
    assert_int_equal(r.unexplained_total, 924 * tick);
    bool line_row = false, fn_row = false;
    for (size_t i = 0; i < r.n_unexplained; i++) {
        const hl_unexplained *u = &r.unexplained[i];
        if (u->line == 20 && !strcmp(u->file, "/build/src/hash.c") &&
            !strcmp(u->function, "hash_bytes")) {
            assert_int_equal(u->flat, 910 * tick);
            line_row = true;
        }
        if (u->line == 0 && !strcmp(u->function, "hash_bytes"))
            fn_row = true;
        if (u->line == 47) /* the site's own work, not its call's */
            assert_int_equal(u->flat, 7 * tick);
    }
    assert_true(line_row);
    assert_true(fn_row);
    hl_verify_result_free(&r);
    free(x);
}

static void test_without_lines(void **state)
{
    (void)state;
    fixture *x = make_fixture(false);
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_false(r.profile_has_lines);
    const hl_verified *v = item_for(&r, &x->f[0]);
    assert_true(v->by_function);
    assert_int_equal(v->cum, 114 * 10000000LL); /* every sample holding parse_row */
    assert_int_equal(v->verdict, HL_VERDICT_CONFIRMED);
    /* main holds every sample but calls no compare: matched by name, main's
     * HL003 finding is hot for another cause. */
    assert_int_equal(item_for(&r, &x->f[2])->verdict, HL_VERDICT_HOT_OTHER_CAUSE);
    assert_int_equal(item_for(&r, &x->f[1])->verdict, HL_VERDICT_NOT_EXERCISED);
    hl_verify_result_free(&r);
    free(x);
}

static void test_sample_index_and_thresholds(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_verify_result r;
    hl_verify_options o;
    char err[256] = "";
    hl_verify_options_init(&o);
    o.sample_index = "alloc_space";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "alloc_space"));
    assert_non_null(strstr(err, "cpu"));

    o.sample_index = "samples";
    o.min_share = 0.15; /* evidence 100/1024 = 9.8%, its interval reaches 11.7% */
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), 0);
    assert_string_equal(r.sample_type, "samples");
    const hl_verified *v = item_for(&r, &x->f[0]);
    assert_int_equal(v->cum, 111);
    assert_int_equal(v->verdict, HL_VERDICT_DISMISSED);
    assert_float_equal(r.options.min_share, 0.15, 1e-12);
    hl_verify_result_free(&r);

    /* Too few samples for a dismissal: inconclusive. */
    o.min_share = 0.5;
    o.min_samples = 5000;
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), 0);
    assert_int_equal(item_for(&r, &x->f[0])->verdict, HL_VERDICT_INCONCLUSIVE);
    hl_verify_result_free(&r);
    free(x);
}

/* Evidence needs the cost symbol below the site: a prefix symbol (__strcmp_*)
 * matches the libc variant, and a cost frame above the site does not count. */
static void test_evidence_prefix_and_depth(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_prof_location *cmp = loc(x, F_STRCMP, 0, -1, 0);
    hl_prof_location *main30 = loc(x, F_MAIN, 30, -1, 0);
    hl_prof_location *p47 = &x->locs[2];
    sample(x, 6, 2, cmp, main30);      /* strcmp under main:30 */
    sample(x, 2, 2, main30, cmp);      /* a cost frame above the site: no evidence */
    sample(x, 1, 3, p47, cmp, main30); /* strcmp under main:30, above parse_row */
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    const hl_verified *m = item_for(&r, &x->f[2]);
    assert_int_equal(m->cum, 9 * 10000000LL);
    assert_int_equal(m->evidence, 7 * 10000000LL); /* not the 2 with strcmp above */
    assert_float_equal(m->evidence_of_cum, 7.0 / 9.0, 1e-12);
    /* parse_row's HL002 site gains nothing from strcmp: not its rule's symbol. */
    assert_int_equal(item_for(&r, &x->f[0])->evidence, 100 * 10000000LL);
    bool found = false;
    for (size_t i = 0; i < r.n_families; i++)
        if (!strcmp(r.families[i].family, "string compares")) {
            assert_int_equal(r.families[i].value, 9 * 10000000LL); /* once per sample */
            found = true;
        }
    assert_true(found);
    hl_verify_result_free(&r);
    free(x);
}

/* Some symbolizers leave the name of an out-of-line copy empty: its lines
 * still match by file and line within the finding's function. */
static void test_nameless_lines(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    x->funcs[F_PARSE].name = x->funcs[F_PARSE].system_name = "";
    x->f[0].function_start_line = 40;
    x->f[0].function_end_line = 60;
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    const hl_verified *v = item_for(&r, &x->f[0]);
    assert_int_equal(v->cum, 111 * 10000000LL);
    assert_int_equal(v->loop_cum, 114 * 10000000LL);
    assert_int_equal(v->verdict, HL_VERDICT_CONFIRMED);
    hl_verify_result_free(&r);

    /* Exercised through a nameless line of its function, off the site. */
    x->f[0].line = x->f[0].end_line = 58;
    x->f[0].loop_start_line = x->f[0].loop_end_line = 0;
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_int_equal(item_for(&r, &x->f[0])->verdict, HL_VERDICT_DISMISSED);
    hl_verify_result_free(&r);
    free(x);
}

/* Frames without symbols may hide a function only in an object nothing was
 * symbolized in; then "not exercised" cannot be claimed. */
static void test_unsymbolized_frames(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_prof_mapping maps[3] = {
        {.id = 1, .filename = "/opt/app/bin/app"},                        /* nothing named */
        {.id = 2, .filename = "/build/proj/app"},                         /* main is in it */
        {.id = 3, .filename = "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"} /* system */
    };
    x->p.mappings = maps;
    x->p.n_mappings = 3;
    x->locs[0].mapping = &maps[1];
    hl_prof_location *plt = loc(x, F_MAIN, 0, -1, 0);
    plt->n_lines = 0;
    plt->mapping = &maps[1];
    hl_prof_location *z = loc(x, F_MAIN, 0, -1, 0);
    z->n_lines = 0;
    z->mapping = &maps[2];
    sample(x, 50, 2, plt, &x->locs[0]);
    sample(x, 50, 2, z, &x->locs[0]);
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_float_equal(r.unsymbolized_share, 0.0, 1e-12);
    assert_int_equal(item_for(&r, &x->f[1])->verdict, HL_VERDICT_NOT_EXERCISED);
    hl_verify_result_free(&r);

    hl_prof_location *dark = loc(x, F_MAIN, 0, -1, 0);
    dark->n_lines = 0;
    dark->mapping = &maps[0];
    sample(x, 30, 2, dark, &x->locs[0]);
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_float_equal(r.unsymbolized_share, 30.0 / (1024 + 130), 1e-12);
    assert_int_equal(item_for(&r, &x->f[1])->verdict, HL_VERDICT_INCONCLUSIVE);
    hl_verify_result_free(&r);
    free(x);
}

/* A heap profile has no "samples" type: the interval rests on the total over
 * the sampling period (bytes per sample), not on estimated object counts. */
static void test_heap_sample_count(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    x->types[0] = (hl_prof_value_type){"alloc_objects", "count"};
    x->types[1] = (hl_prof_value_type){"alloc_space", "bytes"};
    x->p.period_type = (hl_prof_value_type){"space", "bytes"};
    x->p.period = 20000000; /* two of the fixture's units per sample */
    for (size_t i = 0; i < x->p.n_samples; i++)
        x->values[i][0] *= 1000; /* estimated objects: not a sample count */
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_int_equal(r.total_samples, 512);
    const hl_verified *v = item_for(&r, &x->f[0]);
    double lo, hi;
    /* The evidence's interval: the 100 under malloc, and in a heap profile the
     * 7 that end at the site (5 flat, 2 recursive) allocated there too, as the
     * leaf of a heap sample is the allocation function's caller; the inlined
     * helper's 4 are not the site's allocation. */
    hl_wilson_share(107.0 / 1024, 512, &lo, &hi);
    assert_float_equal(v->ci_low, lo, 1e-12);
    assert_float_equal(v->ci_high, hi, 1e-12);
    hl_wilson_share(111.0 / 1024, 512, &lo, &hi); /* the site's */
    assert_float_equal(v->cum_ci_low, lo, 1e-12);
    assert_float_equal(v->cum_ci_high, hi, 1e-12);
    assert_int_equal(v->cum_samples, 56); /* 111/1024 of 512, rounded */
    assert_true(r.allocation_profile);
    assert_int_equal(v->verdict, HL_VERDICT_CONFIRMED);
    /* A compare rule cannot be judged on allocations. */
    assert_int_equal(item_for(&r, &x->f[2])->verdict, HL_VERDICT_NOT_APPLICABLE);
    assert_int_equal(r.n_not_applicable, 2);
    hl_verify_result_free(&r);
    free(x);
}

/* A compare chain's finding sits at its first compare and spans to its last:
 * samples on a later compare's line count for it, and none outside the range. */
static void test_site_spans_its_range(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_verify_result r;
    char err[256] = "";
    /* An HL003 chain in parse_row, compares on lines 44, 45, 46 and 47: the
     * samples sit on line 47, the fourth. */
    x->f[1] = finding(&x->rules[1], "/home/u/proj/src/parse.c", 44, "parse_row", 0, 0);
    x->f[1].end_line = 47;
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    const hl_verified *v = item_for(&r, &x->f[1]);
    assert_int_equal(v->cum, 111 * 10000000LL);
    assert_int_equal(v->flat, 7 * 10000000LL); /* leaf on line 47; the inlined helper is not */
    /* No compare under the chain: its time is malloc's, which it names. */
    assert_int_equal(v->evidence, 0);
    assert_int_equal(v->verdict, HL_VERDICT_HOT_OTHER_CAUSE);
    assert_true(v->n_causes >= 2);
    assert_string_equal(v->causes[0].function, "malloc");
    assert_float_equal(v->causes[0].of_site, 100.0 / 111, 1e-12);
    assert_string_equal(v->causes[1].function, "parse_row");
    assert_int_equal(v->causes[1].line, 47);
    hl_verify_result_free(&r);

    /* The same finding ending on its first line sees none of them. */
    x->f[1].end_line = 44;
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    v = item_for(&r, &x->f[1]);
    assert_int_equal(v->cum, 0);
    assert_int_not_equal(v->verdict, HL_VERDICT_CONFIRMED);
    hl_verify_result_free(&r);
    free(x);
}

/* A heap profile whose default is inuse_space (as Go's): a program that frees
 * everything has none, so verify sums alloc_space unless told otherwise. */
static void test_heap_defaults_to_alloc_space(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    x->types[0] = (hl_prof_value_type){"alloc_space", "bytes"};
    x->types[1] = (hl_prof_value_type){"inuse_space", "bytes"};
    for (size_t i = 0; i < x->p.n_samples; i++)
        x->values[i][1] = 0; /* everything freed */
    x->p.period_type = (hl_prof_value_type){"space", "bytes"};
    x->p.period = 1; /* every byte sampled: 1024 sampling periods */
    hl_verify_result r;
    hl_verify_options o;
    char err[256] = "";
    assert_int_equal(hl_verify_sample_index(&x->p, NULL, err, sizeof err), 0);
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_string_equal(r.sample_type, "alloc_space");
    assert_string_equal(r.profile_default_type, "inuse_space");
    assert_int_equal(r.total, 1024);
    assert_int_equal(item_for(&r, &x->f[0])->verdict, HL_VERDICT_CONFIRMED);
    hl_verify_result_free(&r);

    /* Named, the default is used and nothing is said about a choice. */
    hl_verify_options_init(&o);
    o.sample_index = "inuse_space";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), 0);
    assert_string_equal(r.sample_type, "inuse_space");
    assert_null(r.profile_default_type);
    assert_int_equal(r.total, 0);
    assert_int_not_equal(item_for(&r, &x->f[0])->verdict, HL_VERDICT_CONFIRMED);
    hl_verify_result_free(&r);

    /* A CPU profile keeps its default. */
    x->types[0] = (hl_prof_value_type){"samples", "count"};
    x->types[1] = (hl_prof_value_type){"cpu", "nanoseconds"};
    assert_int_equal(hl_verify_sample_index(&x->p, NULL, err, sizeof err), 1);
    assert_int_equal(hl_verify_sample_index(&x->p, "wall", err, sizeof err), -1);
    assert_non_null(strstr(err, "--sample-index"));
    free(x);
}

static void test_trim_and_source_root(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    /* Profile paths under /ci/build; sources under /home/u/proj; both main.c
     * files have a main, so only an exact match can pick other/main.c. */
    x->funcs[F_MAIN].filename = "/ci/build/other/main.c";
    x->funcs[F_PARSE].filename = "/ci/build/src/parse.c";
    hl_verify_result r;
    hl_verify_options o;
    char err[256] = "";
    const char *trims[] = {"/ci/build"};
    hl_verify_options_init(&o);
    o.trim_paths = trims;
    o.n_trim_paths = 1;
    o.source_root = "/home/u/proj";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), 0);
    /* other/main.c:10 is main's line 10 now. */
    const hl_verified *v = item_for(&r, &x->f[3]);
    assert_int_equal(v->cum, 114 * 10000000LL);
    /* main:10 calls parse_row, not malloc: the allocation is not its call's. */
    assert_int_equal(v->verdict, HL_VERDICT_HOT_OTHER_CAUSE);
    assert_int_equal(item_for(&r, &x->f[2])->verdict, HL_VERDICT_NOT_EXERCISED);
    assert_int_equal(item_for(&r, &x->f[0])->verdict, HL_VERDICT_CONFIRMED);
    hl_verify_result_free(&r);
    free(x);
}

static void test_address_only(void **state)
{
    (void)state;
    fixture *x = make_fixture(false);
    for (int i = 0; i < N_FUNCS; i++)
        x->funcs[i].name = x->funcs[i].system_name = "";
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_false(r.profile_has_functions);
    for (size_t i = 0; i < r.n_items; i++)
        assert_int_equal(r.items[i].verdict, HL_VERDICT_INCONCLUSIVE);
    hl_verify_result_free(&r);
    free(x);
}

/* The verdicts are symmetric on the evidence's interval: an interval across
 * the threshold is inconclusive, and too few samples never dismiss or call a
 * finding not exercised. */
static void test_symmetric_verdicts(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_verify_result r;
    hl_verify_options o;
    char err[256] = "";
    hl_verify_options_init(&o);
    o.min_share = 0.1; /* evidence 9.8% in [8.1, 11.7]: across it */
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), 0);
    const hl_verified *v = item_for(&r, &x->f[0]);
    assert_true(v->ci_low < 0.1 && v->ci_high > 0.1);
    assert_int_equal(v->verdict, HL_VERDICT_INCONCLUSIVE);
    assert_int_equal(r.samples_to_decide, 100); /* 0 of 29 is under 10%; min_samples rules */
    hl_verify_result_free(&r);

    /* 124 samples: usage never runs, but 0 of 124 cannot rule out 1%. */
    x->samples[5].values[0] = 10;
    x->samples[5].values[1] = 10 * 10000000LL;
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_int_equal(r.total_samples, 124);
    assert_int_equal(r.samples_to_decide, 381);
    assert_int_equal(item_for(&r, &x->f[1])->verdict, HL_VERDICT_INCONCLUSIVE);
    assert_int_equal(item_for(&r, &x->f[2])->verdict, HL_VERDICT_INCONCLUSIVE);
    assert_int_equal(r.n_dismissed + r.n_not_exercised, 0);
    hl_verify_result_free(&r);
    free(x);
}

/* Hot code in a library is charged to the first frame of the program above
 * it, naming the library function; allocator leaves are not named. */
static void test_unexplained_library_leaves(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    hl_prof_mapping maps[1] = {{.id = 1, .filename = "/usr/lib/x86_64-linux-gnu/libc.so.6"}};
    x->p.mappings = maps;
    x->p.n_mappings = 1;
    x->funcs[F_OTHER_MAIN] = (hl_prof_function){6, "pread64", "pread64", "", 0};
    hl_prof_location *pr = loc(x, F_OTHER_MAIN, 0, -1, 0);
    pr->mapping = &maps[0];
    hl_prof_location *h21 = loc(x, F_HASH, 21, -1, 0);
    sample(x, 300, 3, pr, h21, &x->locs[1]); /* pread under hash_bytes:21 */
    hl_verify_result r;
    char err[256] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    bool lib = false, own = false;
    for (size_t i = 0; i < r.n_unexplained; i++) {
        const hl_unexplained *u = &r.unexplained[i];
        if (u->line == 21 && u->callee && !strcmp(u->callee, "pread64")) {
            assert_string_equal(u->function, "hash_bytes");
            assert_int_equal(u->flat, 300 * 10000000LL);
            lib = true;
        }
        if (u->line == 20 && !u->callee)
            own = true;
        assert_false(u->line == 12 && !strcmp(u->function, "main")); /* no spine rows */
        assert_false(!strcmp(u->function, "pread64"));               /* charged to its caller */
    }
    assert_true(lib);
    assert_true(own);
    hl_verify_result_free(&r);
    free(x);
}

/* A source edited after the build: its function no longer starts where the
 * binary's debug information says. An error naming the file, unless allowed. */
static void test_stale_sources(void **state)
{
    (void)state;
    fixture *x = make_fixture(true);
    char path[] = "/tmp/hotlint-stale-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 1; i < 40; i++)
        fputs("\n", f);
    fputs("static int\nparse_row(char *s)\n{\n", f); /* the name on line 41 */
    fclose(f);
    x->f[0].file = x->f[0].abs_file = path;
    x->f[0].function_start_line = 40;
    x->f[0].function_end_line = 60;
    x->funcs[F_PARSE].filename = path;
    hl_verify_result r;
    hl_verify_options o;
    char err[512] = "";
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "parse_row"));
    assert_non_null(strstr(err, "line 40"));
    assert_non_null(strstr(err, "line 41"));
    hl_verify_options_init(&o);
    o.allow_stale = true;
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, &o, &r, err, sizeof err), 0);
    assert_non_null(r.stale);
    hl_verify_result_free(&r);
    x->funcs[F_PARSE].start_line = 41; /* as built: no complaint */
    assert_int_equal(hl_verify(&x->fs, &x->cat, &x->p, NULL, &r, err, sizeof err), 0);
    assert_null(r.stale);
    hl_verify_result_free(&r);
    unlink(path);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson_known_values),
        cmocka_unit_test(test_path_suffix),
        cmocka_unit_test(test_symbol_match),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_flat_cum_loop_evidence),
        cmocka_unit_test(test_without_lines),
        cmocka_unit_test(test_sample_index_and_thresholds),
        cmocka_unit_test(test_evidence_prefix_and_depth),
        cmocka_unit_test(test_nameless_lines),
        cmocka_unit_test(test_unsymbolized_frames),
        cmocka_unit_test(test_heap_sample_count),
        cmocka_unit_test(test_site_spans_its_range),
        cmocka_unit_test(test_heap_defaults_to_alloc_space),
        cmocka_unit_test(test_trim_and_source_root),
        cmocka_unit_test(test_address_only),
        cmocka_unit_test(test_symmetric_verdicts),
        cmocka_unit_test(test_unexplained_library_leaves),
        cmocka_unit_test(test_stale_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
