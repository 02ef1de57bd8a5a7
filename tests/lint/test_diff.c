/* test_diff.c - unit tests of the unified-diff parser and the queries behind --diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diff.h"

static const hl_diff_file *file(const hl_diff *d, const char *path)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->files[i].path, path))
            return &d->files[i];
    return NULL;
}

static void parse_ok(const char *text, hl_diff *d)
{
    char err[256] = "";
    memset(d, 0, sizeof *d);
    int rc = hl_diff_parse(text, strlen(text), false, d, err, sizeof err);
    if (rc != 0)
        fail_msg("parse failed: %s", err);
}

static void test_hunks(void **state)
{
    (void)state;
    const char *text = "diff --git a/src/a.c b/src/a.c\n"
                       "index 1111111..2222222 100644\n"
                       "--- a/src/a.c\n"
                       "+++ b/src/a.c\n"
                       "@@ -3 +3 @@ void f(void)\n"
                       "-    old();\n"
                       "+    new();\n"
                       "@@ -10,0 +11,2 @@\n"
                       "+    a();\n"
                       "+    b();\n"
                       "@@ -20,3 +22,0 @@\n"
                       "-x\n"
                       "-y\n"
                       "-z\n"
                       "diff --git a/inc/b.h b/inc/b.h\n"
                       "new file mode 100644\n"
                       "--- /dev/null\n"
                       "+++ b/inc/b.h\n"
                       "@@ -0,0 +1,3 @@\n"
                       "+#ifndef B\n"
                       "+#define B\n"
                       "+#endif\n";
    hl_diff d;
    parse_ok(text, &d);
    assert_int_equal(d.n, 2);
    const hl_diff_file *a = file(&d, "src/a.c"), *b = file(&d, "inc/b.h");
    assert_non_null(a);
    assert_non_null(b);
    /* "+3" is one line; "+11,2" two; "+22,0" a pure deletion adds nothing. */
    assert_int_equal(a->n, 2);
    assert_int_equal(a->ranges[0].first, 3);
    assert_int_equal(a->ranges[0].last, 3);
    assert_int_equal(a->ranges[1].first, 11);
    assert_int_equal(a->ranges[1].last, 12);
    assert_int_equal(b->n, 1);
    assert_int_equal(b->ranges[0].first, 1);
    assert_int_equal(b->ranges[0].last, 3);

    assert_true(hl_diff_touches(&d, "src/a.c", 3, 3));
    assert_true(hl_diff_touches(&d, "src/a.c", 1, 3)); /* a range ending on a changed line */
    assert_true(hl_diff_touches(&d, "src/a.c", 12, 40));
    assert_false(hl_diff_touches(&d, "src/a.c", 4, 10));
    assert_false(hl_diff_touches(&d, "src/a.c", 13, 30));
    assert_false(hl_diff_touches(&d, "a.c", 3, 3)); /* whole paths, not suffixes */
    assert_false(hl_diff_touches(&d, "other.c", 1, 100));
    hl_diff_free(&d);
}

static void test_body_lines_that_look_like_headers(void **state)
{
    (void)state;
    /* A removed line "-- x" and an added line "++ y" read as "--- x" and
     * "+++ y" in the diff: they are hunk content, not file headers. */
    const char *text = "diff --git a/a.c b/a.c\n"
                       "--- a/a.c\n"
                       "+++ b/a.c\n"
                       "@@ -5,1 +5,2 @@\n"
                       "--- x\n"
                       "+++ y\n"
                       "+@@ -1 +1 @@\n";
    hl_diff d;
    parse_ok(text, &d);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.files[0].path, "a.c");
    assert_int_equal(d.files[0].n, 1);
    assert_int_equal(d.files[0].ranges[0].first, 5);
    assert_int_equal(d.files[0].ranges[0].last, 6);
    hl_diff_free(&d);
}

static void test_quoted_and_deleted(void **state)
{
    (void)state;
    const char *text = "diff --git \"a/sp ace\\tx.c\" \"b/sp ace\\tx.c\"\n"
                       "--- \"a/sp ace\\tx.c\"\n"
                       "+++ \"b/sp ace\\tx.c\"\n"
                       "@@ -1 +1 @@\n"
                       "-a\n"
                       "+b\n"
                       "diff --git a/caf\\303\\251.c b/caf\\303\\251.c\n"
                       "--- \"a/caf\\303\\251.c\"\n"
                       "+++ \"b/caf\\303\\251.c\"\n"
                       "@@ -2,0 +3 @@\n"
                       "+c\n"
                       "diff --git a/gone.c b/gone.c\n"
                       "deleted file mode 100644\n"
                       "--- a/gone.c\n"
                       "+++ /dev/null\n"
                       "@@ -1,2 +0,0 @@\n"
                       "-x\n"
                       "-y\n";
    hl_diff d;
    parse_ok(text, &d);
    assert_int_equal(d.n, 2);
    assert_non_null(file(&d, "sp ace\tx.c"));
    assert_non_null(file(&d, "caf\xc3\xa9.c"));
    assert_null(file(&d, "gone.c"));
    assert_true(hl_diff_touches(&d, "caf\xc3\xa9.c", 3, 3));
    hl_diff_free(&d);
}

static void test_empty_and_malformed(void **state)
{
    (void)state;
    hl_diff d = {0};
    char err[256] = "";
    assert_int_equal(hl_diff_parse("", 0, false, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 0);
    hl_diff_free(&d);
    const char *bad = "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +x @@\n";
    assert_int_equal(hl_diff_parse(bad, strlen(bad), false, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "diff line 4"));
    assert_non_null(strstr(err, "malformed hunk header"));
    hl_diff_free(&d);
    /* Without the b/ prefix (git diff --no-prefix). */
    const char *np = "--- a.c\n+++ lib/a.c\n@@ -1 +1,2 @@\n-a\n+b\n+c\n";
    assert_int_equal(hl_diff_parse(np, strlen(np), true, &d, err, sizeof err), 0);
    assert_non_null(file(&d, "lib/a.c"));
    hl_diff_free(&d);
}

static void test_findings(void **state)
{
    (void)state;
    const char *text = "--- a/src/k.c\n+++ b/src/k.c\n@@ -7 +7 @@\n-a\n+b\n@@ -30 +30 @@\n-c\n+d\n";
    hl_diff d;
    parse_ok(text, &d);
    d.top = strdup("/repo");
    hl_finding call = {.abs_file = "/repo/src/k.c", .line = 9, .end_line = 9};
    assert_false(hl_diff_touches_finding(&d, &call));
    /* The loop header changed (line 7), the call inside did not. */
    call.loop_start_line = 7;
    call.loop_end_line = 12;
    assert_true(hl_diff_touches_finding(&d, &call));
    /* A compare chain from 25 to 31: the change at 30 touches it. */
    hl_finding chain = {.abs_file = "/repo/src/k.c", .line = 25, .end_line = 31};
    assert_true(hl_diff_touches_finding(&d, &chain));
    /* Another repository's file of the same relative path does not count. */
    hl_finding other = {.abs_file = "/elsewhere/src/k.c", .line = 7, .end_line = 7};
    assert_false(hl_diff_touches_finding(&d, &other));
    hl_finding top_prefix = {.abs_file = "/repository/src/k.c", .line = 7, .end_line = 7};
    assert_false(hl_diff_touches_finding(&d, &top_prefix));

    hl_findings f = {0};
    f.items = calloc(3, sizeof *f.items);
    f.n = f.cap = 3;
    const unsigned lines[] = {7, 8, 30};
    for (int i = 0; i < 3; i++) {
        f.items[i].abs_file = strdup("/repo/src/k.c");
        f.items[i].file = strdup("src/k.c");
        f.items[i].line = f.items[i].end_line = lines[i];
    }
    assert_int_equal(hl_diff_filter(&d, &f), 1);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.items[0].line, 7);
    assert_int_equal(f.items[1].line, 30);
    hl_findings_free(&f);
    hl_diff_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hunks),
        cmocka_unit_test(test_body_lines_that_look_like_headers),
        cmocka_unit_test(test_quoted_and_deleted),
        cmocka_unit_test(test_empty_and_malformed),
        cmocka_unit_test(test_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
