/* read.c - reads pprof profiles (gzip or plain protobuf) from any producer
 * into the model, validating every id and string index. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"

/* The memory one profile read may take (see hl_profile_set_max_memory). */
static size_t g_max_memory = HL_PROFILE_DEFAULT_MAX_MEMORY;

void hl_profile_set_max_memory(size_t bytes)
{
    g_max_memory = bytes ? bytes : HL_PROFILE_DEFAULT_MAX_MEMORY;
}

size_t hl_profile_max_memory(void)
{
    return g_max_memory;
}

/* "512K", "3.2M", "2G": n bytes in the units --max-profile-memory takes. */
static const char *fmt_size(size_t n, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    if (n < 1024) {
        snprintf(buf, len, "%zu bytes", n);
        return buf;
    }
    double v = (double)n / 1024;
    int u = 0;
    while (v >= 1024 && u < 3)
        v /= 1024, u++;
    if (v == (double)(size_t)v)
        snprintf(buf, len, "%zu%c", (size_t)v, units[u]);
    else if (n < ((size_t)10 << 20))
        snprintf(buf, len, "%zu bytes", n);
    else
        snprintf(buf, len, "%.1f%c", v, units[u]);
    return buf;
}

int hl_profile_parse_size(const char *s, size_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        break;
    case 'm':
    case 'M':
        shift = 20;
        break;
    case 'g':
    case 'G':
        shift = 30;
        break;
    case 't':
    case 'T':
        shift = 40;
        break;
    }
    if (shift) {
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
    } else if (*end == 'B' || *end == 'b') {
        end++;
    }
    if (*end || v == 0 || v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)v << shift;
    return 0;
}

typedef Perftools__Profiles__Profile PbProfile;

static void set_err(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    int n = snprintf(err, errlen, "%s: ", name);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The message for a read over the memory limit: what it reached, the limit,
 * and the option that raises it. */
static void set_budget_err(char *err, size_t errlen, const char *name, const char *what,
                           size_t reached)
{
    char a[32], b[32];
    set_err(err, errlen, name,
            "%s would take at least %s of memory, over the limit of %s; if the profile is "
            "genuine, raise the limit with --max-profile-memory SIZE",
            what, fmt_size(reached, a, sizeof a), fmt_size(g_max_memory, b, sizeof b));
}

static void *z_alloc(void *opaque, unsigned items, unsigned size)
{
    (void)opaque;
    return hl_pcalloc(items, size);
}

static void z_free(void *opaque, void *p)
{
    (void)opaque;
    hl_pfree(p);
}

/* The decompressed size a gzip stream announces in its trailer, plus one byte
 * so that the end of the stream is seen without growing; a guess from the
 * compressed size when the hint is implausible (deflate expands at most
 * 1032:1; ISIZE wraps at 4 GiB; a multi-member file has only the last
 * member's). Never more than lim. */
static size_t gzip_size_hint(const unsigned char *in, size_t len, size_t lim)
{
    size_t guess = len * 4 + 4096;
    if (guess > lim)
        guess = lim;
    if (len < 18)
        return guess;
    const unsigned char *t = in + len - 4;
    size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    if (isize == 0 || isize >= lim || isize / 1032 > len)
        return guess;
    return isize + 1;
}

/* True when [p, p+n) is all zero bytes (the padding some writers leave after
 * the last gzip member, which gzip itself ignores). */
static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Inflates a gzip stream into a new buffer: every member of a multi-member
 * file (concatenated gzip streams, as `cat a.gz b.gz` or appending writers
 * make), one after another, as gzip -d does. More than the memory limit of
 * output is refused. Returns 0, or -1 with err set. */
static int gunzip(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
                  const char *name, char *err, size_t errlen)
{
    const size_t lim = g_max_memory;
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = z_alloc;
    z.zfree = z_free;
    if (inflateInit2(&z, 15 + 32) != Z_OK) {
        set_err(err, errlen, name, "cannot start gzip decompression (out of memory)");
        return -1;
    }
    /* One output buffer sized from the gzip trailer's ISIZE (the length
     * modulo 2^32 of the last member), grown if that hint is short. */
    size_t cap = gzip_size_hint(in, len, lim), n = 0, members = 1;
    unsigned char *buf = hl_pmalloc(cap);
    if (!buf) {
        set_err(err, errlen, name, "out of memory");
        goto err;
    }
    hl_phuge(buf, cap);
    z.next_in = (unsigned char *)in;
    size_t left = len;
    int rc = Z_OK;
    for (;;) {
        if (n == cap) {
            if (cap >= lim) {
                set_budget_err(err, errlen, name, "decompressing the profile", cap + 1);
                goto err;
            }
            size_t ncap = cap < lim / 2 ? cap * 2 : lim;
            unsigned char *nb = hl_prealloc(buf, ncap);
            if (!nb) {
                set_err(err, errlen, name, "out of memory");
                goto err;
            }
            buf = nb;
            cap = ncap;
        }
        unsigned chunk_in = left > (1u << 30) ? (1u << 30) : (unsigned)left;
        size_t room = cap - n;
        unsigned chunk_out = room > (1u << 30) ? (1u << 30) : (unsigned)room;
        z.avail_in = chunk_in;
        z.next_out = buf + n;
        z.avail_out = chunk_out;
        rc = inflate(&z, Z_NO_FLUSH);
        left -= chunk_in - z.avail_in;
        n += chunk_out - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (left == 0 || all_zero(z.next_in, left))
                break;
            if (left < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b) {
                set_err(err, errlen, name,
                        "%zu bytes of data that are not gzip after gzip member %zu; a "
                        "profile file holds gzip members only",
                        left, members);
                goto err;
            }
            /* Another member follows: its output is appended. */
            if (inflateReset(&z) != Z_OK) {
                set_err(err, errlen, name, "cannot restart gzip decompression");
                goto err;
            }
            members++;
            continue;
        }
        if (rc == Z_MEM_ERROR) {
            set_err(err, errlen, name, "out of memory");
            goto err;
        }
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
            set_err(err, errlen, name, "corrupt gzip stream (%s)", z.msg ? z.msg : "bad data");
            goto err;
        }
        if (left == 0 && z.avail_out > 0) {
            set_err(err, errlen, name, "truncated gzip stream");
            goto err;
        }
    }
    inflateEnd(&z);
    *out = buf;
    *out_len = n;
    return 0;
err:
    inflateEnd(&z);
    hl_pfree(buf);
    return -1;
}

/* hl_pcalloc for big arrays: huge pages asked for before the zeroing. */
static void *hl_pcalloc_huge(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = hl_pmalloc(n * size);
    if (p) {
        hl_phuge(p, n * size);
        memset(p, 0, n * size);
    }
    return p;
}

/* Maps ids to array indices: direct when ids are 1..n in order, else sorted. */
typedef struct {
    uint64_t id;
    size_t idx;
} id_pair;

typedef struct {
    bool dense;
    id_pair *pairs;
    size_t n;
} id_map;

static int cmp_pair(const void *a, const void *b)
{
    const id_pair *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Returns 0, or -1 (with err) on id 0, a duplicate id, or ENOMEM. */
static int id_map_build(id_map *m, const uint64_t *ids, size_t stride, size_t n, const char *what,
                        const char *name, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->dense = true;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = *(const uint64_t *)((const char *)ids + i * stride);
        if (id != i + 1)
            m->dense = false;
    }
    if (m->dense)
        return 0;
    m->pairs = hl_pcalloc(n, sizeof *m->pairs);
    if (!m->pairs) {
        set_err(err, errlen, name, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        m->pairs[i].id = *(const uint64_t *)((const char *)ids + i * stride);
        m->pairs[i].idx = i;
        if (!m->pairs[i].id) {
            set_err(err, errlen, name, "%s %zu has id 0 (ids must be non-zero)", what, i);
            return -1;
        }
    }
    if (n > 1)
        qsort(m->pairs, n, sizeof *m->pairs, cmp_pair);
    for (size_t i = 1; i < n; i++)
        if (m->pairs[i].id == m->pairs[i - 1].id) {
            set_err(err, errlen, name, "duplicate %s id %llu", what,
                    (unsigned long long)m->pairs[i].id);
            return -1;
        }
    return 0;
}

/* Index of id, or (size_t)-1 when absent. */
static size_t id_map_find(const id_map *m, uint64_t id)
{
    if (m->dense)
        return id >= 1 && id <= m->n ? (size_t)(id - 1) : (size_t)-1;
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->pairs[mid].id == id)
            return m->pairs[mid].idx;
        if (m->pairs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

struct conv {
    const PbProfile *pb;        /* every field but the samples */
    const unsigned char *bytes; /* the whole encoded profile, for the samples */
    size_t len, n_samples;
    hl_profile *p;
    const char *name;
    char *err;
    size_t errlen;
    hl_arena bulk; /* becomes p->bulk */
    size_t used;   /* memory the read takes so far: the estimate, then each string */
};

/* One top-level protobuf field: [start, end) with its tag; [val, val+vlen)
 * the payload of a length-delimited field. */
typedef struct {
    uint64_t number;
    unsigned wire;
    size_t start, end;
    const unsigned char *val;
    size_t vlen;
} pb_field;

static int get_varint(const unsigned char *b, size_t len, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64 && *pos < len; shift += 7) {
        unsigned char c = b[(*pos)++];
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* Reads the field at *pos. Returns 1 with f set, 0 at the end, -1 when the
 * bytes are not a protobuf message (protobuf-c checks each field's content). */
static int next_field(const unsigned char *b, size_t len, size_t *pos, pb_field *f)
{
    if (*pos >= len)
        return 0;
    uint64_t tag, n;
    f->start = *pos;
    if (get_varint(b, len, pos, &tag) < 0 || tag >> 3 == 0)
        return -1;
    f->number = tag >> 3;
    f->wire = tag & 7;
    f->val = NULL;
    f->vlen = 0;
    switch (f->wire) {
    case 0:
        if (get_varint(b, len, pos, &n) < 0)
            return -1;
        break;
    case 1:
    case 5:
        n = f->wire == 1 ? 8 : 4;
        if (len - *pos < n)
            return -1;
        *pos += n;
        break;
    case 2:
        if (get_varint(b, len, pos, &n) < 0 || n > len - *pos)
            return -1;
        f->val = b + *pos;
        f->vlen = (size_t)n;
        *pos += (size_t)n;
        break;
    default: /* groups are not used by profile.proto */
        return -1;
    }
    f->end = *pos;
    return 1;
}

#define PB_SAMPLE_FIELD 2 /* Profile.sample */

/* n rounded up to the arena's alignment. */
static size_t al16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* What the C library's malloc takes for a block of n bytes (header, rounding,
 * a 32-byte minimum). */
static size_t mcost(size_t n)
{
    n = al16(n + 8);
    return n < 32 ? 32 : n;
}

/* The values a repeated scalar field carries: the varints of a packed one, 1
 * for an unpacked one. */
static size_t n_values(const pb_field *f)
{
    if (f->wire != 2)
        return 1;
    size_t k = 0;
    for (size_t i = 0; i < f->vlen; i++)
        k += !(f->val[i] & 0x80);
    return k;
}

/* Counts the fields of a message payload: all of them in *n_fields, the
 * values of fields 1..7 in by[1..7] (packed ones value by value). A malformed
 * payload gets the most its length allows (protobuf-c refuses it later). */
static void scan_msg(const unsigned char *b, size_t len, size_t *n_fields, size_t by[8])
{
    size_t pos = 0, n = 0;
    pb_field f;
    int rc;
    memset(by, 0, 8 * sizeof *by);
    while ((rc = next_field(b, len, &pos, &f)) > 0) {
        n++;
        if (f.number < 8)
            by[f.number] += n_values(&f);
    }
    if (rc < 0) {
        n = len / 2 + 1;
        for (int i = 0; i < 8; i++)
            by[i] = len;
    }
    *n_fields = n;
}

/* What protobuf-c's unpacking of a message of this many fields takes besides
 * the message itself: its record of every field when there are more than 16
 * (slabs that double), and any unknown fields it keeps. A bound. */
static size_t pb_scan_cost(size_t n_fields, size_t payload)
{
    return (n_fields > 16 ? 64 * n_fields : 0) + 40 * n_fields + payload;
}

/* Copies every top-level field but the samples to rest (len bytes), counts
 * the samples, and estimates the memory reading the profile takes: the two
 * buffers, protobuf-c's unpacked form of rest, one sample unpacked at a time,
 * and the model (all but its strings, counted as they are copied). Returns 0,
 * or -1 when the bytes are not a protobuf message. */
static int split_samples(const unsigned char *b, size_t len, unsigned char *rest, size_t *rest_len,
                         size_t *n_samples, size_t *cost)
{
    size_t pos = 0, n = 0, rn = 0, top = 0, by[8], nf, max_sample = 0;
    size_t c = 2 * len + sizeof(PbProfile) + sizeof(hl_profile);
    pb_field f;
    int rc;
    while ((rc = next_field(b, len, &pos, &f)) > 0) {
        switch (f.number) {
        case PB_SAMPLE_FIELD:
            if (f.wire != 2)
                break;
            n++;
            scan_msg(f.val, f.vlen, &nf, by);
            /* by[1]: location ids, by[2]: values, by[3]: labels */
            c += sizeof(hl_prof_sample) + al16(8 * by[1]) + al16(8 * by[2]) +
                 (by[3] ? mcost(by[3] * sizeof(hl_prof_label)) : 0);
            size_t sc = al16(sizeof(Perftools__Profiles__Sample)) + al16(8 * by[1]) +
                        al16(8 * by[2]) + by[3] * (8 + al16(sizeof(Perftools__Profiles__Label))) +
                        pb_scan_cost(nf, f.vlen);
            if (sc > max_sample)
                max_sample = sc;
            continue;
        case 1: /* sample_type */
            c += 8 + al16(sizeof(Perftools__Profiles__ValueType)) + pb_scan_cost(2, f.vlen) +
                 sizeof(hl_prof_value_type);
            break;
        case 3: /* mapping */
            scan_msg(f.val, f.vlen, &nf, by);
            c += 8 + al16(sizeof(Perftools__Profiles__Mapping)) + pb_scan_cost(nf, f.vlen) +
                 sizeof(hl_prof_mapping) + 24;
            break;
        case 4: /* location; by[4]: lines */
            scan_msg(f.val, f.vlen, &nf, by);
            c += 8 + al16(sizeof(Perftools__Profiles__Location)) + pb_scan_cost(nf, f.vlen) +
                 by[4] * (8 + al16(sizeof(Perftools__Profiles__Line)) + 40) +
                 sizeof(hl_prof_location) + 24 + al16(by[4] * sizeof(hl_prof_line));
            break;
        case 5: /* function */
            scan_msg(f.val, f.vlen, &nf, by);
            c += 8 + al16(sizeof(Perftools__Profiles__Function)) + pb_scan_cost(nf, f.vlen) +
                 sizeof(hl_prof_function) + 24;
            break;
        case 6: /* string_table */
            c += 8 + al16(f.vlen + 1);
            break;
        case 13: /* comment */
            c += 16 * n_values(&f);
            break;
        default:
            c += 40 + f.vlen;
            break;
        }
        top++;
        memcpy(rest + rn, b + f.start, f.end - f.start);
        rn += f.end - f.start;
    }
    *rest_len = rn;
    *n_samples = n;
    *cost = c + 64 * top + max_sample;
    return rc;
}

/* Copies string_table[idx] into *out; -1 with err on a bad index or ENOMEM. */
static int str_at(struct conv *c, int64_t idx, char **out, const char *what)
{
    if (idx < 0 || (uint64_t)idx >= c->pb->n_string_table) {
        set_err(c->err, c->errlen, c->name,
                "%s refers to string %lld, but the string table has %zu entries", what,
                (long long)idx, c->pb->n_string_table);
        return -1;
    }
    const char *str = c->pb->string_table[idx];
    c->used += mcost(strlen(str) + 1);
    if (c->used > g_max_memory) {
        set_budget_err(c->err, c->errlen, c->name, "decoding the profile", c->used);
        return -1;
    }
    *out = hl_pstrdup(str);
    if (!*out) {
        set_err(c->err, c->errlen, c->name, "out of memory");
        return -1;
    }
    return 0;
}

static int conv_value_type(struct conv *c, const Perftools__Profiles__ValueType *vt,
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
        set_err(c->err, c->errlen, c->name, "out of memory");                                      \
        goto err;                                                                                  \
    } while (0)

static int convert(struct conv *c)
{
    const PbProfile *pb = c->pb;
    hl_profile *p = c->p;
    id_map mmap = {0}, fmap = {0}, lmap = {0};
    uint64_t *ids = NULL;
    hl_arena scratch = {0};
    char what[64];

    if (pb->n_string_table == 0 || pb->string_table[0][0] != '\0') {
        set_err(c->err, c->errlen, c->name,
                "not a pprof profile (the string table must start with \"\")");
        return -1;
    }
    if (pb->n_sample_type == 0) {
        set_err(c->err, c->errlen, c->name, "not a pprof profile (no sample types)");
        return -1;
    }
    p->sample_types = hl_pcalloc(pb->n_sample_type, sizeof *p->sample_types);
    if (!p->sample_types)
        OOM();
    p->n_sample_types = pb->n_sample_type;
    for (size_t i = 0; i < pb->n_sample_type; i++)
        if (conv_value_type(c, pb->sample_type[i], &p->sample_types[i], "sample type") < 0)
            goto err;
    p->default_sample_index = p->n_sample_types - 1;
    if (pb->default_sample_type) {
        char *dflt = NULL;
        if (str_at(c, pb->default_sample_type, &dflt, "default_sample_type") < 0)
            goto err;
        int ix = hl_profile_sample_index(p, dflt);
        hl_pfree(dflt);
        if (ix >= 0)
            p->default_sample_index = (size_t)ix;
    }
    if (conv_value_type(c, pb->period_type, &p->period_type, "period type") < 0)
        goto err;
    p->period = pb->period;
    p->time_nanos = pb->time_nanos;
    p->duration_nanos = pb->duration_nanos;

    /* Mappings. */
    p->mappings = hl_pcalloc(pb->n_mapping, sizeof *p->mappings);
    ids = hl_pcalloc(pb->n_mapping + pb->n_function + pb->n_location + 1, sizeof *ids);
    if (!p->mappings || !ids)
        OOM();
    p->n_mappings = pb->n_mapping;
    for (size_t i = 0; i < pb->n_mapping; i++) {
        const Perftools__Profiles__Mapping *m = pb->mapping[i];
        hl_prof_mapping *o = &p->mappings[i];
        o->id = ids[i] = m->id;
        o->memory_start = m->memory_start;
        o->memory_limit = m->memory_limit;
        o->file_offset = m->file_offset;
        snprintf(what, sizeof what, "mapping %llu", (unsigned long long)m->id);
        if (str_at(c, m->filename, &o->filename, what) < 0 ||
            str_at(c, m->build_id, &o->build_id, what) < 0)
            goto err;
        o->has_functions = m->has_functions;
        o->has_filenames = m->has_filenames;
        o->has_line_numbers = m->has_line_numbers;
        o->has_inline_frames = m->has_inline_frames;
    }
    if (id_map_build(&mmap, ids, sizeof *ids, pb->n_mapping, "mapping", c->name, c->err,
                     c->errlen) < 0)
        goto err;

    /* Functions. */
    p->functions = hl_pcalloc(pb->n_function, sizeof *p->functions);
    if (!p->functions)
        OOM();
    p->n_functions = pb->n_function;
    for (size_t i = 0; i < pb->n_function; i++) {
        const Perftools__Profiles__Function *f = pb->function[i];
        hl_prof_function *o = &p->functions[i];
        o->id = ids[i] = f->id;
        snprintf(what, sizeof what, "function %llu", (unsigned long long)f->id);
        if (str_at(c, f->name, &o->name, what) < 0 ||
            str_at(c, f->system_name, &o->system_name, what) < 0 ||
            str_at(c, f->filename, &o->filename, what) < 0)
            goto err;
        o->start_line = f->start_line;
    }
    if (id_map_build(&fmap, ids, sizeof *ids, pb->n_function, "function", c->name, c->err,
                     c->errlen) < 0)
        goto err;

    /* Locations. */
    p->locations = hl_pcalloc_huge(pb->n_location, sizeof *p->locations);
    if (!p->locations)
        OOM();
    p->n_locations = pb->n_location;
    for (size_t i = 0; i < pb->n_location; i++) {
        const Perftools__Profiles__Location *l = pb->location[i];
        hl_prof_location *o = &p->locations[i];
        o->id = ids[i] = l->id;
        o->address = l->address;
        if (l->mapping_id) {
            size_t mi = id_map_find(&mmap, l->mapping_id);
            if (mi == (size_t)-1) {
                set_err(c->err, c->errlen, c->name, "location %llu refers to missing mapping %llu",
                        (unsigned long long)l->id, (unsigned long long)l->mapping_id);
                goto err;
            }
            o->mapping = &p->mappings[mi];
        }
        if (l->n_line) {
            o->lines = hl_arena_alloc(&c->bulk, l->n_line * sizeof *o->lines);
            if (!o->lines)
                OOM();
        }
        o->n_lines = l->n_line;
        for (size_t j = 0; j < l->n_line; j++) {
            size_t fi = id_map_find(&fmap, l->line[j]->function_id);
            if (fi == (size_t)-1) {
                set_err(c->err, c->errlen, c->name,
                        "location %llu line %zu refers to missing function %llu",
                        (unsigned long long)l->id, j, (unsigned long long)l->line[j]->function_id);
                goto err;
            }
            o->lines[j].function = &p->functions[fi];
            o->lines[j].line = l->line[j]->line;
        }
    }
    if (id_map_build(&lmap, ids, sizeof *ids, pb->n_location, "location", c->name, c->err,
                     c->errlen) < 0)
        goto err;

    /* Samples, one at a time from the encoded profile: each is unpacked into
     * a small scratch arena reused for the next, so the unpacked form of a
     * million samples never exists at once; their values and location
     * pointers go to the profile's bulk storage. */
    p->samples = hl_pmalloc(c->n_samples * sizeof *p->samples); /* < plain_len */
    if (!p->samples)
        OOM();
    hl_phuge(p->samples, c->n_samples * sizeof *p->samples);
    hl_arena_init(&scratch, 0);
    ProtobufCAllocator sa = hl_arena_pb_allocator(&scratch);
    size_t pos = 0, i = 0;
    pb_field fl;
    while (i < c->n_samples && next_field(c->bytes, c->len, &pos, &fl) > 0) {
        if (fl.number != PB_SAMPLE_FIELD || fl.wire != 2)
            continue;
        hl_arena_reset(&scratch);
        Perftools__Profiles__Sample *s = perftools__profiles__sample__unpack(&sa, fl.vlen, fl.val);
        if (!s) {
            set_err(c->err, c->errlen, c->name,
                    "sample %zu is malformed (or out of memory); not a pprof profile", i);
            goto err;
        }
        hl_prof_sample *o = &p->samples[i];
        memset(o, 0, sizeof *o); /* initialized one by one: no pass over all */
        p->n_samples = i + 1;
        if (s->n_value != pb->n_sample_type) {
            set_err(c->err, c->errlen, c->name, "sample %zu has %zu values for %zu sample types", i,
                    s->n_value, pb->n_sample_type);
            goto err;
        }
        o->values = hl_arena_alloc(&c->bulk, s->n_value * sizeof *o->values);
        if (!o->values)
            OOM();
        memcpy(o->values, s->value, s->n_value * sizeof *o->values);
        if (s->n_location_id) {
            o->locs = hl_arena_alloc(&c->bulk, s->n_location_id * sizeof *o->locs);
            if (!o->locs)
                OOM();
        }
        o->n_locs = s->n_location_id;
        for (size_t j = 0; j < s->n_location_id; j++) {
            size_t li = id_map_find(&lmap, s->location_id[j]);
            if (li == (size_t)-1) {
                set_err(c->err, c->errlen, c->name, "sample %zu refers to missing location %llu", i,
                        (unsigned long long)s->location_id[j]);
                goto err;
            }
            o->locs[j] = &p->locations[li];
        }
        if (s->n_label) {
            o->labels = hl_pcalloc(s->n_label, sizeof *o->labels);
            if (!o->labels)
                OOM();
        }
        o->n_labels = s->n_label;
        for (size_t j = 0; j < s->n_label; j++) {
            const Perftools__Profiles__Label *lb = s->label[j];
            hl_prof_label *ol = &o->labels[j];
            snprintf(what, sizeof what, "sample %zu label", i);
            if (str_at(c, lb->key, &ol->key, what) < 0)
                goto err;
            if (lb->str && str_at(c, lb->str, &ol->str, what) < 0)
                goto err;
            ol->num = lb->num;
            if (lb->num_unit && str_at(c, lb->num_unit, &ol->num_unit, what) < 0)
                goto err;
        }
        i++;
    }
    hl_arena_release(&scratch);

    /* Comments. */
    if (pb->n_comment) {
        p->comments = hl_pcalloc(pb->n_comment, sizeof *p->comments);
        if (!p->comments)
            OOM();
    }
    p->n_comments = pb->n_comment;
    for (size_t i = 0; i < pb->n_comment; i++)
        if (str_at(c, pb->comment[i], &p->comments[i], "comment") < 0)
            goto err;

    hl_pfree(ids);
    hl_pfree(mmap.pairs);
    hl_pfree(fmap.pairs);
    hl_pfree(lmap.pairs);
    return 0;
err:
    hl_arena_release(&scratch);
    hl_pfree(ids);
    hl_pfree(mmap.pairs);
    hl_pfree(fmap.pairs);
    hl_pfree(lmap.pairs);
    return -1;
}

hl_profile *hl_profile_read_buffer(const void *data, size_t len, const char *name, char *err,
                                   size_t errlen)
{
    unsigned char *plain = NULL;
    size_t plain_len = len;
    const unsigned char *bytes = data;
    PbProfile *pb = NULL;
    hl_profile *p = NULL;
    unsigned char *rest = NULL;
    hl_arena arena = {0};

    if (!name)
        name = "profile";
    if (len == 0) {
        set_err(err, errlen, name, "empty file, not a profile");
        return NULL;
    }
    if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        if (gunzip(bytes, len, &plain, &plain_len, name, err, errlen) < 0)
            return NULL;
        bytes = plain;
        if (plain_len == 0) {
            set_err(err, errlen, name, "empty profile inside the gzip stream");
            goto err;
        }
    }
    /* The samples, most of a profile, are converted one by one later; the
     * rest is unpacked whole by protobuf-c, into an arena (protobuf-c
     * allocates every sub-message) released once the model is built. */
    rest = hl_pmalloc(plain_len);
    if (!rest) {
        set_err(err, errlen, name, "out of memory");
        goto err;
    }
    size_t rest_len = 0, n_samples = 0, cost = 0;
    if (split_samples(bytes, plain_len, rest, &rest_len, &n_samples, &cost) < 0) {
        set_err(err, errlen, name,
                "not a pprof profile (malformed or truncated protobuf); expected the output of "
                "'hotlint run --cpuprofile' or Go's runtime/pprof");
        goto err;
    }
    /* Refused before anything big is built: protobuf-c and the model can take
     * over a hundred times the encoded size (a field of two bytes becomes a
     * struct of a hundred). */
    if (cost > g_max_memory) {
        set_budget_err(err, errlen, name, "decoding the profile", cost);
        goto err;
    }
    hl_arena_init(&arena, rest_len * 4);
    ProtobufCAllocator pa = hl_arena_pb_allocator(&arena);
    pb = perftools__profiles__profile__unpack(&pa, rest_len, rest);
    if (!pb) {
        set_err(err, errlen, name,
                "not a pprof profile (malformed or truncated protobuf, or out of memory); "
                "expected the output of 'hotlint run --cpuprofile' or Go's runtime/pprof");
        goto err;
    }
    p = hl_profile_new();
    if (!p) {
        set_err(err, errlen, name, "out of memory");
        goto err;
    }
    struct conv c = {pb, bytes, plain_len, n_samples, p, name, err, errlen, {0}, cost};
    /* Values and location pointers: varints widen to 8 bytes each. */
    hl_arena_init(&c.bulk, plain_len * 2);
    int rc = convert(&c);
    p->bulk = hl_arena_detach(&c.bulk);
    if (rc < 0)
        goto err;
    if (hl_profile_fit_values(p) < 0) {
        set_err(err, errlen, name, "out of memory");
        goto err;
    }
    hl_arena_release(&arena);
    hl_pfree(rest);
    hl_pfree(plain);
    return p;
err:
    hl_profile_free(p);
    hl_arena_release(&arena);
    hl_pfree(rest);
    hl_pfree(plain);
    return NULL;
}

hl_profile *hl_profile_read_file(const char *path, char *err, size_t errlen)
{
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        set_err(err, errlen, path, "is a directory, not a profile");
        goto err;
    }
    cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536 < g_max_memory ? 65536 : g_max_memory;
    if (cap > g_max_memory) {
        set_budget_err(err, errlen, path, "reading the file", (size_t)st.st_size);
        goto err;
    }
    buf = hl_pmalloc(cap);
    if (!buf) {
        set_err(err, errlen, path, "out of memory");
        goto err;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= g_max_memory) {
                set_budget_err(err, errlen, path, "reading the file", cap + 1);
                goto err;
            }
            size_t ncap = cap < g_max_memory / 2 ? cap * 2 : g_max_memory;
            unsigned char *nb = hl_prealloc(buf, ncap);
            if (!nb) {
                set_err(err, errlen, path, "out of memory");
                goto err;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            set_err(err, errlen, path, "read error: %s", strerror(errno));
            goto err;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    fd = -1;
    hl_profile *p = hl_profile_read_buffer(buf, n, path, err, errlen);
    hl_pfree(buf);
    return p;
err:
    if (fd >= 0)
        close(fd);
    hl_pfree(buf);
    return NULL;
}
