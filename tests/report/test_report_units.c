/* test_report_units.c - unit tests of the CI writers (github, sarif, codequality),
 * folded stacks, the flame SVG, baselines and .hotlint.yaml, on in-memory data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../base/atomic_file.h"
#include "../../lint/baseline.h"
#include "../../lint/config.h"
#include "../../report/codequality.h"
#include "../../report/escape.h"
#include "../../report/flame.h"
#include "../../report/folded.h"
#include "../../report/github.h"
#include "../../report/sarif.h"

static hl_rule rules[2] = {
    {.id = "HL001",
     .name = "format-in-loop",
     .severity = "warning",
     .family = "formatting",
     .summary = "string formatting inside a loop",
     .why = "printf-family parsing per call",
     .fix = "format once outside the loop",
     .bad_example = "for(;;) snprintf(b, n, \"%d\", i);",
     .good_example = "itoa-style conversion"},
    {.id = "HL002",
     .name = "alloc-in-loop",
     .severity = "warning",
     .family = "allocation",
     .summary = "allocation inside a loop",
     .why = "malloc per iteration",
     .fix = "hoist it"},
};
static hl_catalog cat = {rules, 2};

static char *dupf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

/* n findings in src/f.c, alternating rules, line 10+i; all strings malloc'ed. */
static void make_findings(hl_findings *f, size_t n)
{
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    memset(f, 0, sizeof *f);
    f->items = calloc(n + 1, sizeof *f->items);
    f->n = f->cap = n;
    for (size_t i = 0; i < n; i++) {
        hl_finding *x = &f->items[i];
        x->rule = &rules[i % 2];
        x->file = strdup("./src/f.c");
        x->abs_file = dupf("%s/src/f.c", cwd);
        x->line = x->end_line = (unsigned)(10 + i);
        x->column = 5;
        x->end_column = 20;
        x->function = dupf("fn%zu", i);
        x->callee = strdup(i % 2 ? "malloc" : "snprintf");
        x->message = dupf("call %zu in a loop: 50%% of time, a:b,c", i);
        x->source_line = dupf("    buf%zu = call(x);   ", i);
        x->loop_start_line = x->line - 1;
        x->loop_end_line = x->line + 1;
        x->loop_depth = 1;
    }
}

/* Runs a writer into a temporary file and returns what it wrote (malloc'ed). */
static char *capture(int (*fn)(FILE *, void *), void *arg)
{
    FILE *m = tmpfile();
    long len;
    char *buf;
    assert_non_null(m);
    assert_int_equal(fn(m, arg), 0);
    len = ftell(m);
    assert_true(len >= 0);
    buf = calloc(1, (size_t)len + 1);
    rewind(m);
    assert_int_equal(fread(buf, 1, (size_t)len, m), (size_t)len);
    fclose(m);
    return buf;
}

struct ctx {
    hl_findings *f;
    hl_verify_result *vr;
};

static int run_github(FILE *o, void *a)
{
    struct ctx *c = a;
    return hl_report_github(o, c->f, c->vr);
}
static int run_sarif(FILE *o, void *a)
{
    struct ctx *c = a;
    return hl_report_sarif(o, c->f, &cat, c->vr, "0.1.0");
}
static int run_cq(FILE *o, void *a)
{
    struct ctx *c = a;
    return hl_report_codequality(o, c->f, c->vr);
}

static void test_github_escape(void **state)
{
    char out[256];
    (void)state;
    hl_github_escape("a%b\r\nc:d,e", 0, out, sizeof out);
    assert_string_equal(out, "a%25b%0D%0Ac:d,e");
    hl_github_escape("a%b\r\nc:d,e", 1, out, sizeof out);
    assert_string_equal(out, "a%25b%0D%0Ac%3Ad%2Ce");
}

static void test_github_escape_controls(void **state)
{
    char out[256];
    (void)state;
    hl_github_escape("a\033[31mb\x7f", 1, out, sizeof out);
    assert_string_equal(out, "a\\x1B[31mb\\x7F");
}

static void test_escape_text(void **state)
{
    const char *plain = "src/ok \xc3\xa9\t.c", *okname = "src/ok.c";
    (void)state;
    /* Nothing to escape: the same pointer back. */
    assert_ptr_equal(hl_esc(okname), okname);
    assert_string_equal(hl_esc(plain), "src/ok \xc3\xa9\\t.c");
    assert_string_equal(hl_esc("y\n::warning x::\r\033[2J\x7f"),
                        "y\\n::warning x::\\r\\x1B[2J\\x7F");
    /* Invalid UTF-8, an overlong '/', C1 (U+009B) and a bidi override. */
    assert_string_equal(hl_esc("caf\xe9 \xc0\xaf \xc2\x9b \xe2\x80\xae"),
                        "caf\\xE9 \\xC0\\xAF \\u009b \\u202e");
    /* A line that would start a workflow command, and the old "##[" form. */
    assert_string_equal(hl_esc_flags("  ::error::x ##[warning]", HL_ESC_LINE_START),
                        "  \\x3A:error::x ##\\x5Bwarning]");
    assert_string_equal(hl_esc_flags("a ::error::x", HL_ESC_LINE_START), "a ::error::x");
    assert_null(hl_esc(NULL));
}

static void test_escape_columns(void **state)
{
    const char *u = "  /* \xc3\xa9\xc3\xa9\xc3\xa9 */ f();"; /* f at byte 16, 0-based */
    const char *w = "/* \xe6\x97\xa5 */ f();";               /* f at byte 10 */
    const char *t = "\t\t/*x*/\tf();";                       /* f at byte 8 */
    (void)state;
    assert_int_equal(hl_codepoint_column(u, 17), 14);
    assert_int_equal(hl_codepoint_column(u, 1), 1);
    assert_int_equal(hl_codepoint_column(w, 11), 9);
    assert_int_equal(hl_codepoint_column(t, 9), 9);
    assert_int_equal(hl_codepoint_column("caf\xe9 x", 6), 6);
    assert_int_equal(hl_codepoint_column("ab", 5), 5); /* past the end: bytes */
    assert_int_equal(hl_codepoint_column(NULL, 3), 3);
    assert_int_equal(hl_display_column(u, 16), 13);
    assert_int_equal(hl_display_column(w, 10), 9); /* the wide character takes two */
    assert_int_equal(hl_display_column(t, 8), 24);
    assert_int_equal(hl_display_column("a\033b", 2), 5); /* \x1B takes four */
}

static void test_json_text(void **state)
{
    json_t *j;
    (void)state;
    j = hl_json_text("caf\xc3\xa9");
    assert_string_equal(json_string_value(j), "caf\xc3\xa9");
    json_decref(j);
    j = hl_json_text("caf\xe9\n.c");
    assert_non_null(j);
    assert_string_equal(json_string_value(j), "caf\\xE9\n.c");
    json_decref(j);
    j = hl_json_text(NULL);
    assert_true(json_is_null(j));
}

/* 14 findings; verify marks #3 (cum 500) and #7 (cum 900) confirmed, #5 dismissed. */
static void make_verified(hl_findings *f, hl_verify_result *vr)
{
    make_findings(f, 14);
    memset(vr, 0, sizeof *vr);
    vr->items = calloc(f->n, sizeof *vr->items);
    vr->n_items = f->n;
    vr->sample_type = "cpu";
    vr->sample_unit = "nanoseconds";
    for (size_t i = 0; i < f->n; i++) {
        hl_verified *v = &vr->items[i];
        v->finding = &f->items[i];
        v->verdict = HL_VERDICT_NOT_EXERCISED;
        v->cum = (int64_t)i;
        v->cum_share = (double)i / 1000.0;
    }
    vr->items[3].verdict = HL_VERDICT_CONFIRMED;
    vr->items[3].cum = 500;
    vr->items[7].verdict = HL_VERDICT_CONFIRMED;
    vr->items[7].cum = 900;
    vr->items[5].verdict = HL_VERDICT_DISMISSED;
}

static void test_github_order_and_summary(void **state)
{
    hl_findings f;
    hl_verify_result vr;
    struct ctx c = {&f, &vr};
    char *out, *line2, *last;
    size_t nlines = 0, nwarn = 0;
    (void)state;
    make_verified(&f, &vr);
    {
        char tmpl[] = "/tmp/hl-summary-XXXXXX";
        int fd = mkstemp(tmpl);
        FILE *fp;
        char sum[8192] = "";
        assert_true(fd >= 0);
        close(fd);
        setenv("GITHUB_STEP_SUMMARY", tmpl, 1);
        out = capture(run_github, &c);
        unsetenv("GITHUB_STEP_SUMMARY");
        free(out);
        fp = fopen(tmpl, "r");
        assert_non_null(fp);
        assert_true(fread(sum, 1, sizeof sum - 1, fp) > 0);
        fclose(fp);
        unlink(tmpl);
        assert_non_null(strstr(sum, "### hotlint: 14 findings"));
        assert_non_null(strstr(sum, "| confirmed | 0.7% | HL002 alloc-in-loop | `src/f.c:17` |"));
    }
    out = capture(run_github, &c);
    /* Confirmed first, by cum: #7 (line 17) then #3 (line 13). */
    assert_true(!strncmp(
        out,
        "::error file=src/f.c,line=17,endLine=17,col=5,endColumn=20,title=HL002 alloc-in-loop::",
        85));
    line2 = strchr(out, '\n') + 1;
    assert_true(!strncmp(line2, "::error file=src/f.c,line=13,", 29));
    /* Then by cum descending: #13 (line 23) leads the warnings. */
    assert_non_null(strstr(out, "::warning file=src/f.c,line=23,"));
    assert_true(strstr(out, "line=23,") < strstr(out, "line=22,"));
    assert_non_null(strstr(out, "::notice file=src/f.c,line=15,")); /* dismissed */
    /* Message escaping: %, newline between message and verdict. */
    assert_non_null(strstr(out, "50%25 of time, a:b,c%0Aconfirmed: flat"));
    for (char *p = out; (p = strchr(p, '\n')); p++)
        nlines++;
    for (char *p = out; (p = strstr(p, "::warning ")); p++)
        nwarn++;
    assert_int_equal(nlines, 15);
    assert_int_equal(nwarn, 11);
    last = strstr(out, "hotlint: 14 findings (2 error, 11 warning, 1 notice; 2 confirmed)");
    assert_non_null(last);
    assert_non_null(strstr(last, "GitHub shows the first 10 of each level"));
    free(out);
    free(vr.items);
    hl_findings_free(&f);
}

static void test_github_errors(void **state)
{
    hl_findings f;
    struct ctx c = {&f, NULL};
    char *out;
    (void)state;
    make_findings(&f, 0);
    hl_diags d = {0};
    assert_int_equal(hl_diags_add(&d, HL_DIAG_COMPILE, "src/a,b.c", 12, 3, "unknown type name 'x'"),
                     0);
    assert_int_equal(hl_diags_add(&d, HL_DIAG_NOT_PARSED, "src/c.c", 0, 0,
                                  "libclang could not parse the file (error 1)"),
                     0);
    f.errors = d.v;
    f.n_errors = d.n;
    f.cap_errors = d.cap;
    out = capture(run_github, &c);
    assert_non_null(strstr(out, "::error file=src/a%2Cb.c,line=12,col=3,title=hotlint::error: "
                                "unknown type name 'x'\n"));
    assert_non_null(strstr(out, "::error title=hotlint::src/c.c: libclang could not parse"));
    assert_non_null(strstr(out, "2 analysis errors"));
    free(out);
    hl_findings_free(&f);
}

static void test_sarif_shape(void **state)
{
    hl_findings f;
    hl_verify_result vr;
    struct ctx c = {&f, &vr};
    json_error_t je;
    json_t *doc, *run, *res, *r0;
    char *out;
    const char *path = getenv("HL_UNIT_SARIF");
    (void)state;
    make_verified(&f, &vr);
    out = capture(run_sarif, &c);
    if (path) { /* kept for the schema validation test */
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(out, fp);
        fclose(fp);
    }
    doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "version")), "2.1.0");
    run = json_array_get(json_object_get(doc, "runs"), 0);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
                     2);
    res = json_object_get(run, "results");
    assert_int_equal(json_array_size(res), 14);
    r0 = json_array_get(res, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "ruleId")), "HL002");
    assert_string_equal(json_string_value(json_object_get(r0, "level")), "error");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r0, "properties"), "verdict")),
        "confirmed");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "properties"), "cum")),
                     900);
    assert_non_null(
        json_object_get(json_object_get(r0, "partialFingerprints"), "primaryLocationLineHash"));
    {
        json_t *loc = json_object_get(json_array_get(json_object_get(r0, "locations"), 0),
                                      "physicalLocation");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
            "src/f.c");
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")), 17);
    }
    /* The dismissed one is a note. */
    for (size_t i = 0; i < json_array_size(res); i++) {
        json_t *r = json_array_get(res, i);
        const char *v =
            json_string_value(json_object_get(json_object_get(r, "properties"), "verdict"));
        if (!strcmp(v, "dismissed"))
            assert_string_equal(json_string_value(json_object_get(r, "level")), "note");
    }
    json_decref(doc);
    free(out);
    free(vr.items);
    hl_findings_free(&f);
}

static void test_codequality_shape(void **state)
{
    hl_findings f;
    struct ctx c = {&f, NULL};
    json_error_t je;
    json_t *doc, *e;
    char *out;
    (void)state;
    make_findings(&f, 3);
    free(f.items[2].source_line); /* same code as #0 and same rule: fingerprints must differ */
    f.items[2].source_line = strdup(f.items[0].source_line);
    free(f.items[2].function);
    f.items[2].function = strdup(f.items[0].function);
    out = capture(run_cq, &c);
    doc = json_loads(out, 0, &je);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), 3);
    e = json_array_get(doc, 0);
    assert_non_null(strstr(json_string_value(json_object_get(e, "description")), "call 0"));
    assert_string_equal(json_string_value(json_object_get(e, "check_name")), "HL001");
    assert_string_equal(json_string_value(json_object_get(e, "severity")), "major");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "location"), "path")),
                        "src/f.c");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(e, "location"), "lines"), "begin")),
                     10);
    assert_string_not_equal(
        json_string_value(json_object_get(json_array_get(doc, 0), "fingerprint")),
        json_string_value(json_object_get(json_array_get(doc, 2), "fingerprint")));
    json_decref(doc);
    free(out);
    hl_findings_free(&f);
}

static void test_baseline_survives_shift(void **state)
{
    hl_findings f;
    char path[] = "/tmp/hl-baseline-XXXXXX", err[512], file[600];
    size_t gone = 0;
    (void)state;
    assert_non_null(mkdtemp(path));
    snprintf(file, sizeof file, "%s/baseline.json", path);
    make_findings(&f, 4);
    assert_int_equal(hl_baseline_write(&f, file, err, sizeof err), 0);
    hl_findings_free(&f);
    /* An unrelated edit above: every line moves down by 7, code unchanged. */
    make_findings(&f, 5);
    for (size_t i = 0; i < f.n; i++)
        f.items[i].line += 7, f.items[i].end_line += 7;
    free(f.items[4].source_line); /* a new finding */
    f.items[4].source_line = strdup("p = malloc(n);");
    assert_int_equal(hl_baseline_filter(&f, file, &gone, err, sizeof err), 0);
    assert_int_equal(gone, 4);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.items[0].source_line, "p = malloc(n);");
    hl_findings_free(&f);
    /* A line that is not UTF-8 (a Latin-1 comment) is recorded, with the byte
     * written out, and the finding still matches its entry. */
    make_findings(&f, 1);
    free(f.items[0].source_line);
    f.items[0].source_line = strdup("snprintf(b, 8, \"%d\", i); /* caf\xe9 */");
    assert_int_equal(hl_baseline_write(&f, file, err, sizeof err), 0);
    {
        char *text = NULL;
        size_t len = 0;
        assert_int_equal(hl_file_read_all(AT_FDCWD, file, 0, 1 << 20, &text, &len), 0);
        assert_non_null(strstr(text, "caf\\\\xE9"));
        free(text);
    }
    assert_int_equal(hl_baseline_filter(&f, file, &gone, err, sizeof err), 0);
    assert_int_equal(gone, 1);
    assert_int_equal(f.n, 0);
    hl_findings_free(&f);
    /* A broken baseline is an input error naming the file. */
    {
        FILE *fp = fopen(file, "w");
        fputs("{\"findings\": [\n{\"x\": }", fp);
        fclose(fp);
    }
    make_findings(&f, 1);
    assert_int_equal(hl_baseline_filter(&f, file, &gone, err, sizeof err), -1);
    assert_non_null(strstr(err, file));
    assert_int_equal(f.n, 1);
    hl_findings_free(&f);
    unlink(file);
    rmdir(path);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_config(void **state)
{
    char root[] = "/tmp/hl-config-XXXXXX", p[1024], err[1024];
    hl_configs cs;
    hl_findings f;
    const hl_config *c;
    int failed;
    (void)state;
    assert_non_null(mkdtemp(root));
    snprintf(p, sizeof p, "%s/src", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/src/vendor", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/src/deep", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/.hotlint.yaml", root);
    write_file(p, "rules:\n  disable: [\"alloc-*\"]\nexclude: [vendor/, \"*.gen.c\"]\n"
                  "severity:\n  HL0*: error\nverify:\n  min-share: 2%\n  min-samples: 40\n");
    snprintf(p, sizeof p, "%s/src/deep/.hotlint.yaml", root);
    write_file(p, "rules: [HL002]\n");

    hl_configs_init(&cs);
    /* Walking up: src/vendor has none, the root's applies. */
    snprintf(p, sizeof p, "%s/src/vendor", root);
    c = hl_configs_for(&cs, p, &failed, err, sizeof err);
    if (!c)
        printf("config lookup failed (%d): %s\n", failed, err);
    assert_non_null(c);
    assert_false(hl_config_rule_enabled(c, &rules[1]));
    assert_true(hl_config_rule_enabled(c, &rules[0]));
    assert_string_equal(hl_config_severity(c, &rules[0]), "error");
    snprintf(p, sizeof p, "%s/src/vendor/x.c", root);
    assert_true(hl_config_excludes(c, p));
    snprintf(p, sizeof p, "%s/src/a.gen.c", root);
    assert_true(hl_config_excludes(c, p));
    snprintf(p, sizeof p, "%s/src/a.c", root);
    assert_false(hl_config_excludes(c, p));
    {
        double share = 0.01;
        int64_t samples = 10;
        hl_configs cs2;
        const char *paths[1] = {root};
        hl_catalog empty = {0};
        hl_configs_init(&cs2);
        assert_int_equal(hl_configs_prepare(&cs2, &empty, paths, 1, err, sizeof err), 0);
        hl_configs_verify_thresholds(&cs2, &share, &samples);
        assert_true(share > 0.0199 && share < 0.0201);
        assert_int_equal(samples, 40);
        hl_configs_free(&cs2);
    }
    /* The nearest wins: src/deep enables HL002 only. */
    snprintf(p, sizeof p, "%s/src/deep/y.c", root);
    c = hl_configs_for(&cs, p, &failed, err, sizeof err);
    assert_non_null(c);
    assert_true(hl_config_rule_enabled(c, &rules[1]));
    assert_false(hl_config_rule_enabled(c, &rules[0]));

    /* Applying to findings: src/f.c relative to the root. */
    assert_int_equal(chdir(root), 0);
    make_findings(&f, 4); /* HL001, HL002, HL001, HL002 in src/f.c */
    assert_int_equal(hl_configs_apply(&cs, &f, err, sizeof err), 0);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.items[0].rule->id, "HL001");
    /* The override is the finding's; its rule still points into the catalog,
     * which is untouched. */
    assert_ptr_equal(f.items[0].rule, &rules[0]);
    assert_string_equal(hl_finding_severity(&f.items[0]), "error");
    assert_string_equal(rules[0].severity, "warning");
    hl_findings_free(&f);
    hl_configs_free(&cs);

    /* A bad config: error with file and line. */
    snprintf(p, sizeof p, "%s/src/deep/.hotlint.yaml", root);
    write_file(p, "rules:\n  enable: [HL001]\nseverity:\n  HL001: loud\n");
    hl_configs_init(&cs);
    c = hl_configs_for(&cs, p, &failed, err, sizeof err);
    assert_null(c);
    assert_int_equal(failed, 1);
    assert_non_null(strstr(err, ".hotlint.yaml:4:10: error: severity of 'HL001' must be"));
    hl_configs_free(&cs);
    write_file(p, "rulez: []\n");
    assert_null(hl_config_load(p, err, sizeof err));
    assert_non_null(strstr(err, ".hotlint.yaml:1:1: error: unknown key 'rulez'"));
    write_file(p, "rules: [a\nexclude: b\n");
    assert_null(hl_config_load(p, err, sizeof err));
    assert_non_null(strstr(err, ".hotlint.yaml:"));
    assert_non_null(strstr(err, "invalid YAML"));
    assert_int_equal(chdir("/"), 0);
    snprintf(p, sizeof p, "rm -rf '%s'", root);
    assert_int_equal(system(p), 0);
}

/* A three-function profile: main -> parse -> strlen (30), main -> emit (10). */
static hl_prof_function pfuncs[4] = {
    {1, "main", "main", "/src/m.c", 1},
    {2, "parse", "parse", "/src/p.c", 10},
    {3, "strlen", "strlen", "", 0},
    {4, "emit", "emit", "/src/m.c", 40},
};
static hl_prof_line plines[4] = {
    {&pfuncs[0], 5}, {&pfuncs[1], 14}, {&pfuncs[2], 0}, {&pfuncs[3], 44}};
static hl_prof_location plocs[4] = {
    {1, NULL, 0x1000, &plines[0], 1},
    {2, NULL, 0x2000, &plines[1], 1},
    {3, NULL, 0x3000, &plines[2], 1},
    {4, NULL, 0x4000, &plines[3], 1},
};
static hl_prof_location *stack1[3] = {&plocs[2], &plocs[1], &plocs[0]};
static hl_prof_location *stack2[2] = {&plocs[3], &plocs[0]};
static int64_t v1[2] = {3, 30000000}, v2[2] = {1, 10000000};
static hl_prof_sample psamples[3] = {
    {stack1, 3, v1, NULL, 0}, {stack2, 2, v2, NULL, 0}, {stack1, 3, v1, NULL, 0}};
static hl_prof_value_type ptypes[2] = {{"samples", "count"}, {"cpu", "nanoseconds"}};

static void make_profile(hl_profile *p)
{
    memset(p, 0, sizeof *p);
    p->sample_types = ptypes;
    p->n_sample_types = 2;
    p->default_sample_index = 1;
    p->samples = psamples;
    p->n_samples = 3;
    p->locations = plocs;
    p->n_locations = 4;
    p->functions = pfuncs;
    p->n_functions = 4;
}

static void test_folded(void **state)
{
    hl_profile p;
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    (void)state;
    make_profile(&p);
    assert_int_equal(hl_folded_write(m, &p, 0, err, sizeof err), 0);
    fclose(m);
    assert_string_equal(buf, "main;emit 1\nmain;parse;strlen 6\n");
    free(buf);
    m = open_memstream(&buf, &len);
    assert_int_equal(hl_folded_write(m, &p, 5, err, sizeof err), -1);
    fclose(m);
    free(buf);
}

static void test_flame_svg(void **state)
{
    hl_profile p;
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    hl_flame_mark mark = {"parse", "src/p.c", 12, 16,
                          "HL003 strlen-in-condition: strlen in the loop condition"};
    hl_flame_options o = {.sample_index = 1, .title = "t<&>", .marks = &mark, .n_marks = 1};
    (void)state;
    make_profile(&p);
    assert_int_equal(hl_flame_write_svg(m, &p, &o, err, sizeof err), 0);
    fclose(m);
    assert_non_null(strstr(buf, "<svg "));
    assert_non_null(strstr(buf, ">t&lt;&amp;&gt;</text>"));
    assert_non_null(strstr(buf, "data-n=\"main\""));
    assert_non_null(strstr(buf, "data-n=\"strlen\""));
    /* parse carries the confirmed finding: its own class, colour and tooltip text. */
    assert_non_null(strstr(buf, "<g class=\"f m\" data-x=\"0.142857143\" data-w=\"0.857142857\" "
                                "data-d=\"2\" data-n=\"parse\" data-f=\"/src/p.c:14\""));
    assert_non_null(strstr(buf, "data-r=\"HL003 strlen-in-condition"));
    assert_non_null(strstr(buf, "data-c=\"60.00ms (85.71%)\""));
    assert_non_null(strstr(buf, "<g class=\"f\" data-x=\"0.000000000\" data-w=\"0.142857143\" "
                                "data-d=\"2\" data-n=\"emit\""));
    assert_non_null(strstr(buf, "id=\"search\""));
    assert_non_null(strstr(buf, "<script"));
    if (getenv("HL_UNIT_FLAME")) { /* kept for the browser test */
        FILE *fp = fopen(getenv("HL_UNIT_FLAME"), "w");
        assert_non_null(fp);
        fputs(buf, fp);
        fclose(fp);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_github_escape),
        cmocka_unit_test(test_github_escape_controls),
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_escape_columns),
        cmocka_unit_test(test_json_text),
        cmocka_unit_test(test_github_order_and_summary),
        cmocka_unit_test(test_github_errors),
        cmocka_unit_test(test_sarif_shape),
        cmocka_unit_test(test_codequality_shape),
        cmocka_unit_test(test_baseline_survives_shift),
        cmocka_unit_test(test_folded),
        cmocka_unit_test(test_flame_svg),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
