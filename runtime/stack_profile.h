/* stack_profile.h - builds a pprof profile from raw stacks of program counters,
 * symbolizes it against the process's own mappings, and writes it. Shared by
 * the CPU and heap profilers and the HTTP endpoint. Nothing here is
 * async-signal-safe: call it from ordinary threads only. */
#ifndef HL_STACK_PROFILE_H
#define HL_STACK_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../profile/profile.h"

typedef struct hl_stack_profile hl_stack_profile;

/* A new, empty profile with these sample types (copied). NULL on ENOMEM.
 * Not async-signal-safe. */
hl_stack_profile *hl_sp_new(const hl_prof_value_type *types, size_t n_types,
                            hl_prof_value_type period_type, int64_t period);
/* Adds one sample: pcs[0] is the leaf. Equal stacks (and labels) are summed.
 * Returns 0 or -1 (ENOMEM). Not async-signal-safe. */
int hl_sp_add(hl_stack_profile *sp, const uintptr_t *pcs, size_t depth, const int64_t *values,
              const hl_prof_label *labels, size_t n_labels);
/* Adds a comment (copied). Not async-signal-safe. */
void hl_sp_add_comment(hl_stack_profile *sp, const char *comment);
/* When the profile is built, leaves out every sample with a frame of the
 * runtime's own hl_* functions (the heap sampler, the heap profile written
 * at exit), as the outside sampler does: a CPU profile shows the program's
 * work. The comments say how many. Not async-signal-safe. */
void hl_sp_drop_runtime_samples(hl_stack_profile *sp);
/* Sets the profile's start time and duration. Not async-signal-safe. */
void hl_sp_set_times(hl_stack_profile *sp, int64_t time_nanos, int64_t duration_nanos);
/* Releases a builder without building anything. NULL is allowed. Not
 * async-signal-safe. */
void hl_sp_free(hl_stack_profile *sp);
/* Builds the model: mappings from /proc/self/maps (with build ids),
 * symbolized with libdw (functions, files, lines, inlined frames). The
 * builder is consumed. NULL on error. Not async-signal-safe. */
hl_profile *hl_sp_finish(hl_stack_profile *sp);

#endif
