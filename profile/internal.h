/* internal.h - what profile/'s files share: the replaceable allocator, the
 * generated protobuf-c types and a small string-keyed hash index. */
#ifndef HL_PROFILE_INTERNAL_H
#define HL_PROFILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "pindex.h"
#include "profile.pb-c.h"

/* The same allocator in the form protobuf-c wants. */
extern ProtobufCAllocator hl_pb_allocator;

#endif
