/* codec.h - gzip compression of encoded profiles (the writer's half of
 * codec.c; the reader's half is declared in read_internal.h). */
#ifndef HL_PROFILE_CODEC_H
#define HL_PROFILE_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Compresses len bytes into a malloc'ed gzip buffer. Returns 0, or -1 with
 * errno set. */
int hl_gzip(const uint8_t *in, size_t len, void **out, size_t *out_len);

#endif
