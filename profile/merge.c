/* merge.c - merges profiles of the same kind into one through the builder,
 * which deduplicates mappings, functions, locations and equal samples (whose
 * values are summed). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "internal.h"

static void merr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool same_types(const hl_profile *a, const hl_profile *b)
{
    if (a->n_sample_types != b->n_sample_types)
        return false;
    for (size_t i = 0; i < a->n_sample_types; i++)
        if (strcmp(a->sample_types[i].type, b->sample_types[i].type) ||
            strcmp(a->sample_types[i].unit, b->sample_types[i].unit))
            return false;
    return true;
}

/* The merged values of each type must sum to at most INT64_MAX (see
 * internal.h): when the inputs together go past it, each value is divided by
 * a power of two as it is added. */
static void value_shifts(hl_profile *const *profiles, size_t n, size_t n_types, unsigned *shift)
{
    for (size_t j = 0; j < n_types; j++) {
        hl_u128 sum = 0;
        for (size_t pi = 0; pi < n; pi++)
            for (size_t i = 0; i < profiles[pi]->n_samples; i++) {
                int64_t v = profiles[pi]->samples[i].values[j];
                sum += v < 0 ? (uint64_t) - (v + 1) + 1 : (uint64_t)v;
            }
        shift[j] = hl_profile_shift_for(sum);
    }
}

/* Per-input scratch: each part's index in the merged profile. */
typedef struct {
    size_t *mapping, *function, *location, *stack;
    hl_pb_line *lines;
    int64_t *values;
    size_t cap_lines, cap_stack;
} merge_maps;

static int add_parts(hl_pbuilder *b, const hl_profile *p, merge_maps *mm)
{
    for (size_t i = 0; i < p->n_comments; i++)
        if (hl_pb_comment(b, p->comments[i]) < 0)
            return -1;
    for (size_t i = 0; i < p->n_mappings; i++) {
        int64_t x = hl_pb_mapping(b, &p->mappings[i]);
        if (x < 0)
            return -1;
        mm->mapping[i] = (size_t)x;
    }
    for (size_t i = 0; i < p->n_functions; i++) {
        const hl_prof_function *f = &p->functions[i];
        int64_t x = hl_pb_function(b, f->name, f->system_name, f->filename, f->start_line);
        if (x < 0)
            return -1;
        mm->function[i] = (size_t)x;
    }
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *l = &p->locations[i];
        if (hl_grow_to((void **)&mm->lines, &mm->cap_lines, l->n_lines, sizeof *mm->lines,
                       &hl_profile_allocator) < 0)
            return -1;
        for (size_t j = 0; j < l->n_lines; j++)
            mm->lines[j] =
                (hl_pb_line){mm->function[l->lines[j].function - p->functions], l->lines[j].line};
        int64_t m = l->mapping ? (int64_t)mm->mapping[l->mapping - p->mappings] : -1;
        int64_t x = hl_pb_location(b, m, l->address, mm->lines, l->n_lines);
        if (x < 0)
            return -1;
        mm->location[i] = (size_t)x;
    }
    return 0;
}

static int add_samples(hl_pbuilder *b, const hl_profile *p, merge_maps *mm, const unsigned *shift)
{
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        if (hl_grow_to((void **)&mm->stack, &mm->cap_stack, s->n_locs, sizeof *mm->stack,
                       &hl_profile_allocator) < 0)
            return -1;
        for (size_t j = 0; j < s->n_locs; j++)
            mm->stack[j] = mm->location[s->locs[j] - p->locations];
        for (size_t j = 0; j < p->n_sample_types; j++)
            mm->values[j] = hl_profile_scale_value(s->values[j], shift[j]);
        if (hl_pb_sample(b, mm->stack, s->n_locs, mm->values, s->labels, s->n_labels) < 0)
            return -1;
    }
    return 0;
}

static void merge_maps_free(merge_maps *mm)
{
    hl_pfree(mm->mapping);
    hl_pfree(mm->function);
    hl_pfree(mm->location);
    hl_pfree(mm->stack);
    hl_pfree(mm->lines);
    hl_pfree(mm->values);
}

static int add_profile(hl_pbuilder *b, const hl_profile *p, const unsigned *shift)
{
    hl_profile *r = hl_pb_profile(b);
    if (p->period > r->period)
        r->period = p->period;
    if (p->time_nanos && (!r->time_nanos || p->time_nanos < r->time_nanos))
        r->time_nanos = p->time_nanos;
    if (__builtin_add_overflow(r->duration_nanos, p->duration_nanos, &r->duration_nanos))
        r->duration_nanos = INT64_MAX;
    merge_maps mm = {
        .mapping = hl_pcalloc(p->n_mappings + 1, sizeof(size_t)),
        .function = hl_pcalloc(p->n_functions + 1, sizeof(size_t)),
        .location = hl_pcalloc(p->n_locations + 1, sizeof(size_t)),
        .values = hl_pcalloc(p->n_sample_types + 1, sizeof(int64_t)),
    };
    int rc = -1;
    if (mm.mapping && mm.function && mm.location && mm.values && add_parts(b, p, &mm) == 0 &&
        add_samples(b, p, &mm, shift) == 0)
        rc = 0;
    merge_maps_free(&mm);
    return rc;
}

hl_profile *hl_profile_merge(hl_profile *const *profiles, size_t n, char *err, size_t errlen)
{
    if (n == 0) {
        merr(err, errlen, "no profiles to merge");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!same_types(profiles[0], profiles[i])) {
            merr(err, errlen,
                 "cannot merge profiles of different kinds (profile %zu has other sample types "
                 "than profile 1)",
                 i + 1);
            return NULL;
        }
    const hl_profile *p0 = profiles[0];
    size_t nt = p0->n_sample_types;
    unsigned *shift = hl_pcalloc(nt + 1, sizeof *shift);
    hl_pbuilder *b = shift ? hl_pb_new(p0->sample_types, nt, p0->period_type, 0) : NULL;
    hl_profile *r = NULL;
    if (b) {
        hl_pb_profile(b)->default_sample_index = p0->default_sample_index;
        value_shifts(profiles, n, nt, shift);
        size_t i = 0;
        while (i < n && add_profile(b, profiles[i], shift) == 0)
            i++;
        r = i == n ? hl_pb_finish(b) : (hl_pb_free(b), NULL);
    }
    for (size_t j = 0; r && j < nt; j++)
        if (shift[j] && hl_profile_note_scaled(r, j, shift[j]) < 0) {
            hl_profile_free(r);
            r = NULL;
        }
    hl_pfree(shift);
    if (!r)
        merr(err, errlen, "out of memory while merging profiles");
    return r;
}
