/* runs.h - one side of a comparison as a list of runs: each profile split by
 * its "run" label (a profile without it is one run), with the CPU and wall
 * time `hotlint run --repeat` records for each run in the profile's comments.
 *
 * The comment of run L, one per run, exactly:
 *     hotlint-run run=L cpu_ns=CPU wall_ns=WALL status=exit:N|signal:N
 * CPU is the run's user + system time (getrusage of the program and the
 * children it waited for), WALL its elapsed time, both in nanoseconds. */
#ifndef HL_COMPARE_RUNS_H
#define HL_COMPARE_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../profile/profile.h"

#define HL_RUN_LABEL   "run"
#define HL_RUN_COMMENT "hotlint-run"

/* One run. view is a shallow profile: its own array of the run's samples
 * (copies of the sample structs), every other member borrowed from the profile
 * it came from. It is never passed to hl_profile_free. */
typedef struct hl_run {
    hl_profile view;
    const char *source; /* the file or URL it came from (borrowed) */
    char label[64];     /* the run label's value; "" for an unlabelled profile */
    bool has_measured;  /* a hotlint-run comment gave the figures below */
    int64_t cpu_ns, wall_ns;
    char status[32]; /* "exit:0", "signal:9"; "" when unknown */
} hl_run;

typedef struct hl_side {
    hl_run *runs;
    size_t n_runs, cap_runs;
    hl_profile **profiles; /* owned */
    size_t n_profiles, cap_profiles;
    hl_profile *merged;  /* all runs in one profile: profiles[0] or a merge */
    bool merged_owned;   /* merged is a merge of several profiles */
    size_t n_unlabelled; /* samples without a run label in a labelled profile */
} hl_side;

/* Takes p (freed with the side) and appends its runs. source names it in
 * messages and must outlive the side. Returns 0, or -1 with a message in err. */
int hl_side_add(hl_side *s, hl_profile *p, const char *source, char *err, size_t errlen);

/* Makes s->merged once every profile is added. Returns 0, or -1 with a
 * message in err (the sample types of the profiles differ). */
int hl_side_finish(hl_side *s, char *err, size_t errlen);

void hl_side_free(hl_side *s);

/* Formats the comment of one run (see above) into out. */
void hl_run_comment(char *out, size_t outlen, const char *label, int64_t cpu_ns, int64_t wall_ns,
                    const char *status);

/* Parses one comment; true when it is a run comment (fields in the pointers). */
bool hl_run_comment_parse(const char *comment, char *label, size_t labellen, int64_t *cpu_ns,
                          int64_t *wall_ns, char *status, size_t statuslen);

#endif
