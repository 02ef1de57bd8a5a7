/* profile.h - the pprof profile model: resolved strings, stacks of locations.
 * Depends on nothing above it (no lint, no verify). */
#ifndef HL_PROFILE_H
#define HL_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct hl_prof_mapping {
    uint64_t id;
    uint64_t memory_start, memory_limit, file_offset;
    char *filename;
    char *build_id;
    bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
} hl_prof_mapping;

typedef struct hl_prof_function {
    uint64_t id;
    char *name; /* may be "" */
    char *system_name;
    char *filename; /* may be "" */
    int64_t start_line;
} hl_prof_function;

typedef struct hl_prof_line {
    hl_prof_function *function; /* never NULL in a valid profile line */
    int64_t line;               /* 0 when unknown */
} hl_prof_line;

typedef struct hl_prof_location {
    uint64_t id;
    hl_prof_mapping *mapping; /* may be NULL */
    uint64_t address;
    hl_prof_line *lines; /* innermost (inlined) first, as pprof */
    size_t n_lines;
} hl_prof_location;

typedef struct hl_prof_label {
    char *key;
    char *str; /* NULL for numeric labels */
    int64_t num;
    char *num_unit;
} hl_prof_label;

typedef struct hl_prof_sample {
    hl_prof_location **locs; /* leaf first, as pprof */
    size_t n_locs;
    int64_t *values; /* n_sample_types values */
    hl_prof_label *labels;
    size_t n_labels;
} hl_prof_sample;

typedef struct hl_prof_value_type {
    char *type; /* "samples", "cpu", "alloc_space", ... */
    char *unit; /* "count", "nanoseconds", "bytes", ... */
} hl_prof_value_type;

typedef struct hl_profile {
    hl_prof_value_type *sample_types;
    size_t n_sample_types;
    size_t default_sample_index; /* from default_sample_type, else the last one */
    hl_prof_sample *samples;
    size_t n_samples;
    hl_prof_location *locations;
    size_t n_locations;
    hl_prof_function *functions;
    size_t n_functions;
    hl_prof_mapping *mappings;
    size_t n_mappings;
    char **comments;
    size_t n_comments;
    char **drop_frames_unused; /* reserved */
    hl_prof_value_type period_type;
    int64_t period;
    int64_t time_nanos, duration_nanos;
    /* When non-NULL (profiles made by the reader), every sample's locs and
     * values and every location's lines point into this storage (a few big
     * blocks, private to profile/) instead of being allocations of their own;
     * hl_profile_free releases it. */
    void *bulk;
} hl_profile;

/* Reads a profile in pprof's protobuf format, gzip-compressed or plain.
 * Validates ids and indices. Returns NULL on error with a message in err
 * ("cpu.prof: truncated gzip stream", ...). */
hl_profile *hl_profile_read_file(const char *path, char *err, size_t errlen);

/* The memory one profile read may take by default: the file, its
 * decompressed bytes, protobuf-c's unpacked form and the model built from
 * them together. A profile that needs more is refused with a message naming
 * it, the size reached and --max-profile-memory. */
#define HL_PROFILE_DEFAULT_MAX_MEMORY ((size_t)2 << 30)

/* Sets the limit of every later read in this process (0: the default). A
 * decompression bomb, or a small file of many tiny entries that decode to
 * big structs, stops at the limit instead of exhausting memory. Not
 * thread-safe; set it before reading. */
void hl_profile_set_max_memory(size_t bytes);
size_t hl_profile_max_memory(void);

/* Parses a size: digits with an optional K, M, G or T suffix (powers of 1024;
 * "2G", "512M", "64KiB", "1000"). Returns 0, or -1 for anything else or 0. */
int hl_profile_parse_size(const char *s, size_t *out);
hl_profile *hl_profile_read_buffer(const void *data, size_t len, const char *name, char *err,
                                   size_t errlen);

/* Writes the profile gzip-compressed to path atomically (temporary file in the
 * same directory, then rename; mode 0666 less the umask; a symlink at path is
 * replaced, not followed). Returns 0, or -1 with errno set. */
int hl_profile_write_file(const hl_profile *p, const char *path);
/* Encodes to a malloc'ed gzip buffer. Returns 0 or -1. */
int hl_profile_encode(const hl_profile *p, void **out, size_t *out_len);

/* Index of the sample type named "cpu", "alloc_space", ...; -1 when absent. */
int hl_profile_sample_index(const hl_profile *p, const char *type);

/* Merges profiles whose sample types agree (same types and units, in order).
 * Returns NULL with a message in err when they do not. */
hl_profile *hl_profile_merge(hl_profile *const *profiles, size_t n, char *err, size_t errlen);

/* True when at least one location carries a line number. */
bool hl_profile_has_lines(const hl_profile *p);

void hl_profile_free(hl_profile *p);

/* Ownership: every array and string in an hl_profile is allocated separately
 * with the profile allocator (malloc unless replaced) and released by
 * hl_profile_free, except the per-sample and per-location arrays of a profile
 * whose `bulk` is set (see above); pointers between parts (sample -> location -> function)
 * point into the profile's own arrays. Strings are never NULL. */

/* A new, empty profile (all counts zero). NULL on ENOMEM. */
hl_profile *hl_profile_new(void);

/* Replaces the allocator used by everything in profile/ (NULL: the libc
 * one). For tests that fail the Nth allocation; not thread-safe, call it
 * before using any profile. */
void hl_profile_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *));

/* Encodes to a malloc'ed (libc malloc, release with free) buffer, plain
 * protobuf when gzip is false. Returns 0 or -1 with errno set. */
int hl_profile_encode_ex(const hl_profile *p, bool gzip, void **out, size_t *out_len);

#endif
