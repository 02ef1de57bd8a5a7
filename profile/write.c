/* write.c - encodes the model (encode.c), gzip-compresses it (codec.c) and
 * writes it atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../base/atomic_file.h"
#include "codec.h"
#include "encode.h"
#include "internal.h"

int hl_profile_encode_ex(const hl_profile *p, bool gzip, void **out, size_t *out_len)
{
    uint8_t *plain;
    size_t plain_len;
    if (hl_profile_encode_plain(p, &plain, &plain_len) < 0)
        return -1;
    if (!gzip) {
        *out = plain;
        *out_len = plain_len;
        return 0;
    }
    int rc = hl_gzip(plain, plain_len, out, out_len);
    int e = errno;
    free(plain);
    errno = e;
    return rc;
}

int hl_profile_encode(const hl_profile *p, void **out, size_t *out_len)
{
    return hl_profile_encode_ex(p, true, out, out_len);
}

int hl_profile_write_file(const hl_profile *p, const char *path)
{
    void *buf = NULL;
    size_t len = 0;
    if (hl_profile_encode(p, &buf, &len) < 0)
        return -1;
    int rc = hl_file_write_atomic(AT_FDCWD, path, buf, len, 0666), e = errno;
    free(buf);
    errno = e;
    return rc;
}
