/* label_runs.h - one profile from the profiles of repeated runs: every sample
 * labelled with its run ("run" = "1".."N", a pprof string label, so that
 * `go tool pprof -tagfocus run=3` selects one run) and each run's figures in
 * the comments (runs.h gives the form). */
#ifndef HL_COMPARE_LABEL_RUNS_H
#define HL_COMPARE_LABEL_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "../profile/profile.h"

typedef struct hl_run_record {
    const hl_profile *profile; /* the run's own profile; NULL when it wrote none */
    int64_t cpu_ns, wall_ns;
    char status[32]; /* "exit:0", "signal:9" */
} hl_run_record;

/* Merges the runs' profiles (their sample types must agree). Runs without a
 * profile keep their comment. Returns NULL with a message in err. */
hl_profile *hl_label_runs(const hl_run_record *runs, size_t n, char *err, size_t errlen);

#endif
