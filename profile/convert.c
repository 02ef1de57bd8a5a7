/* convert.c - turns the decoded pprof message into the model: every id and
 * string index is checked, ids are resolved to pointers, and the samples are
 * decoded one at a time into the profile's bulk storage. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "read_internal.h"

/* Copies string_table[idx] into *out; -1 with err on a bad index or ENOMEM. */
static int str_at(struct hl_conv *c, int64_t idx, char **out, const char *what)
{
    if (idx < 0 || (uint64_t)idx >= c->pb->n_string_table) {
        hl_read_err(c->err, c->errlen, c->name,
                    "%s refers to string %lld, but the string table has %zu entries", what,
                    (long long)idx, c->pb->n_string_table);
        return -1;
    }
    const char *str = c->pb->string_table[idx];
    c->used += hl_malloc_cost(strlen(str) + 1);
    if (c->used > hl_profile_max_memory()) {
        hl_read_budget_err(c->err, c->errlen, c->name, "decoding the profile", c->used);
        return -1;
    }
    *out = hl_pstrdup(str);
    if (!*out) {
        hl_read_err(c->err, c->errlen, c->name, "out of memory");
        return -1;
    }
    return 0;
}

static int conv_value_type(struct hl_conv *c, const Perftools__Profiles__ValueType *vt,
                           hl_prof_value_type *out, const char *what)
{
    if (!vt)
        return str_at(c, 0, &out->type, what) || str_at(c, 0, &out->unit, what) ? -1 : 0;
    if (str_at(c, vt->type, &out->type, what) < 0 || str_at(c, vt->unit, &out->unit, what) < 0)
        return -1;
    return 0;
}

#define OOM()                                                                                      \
    do {                                                                                           \
        hl_read_err(c->err, c->errlen, c->name, "out of memory");                                  \
        return -1;                                                                                 \
    } while (0)

/* The id maps of one conversion, and the scratch array of ids they are
 * built from. */
typedef struct {
    id_map mappings, functions, locations;
    uint64_t *ids;
} conv_maps;

static int conv_header(struct hl_conv *c)
{
    const PbProfile *pb = c->pb;
    hl_profile *p = c->p;
    if (pb->n_string_table == 0 || pb->string_table[0][0] != '\0') {
        hl_read_err(c->err, c->errlen, c->name,
                    "not a pprof profile (the string table must start with \"\")");
        return -1;
    }
    if (pb->n_sample_type == 0) {
        hl_read_err(c->err, c->errlen, c->name, "not a pprof profile (no sample types)");
        return -1;
    }
    p->sample_types = hl_pcalloc(pb->n_sample_type, sizeof *p->sample_types);
    if (!p->sample_types)
        OOM();
    p->n_sample_types = pb->n_sample_type;
    for (size_t i = 0; i < pb->n_sample_type; i++)
        if (conv_value_type(c, pb->sample_type[i], &p->sample_types[i], "sample type") < 0)
            return -1;
    p->default_sample_index = p->n_sample_types - 1;
    if (pb->default_sample_type) {
        char *dflt = NULL;
        if (str_at(c, pb->default_sample_type, &dflt, "default_sample_type") < 0)
            return -1;
        int ix = hl_profile_sample_index(p, dflt);
        hl_pfree(dflt);
        if (ix >= 0)
            p->default_sample_index = (size_t)ix;
    }
    if (conv_value_type(c, pb->period_type, &p->period_type, "period type") < 0)
        return -1;
    p->period = pb->period;
    p->time_nanos = pb->time_nanos;
    p->duration_nanos = pb->duration_nanos;
    return 0;
}

static int conv_mappings(struct hl_conv *c, conv_maps *m)
{
    const PbProfile *pb = c->pb;
    hl_profile *p = c->p;
    char what[64];
    p->mappings = hl_pcalloc(pb->n_mapping, sizeof *p->mappings);
    if (!p->mappings)
        OOM();
    p->n_mappings = pb->n_mapping;
    for (size_t i = 0; i < pb->n_mapping; i++) {
        const Perftools__Profiles__Mapping *pm = pb->mapping[i];
        hl_prof_mapping *o = &p->mappings[i];
        o->id = m->ids[i] = pm->id;
        o->memory_start = pm->memory_start;
        o->memory_limit = pm->memory_limit;
        o->file_offset = pm->file_offset;
        snprintf(what, sizeof what, "mapping %llu", (unsigned long long)pm->id);
        if (str_at(c, pm->filename, &o->filename, what) < 0 ||
            str_at(c, pm->build_id, &o->build_id, what) < 0)
            return -1;
        o->has_functions = pm->has_functions;
        o->has_filenames = pm->has_filenames;
        o->has_line_numbers = pm->has_line_numbers;
        o->has_inline_frames = pm->has_inline_frames;
    }
    return hl_id_map_build(&m->mappings, m->ids, sizeof *m->ids, pb->n_mapping, "mapping", c->name,
                           c->err, c->errlen);
}

static int conv_functions(struct hl_conv *c, conv_maps *m)
{
    const PbProfile *pb = c->pb;
    hl_profile *p = c->p;
    char what[64];
    p->functions = hl_pcalloc(pb->n_function, sizeof *p->functions);
    if (!p->functions)
        OOM();
    p->n_functions = pb->n_function;
    for (size_t i = 0; i < pb->n_function; i++) {
        const Perftools__Profiles__Function *f = pb->function[i];
        hl_prof_function *o = &p->functions[i];
        o->id = m->ids[i] = f->id;
        snprintf(what, sizeof what, "function %llu", (unsigned long long)f->id);
        if (str_at(c, f->name, &o->name, what) < 0 ||
            str_at(c, f->system_name, &o->system_name, what) < 0 ||
            str_at(c, f->filename, &o->filename, what) < 0)
            return -1;
        o->start_line = f->start_line;
    }
    return hl_id_map_build(&m->functions, m->ids, sizeof *m->ids, pb->n_function, "function",
                           c->name, c->err, c->errlen);
}

static int conv_location(struct hl_conv *c, conv_maps *m, const Perftools__Profiles__Location *l,
                         hl_prof_location *o)
{
    hl_profile *p = c->p;
    o->id = l->id;
    o->address = l->address;
    if (l->mapping_id) {
        size_t mi = hl_id_map_find(&m->mappings, l->mapping_id);
        if (mi == (size_t)-1) {
            hl_read_err(c->err, c->errlen, c->name, "location %llu refers to missing mapping %llu",
                        (unsigned long long)l->id, (unsigned long long)l->mapping_id);
            return -1;
        }
        o->mapping = &p->mappings[mi];
    }
    if (l->n_line && !(o->lines = hl_arena_alloc(&c->bulk, l->n_line * sizeof *o->lines)))
        OOM();
    o->n_lines = l->n_line;
    for (size_t j = 0; j < l->n_line; j++) {
        size_t fi = hl_id_map_find(&m->functions, l->line[j]->function_id);
        if (fi == (size_t)-1) {
            hl_read_err(c->err, c->errlen, c->name,
                        "location %llu line %zu refers to missing function %llu",
                        (unsigned long long)l->id, j, (unsigned long long)l->line[j]->function_id);
            return -1;
        }
        o->lines[j].function = &p->functions[fi];
        o->lines[j].line = l->line[j]->line;
    }
    return 0;
}

static int conv_locations(struct hl_conv *c, conv_maps *m)
{
    const PbProfile *pb = c->pb;
    hl_profile *p = c->p;
    p->locations = hl_pcalloc_huge(pb->n_location, sizeof *p->locations);
    if (!p->locations)
        OOM();
    p->n_locations = pb->n_location;
    for (size_t i = 0; i < pb->n_location; i++) {
        m->ids[i] = pb->location[i]->id;
        if (conv_location(c, m, pb->location[i], &p->locations[i]) < 0)
            return -1;
    }
    return hl_id_map_build(&m->locations, m->ids, sizeof *m->ids, pb->n_location, "location",
                           c->name, c->err, c->errlen);
}

static int conv_labels(struct hl_conv *c, const Perftools__Profiles__Sample *s, size_t i,
                       hl_prof_sample *o)
{
    char what[64];
    if (s->n_label && !(o->labels = hl_pcalloc(s->n_label, sizeof *o->labels)))
        OOM();
    o->n_labels = s->n_label;
    for (size_t j = 0; j < s->n_label; j++) {
        const Perftools__Profiles__Label *lb = s->label[j];
        hl_prof_label *ol = &o->labels[j];
        snprintf(what, sizeof what, "sample %zu label", i);
        if (str_at(c, lb->key, &ol->key, what) < 0)
            return -1;
        if (lb->str && str_at(c, lb->str, &ol->str, what) < 0)
            return -1;
        ol->num = lb->num;
        if (lb->num_unit && str_at(c, lb->num_unit, &ol->num_unit, what) < 0)
            return -1;
    }
    return 0;
}

/* Sample i, unpacked from [val, val+vlen) into the scratch allocator. */
static int conv_sample(struct hl_conv *c, conv_maps *m, ProtobufCAllocator *sa, const pb_field *fl,
                       size_t i)
{
    hl_profile *p = c->p;
    const PbProfile *pb = c->pb;
    Perftools__Profiles__Sample *s = perftools__profiles__sample__unpack(sa, fl->vlen, fl->val);
    if (!s) {
        hl_read_err(c->err, c->errlen, c->name,
                    "sample %zu is malformed (or out of memory); not a pprof profile", i);
        return -1;
    }
    hl_prof_sample *o = &p->samples[i];
    memset(o, 0, sizeof *o); /* initialized one by one: no pass over all */
    p->n_samples = i + 1;
    if (s->n_value != pb->n_sample_type) {
        hl_read_err(c->err, c->errlen, c->name, "sample %zu has %zu values for %zu sample types", i,
                    s->n_value, pb->n_sample_type);
        return -1;
    }
    o->values = hl_arena_alloc(&c->bulk, s->n_value * sizeof *o->values);
    if (!o->values)
        OOM();
    memcpy(o->values, s->value, s->n_value * sizeof *o->values);
    if (s->n_location_id &&
        !(o->locs = hl_arena_alloc(&c->bulk, s->n_location_id * sizeof *o->locs)))
        OOM();
    o->n_locs = s->n_location_id;
    for (size_t j = 0; j < s->n_location_id; j++) {
        size_t li = hl_id_map_find(&m->locations, s->location_id[j]);
        if (li == (size_t)-1) {
            hl_read_err(c->err, c->errlen, c->name, "sample %zu refers to missing location %llu", i,
                        (unsigned long long)s->location_id[j]);
            return -1;
        }
        o->locs[j] = &p->locations[li];
    }
    return conv_labels(c, s, i, o);
}

/* Samples, one at a time from the encoded profile: each is unpacked into a
 * small scratch arena reused for the next, so the unpacked form of a million
 * samples never exists at once; their values and location pointers go to
 * the profile's bulk storage. */
static int conv_samples(struct hl_conv *c, conv_maps *m)
{
    hl_profile *p = c->p;
    p->samples = hl_pmalloc(c->n_samples * sizeof *p->samples); /* < plain_len */
    if (!p->samples)
        OOM();
    hl_phuge(p->samples, c->n_samples * sizeof *p->samples);
    hl_arena scratch;
    hl_arena_init(&scratch, 0);
    ProtobufCAllocator sa = hl_arena_pb_allocator(&scratch);
    size_t pos = 0, i = 0;
    pb_field fl;
    int rc = 0;
    while (rc == 0 && i < c->n_samples && hl_pb_next_field(c->bytes, c->len, &pos, &fl) > 0) {
        if (fl.number != PB_SAMPLE_FIELD || fl.wire != 2)
            continue;
        hl_arena_reset(&scratch);
        rc = conv_sample(c, m, &sa, &fl, i++);
    }
    hl_arena_release(&scratch);
    return rc;
}

static int conv_comments(struct hl_conv *c)
{
    const PbProfile *pb = c->pb;
    hl_profile *p = c->p;
    if (pb->n_comment && !(p->comments = hl_pcalloc(pb->n_comment, sizeof *p->comments)))
        OOM();
    p->n_comments = pb->n_comment;
    for (size_t i = 0; i < pb->n_comment; i++)
        if (str_at(c, pb->comment[i], &p->comments[i], "comment") < 0)
            return -1;
    return 0;
}

int hl_convert(struct hl_conv *c)
{
    const PbProfile *pb = c->pb;
    conv_maps m = {0};
    int rc = -1;
    if (conv_header(c) < 0)
        return -1;
    m.ids = hl_pcalloc(pb->n_mapping + pb->n_function + pb->n_location + 1, sizeof *m.ids);
    if (!m.ids)
        hl_read_err(c->err, c->errlen, c->name, "out of memory");
    else if (conv_mappings(c, &m) == 0 && conv_functions(c, &m) == 0 &&
             conv_locations(c, &m) == 0 && conv_samples(c, &m) == 0 && conv_comments(c) == 0)
        rc = 0;
    hl_pfree(m.ids);
    hl_pfree(m.mappings.pairs);
    hl_pfree(m.functions.pairs);
    hl_pfree(m.locations.pairs);
    return rc;
}
