/* read.c - reads pprof profiles (gzip or plain protobuf) from any producer
 * into the model: the file within the memory budget, gzip, the pre-scan,
 * protobuf-c for all but the samples, then the conversion (convert.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_internal.h"

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
        hl_read_err(err, errlen, name, "empty file, not a profile");
        return NULL;
    }
    if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        if (hl_gunzip(bytes, len, &plain, &plain_len, name, err, errlen) < 0)
            return NULL;
        bytes = plain;
        if (plain_len == 0) {
            hl_read_err(err, errlen, name, "empty profile inside the gzip stream");
            goto err;
        }
    }
    /* The samples, most of a profile, are converted one by one later; the
     * rest is unpacked whole by protobuf-c, into an arena (protobuf-c
     * allocates every sub-message) released once the model is built. */
    rest = hl_pmalloc(plain_len);
    if (!rest) {
        hl_read_err(err, errlen, name, "out of memory");
        goto err;
    }
    size_t rest_len = 0, n_samples = 0, cost = 0;
    if (hl_pb_split_samples(bytes, plain_len, rest, &rest_len, &n_samples, &cost) < 0) {
        hl_read_err(err, errlen, name,
                    "not a pprof profile (malformed or truncated protobuf); expected the output of "
                    "'hotlint run --cpuprofile' or Go's runtime/pprof");
        goto err;
    }
    /* Refused before anything big is built: protobuf-c and the model can take
     * over a hundred times the encoded size (a field of two bytes becomes a
     * struct of a hundred). */
    if (cost > hl_profile_max_memory()) {
        hl_read_budget_err(err, errlen, name, "decoding the profile", cost);
        goto err;
    }
    hl_arena_init(&arena, rest_len * 4);
    ProtobufCAllocator pa = hl_arena_pb_allocator(&arena);
    pb = perftools__profiles__profile__unpack(&pa, rest_len, rest);
    if (!pb) {
        hl_read_err(err, errlen, name,
                    "not a pprof profile (malformed or truncated protobuf, or out of memory); "
                    "expected the output of 'hotlint run --cpuprofile' or Go's runtime/pprof");
        goto err;
    }
    p = hl_profile_new();
    if (!p) {
        hl_read_err(err, errlen, name, "out of memory");
        goto err;
    }
    struct hl_conv c = {pb, bytes, plain_len, n_samples, p, name, err, errlen, {0}, cost};
    /* Values and location pointers: varints widen to 8 bytes each. */
    hl_arena_init(&c.bulk, plain_len * 2);
    int rc = hl_convert(&c);
    p->bulk = hl_arena_detach(&c.bulk);
    if (rc < 0)
        goto err;
    if (hl_profile_fit_values(p) < 0) {
        hl_read_err(err, errlen, name, "out of memory");
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
        hl_read_err(err, errlen, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        hl_read_err(err, errlen, path, "is a directory, not a profile");
        goto err;
    }
    cap = st.st_size > 0                    ? (size_t)st.st_size + 1
          : 65536 < hl_profile_max_memory() ? 65536
                                            : hl_profile_max_memory();
    if (cap > hl_profile_max_memory()) {
        hl_read_budget_err(err, errlen, path, "reading the file", (size_t)st.st_size);
        goto err;
    }
    buf = hl_pmalloc(cap);
    if (!buf) {
        hl_read_err(err, errlen, path, "out of memory");
        goto err;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= hl_profile_max_memory()) {
                hl_read_budget_err(err, errlen, path, "reading the file", cap + 1);
                goto err;
            }
            size_t ncap = cap < hl_profile_max_memory() / 2 ? cap * 2 : hl_profile_max_memory();
            unsigned char *nb = hl_prealloc(buf, ncap);
            if (!nb) {
                hl_read_err(err, errlen, path, "out of memory");
                goto err;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            hl_read_err(err, errlen, path, "read error: %s", strerror(errno));
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
