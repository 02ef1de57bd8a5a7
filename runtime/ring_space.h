/* ring_space.h - the address spaces of a process sampled from outside, as the
 * ring's records describe them (executable mappings, exec, fork), each with a
 * libdw session (dwfl) that unwinds a sample's copied user stack by DWARF CFI
 * (frame pointers where a module has none) and symbolizes its addresses. */
#ifndef HL_RING_SPACE_H
#define HL_RING_SPACE_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

typedef struct hl_rs_map {
    uint64_t start, limit, pgoff;
    char *path;
    bool reported; /* given to dwfl */
} hl_rs_map;

typedef struct hl_ring_space {
    pid_t pid;
    uint64_t id;    /* unique over the session: locations are keyed by (id, pc) */
    unsigned execs; /* execs seen in this process */
    hl_rs_map *maps;
    size_t n_maps, cap_maps;
    Dwfl *dwfl;
    bool attached;        /* dwfl_attach_state done */
    bool dirty;           /* maps to report before the next unwind */
    uint64_t main_start;  /* the first executable mapping (the program itself) */
    const void *cur_regs; /* the sample being unwound (callbacks read these) */
    const char *cur_stack;
    uint64_t cur_sp, cur_stack_len;
    pid_t cur_tid;
} hl_ring_space;

/* A new, empty space for pid with the given unique id. NULL on ENOMEM.
 * Not async-signal-safe. */
hl_ring_space *hl_rs_new(pid_t pid, uint64_t id);
/* A copy of parent's mappings for a forked child. NULL on ENOMEM. Not
 * async-signal-safe. */
hl_ring_space *hl_rs_fork(const hl_ring_space *parent, pid_t pid, uint64_t id);
/* Adds an executable mapping (replacing any it overlaps). Returns 0 or -1
 * (ENOMEM). Not async-signal-safe. */
int hl_rs_add_map(hl_ring_space *s, uint64_t start, uint64_t len, uint64_t pgoff, const char *path);
/* The mapping that holds addr, or NULL. Not async-signal-safe. */
const hl_rs_map *hl_rs_map_at(const hl_ring_space *s, uint64_t addr);
/* Unwinds one sample: regs holds HL_RING_NREGS user registers in perf order,
 * stack the stack_len bytes copied from the stack pointer up. Stores up to max
 * program counters, leaf first (the others are return addresses), and
 * returns how many (at least 1 when ip is non-zero). Not async-signal-safe. */
size_t hl_rs_unwind(hl_ring_space *s, pid_t tid, const uint64_t *regs, const char *stack,
                    uint64_t stack_len, uint64_t *pcs, size_t max);
/* The libdw module that holds addr (after an unwind has reported the maps),
 * or NULL. Not async-signal-safe. */
Dwfl_Module *hl_rs_module(hl_ring_space *s, uint64_t addr);
/* Frees the space and its dwfl. NULL is allowed. Not async-signal-safe. */
void hl_rs_free(hl_ring_space *s);

#pragma GCC visibility pop

#endif
