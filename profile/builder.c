/* builder.c - builds a profile model from interned parts (see builder.h).
 *
 * Parts refer to each other by index while the arrays grow; hl_pb_finish
 * turns the indices into the model's pointers. Per-sample stacks and values
 * and per-location lines go into one arena, the profile's bulk storage. */
#include <string.h>

#include "builder.h"
#include "../base/grow.h"
#include "internal.h"

typedef struct {
    size_t mapping; /* index + 1; 0: none */
    uint64_t address;
    size_t first_line, n_lines;
} b_location;

typedef struct {
    size_t first_loc, n_locs;
    size_t first_value;
    hl_prof_label *labels;
    size_t n_labels;
} b_sample;

struct hl_pbuilder {
    hl_profile *p; /* sample types, period, comments, mappings, functions */
    size_t cap_mappings, cap_functions, cap_comments;
    b_location *locs;
    size_t n_locs, cap_locs;
    hl_pb_line *lines;
    size_t n_lines, cap_lines;
    b_sample *samples;
    size_t n_samples, cap_samples;
    size_t *sample_locs;
    size_t n_sample_locs, cap_sample_locs;
    int64_t *values;
    size_t n_values, cap_values;
    hl_hashmap mappings_ix, functions_ix, locations_ix, samples_ix, comments_ix;
    hl_keybuf key;
    bool failed;
};

#define B_GROW(b, arr, n, cap) (HL_GROW_WITH(arr, n, cap, &hl_profile_allocator) < 0 ? fail(b) : 0)

static int fail(hl_pbuilder *b)
{
    b->failed = true;
    return -1;
}

hl_pbuilder *hl_pb_new(const hl_prof_value_type *types, size_t n_types,
                       hl_prof_value_type period_type, int64_t period)
{
    hl_pbuilder *b = hl_pcalloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->mappings_ix = b->functions_ix = b->locations_ix = b->samples_ix = b->comments_ix =
        HL_PMAP_INIT;
    b->key = HL_PKEY_INIT;
    b->p = hl_profile_new();
    if (!b->p || (n_types && !(b->p->sample_types = hl_pcalloc(n_types, sizeof *types))))
        goto err;
    hl_profile *p = b->p;
    for (size_t i = 0; i < n_types; i++) {
        p->n_sample_types = i + 1;
        p->sample_types[i].type = hl_pstrdup(types[i].type);
        p->sample_types[i].unit = hl_pstrdup(types[i].unit);
        if (!p->sample_types[i].type || !p->sample_types[i].unit)
            goto err;
    }
    p->default_sample_index = n_types ? n_types - 1 : 0;
    p->period_type.type = hl_pstrdup(period_type.type);
    p->period_type.unit = hl_pstrdup(period_type.unit);
    if (!p->period_type.type || !p->period_type.unit)
        goto err;
    p->period = period;
    return b;
err:
    hl_pb_free(b);
    return NULL;
}

hl_profile *hl_pb_profile(hl_pbuilder *b)
{
    return b->p;
}

/* Interns the key in b->key: the existing index in *idx (returns 1), or
 * next as a new one (returns 0); -1 on ENOMEM. */
static int intern(hl_pbuilder *b, hl_hashmap *ix, size_t next, size_t *idx)
{
    if (b->failed || b->key.oom)
        return fail(b);
    *idx = next;
    int rc = hl_hashmap_get_or_put(ix, b->key.b, b->key.n, idx);
    return rc < 0 ? fail(b) : rc;
}

int64_t hl_pb_mapping(hl_pbuilder *b, const hl_prof_mapping *m)
{
    hl_profile *p = b->p;
    hl_keybuf_reset(&b->key);
    hl_keybuf_str(&b->key, m->filename);
    hl_keybuf_str(&b->key, m->build_id);
    hl_keybuf_u64(&b->key, m->memory_start);
    hl_keybuf_u64(&b->key, m->memory_limit);
    hl_keybuf_u64(&b->key, m->file_offset);
    size_t idx;
    int rc = intern(b, &b->mappings_ix, p->n_mappings, &idx);
    if (rc < 0)
        return -1;
    hl_prof_mapping *o;
    if (rc == 1) {
        o = &p->mappings[idx];
        o->has_functions &= m->has_functions;
        o->has_filenames &= m->has_filenames;
        o->has_line_numbers &= m->has_line_numbers;
        o->has_inline_frames &= m->has_inline_frames;
        return (int64_t)idx;
    }
    if (B_GROW(b, p->mappings, p->n_mappings, b->cap_mappings) < 0)
        return -1;
    o = &p->mappings[p->n_mappings];
    *o = *m;
    o->id = idx + 1;
    o->filename = hl_pstrdup(m->filename);
    o->build_id = hl_pstrdup(m->build_id);
    p->n_mappings++;
    return o->filename && o->build_id ? (int64_t)idx : fail(b);
}

hl_prof_mapping *hl_pb_mapping_at(hl_pbuilder *b, size_t i)
{
    return i < b->p->n_mappings ? &b->p->mappings[i] : NULL;
}

int64_t hl_pb_function(hl_pbuilder *b, const char *name, const char *system_name,
                       const char *filename, int64_t start_line)
{
    hl_profile *p = b->p;
    hl_keybuf_reset(&b->key);
    hl_keybuf_str(&b->key, name);
    hl_keybuf_str(&b->key, system_name);
    hl_keybuf_str(&b->key, filename);
    hl_keybuf_u64(&b->key, (uint64_t)start_line);
    size_t idx;
    int rc = intern(b, &b->functions_ix, p->n_functions, &idx);
    if (rc != 0)
        return rc < 0 ? -1 : (int64_t)idx;
    if (B_GROW(b, p->functions, p->n_functions, b->cap_functions) < 0)
        return -1;
    hl_prof_function *f = &p->functions[p->n_functions++];
    *f = (hl_prof_function){.id = idx + 1, .start_line = start_line};
    f->name = hl_pstrdup(name);
    f->system_name = hl_pstrdup(system_name);
    f->filename = hl_pstrdup(filename);
    return f->name && f->system_name && f->filename ? (int64_t)idx : fail(b);
}

int64_t hl_pb_location(hl_pbuilder *b, int64_t mapping, uint64_t address, const hl_pb_line *lines,
                       size_t n_lines)
{
    hl_keybuf_reset(&b->key);
    hl_keybuf_u64(&b->key, (uint64_t)(mapping + 1));
    hl_keybuf_u64(&b->key, address);
    for (size_t j = 0; j < n_lines; j++) {
        hl_keybuf_u64(&b->key, lines[j].function);
        hl_keybuf_u64(&b->key, (uint64_t)lines[j].line);
    }
    size_t idx;
    int rc = intern(b, &b->locations_ix, b->n_locs, &idx);
    if (rc != 0)
        return rc < 0 ? -1 : (int64_t)idx;
    if (B_GROW(b, b->locs, b->n_locs, b->cap_locs) < 0 ||
        hl_grow_to((void **)&b->lines, &b->cap_lines, b->n_lines + n_lines, sizeof *b->lines,
                   &hl_profile_allocator) < 0)
        return fail(b);
    if (n_lines)
        memcpy(b->lines + b->n_lines, lines, n_lines * sizeof *lines);
    b->locs[b->n_locs++] = (b_location){(size_t)(mapping + 1), address, b->n_lines, n_lines};
    b->n_lines += n_lines;
    return (int64_t)idx;
}

void hl_pb_key_labels(hl_keybuf *k, const hl_prof_label *labels, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        hl_keybuf_str(k, labels[j].key);
        /* A numeric label's missing string differs from every string. */
        hl_keybuf_str(k, labels[j].str ? labels[j].str : "\x01");
        hl_keybuf_u64(k, (uint64_t)labels[j].num);
        hl_keybuf_str(k, labels[j].num_unit);
    }
}

static int copy_labels(hl_prof_label **out, const hl_prof_label *in, size_t n)
{
    *out = NULL;
    if (!n)
        return 0;
    hl_prof_label *l = hl_pcalloc(n, sizeof *l);
    if (!l)
        return -1;
    *out = l;
    for (size_t j = 0; j < n; j++) {
        l[j].num = in[j].num;
        if (!(l[j].key = hl_pstrdup(in[j].key)))
            return -1;
        if (in[j].str && !(l[j].str = hl_pstrdup(in[j].str)))
            return -1;
        if (in[j].num_unit && !(l[j].num_unit = hl_pstrdup(in[j].num_unit)))
            return -1;
    }
    return 0;
}

static void free_labels(hl_prof_label *l, size_t n)
{
    for (size_t j = 0; l && j < n; j++) {
        hl_pfree(l[j].key);
        hl_pfree(l[j].str);
        hl_pfree(l[j].num_unit);
    }
    hl_pfree(l);
}

int hl_pb_sample(hl_pbuilder *b, const size_t *locs, size_t n_locs, const int64_t *values,
                 const hl_prof_label *labels, size_t n_labels)
{
    size_t nt = b->p->n_sample_types;
    hl_keybuf_reset(&b->key);
    hl_keybuf_u64(&b->key, n_locs);
    hl_keybuf_put(&b->key, locs, n_locs * sizeof *locs);
    hl_pb_key_labels(&b->key, labels, n_labels);
    size_t idx;
    int rc = intern(b, &b->samples_ix, b->n_samples, &idx);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        int64_t *v = b->values + b->samples[idx].first_value;
        for (size_t j = 0; j < nt; j++)
            v[j] += values[j];
        return 0;
    }
    if (B_GROW(b, b->samples, b->n_samples, b->cap_samples) < 0 ||
        hl_grow_to((void **)&b->sample_locs, &b->cap_sample_locs, b->n_sample_locs + n_locs,
                   sizeof *b->sample_locs, &hl_profile_allocator) < 0 ||
        hl_grow_to((void **)&b->values, &b->cap_values, b->n_values + nt, sizeof *b->values,
                   &hl_profile_allocator) < 0)
        return fail(b);
    b_sample *s = &b->samples[b->n_samples++];
    *s = (b_sample){b->n_sample_locs, n_locs, b->n_values, NULL, n_labels};
    if (n_locs)
        memcpy(b->sample_locs + b->n_sample_locs, locs, n_locs * sizeof *locs);
    if (nt)
        memcpy(b->values + b->n_values, values, nt * sizeof *values);
    b->n_sample_locs += n_locs;
    b->n_values += nt;
    if (copy_labels(&s->labels, labels, n_labels) < 0)
        return fail(b);
    return 0;
}

int hl_pb_comment(hl_pbuilder *b, const char *text)
{
    hl_profile *p = b->p;
    hl_keybuf_reset(&b->key);
    hl_keybuf_str(&b->key, text);
    size_t idx;
    int rc = intern(b, &b->comments_ix, p->n_comments, &idx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (B_GROW(b, p->comments, p->n_comments, b->cap_comments) < 0)
        return -1;
    if (!(p->comments[p->n_comments] = hl_pstrdup(text)))
        return fail(b);
    p->n_comments++;
    return 0;
}

/* Locations and their lines, indices turned into pointers. */
static int finish_locations(hl_pbuilder *b, hl_arena *bulk)
{
    hl_profile *p = b->p;
    if (b->n_locs && !(p->locations = hl_pcalloc(b->n_locs, sizeof *p->locations)))
        return -1;
    for (size_t i = 0; i < b->n_locs; i++) {
        const b_location *bl = &b->locs[i];
        hl_prof_location *l = &p->locations[i];
        p->n_locations = i + 1;
        l->id = i + 1;
        l->address = bl->address;
        l->mapping = bl->mapping ? &p->mappings[bl->mapping - 1] : NULL;
        if (bl->n_lines && !(l->lines = hl_arena_alloc(bulk, bl->n_lines * sizeof *l->lines)))
            return -1;
        l->n_lines = bl->n_lines;
        for (size_t j = 0; j < bl->n_lines; j++) {
            const hl_pb_line *ln = &b->lines[bl->first_line + j];
            l->lines[j] = (hl_prof_line){&p->functions[ln->function], ln->line};
        }
    }
    return 0;
}

static int finish_samples(hl_pbuilder *b, hl_arena *bulk)
{
    hl_profile *p = b->p;
    size_t nt = p->n_sample_types;
    if (b->n_samples && !(p->samples = hl_pcalloc(b->n_samples, sizeof *p->samples)))
        return -1;
    for (size_t i = 0; i < b->n_samples; i++) {
        b_sample *bs = &b->samples[i];
        hl_prof_sample *s = &p->samples[i];
        p->n_samples = i + 1;
        s->labels = bs->labels;
        s->n_labels = bs->n_labels;
        bs->labels = NULL;
        s->values = hl_arena_alloc(bulk, (nt ? nt : 1) * sizeof *s->values);
        if (!s->values ||
            (bs->n_locs && !(s->locs = hl_arena_alloc(bulk, bs->n_locs * sizeof *s->locs))))
            return -1;
        memcpy(s->values, b->values + bs->first_value, nt * sizeof *s->values);
        s->n_locs = bs->n_locs;
        for (size_t j = 0; j < bs->n_locs; j++)
            s->locs[j] = &p->locations[b->sample_locs[bs->first_loc + j]];
    }
    return 0;
}

hl_profile *hl_pb_finish(hl_pbuilder *b)
{
    if (!b)
        return NULL;
    hl_profile *p = NULL;
    hl_arena bulk;
    hl_arena_init(&bulk, (b->n_lines * sizeof(hl_prof_line)) + b->n_sample_locs * sizeof(void *) +
                             b->n_values * sizeof(int64_t) + 4096);
    if (!b->failed && finish_locations(b, &bulk) == 0 && finish_samples(b, &bulk) == 0) {
        p = b->p;
        b->p = NULL;
        p->bulk = hl_arena_detach(&bulk);
    } else {
        /* The model's arrays point into the arena: release the arena with it. */
        b->p->bulk = hl_arena_detach(&bulk);
    }
    hl_pb_free(b);
    return p;
}

void hl_pb_free(hl_pbuilder *b)
{
    if (!b)
        return;
    hl_profile_free(b->p);
    for (size_t i = 0; i < b->n_samples; i++)
        free_labels(b->samples[i].labels, b->samples[i].n_labels);
    hl_pfree(b->locs);
    hl_pfree(b->lines);
    hl_pfree(b->samples);
    hl_pfree(b->sample_locs);
    hl_pfree(b->values);
    hl_hashmap_free(&b->mappings_ix);
    hl_hashmap_free(&b->functions_ix);
    hl_hashmap_free(&b->locations_ix);
    hl_hashmap_free(&b->samples_ix);
    hl_hashmap_free(&b->comments_ix);
    hl_keybuf_free(&b->key);
    hl_pfree(b);
}
