/* test_flow.c - the control-flow facts the walk records (lint/flow.c): every
 * call of interest in data/flow/error_path.c is marked "error-path" or
 * "main-path" on its line, and lx_call_on_error_path must agree with each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

#ifndef FLOW_DATA_DIR
#error "FLOW_DATA_DIR names tests/lint/data/flow"
#endif

/* The fixture's lines. */
static char **read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **v = NULL, line[512];
    size_t cap = 0;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        if (HL_GROW(v, *n, cap) < 0)
            break;
        v[(*n)++] = strdup(line);
    }
    fclose(f);
    return v;
}

static void test_error_path_marks(void **state)
{
    (void)state;
    char err[512] = "";
    hl_catalog cat = {0};
    if (hl_catalog_load_dir(&cat, hl_catalog_default_dir(), err, sizeof err) != 0)
        fail_msg("rules: %s", err);
    const char *paths[] = {FLOW_DATA_DIR "/error_path.c"};
    hl_sources srcs = {0};
    hl_scope scope = {0};
    hl_diags diags = {0};
    if (hl_discover(paths, 1, &srcs, &scope, &diags, err, sizeof err) != 0 || srcs.n != 1)
        fail_msg("discover %s: %s", paths[0], err);
    struct hl_analyzer a = {clang_createIndex(0, 0), &cat, &scope};
    hl_file_result res = {0};
    tu_state st = {.a = &a, .src = &srcs.v[0], .res = &res, .uses_chains = true};
    assert_int_equal(
        clang_parseTranslationUnit2(a.index, srcs.v[0].abs_path, NULL, 0, NULL, 0, 0, &st.tu),
        CXError_Success);
    clang_visitChildren(clang_getTranslationUnitCursor(st.tu), lx_top_cb, &st);
    assert_false(st.oom);

    size_t n_lines = 0;
    char **lines = read_lines(paths[0], &n_lines);
    assert_non_null(lines);
    unsigned checked = 0, on_error = 0, marks = 0;
    for (size_t i = 0; i < n_lines; i++)
        marks += strstr(lines[i], "/* error-path") || strstr(lines[i], "/* main-path");
    for (size_t i = 0; i < st.n_calls; i++) {
        const call_fact *cf = &st.calls[i];
        file_info *fi = lx_file_lookup(&st, cf->file);
        if (!fi || !fi->in_scope)
            continue;
        assert_true(cf->line >= 1 && cf->line <= n_lines);
        const char *text = lines[cf->line - 1];
        bool want = strstr(text, "/* error-path") != NULL;
        if (!want && !strstr(text, "/* main-path"))
            fail_msg("error_path.c:%u: %s() has no error-path/main-path mark", cf->line,
                     cf->callee);
        if (lx_call_on_error_path(&st, cf) != want)
            fail_msg("error_path.c:%u: %s() %s an error path", cf->line, cf->callee,
                     want ? "should be on" : "is not on");
        checked++;
        on_error += want;
    }
    /* Every mark was met by a call (a call the walk missed fails here). */
    assert_int_equal(checked, marks);
    assert_true(on_error >= 8);

    for (size_t i = 0; i < n_lines; i++)
        free(lines[i]);
    free(lines);
    lx_tu_state_free(&st);
    for (size_t i = 0; i < res.n; i++)
        hl_finding_clear(&res.items[i]);
    free(res.items);
    hl_tu_summary_free(&res.sum);
    hl_strv_free(&res.deps);
    clang_disposeTranslationUnit(st.tu);
    clang_disposeIndex(a.index);
    hl_diags_free(&diags);
    hl_diags_free(&res.errors);
    hl_sources_free(&srcs);
    hl_scope_free(&scope);
    hl_catalog_free(&cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_path_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
