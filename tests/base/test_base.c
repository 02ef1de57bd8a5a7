/* test_base.c - unit tests of base/: array growth, the hash and the map, key
 * buffers, diagnostics and the unit formatter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/diag.h"
#include "../../base/grow.h"
#include "../../base/hash.h"
#include "../../base/hashmap.h"
#include "../../base/keybuf.h"
#include "../../base/units.h"

static void test_grow(void **state)
{
    (void)state;
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(HL_GROW(v, n, cap), 0);
        v[n++] = i;
    }
    assert_true(cap >= 1000);
    assert_int_equal(cap & (cap - 1), 0); /* doubling from 16 */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(v[i], i);
    /* A size that overflows fails cleanly and leaves the array as it was. */
    size_t before = cap;
    errno = 0;
    assert_int_equal(hl_grow_to((void **)&v, &cap, SIZE_MAX / 2, sizeof *v, NULL), -1);
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(cap, before);
    assert_int_equal(v[999], 999);
    free(v);
}

static void test_hash(void **state)
{
    (void)state;
    /* Published FNV-1a 64 values. */
    assert_true(hl_hash_bytes("", 0) == 0xcbf29ce484222325ULL);
    assert_true(hl_hash_bytes("a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(hl_hash_bytes("foobar", 6) == 0x85944171f73967e8ULL);
    assert_true(hl_fnv1a64(hl_hash_bytes("foo", 3), "bar", 3) == hl_hash_bytes("foobar", 6));
    assert_true(hl_hash_u64(1) != hl_hash_u64(2));
}

static void test_hashmap(void **state)
{
    (void)state;
    hl_hashmap m = {0};
    char key[32];
    for (size_t i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "key-%zu", i);
        size_t v = i * 3;
        assert_int_equal(hl_hashmap_get_or_put(&m, key, (size_t)n, &v), 0);
    }
    assert_int_equal(m.len, 5000);
    for (size_t i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "key-%zu", i);
        size_t v = 0;
        assert_int_equal(hl_hashmap_find(&m, key, (size_t)n, &v), 1);
        assert_int_equal(v, i * 3);
        size_t other = 7;
        assert_int_equal(hl_hashmap_get_or_put(&m, key, (size_t)n, &other), 1);
        assert_int_equal(other, i * 3); /* present: the stored value comes back */
    }
    size_t v = 0;
    assert_int_equal(hl_hashmap_find(&m, "key-5000", 8, &v), 0);
    /* The empty key and keys that are prefixes of each other are distinct. */
    v = 1;
    assert_int_equal(hl_hashmap_get_or_put(&m, "", 0, &v), 0);
    assert_int_equal(hl_hashmap_find(&m, "", 0, &v), 1);
    assert_int_equal(v, 1);
    assert_int_equal(hl_hashmap_find(&m, "key-1", 4, &v), 0); /* "key-" */
    hl_hashmap_free(&m);
    assert_int_equal(m.len, 0);
    assert_int_equal(hl_hashmap_find(&m, "key-1", 5, &v), 0);
}

static void test_keybuf(void **state)
{
    (void)state;
    hl_keybuf a = {0}, b = {0};
    hl_keybuf_str(&a, "ab");
    hl_keybuf_str(&a, "c");
    hl_keybuf_str(&b, "a");
    hl_keybuf_str(&b, "bc");
    assert_false(a.n == b.n && !memcmp(a.b, b.b, a.n)); /* the NULs keep fields apart */
    hl_keybuf_reset(&b);
    hl_keybuf_str(&b, "ab");
    hl_keybuf_str(&b, "c");
    assert_true(a.n == b.n && !memcmp(a.b, b.b, a.n));
    hl_keybuf_u64(&a, 42);
    assert_int_equal(a.n, 3 + 2 + 8);
    hl_keybuf_str(&a, NULL); /* NULL counts as "" */
    assert_int_equal(a.b[a.n - 1], '\0');
    assert_false(a.oom);
    hl_keybuf_free(&a);
    hl_keybuf_free(&b);
}

static void test_diag(void **state)
{
    (void)state;
    hl_diags d = {0}, e = {0};
    char buf[256];
    assert_int_equal(hl_diags_add(&d, HL_DIAG_COMPILE, "src/a.c", 12, 3, "unknown type name 'x'"),
                     0);
    assert_int_equal(hl_diags_add(&d, HL_DIAG_FATAL, "src/b.c", 0, 0, "'y.h' file not found"), 0);
    assert_int_equal(hl_diags_add(&d, HL_DIAG_INPUT, "data.c", 0, 0, "binary file"), 0);
    assert_string_equal(hl_diag_format(&d.v[0], buf, sizeof buf),
                        "src/a.c:12:3: error: unknown type name 'x'");
    assert_string_equal(hl_diag_format(&d.v[1], buf, sizeof buf),
                        "src/b.c: fatal error: 'y.h' file not found");
    assert_string_equal(hl_diag_format(&d.v[2], buf, sizeof buf), "data.c: binary file");
    assert_true(hl_diag_has_place(&d.v[0]));
    assert_false(hl_diag_has_place(&d.v[1]));
    assert_null(hl_diag_tag(&d.v[2]));
    assert_int_equal(hl_diags_add_copy(&e, &d.v[0]), 0);
    assert_true(hl_diag_equal(&e.v[0], &d.v[0]));
    assert_false(hl_diag_equal(&e.v[0], &d.v[1]));
    assert_int_equal(hl_diags_take(&e, &d), 0);
    assert_int_equal(e.n, 4);
    assert_int_equal(d.n, 0);
    assert_string_equal(e.v[3].message, "binary file");
    hl_diags_free(&e);
    hl_diags_free(&d);
}

static void test_units(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(hl_units_format(1500000000, "nanoseconds", b, sizeof b), "1.50s");
    assert_string_equal(hl_units_format(2500000, "nanoseconds", b, sizeof b), "2.50ms");
    assert_string_equal(hl_units_format(1500, "nanoseconds", b, sizeof b), "1.50us");
    assert_string_equal(hl_units_format(999, "nanoseconds", b, sizeof b), "999ns");
    assert_string_equal(hl_units_format(-2500000, "nanoseconds", b, sizeof b), "-2.50ms");
    assert_string_equal(hl_units_format(3 << 20, "bytes", b, sizeof b), "3.00MB");
    assert_string_equal(hl_units_format(1536, "bytes", b, sizeof b), "1.50kB");
    assert_string_equal(hl_units_format(100, "bytes", b, sizeof b), "100B");
    assert_string_equal(hl_units_format((int64_t)5 << 30, "bytes", b, sizeof b), "5.00GB");
    assert_string_equal(hl_units_format(42, "count", b, sizeof b), "42");
    assert_string_equal(hl_units_format(42, NULL, b, sizeof b), "42");
    /* list's shorter style */
    assert_string_equal(hl_units_format_short(0, "nanoseconds", b, sizeof b), "0");
    assert_string_equal(hl_units_format_short(2500000, "nanoseconds", b, sizeof b), "2ms");
    assert_string_equal(hl_units_format_short(1500000000, "nanoseconds", b, sizeof b), "1.50s");
    assert_string_equal(hl_units_format_short(1536, "bytes", b, sizeof b), "1.50kB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow),   cmocka_unit_test(test_hash), cmocka_unit_test(test_hashmap),
        cmocka_unit_test(test_keybuf), cmocka_unit_test(test_diag), cmocka_unit_test(test_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
