/* run_repeat.h - `hotlint run --repeat N`: the program run N times, one
 * profile holding every run (compare/runs.h describes its labels and
 * comments). The runs happen in the light front; the merge of their profiles
 * in the analyzer (the internal command __merge-runs), so that a plain
 * `hotlint run` never loads the profile library. */
#ifndef HL_RUN_REPEAT_H
#define HL_RUN_REPEAT_H

#include <stdbool.h>

/* True when run's options (before the program) hold --repeat. */
bool hl_run_repeat_requested(int argc, char **argv);

/* Runs `hotlint run` argv N times and merges the profiles. Returns the exit
 * status: the programs' (the first that failed when they differ), 2 on a
 * usage or input error. */
int hl_run_repeat(int argc, char **argv);

/* __merge-runs OUT (FILE|- CPU_NS WALL_NS STATUS)...: merges the runs'
 * profiles into OUT (analyzer only). */
int hl_cmd_merge_runs(int argc, char **argv);

#endif
