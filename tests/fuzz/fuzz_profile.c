/* fuzz_profile.c - libFuzzer target for the pprof reader (profile/read.c):
 * plain protobuf and gzip input, chosen by the first byte, then the model's
 * invariants and a write/read round trip of every profile it accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "profile.h"

/* Input layout: byte 0 selects the path, the rest is the payload.
 *   even: the payload is read as it is (plain protobuf; a payload starting
 *         with 1f 8b takes the gzip path with whatever stream it holds);
 *   odd:  the payload is gzip-compressed first, so that mutations of the
 *         protobuf inside reach the decoder through a valid gzip stream. */
#define MODE_GZIP 1u

static unsigned char *gzip_payload(const uint8_t *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len) + 32;
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(out);
        return NULL;
    }
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_profile: invariant failed: %s (line %d)\n", #cond, __LINE__);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* What the reader promises of a profile it returns: pointers between parts
 * stay inside the profile's own arrays, strings are never NULL (label str
 * and num_unit may be), the default sample index is in range. */
static void check_model(const hl_profile *p)
{
    CHECK(p->n_sample_types > 0);
    CHECK(p->default_sample_index < p->n_sample_types);
    for (size_t i = 0; i < p->n_sample_types; i++)
        CHECK(p->sample_types[i].type && p->sample_types[i].unit);
    CHECK(p->period_type.type && p->period_type.unit);
    for (size_t i = 0; i < p->n_mappings; i++)
        CHECK(p->mappings[i].filename && p->mappings[i].build_id);
    for (size_t i = 0; i < p->n_functions; i++)
        CHECK(p->functions[i].name && p->functions[i].system_name && p->functions[i].filename);
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *l = &p->locations[i];
        CHECK(!l->mapping ||
              (l->mapping >= p->mappings && l->mapping < p->mappings + p->n_mappings));
        CHECK(l->n_lines == 0 || l->lines);
        for (size_t j = 0; j < l->n_lines; j++) {
            const hl_prof_function *f = l->lines[j].function;
            CHECK(f && f >= p->functions && f < p->functions + p->n_functions);
        }
    }
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        CHECK(s->values);
        CHECK(s->n_locs == 0 || s->locs);
        for (size_t j = 0; j < s->n_locs; j++)
            CHECK(s->locs[j] >= p->locations && s->locs[j] < p->locations + p->n_locations);
        for (size_t j = 0; j < s->n_labels; j++)
            CHECK(s->labels[j].key);
    }
    for (size_t i = 0; i < p->n_comments; i++)
        CHECK(p->comments[i]);
    (void)hl_profile_has_lines(p);
    for (size_t i = 0; i < p->n_sample_types; i++) {
        int ix = hl_profile_sample_index(p, p->sample_types[i].type);
        CHECK(ix >= 0 && (size_t)ix <= i);
    }
}

/* A profile the reader accepts must survive the writer and be read back
 * with the same samples (the writer's own output is the common case). */
static void round_trip(const hl_profile *p, bool gzip)
{
    void *enc = NULL;
    size_t enc_len = 0;
    CHECK(hl_profile_encode_ex(p, gzip, &enc, &enc_len) == 0);
    char err[256];
    hl_profile *q = hl_profile_read_buffer(enc, enc_len, "round-trip", err, sizeof err);
    if (!q)
        fprintf(stderr, "fuzz_profile: re-reading the written profile failed: %s\n", err);
    CHECK(q);
    check_model(q);
    CHECK(q->n_samples == p->n_samples);
    CHECK(q->n_sample_types == p->n_sample_types);
    for (size_t i = 0; i < p->n_samples; i++) {
        CHECK(q->samples[i].n_locs == p->samples[i].n_locs);
        for (size_t k = 0; k < p->n_sample_types; k++)
            CHECK(q->samples[i].values[k] == p->samples[i].values[k]);
    }
    hl_profile_free(q);
    free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    unsigned char *packed = NULL;
    if (mode & MODE_GZIP) {
        packed = gzip_payload(in, len, &len);
        if (!packed)
            return 0;
        in = packed;
    }
    char err[256];
    err[0] = '\0';
    hl_profile *p = hl_profile_read_buffer(in, len, "fuzz.prof", err, sizeof err);
    if (p) {
        check_model(p);
        round_trip(p, (mode & 2u) != 0);
        hl_profile_free(p);
    } else {
        /* Every refusal explains itself, naming the input. */
        CHECK(!strncmp(err, "fuzz.prof: ", 11) && err[11]);
    }
    free(packed);
    return 0;
}
