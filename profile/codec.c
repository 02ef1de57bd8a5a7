/* codec.c - gzip, both ways: inflating what the reader is given (every
 * member of a multi-member file, within the memory budget) and deflating
 * what the writer encodes. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"
#include "read_internal.h"

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
int hl_gunzip(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
              const char *name, char *err, size_t errlen)
{
    const size_t lim = hl_profile_max_memory();
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = z_alloc;
    z.zfree = z_free;
    if (inflateInit2(&z, 15 + 32) != Z_OK) {
        hl_read_err(err, errlen, name, "cannot start gzip decompression (out of memory)");
        return -1;
    }
    /* One output buffer sized from the gzip trailer's ISIZE (the length
     * modulo 2^32 of the last member), grown if that hint is short. */
    size_t cap = gzip_size_hint(in, len, lim), n = 0, members = 1;
    unsigned char *buf = hl_pmalloc(cap);
    if (!buf) {
        hl_read_err(err, errlen, name, "out of memory");
        goto err;
    }
    hl_phuge(buf, cap);
    z.next_in = (unsigned char *)in;
    size_t left = len;
    int rc = Z_OK;
    for (;;) {
        if (n == cap) {
            if (cap >= lim) {
                hl_read_budget_err(err, errlen, name, "decompressing the profile", cap + 1);
                goto err;
            }
            size_t ncap = cap < lim / 2 ? cap * 2 : lim;
            unsigned char *nb = hl_prealloc(buf, ncap);
            if (!nb) {
                hl_read_err(err, errlen, name, "out of memory");
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
                hl_read_err(err, errlen, name,
                            "%zu bytes of data that are not gzip after gzip member %zu; a "
                            "profile file holds gzip members only",
                            left, members);
                goto err;
            }
            /* Another member follows: its output is appended. */
            if (inflateReset(&z) != Z_OK) {
                hl_read_err(err, errlen, name, "cannot restart gzip decompression");
                goto err;
            }
            members++;
            continue;
        }
        if (rc == Z_MEM_ERROR) {
            hl_read_err(err, errlen, name, "out of memory");
            goto err;
        }
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
            hl_read_err(err, errlen, name, "corrupt gzip stream (%s)", z.msg ? z.msg : "bad data");
            goto err;
        }
        if (left == 0 && z.avail_out > 0) {
            hl_read_err(err, errlen, name, "truncated gzip stream");
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

int hl_gzip(const uint8_t *in, size_t len, void **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        errno = ENOMEM;
        return -1;
    }
    size_t cap = deflateBound(&z, (uLong)len) + 64;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        errno = ENOMEM;
        return -1;
    }
    z.next_in = (uint8_t *)in;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *out = buf;
    *out_len = n;
    return 0;
}
