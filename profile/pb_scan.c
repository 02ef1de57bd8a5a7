/* pb_scan.c - a pass over the encoded profile before protobuf-c sees it:
 * top-level fields are walked without decoding them, the samples are set
 * apart (they are decoded one at a time later) and the memory the read will
 * take is estimated, so a hostile file is refused before anything big is
 * built. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "read_internal.h"

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
int hl_pb_next_field(const unsigned char *b, size_t len, size_t *pos, pb_field *f)
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

/* n rounded up to the arena's alignment. */
static size_t al16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* What the C library's malloc takes for a block of n bytes (header, rounding,
 * a 32-byte minimum). */
size_t hl_malloc_cost(size_t n)
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
    while ((rc = hl_pb_next_field(b, len, &pos, &f)) > 0) {
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
int hl_pb_split_samples(const unsigned char *b, size_t len, unsigned char *rest, size_t *rest_len,
                        size_t *n_samples, size_t *cost)
{
    size_t pos = 0, n = 0, rn = 0, top = 0, by[8], nf, max_sample = 0;
    size_t c = 2 * len + sizeof(PbProfile) + sizeof(hl_profile);
    pb_field f;
    int rc;
    while ((rc = hl_pb_next_field(b, len, &pos, &f)) > 0) {
        switch (f.number) {
        case PB_SAMPLE_FIELD:
            if (f.wire != 2)
                break;
            n++;
            scan_msg(f.val, f.vlen, &nf, by);
            /* by[1]: location ids, by[2]: values, by[3]: labels */
            c += sizeof(hl_prof_sample) + al16(8 * by[1]) + al16(8 * by[2]) +
                 (by[3] ? hl_malloc_cost(by[3] * sizeof(hl_prof_label)) : 0);
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
