/* encode.c - the model as pprof protobuf, streamed: each mapping, function,
 * location and sample is packed by protobuf-c from one message on the stack
 * straight into the output, so nothing the size of the profile is built
 * besides the output itself. Strings are interned as they are met and the
 * string table goes last (protobuf fields may come in any order). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "internal.h"

enum {
    F_SAMPLE_TYPE = 1,
    F_SAMPLE = 2,
    F_MAPPING = 3,
    F_LOCATION = 4,
    F_FUNCTION = 5,
    F_STRING_TABLE = 6,
    F_TIME_NANOS = 9,
    F_DURATION_NANOS = 10,
    F_PERIOD_TYPE = 11,
    F_PERIOD = 12,
    F_COMMENT = 13,
    F_DEFAULT_SAMPLE_TYPE = 14,
};

typedef struct {
    uint8_t *b; /* libc malloc: the caller frees the result with free */
    size_t n, cap;
    hl_hashmap strings; /* text -> index */
    const char **strs;  /* borrowed from the model */
    size_t n_strs, cap_strs;
    uint64_t *scratch; /* location ids, line messages: reused per element */
    size_t cap_scratch;
    Perftools__Profiles__Label *labels; /* a sample's labels: reused per sample */
    Perftools__Profiles__Label **label_ptrs;
    size_t cap_labels, cap_label_ptrs;
    bool failed, invalid;
} encoder;

static bool room(encoder *e, size_t more)
{
    if (e->failed)
        return false;
    if (e->n + more < e->n || hl_grow_to((void **)&e->b, &e->cap, e->n + more, 1, NULL) < 0) {
        e->failed = true;
        return false;
    }
    return true;
}

static void put_varint(encoder *e, uint64_t v)
{
    if (!room(e, 10))
        return;
    while (v >= 0x80) {
        e->b[e->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    e->b[e->n++] = (uint8_t)v;
}

static void put_int(encoder *e, unsigned field, int64_t v)
{
    if (!v)
        return;
    put_varint(e, (uint64_t)field << 3);
    put_varint(e, (uint64_t)v);
}

static void put_bytes(encoder *e, unsigned field, const void *data, size_t len)
{
    put_varint(e, (uint64_t)field << 3 | 2);
    put_varint(e, len);
    if (len && room(e, len)) {
        memcpy(e->b + e->n, data, len);
        e->n += len;
    }
}

/* Packs a protobuf-c message as field number `field` of the profile. */
static void put_msg(encoder *e, unsigned field, const ProtobufCMessage *m)
{
    size_t len = protobuf_c_message_get_packed_size(m);
    put_varint(e, (uint64_t)field << 3 | 2);
    put_varint(e, len);
    if (room(e, len))
        e->n += protobuf_c_message_pack(m, e->b + e->n);
}

static int64_t str(encoder *e, const char *s)
{
    if (!s)
        s = "";
    size_t v = e->n_strs;
    int rc = hl_hashmap_get_or_put(&e->strings, s, strlen(s), &v);
    if (rc == 0 && HL_GROW_WITH(e->strs, e->n_strs, e->cap_strs, &hl_profile_allocator) == 0)
        e->strs[e->n_strs++] = s;
    else if (rc != 1)
        e->failed = true;
    return (int64_t)v;
}

static uint64_t *scratch(encoder *e, size_t n)
{
    if (hl_grow_to((void **)&e->scratch, &e->cap_scratch, n ? n : 1, sizeof *e->scratch,
                   &hl_profile_allocator) < 0) {
        e->failed = true;
        return NULL;
    }
    return e->scratch;
}

static void value_type(encoder *e, unsigned field, const hl_prof_value_type *vt)
{
    Perftools__Profiles__ValueType m = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
    m.type = str(e, vt->type);
    m.unit = str(e, vt->unit);
    put_msg(e, field, &m.base);
}

static void mappings(encoder *e, const hl_profile *p)
{
    for (size_t i = 0; i < p->n_mappings; i++) {
        const hl_prof_mapping *pm = &p->mappings[i];
        Perftools__Profiles__Mapping m = PERFTOOLS__PROFILES__MAPPING__INIT;
        m.id = i + 1;
        m.memory_start = pm->memory_start;
        m.memory_limit = pm->memory_limit;
        m.file_offset = pm->file_offset;
        m.filename = str(e, pm->filename);
        m.build_id = str(e, pm->build_id);
        m.has_functions = pm->has_functions;
        m.has_filenames = pm->has_filenames;
        m.has_line_numbers = pm->has_line_numbers;
        m.has_inline_frames = pm->has_inline_frames;
        put_msg(e, F_MAPPING, &m.base);
    }
}

static void functions(encoder *e, const hl_profile *p)
{
    for (size_t i = 0; i < p->n_functions; i++) {
        const hl_prof_function *pf = &p->functions[i];
        Perftools__Profiles__Function m = PERFTOOLS__PROFILES__FUNCTION__INIT;
        m.id = i + 1;
        m.name = str(e, pf->name);
        m.system_name = str(e, pf->system_name && *pf->system_name ? pf->system_name : pf->name);
        m.filename = str(e, pf->filename);
        m.start_line = pf->start_line;
        put_msg(e, F_FUNCTION, &m.base);
    }
}

/* A location's lines as messages in the scratch space: n line structs,
 * then n pointers to them. */
static Perftools__Profiles__Line **lines_of(encoder *e, const hl_profile *p,
                                            const hl_prof_location *l)
{
    size_t words = (sizeof(Perftools__Profiles__Line) + 7) / 8 + 1;
    uint64_t *w = scratch(e, l->n_lines * words);
    if (!w)
        return NULL;
    Perftools__Profiles__Line *ln = (Perftools__Profiles__Line *)w;
    Perftools__Profiles__Line **lp = (Perftools__Profiles__Line **)(ln + l->n_lines);
    for (size_t j = 0; j < l->n_lines; j++) {
        const hl_prof_function *f = l->lines[j].function;
        if (!f || f < p->functions || (size_t)(f - p->functions) >= p->n_functions) {
            e->invalid = true;
            return NULL;
        }
        perftools__profiles__line__init(&ln[j]);
        ln[j].function_id = (uint64_t)(f - p->functions) + 1;
        ln[j].line = l->lines[j].line;
        lp[j] = &ln[j];
    }
    return lp;
}

static void locations(encoder *e, const hl_profile *p)
{
    for (size_t i = 0; i < p->n_locations && !e->failed && !e->invalid; i++) {
        const hl_prof_location *l = &p->locations[i];
        Perftools__Profiles__Location m = PERFTOOLS__PROFILES__LOCATION__INIT;
        m.id = i + 1;
        m.address = l->address;
        if (l->mapping) {
            if (l->mapping < p->mappings || (size_t)(l->mapping - p->mappings) >= p->n_mappings) {
                e->invalid = true;
                return;
            }
            m.mapping_id = (uint64_t)(l->mapping - p->mappings) + 1;
        }
        if (l->n_lines && !(m.line = lines_of(e, p, l)))
            return;
        m.n_line = l->n_lines;
        put_msg(e, F_LOCATION, &m.base);
    }
}

static void sample(encoder *e, const hl_profile *p, const hl_prof_sample *s)
{
    uint64_t *ids = scratch(e, s->n_locs);
    if (!ids)
        return;
    if (hl_grow_to((void **)&e->labels, &e->cap_labels, s->n_labels, sizeof *e->labels,
                   &hl_profile_allocator) < 0 ||
        hl_grow_to((void **)&e->label_ptrs, &e->cap_label_ptrs, s->n_labels, sizeof *e->label_ptrs,
                   &hl_profile_allocator) < 0) {
        e->failed = true;
        return;
    }
    Perftools__Profiles__Label *lb = e->labels, **lbp = e->label_ptrs;
    for (size_t j = 0; j < s->n_locs; j++) {
        if (s->locs[j] < p->locations || (size_t)(s->locs[j] - p->locations) >= p->n_locations) {
            e->invalid = true;
            return;
        }
        ids[j] = (uint64_t)(s->locs[j] - p->locations) + 1;
    }
    for (size_t j = 0; j < s->n_labels; j++) {
        perftools__profiles__label__init(&lb[j]);
        lb[j].key = str(e, s->labels[j].key);
        if (s->labels[j].str) {
            lb[j].str = str(e, s->labels[j].str);
        } else {
            lb[j].num = s->labels[j].num;
            if (s->labels[j].num_unit)
                lb[j].num_unit = str(e, s->labels[j].num_unit);
        }
        lbp[j] = &lb[j];
    }
    Perftools__Profiles__Sample m = PERFTOOLS__PROFILES__SAMPLE__INIT;
    m.location_id = ids;
    m.n_location_id = s->n_locs;
    m.value = s->values;
    m.n_value = p->n_sample_types;
    m.label = lbp;
    m.n_label = s->n_labels;
    put_msg(e, F_SAMPLE, &m.base);
}

static void header(encoder *e, const hl_profile *p)
{
    for (size_t i = 0; i < p->n_sample_types; i++)
        value_type(e, F_SAMPLE_TYPE, &p->sample_types[i]);
    if (p->n_sample_types && p->default_sample_index < p->n_sample_types &&
        p->default_sample_index != p->n_sample_types - 1)
        put_int(e, F_DEFAULT_SAMPLE_TYPE, str(e, p->sample_types[p->default_sample_index].type));
    value_type(e, F_PERIOD_TYPE, &p->period_type);
    put_int(e, F_PERIOD, p->period);
    put_int(e, F_TIME_NANOS, p->time_nanos);
    put_int(e, F_DURATION_NANOS, p->duration_nanos);
    for (size_t i = 0; i < p->n_comments; i++) {
        /* Unpacked repeated int64: one key each (protobuf readers take both). */
        put_varint(e, (uint64_t)F_COMMENT << 3);
        put_varint(e, (uint64_t)str(e, p->comments[i]));
    }
}

int hl_profile_encode_plain(const hl_profile *p, uint8_t **out, size_t *out_len)
{
    encoder e = {.strings = HL_PMAP_INIT};
    str(&e, ""); /* string 0 is "" */
    header(&e, p);
    mappings(&e, p);
    functions(&e, p);
    locations(&e, p);
    for (size_t i = 0; i < p->n_samples && !e.failed && !e.invalid; i++)
        sample(&e, p, &p->samples[i]);
    for (size_t i = 0; i < e.n_strs; i++)
        put_bytes(&e, F_STRING_TABLE, e.strs[i], strlen(e.strs[i]));
    room(&e, 1); /* an empty profile still gets a buffer */
    hl_hashmap_free(&e.strings);
    hl_pfree(e.strs);
    hl_pfree(e.scratch);
    hl_pfree(e.labels);
    hl_pfree(e.label_ptrs);
    if (e.failed || e.invalid) {
        free(e.b);
        errno = e.invalid ? EINVAL : ENOMEM;
        return -1;
    }
    *out = e.b;
    *out_len = e.n;
    return 0;
}
