/* encode.h - the streaming pprof encoder (encode.c). Private to profile/. */
#ifndef HL_PROFILE_ENCODE_H
#define HL_PROFILE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* Encodes p as plain protobuf into a libc-malloc'ed buffer. Returns 0, or -1
 * with errno ENOMEM, or EINVAL when a pointer leaves the model's arrays. */
int hl_profile_encode_plain(const hl_profile *p, uint8_t **out, size_t *out_len);

#endif
