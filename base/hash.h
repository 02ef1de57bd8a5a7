/* hash.h - 64-bit FNV-1a, the one byte hash of the project.
 *
 * Async-signal-safe: no allocation, no state. */
#ifndef HL_BASE_HASH_H
#define HL_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HL_FNV1A64_OFFSET 14695981039346656037ULL
#define HL_FNV1A64_PRIME  1099511628211ULL

/* Continues hash h over n bytes at p; start with HL_FNV1A64_OFFSET. */
static inline uint64_t hl_fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * HL_FNV1A64_PRIME;
    return h;
}

/* The hash of n bytes at p, from the offset basis. */
static inline uint64_t hl_hash_bytes(const void *p, size_t n)
{
    return hl_fnv1a64(HL_FNV1A64_OFFSET, p, n);
}

/* Mixes a 64-bit integer key (a finaliser: FNV over integers clusters). */
static inline uint64_t hl_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
