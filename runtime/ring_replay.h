/* ring_replay.h - a sampling session of a program run from outside: keeps the
 * records copied out of the perf rings, and replays them in time order (the
 * rings are per CPU) into address spaces per process, unwinding each sample
 * and adding it to the profile of its process. */
#ifndef HL_RING_REPLAY_H
#define HL_RING_REPLAY_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ring_profile.h"

#pragma GCC visibility push(hidden)

/* The name a thread of the preloaded runtime takes while it writes a profile
 * (prctl PR_SET_NAME): the replay leaves that thread's samples out until it
 * is renamed again. */
#define HL_WRITER_COMM "hotlint-write"

typedef struct hl_ring_session hl_ring_session;

typedef struct hl_ring_stats {
    uint64_t samples;     /* samples unwound into a profile */
    uint64_t lost;        /* samples the kernel could not write (ring full) */
    uint64_t leaf_only;   /* samples whose stack could not be unwound past the leaf */
    uint64_t after_exec;  /* samples left out: the program had executed another */
    uint64_t unknown_pid; /* samples of a process the records never introduced */
    uint64_t dropped_oom; /* samples lost to memory exhaustion */
    uint64_t runtime_own; /* samples in the preloaded runtime's own work, left out */
} hl_ring_stats;

/* A session for the process root sampled at period_ns. per_process: each
 * forked process gets a profile of its own; follow_exec: samples after the
 * root's program executes another stay in the profile. NULL on ENOMEM. Not
 * async-signal-safe. */
hl_ring_session *hl_rsess_new(pid_t root, int64_t period_ns, bool per_process, bool follow_exec);
/* hl_ring_drain's callback (ctx: the session): keeps a copy of the record,
 * a sample's stack trimmed to the bytes the kernel filled. Not
 * async-signal-safe. */
void hl_rsess_keep(const struct perf_event_header *h, void *ctx);
/* Bytes kept and not yet replayed. Not async-signal-safe. */
size_t hl_rsess_pending(const hl_ring_session *s);
/* Replays what was kept, in time order, and forgets it. Returns 0 or -1
 * (ENOMEM; samples are counted as dropped). Not async-signal-safe. */
int hl_rsess_replay(hl_ring_session *s);
/* The counters so far. Not async-signal-safe. */
hl_ring_stats hl_rsess_stats(const hl_ring_session *s);
/* The i-th profile (0: the root's; the others in order of first sample) and
 * its process id, or NULL past the end. The builder is handed over (the next
 * call with the same i returns NULL for it). Not async-signal-safe. */
hl_rp *hl_rsess_take(hl_ring_session *s, size_t i, pid_t *pid);
/* Frees the session and any builder not taken. NULL is allowed. Not
 * async-signal-safe. */
void hl_rsess_free(hl_ring_session *s);

#pragma GCC visibility pop

#endif
