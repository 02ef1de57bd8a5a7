/* ring_reader.h - samples a process through the kernel's perf event ring
 * buffers: one software CPU-clock event per online CPU on the target (new
 * threads, and forks when asked, inherit it), each sample carrying the user
 * registers and a copy of the top of the user stack, plus the records that
 * describe the address space (executable mappings, exec, fork, exit). The
 * reader copies complete records out of the rings; ring_replay.c makes
 * stacks of them. */
#ifndef HL_RING_READER_H
#define HL_RING_READER_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

/* User registers sampled (x86-64 perf_regs numbering): AX..SP, IP and R8..R15,
 * what DWARF CFI may name. In the record they follow in bit order. */
#define HL_RING_REGS_MASK   0xff01ffull
#define HL_RING_NREGS       17
#define HL_RING_STACK_BYTES 16384

typedef struct hl_ring_opts {
    pid_t pid;         /* the process to sample */
    int hz;            /* samples per CPU second */
    bool forks;        /* also follow forked children (not only threads) */
    bool enable_exec;  /* start counting at the target's next exec */
    size_t ring_pages; /* data pages per CPU (a power of two; 0: default) */
} hl_ring_opts;

typedef struct hl_ring hl_ring;

/* Opens the events. NULL on failure with errno set (EACCES, EPERM: refused by
 * perf_event_paranoid or a seccomp filter; ENOSYS; ESRCH) and a message in
 * err. Not async-signal-safe. */
hl_ring *hl_ring_open(const hl_ring_opts *o, char *err, size_t errlen);
/* Whether kernel-mode time is sampled too (else user mode only, as
 * perf_event_paranoid demands of an unprivileged user). Not async-signal-safe. */
bool hl_ring_kernel_included(const hl_ring *r);
/* The descriptors to poll for readable data; returns how many (<= max).
 * Not async-signal-safe. */
size_t hl_ring_fds(const hl_ring *r, int *fds, size_t max);
/* Copies every complete record out of every ring, calling fn with each
 * (the header is followed by its body; the pointer is valid during the call
 * only). Returns how many. Not async-signal-safe. */
size_t hl_ring_drain(hl_ring *r, void (*fn)(const struct perf_event_header *h, void *ctx),
                     void *ctx);
/* Closes the events and unmaps the rings. NULL is allowed. Not
 * async-signal-safe. */
void hl_ring_close(hl_ring *r);

#pragma GCC visibility pop

#endif
