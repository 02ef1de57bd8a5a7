/* test_lint_options.c - unit tests of the shared option parser and the rule catalog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint.h"
#include "lint_options.h"
#include "rule.h"

struct extra {
    double min_share;
    int seen;
};

/* A command's own layer, as verify adds --min-share on top of the shared set. */
static hl_opt_result layer(void *user, int argc, char **argv, int *i, char *err, size_t errlen)
{
    struct extra *x = user;
    if (!strcmp(argv[*i], "--min-share")) {
        if (*i + 1 >= argc) {
            snprintf(err, errlen, "--min-share needs a value");
            return HL_OPT_ERROR;
        }
        x->min_share = atof(argv[++*i]);
        x->seen++;
        return HL_OPT_OK;
    }
    return HL_OPT_NOT_MINE;
}

static void test_shared_options(void **state)
{
    (void)state;
    char *argv[] = {"lint",       "-p",  "build", "-j2", "--rules=r", "--format", "json",
                    "--no-color", "src", "-q",    "x.c", "--",        "-DX",      "-Iy"};
    int argc = (int)(sizeof argv / sizeof argv[0]);
    hl_lint_cli c;
    char err[256] = "";
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, argc, argv, NULL, NULL, err, sizeof err), HL_OPT_OK);
    assert_string_equal(c.compdb_dir, "build");
    assert_int_equal(c.jobs, 2);
    assert_string_equal(c.rules_dir, "r");
    assert_string_equal(c.format, "json");
    assert_int_equal(c.color, 0);
    assert_true(c.quiet);
    assert_false(c.progress);
    assert_int_equal(c.n_paths, 2);
    assert_string_equal(c.paths[0], "src");
    assert_string_equal(c.paths[1], "x.c");
    assert_int_equal(c.n_extra_args, 2);
    assert_string_equal(c.extra_args[0], "-DX");
    assert_false(hl_lint_cli_use_color(&c));
    hl_lint_cli_free(&c);
}

static void test_layered_options(void **state)
{
    (void)state;
    char *argv[] = {"verify", "--min-share", "0.05", "-j", "1", "src"};
    struct extra x = {0};
    hl_lint_cli c;
    char err[256] = "";
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 6, argv, layer, &x, err, sizeof err), HL_OPT_OK);
    assert_int_equal(x.seen, 1);
    assert_true(x.min_share > 0.049 && x.min_share < 0.051);
    assert_int_equal(c.jobs, 1);
    assert_int_equal(c.n_paths, 1);
    hl_lint_cli_free(&c);

    char *bad[] = {"verify", "--frobnicate"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 2, bad, layer, &x, err, sizeof err), HL_OPT_ERROR);
    assert_non_null(strstr(err, "unknown option '--frobnicate'"));
    hl_lint_cli_free(&c);

    char *missing[] = {"verify", "--min-share"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 2, missing, layer, &x, err, sizeof err), HL_OPT_ERROR);
    assert_non_null(strstr(err, "--min-share needs a value"));
    hl_lint_cli_free(&c);
}

static void test_option_errors(void **state)
{
    (void)state;
    hl_lint_cli c;
    char err[256];
    char *j[] = {"lint", "-jx"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 2, j, NULL, NULL, err, sizeof err), HL_OPT_ERROR);
    assert_non_null(strstr(err, "'x' is not a number of jobs"));
    hl_lint_cli_free(&c);
    char *col[] = {"lint", "--color=sometimes"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 2, col, NULL, NULL, err, sizeof err), HL_OPT_ERROR);
    hl_lint_cli_free(&c);
    char *help[] = {"lint", "src", "--help"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 3, help, NULL, NULL, err, sizeof err), HL_OPT_HELP);
    hl_lint_cli_free(&c);
}

static void test_catalog(void **state)
{
    (void)state;
    hl_catalog cat = {0};
    char err[512] = "";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", getenv("HOTLINT_SOURCE_DIR"));
    assert_int_equal(hl_catalog_load_dir(&cat, dir, err, sizeof err), 0);
    assert_int_equal(cat.n_rules, 7);
    static const char *const families[] = {
        "formatting", "allocation", "string-compare", "string-length", "string-concat",
        "allocation", "io"};
    for (size_t i = 0; i < cat.n_rules; i++) {
        char id[32];
        snprintf(id, sizeof id, "HL%03zu", i + 1);
        assert_string_equal(cat.rules[i].id, id);
        assert_string_equal(cat.rules[i].family, families[i]);
        assert_true(cat.rules[i].n_cost_symbols > 0);
        assert_true(cat.rules[i].n_callees > 0);
        assert_non_null(cat.rules[i].bad_example);
        assert_non_null(cat.rules[i].good_example);
        assert_non_null(cat.rules[i].fix);
        assert_non_null(cat.rules[i].why);
    }
    const hl_rule *r = hl_catalog_find(&cat, "string-compare");
    assert_non_null(r);
    assert_int_equal(r->min_chain, 4);
    assert_true(r->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN));
    assert_true(r->match_mask & HL_MATCH_BIT(HL_MATCH_CALL_IN_LOOP_BODY));
    r = hl_catalog_find(&cat, "hl006");
    assert_non_null(r);
    assert_int_equal(r->matcher, HL_MATCH_REALLOC_GROWTH);
    hl_catalog_free(&cat);
    assert_int_equal(hl_catalog_load_dir(&cat, "/nonexistent/rules", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/rules: cannot open the rules directory"));
    assert_int_equal(cat.n_rules, 0);
}

/* The fields verify/ relies on: function and loop ranges, the absolute path,
 * the rule's family and cost symbols. */
static void test_finding_fields(void **state)
{
    (void)state;
    hl_catalog cat = {0};
    hl_findings f = {0};
    char err[512] = "", dir[4096], path[4096];
    snprintf(dir, sizeof dir, "%s/rules", getenv("HOTLINT_SOURCE_DIR"));
    snprintf(path, sizeof path, "%s/corpus/keyfmt/main.c", getenv("HOTLINT_SOURCE_DIR"));
    assert_int_equal(hl_catalog_load_dir(&cat, dir, err, sizeof err), 0);
    const char *paths[] = {path};
    hl_lint_options o = {.paths = paths, .n_paths = 1, .jobs = 1, .no_cache = true};
    assert_int_equal(hl_lint_run(&o, &cat, &f, err, sizeof err), 0);
    assert_int_equal(f.n_errors, 0);
    assert_int_equal(f.files_analyzed, 1);
    assert_int_equal(f.n, 3);
    const hl_finding *x = &f.items[2]; /* sorted by line: 25 HL001, 48 HL002, 49 HL001 */
    assert_string_equal(x->rule->id, "HL001");
    assert_int_equal(x->line, 49);
    assert_int_equal(x->column, 19);
    assert_string_equal(x->function, "build_keys");
    assert_int_equal(x->function_start_line, 41);
    assert_int_equal(x->function_end_line, 55);
    assert_int_equal(x->loop_start_line, 45);
    assert_int_equal(x->loop_end_line, 53);
    assert_int_equal(x->loop_depth, 1);
    assert_string_equal(x->callee, "snprintf");
    assert_string_equal(x->abs_file, path);
    assert_string_equal(x->file, path);
    assert_non_null(strstr(x->source_line, "snprintf(key, cap,"));
    assert_string_equal(x->rule->family, "formatting");
    assert_true(x->rule->n_cost_symbols > 0);
    x = &f.items[1];
    assert_string_equal(x->rule->id, "HL002");
    assert_string_equal(x->rule->family, "allocation");
    assert_non_null(strstr(x->message, "freed in the same iteration"));
    x = &f.items[0];
    assert_string_equal(x->function, "load_config");
    hl_findings_free(&f);
    hl_catalog_free(&cat);
}

/* --diff [REV]: the revision is optional; an existing path after it is a path. */
static void test_diff_option(void **state)
{
    (void)state;
    char err[256] = "";
    hl_lint_cli c;
    /* "/" exists: a path. */
    char *a1[] = {"lint", "--diff", "/", "-q"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 4, a1, NULL, NULL, err, sizeof err), HL_OPT_OK);
    assert_true(c.diff);
    assert_null(c.diff_rev);
    assert_int_equal(c.n_paths, 1);
    assert_string_equal(c.paths[0], "/");
    hl_lint_cli_free(&c);
    /* Not a path: the revision. */
    char *a2[] = {"lint", "--diff", "origin/no-such-dir-here", "/"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 4, a2, NULL, NULL, err, sizeof err), HL_OPT_OK);
    assert_string_equal(c.diff_rev, "origin/no-such-dir-here");
    assert_int_equal(c.n_paths, 1);
    hl_lint_cli_free(&c);
    /* --diff=REV always takes it; an option after --diff is not a revision. */
    char *a3[] = {"lint", "--diff=/", "-q"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 3, a3, NULL, NULL, err, sizeof err), HL_OPT_OK);
    assert_string_equal(c.diff_rev, "/");
    assert_int_equal(c.n_paths, 0);
    hl_lint_cli_free(&c);
    hl_lint_cli_init(&c);
    assert_int_equal(
        hl_lint_cli_parse(&c, 2, (char *[]){"lint", "--diff"}, NULL, NULL, err, sizeof err),
        HL_OPT_OK);
    assert_true(c.diff);
    assert_null(c.diff_rev);
    hl_lint_cli_free(&c);
    char *a4[] = {"lint", "--diff", "-q"};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 3, a4, NULL, NULL, err, sizeof err), HL_OPT_OK);
    assert_null(c.diff_rev);
    assert_true(c.quiet);
    hl_lint_cli_free(&c);
    char *a5[] = {"lint", "--diff="};
    hl_lint_cli_init(&c);
    assert_int_equal(hl_lint_cli_parse(&c, 2, a5, NULL, NULL, err, sizeof err), HL_OPT_ERROR);
    assert_non_null(strstr(err, "--diff"));
    hl_lint_cli_free(&c);
    assert_non_null(strstr(hl_lint_cli_help(), "--diff [REV]"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_options), cmocka_unit_test(test_layered_options),
        cmocka_unit_test(test_option_errors),  cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_finding_fields), cmocka_unit_test(test_diff_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
