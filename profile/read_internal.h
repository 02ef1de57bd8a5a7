/* read_internal.h - what the reader's files share: the memory budget and
 * its messages, gzip, the pre-scan of the encoding, id maps and the
 * conversion into the model. Private to profile/. */
#ifndef HL_PROFILE_READ_INTERNAL_H
#define HL_PROFILE_READ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef Perftools__Profiles__Profile PbProfile;

/* "name: message" into err (nothing when err is NULL). */
void hl_read_err(char *err, size_t errlen, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The message for a read over the memory limit: what it reached, the limit,
 * and the option that raises it. */
void hl_read_budget_err(char *err, size_t errlen, const char *name, const char *what,
                        size_t reached);
/* "512K", "3.2M", "2G": n bytes in the units --max-profile-memory takes. */
const char *hl_fmt_size_opt(size_t n, char *buf, size_t len);

/* Inflates a gzip stream (every member) into a new buffer within the memory
 * budget. Returns 0, or -1 with err. */
int hl_gunzip(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
              const char *name, char *err, size_t errlen);

/* hl_pcalloc for big arrays: huge pages asked for before the zeroing. */
void *hl_pcalloc_huge(size_t n, size_t size);

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

/* Builds the map of n ids (stride bytes apart). Returns 0, or -1 (with err)
 * on id 0, a duplicate id, or ENOMEM. */
int hl_id_map_build(id_map *m, const uint64_t *ids, size_t stride, size_t n, const char *what,
                    const char *name, char *err, size_t errlen);
/* Index of id, or (size_t)-1 when absent. */
size_t hl_id_map_find(const id_map *m, uint64_t id);

/* One top-level protobuf field: [start, end) with its tag; [val, val+vlen)
 * the payload of a length-delimited field. */
typedef struct {
    uint64_t number;
    unsigned wire;
    size_t start, end;
    const unsigned char *val;
    size_t vlen;
} pb_field;

#define PB_SAMPLE_FIELD 2 /* Profile.sample */

/* Reads the field at *pos. Returns 1 with f set, 0 at the end, -1 when the
 * encoding is malformed. */
int hl_pb_next_field(const unsigned char *b, size_t len, size_t *pos, pb_field *f);
/* What the C library's malloc takes for a block of n bytes. */
size_t hl_malloc_cost(size_t n);
/* Copies every top-level field but the samples to rest, counts the samples
 * and estimates the memory the read will take. Returns 0 or -1. */
int hl_pb_split_samples(const unsigned char *b, size_t len, unsigned char *rest, size_t *rest_len,
                        size_t *n_samples, size_t *cost);

struct hl_conv {
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

/* Fills c->p from c->pb and the samples in c->bytes. Returns 0, or -1 with
 * c->err. */
int hl_convert(struct hl_conv *c);

#endif
