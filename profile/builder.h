/* builder.h - the one way a profile model is built from parts: strings,
 * mappings, functions and locations are interned, equal samples are summed.
 * Used by merge, the heap and CPU profilers of the runtime (through
 * runtime/stack_profile.c) and anything else that makes a profile.
 *
 * Not async-signal-safe: it allocates through the profile allocator. */
#ifndef HL_PROFILE_BUILDER_H
#define HL_PROFILE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/keybuf.h"
#include "profile.h"

typedef struct hl_pbuilder hl_pbuilder;

/* One frame of a location: the function's index (from hl_pb_function) and
 * the line, innermost first as in pprof. */
typedef struct hl_pb_line {
    size_t function;
    int64_t line;
} hl_pb_line;

/* A builder for profiles of these sample types (copied). NULL on ENOMEM. */
hl_pbuilder *hl_pb_new(const hl_prof_value_type *types, size_t n_types,
                       hl_prof_value_type period_type, int64_t period);
/* The profile under construction: set period, times or the default sample
 * index directly. Its arrays belong to the builder until hl_pb_finish. */
hl_profile *hl_pb_profile(hl_pbuilder *b);

/* Each returns the part's index (equal parts share one), or -1 on ENOMEM;
 * after a failure every later call fails and hl_pb_finish returns NULL. */
/* Mappings are equal by file, build id and range; has_* flags of equal ones
 * are and-ed. */
int64_t hl_pb_mapping(hl_pbuilder *b, const hl_prof_mapping *m);
int64_t hl_pb_function(hl_pbuilder *b, const char *name, const char *system_name,
                       const char *filename, int64_t start_line);
/* mapping: an index from hl_pb_mapping, or -1 for none. */
int64_t hl_pb_location(hl_pbuilder *b, int64_t mapping, uint64_t address, const hl_pb_line *lines,
                       size_t n_lines);
/* The mapping at index i, to adjust its flags (valid until the next call). */
hl_prof_mapping *hl_pb_mapping_at(hl_pbuilder *b, size_t i);
/* Adds a sample: locs are location indices, leaf first; values has one per
 * sample type. A sample equal to an earlier one (stack and labels) adds its
 * values to it. Returns 0 or -1. */
int hl_pb_sample(hl_pbuilder *b, const size_t *locs, size_t n_locs, const int64_t *values,
                 const hl_prof_label *labels, size_t n_labels);
/* Adds a comment unless the same text is there already. Returns 0 or -1. */
int hl_pb_comment(hl_pbuilder *b, const char *text);

/* Appends labels to a key so that equal label lists give equal keys: the
 * key samples are deduplicated by (also used by the runtime's raw stacks). */
void hl_pb_key_labels(hl_keybuf *k, const hl_prof_label *labels, size_t n);

/* The profile, with every index turned into a pointer. Consumes the builder;
 * NULL when any call failed (ENOMEM). */
hl_profile *hl_pb_finish(hl_pbuilder *b);
/* Releases a builder without building anything. NULL is allowed. */
void hl_pb_free(hl_pbuilder *b);

#endif
