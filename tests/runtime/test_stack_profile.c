/* test_stack_profile.c - the profile builder symbolizes this program's own
 * addresses: function names, file and line, inlined frames (innermost first),
 * build id and truthful mapping flags; equal stacks are summed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stack_profile.h"

__attribute__((noinline)) static uintptr_t capture(void)
{
    return (uintptr_t)__builtin_return_address(0);
}

static inline __attribute__((always_inline)) uintptr_t inlined_body(void)
{
    return capture() + 0; /* the return address lies inside this inlined body */
}

__attribute__((noinline)) uintptr_t sp_outer_function(void)
{
    uintptr_t pc = inlined_body();
    __asm__ volatile("" ::: "memory"); /* no tail call */
    return pc;
}

__attribute__((noinline)) int sp_leaf_function(int x)
{
    return x * 3 + 1;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static void test_symbolize(void **state)
{
    (void)state;
    hl_prof_value_type types[2] = {{"samples", "count"}, {"cpu", "nanoseconds"}};
    hl_stack_profile *sp = hl_sp_new(types, 2, types[1], 1000000);
    assert_non_null(sp);
    uintptr_t ret = sp_outer_function();
    uintptr_t leaf = (uintptr_t)&sp_leaf_function;
    uintptr_t pcs[2] = {leaf, ret}; /* leaf exact, then a return address */
    int64_t v[2] = {1, 1000000};
    assert_int_equal(hl_sp_add(sp, pcs, 2, v, NULL, 0), 0);
    assert_int_equal(hl_sp_add(sp, pcs, 2, v, NULL, 0), 0); /* summed */
    hl_prof_label lab = {"thread", "t1", 0, NULL};
    assert_int_equal(hl_sp_add(sp, pcs, 1, v, &lab, 1), 0);
    hl_sp_add_comment(sp, "builder test");
    hl_sp_set_times(sp, 123, 456);
    hl_profile *p = hl_sp_finish(sp);
    assert_non_null(p);
    assert_int_equal(p->n_samples, 2);
    assert_int_equal(p->samples[0].values[1], 2000000);
    assert_int_equal(p->samples[1].n_labels, 1);
    assert_string_equal(p->samples[1].labels[0].str, "t1");
    assert_int_equal(p->duration_nanos, 456);
    assert_string_equal(p->comments[0], "builder test");

    const hl_prof_location *l0 = p->samples[0].locs[0], *l1 = p->samples[0].locs[1];
    assert_int_equal(l0->n_lines, 1);
    assert_string_equal(l0->lines[0].function->name, "sp_leaf_function");
    assert_true(ends_with(l0->lines[0].function->filename, "test_stack_profile.c"));
    assert_true(l0->lines[0].line > 0);
    assert_true(l0->lines[0].function->start_line > 0);
    /* the return address is looked up at pc - 1, inside the inlined body */
    assert_int_equal(l1->address, ret - 1);
    assert_int_equal(l1->n_lines, 2);
    assert_string_equal(l1->lines[0].function->name, "inlined_body");
    assert_string_equal(l1->lines[1].function->name, "sp_outer_function");
    assert_true(l1->lines[0].line > 0 && l1->lines[1].line > 0);
    assert_true(l1->lines[1].line > l1->lines[1].function->start_line);

    const hl_prof_mapping *m = l0->mapping;
    assert_non_null(m);
    assert_true(ends_with(m->filename, "test_stack_profile"));
    assert_true(strlen(m->build_id) >= 16); /* GNU build id, hex */
    assert_true(m->has_functions && m->has_filenames && m->has_line_numbers);
    assert_true(l0->address >= m->memory_start && l0->address < m->memory_limit);
    /* mappings without locations claim nothing */
    for (size_t i = 0; i < p->n_mappings; i++)
        if (&p->mappings[i] != m)
            assert_false(p->mappings[i].has_functions);

    /* and the result encodes and reads back */
    void *buf;
    size_t len;
    assert_int_equal(hl_profile_encode(p, &buf, &len), 0);
    char err[256];
    hl_profile *q = hl_profile_read_buffer(buf, len, "sp.prof", err, sizeof err);
    assert_non_null(q);
    assert_int_equal(q->n_samples, 2);
    hl_profile_free(q);
    free(buf);
    hl_profile_free(p);
}

static void test_unknown_address(void **state)
{
    (void)state;
    hl_prof_value_type t = {"samples", "count"};
    hl_stack_profile *sp = hl_sp_new(&t, 1, t, 1);
    uintptr_t pcs[1] = {0x10};
    int64_t v = 1;
    assert_int_equal(hl_sp_add(sp, pcs, 1, &v, NULL, 0), 0);
    hl_profile *p = hl_sp_finish(sp);
    assert_non_null(p);
    assert_int_equal(p->samples[0].locs[0]->n_lines, 0); /* raw address */
    assert_null(p->samples[0].locs[0]->mapping);
    hl_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbolize),
        cmocka_unit_test(test_unknown_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
