/* table.h - interners for verify/: byte strings and u64 keys to dense ids 0..n-1, and
 * back. Lookups go through the project's one map (base/hashmap.h); the arrays here
 * only hold each id's key. */
#ifndef HL_VERIFY_TABLE_H
#define HL_VERIFY_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/hashmap.h"

/* Interns byte strings to dense ids 0..n-1. Zero-initialise. */
typedef struct hl_strtab {
    char **strs; /* id -> NUL-terminated copy */
    size_t n, cap_strs;
    hl_hashmap ids; /* string -> id */
} hl_strtab;

/* Returns the id of s[0..len), adding it when new; -1 when out of memory. */
int32_t hl_strtab_intern(hl_strtab *t, const char *s, size_t len);
/* Returns the id of s[0..len), or -1 when absent. Can't fail. */
int32_t hl_strtab_find(const hl_strtab *t, const char *s, size_t len);
void hl_strtab_free(hl_strtab *t);

/* Maps u64 keys to dense ids 0..n-1. Zero-initialise. */
typedef struct hl_u64tab {
    uint64_t *keys; /* id -> key */
    size_t n, cap_keys;
    hl_hashmap ids; /* the key's 8 bytes -> id */
} hl_u64tab;

/* Returns the id of key, adding it when new; -1 when out of memory. */
int32_t hl_u64tab_intern(hl_u64tab *t, uint64_t key);
/* Returns the id of key, or -1 when absent. Can't fail. */
int32_t hl_u64tab_find(const hl_u64tab *t, uint64_t key);
void hl_u64tab_free(hl_u64tab *t);

#endif
