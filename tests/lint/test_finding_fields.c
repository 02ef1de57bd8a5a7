/* test_finding_fields.c - the field table (lint/finding_fields.c) is what
 * the result cache and JSON carry: a finding with every field set comes back
 * from the cache equal in each cache field, and its JSON object has exactly
 * the table's JSON keys, in the table's order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lint/cache_internal.h"
#include "../../lint/finding_fields.h"
#include "../../report/lint_json.h"

static hl_catalog cat;

static void full_finding(hl_finding *x)
{
    memset(x, 0, sizeof *x);
    x->rule = hl_catalog_find(&cat, "HL001");
    assert_non_null(x->rule);
    x->file = strdup("src/a.c");
    x->abs_file = strdup("/tmp/src/a.c");
    unsigned v = 10;
    for (size_t k = 0; k < hl_n_finding_fields; k++)
        if (hl_finding_fields[k].kind == HL_FIELD_UINT)
            *hl_field_uint(x, &hl_finding_fields[k]) = v++;
    x->function = strdup("f");
    x->callee = strdup("snprintf");
    x->message = strdup("snprintf in a loop");
    x->loop_start_line = 3, x->loop_end_line = 30, x->loop_depth = 2;
    x->heat = HL_HEAT_HOT;
    assert_int_equal(hl_finding_add_heat_reason(x, "nested loop"), 0);
    assert_int_equal(hl_finding_add_note(x, "src/b.h", 4, 5, "expanded from macro"), 0);
    x->notes[0].end_line = 6, x->notes[0].end_column = 7;
}

static void test_cache_round_trip(void **state)
{
    (void)state;
    hl_finding x, y = {0};
    full_finding(&x);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    hl_cache_write_finding(f, &x);
    fclose(f);
    hl_rd r = {.p = buf, .end = buf + len};
    hl_cache_read_finding(&r, &cat, &y);
    assert_false(r.bad);
    assert_true(r.p == r.end);
    for (size_t k = 0; k < hl_n_finding_fields; k++) {
        const hl_finding_field *fd = &hl_finding_fields[k];
        if (!(fd->in & HL_FIELD_IN_CACHE))
            continue;
        if (fd->kind == HL_FIELD_STR)
            assert_string_equal(hl_field_cstr(&x, fd), hl_field_cstr(&y, fd));
        else if (fd->kind == HL_FIELD_UINT)
            assert_int_equal(hl_field_cuint(&x, fd), hl_field_cuint(&y, fd));
    }
    assert_ptr_equal(y.rule, x.rule);
    assert_int_equal(y.loop_depth, 2);
    assert_int_equal(y.loop_end_line, 30);
    assert_int_equal(y.heat, HL_HEAT_HOT);
    assert_int_equal(y.n_heat_reasons, 1);
    assert_string_equal(y.heat_reasons[0], "nested loop");
    assert_int_equal(y.n_notes, 1);
    assert_string_equal(y.notes[0].file, "src/b.h");
    assert_int_equal(y.notes[0].end_column, 7);
    /* A record cut short is refused, not half read. */
    hl_finding z = {0};
    hl_rd cut = {.p = buf, .end = buf + len / 2};
    hl_cache_read_finding(&cut, &cat, &z);
    assert_true(cut.bad);
    hl_finding_clear(&z);
    hl_finding_clear(&x);
    hl_finding_clear(&y);
    free(buf);
}

static void test_json_keys_are_the_table(void **state)
{
    (void)state;
    hl_finding x;
    full_finding(&x);
    json_t *o = hl_finding_to_json(&x);
    assert_non_null(o);
    const char *key;
    json_t *v;
    size_t k = 0;
    json_object_foreach(o, key, v)
    {
        while (k < hl_n_finding_fields && !(hl_finding_fields[k].in & HL_FIELD_IN_JSON))
            k++;
        assert_true(k < hl_n_finding_fields);
        assert_string_equal(key, hl_finding_fields[k].name);
        k++;
    }
    while (k < hl_n_finding_fields && !(hl_finding_fields[k].in & HL_FIELD_IN_JSON))
        k++;
    assert_int_equal(k, hl_n_finding_fields);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "loop"), "depth")), 2);
    json_decref(o);
    hl_finding_clear(&x);
}

int main(void)
{
    char err[512];
    if (hl_catalog_load_dir(&cat, hl_catalog_default_dir(), err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_round_trip),
        cmocka_unit_test(test_json_keys_are_the_table),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    hl_catalog_free(&cat);
    return rc;
}
