/* run_outside.h - `hotlint run --cpuprofile` without loading anything into
 * the program: perf events opened on the child, their rings read here, the
 * stacks unwound, symbolized and written as a pprof profile by hotlint. */
#ifndef HL_RUN_OUTSIDE_H
#define HL_RUN_OUTSIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

typedef struct hl_outside hl_outside;

/* What the CPU profile's mode asks for: 1 outside (refusal is an error),
 * 0 outside where permitted, else the in-process runtime, -1 the in-process
 * runtime only (mode "perf" or "timer"). mode is --cpuprofile-mode's value or
 * NULL (then HOTLINT_CPUPROFILE_MODE is read). -2 for a mode no one knows. */
int hl_outside_wanted(const char *mode);
/* Opens the events on child (stopped before its exec; counting starts at the
 * exec). NULL with a message in err when perf events are refused. */
hl_outside *hl_outside_start(pid_t child, int hz, bool forks, bool follow_exec, char *err,
                             size_t errlen);
/* Reads the rings until child ends, then reaps it. Returns 0, or -1 with
 * errno when waiting failed. */
int hl_outside_wait(hl_outside *o, pid_t child, int *status, struct rusage *ru);
/* Unwinds, symbolizes and writes the profile to path (forked processes, when
 * asked, to path.<pid>), says on stderr what was written, frees o. shown is
 * the path as the user gave it. Returns 0 or -1 (message printed). */
int hl_outside_finish(hl_outside *o, const char *path, const char *shown, const struct rusage *ru);

#endif
