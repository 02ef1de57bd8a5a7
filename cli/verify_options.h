/* verify_options.h - the profile options `verify` and `list` share, and opening their profiles. */
#ifndef HL_VERIFY_OPTIONS_H
#define HL_VERIFY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../verify/verify.h"
#include "lint_options.h"

/* The help lines of the profile-reading options verify and list share. */
#define HL_PROFILE_OPTIONS_HELP                                                                    \
    "  --trim-path PREFIX   remove PREFIX from the profile's file names (repeatable)\n"            \
    "  --source-root DIR    relative profile file names are under DIR\n"                           \
    "  --token T            bearer token for profile URLs\n"                                       \
    "  --save-profile FILE  keep the profile read (a URL's window,\n"                              \
    "                       kept for later runs)\n"                                                \
    "  --max-profile-memory SIZE  memory one profile may take to read (K, M, G; default\n"         \
    "                       2G); a bigger one is refused\n"

/* The profiles and the options that say how to read them. Zero-initialise. */
typedef struct hl_profile_cli {
    const char **profiles; /* in order; borrowed from argv */
    size_t n_profiles;
    const char **trims; /* --trim-path PREFIX, repeatable */
    size_t n_trims;
    const char *sample_index; /* --sample-index NAME; NULL: verify's choice */
    const char *source_root;  /* --source-root DIR */
    const char *token;        /* --token T, for profile URLs */
    const char *save_profile; /* --save-profile FILE: keep what was read */
} hl_profile_cli;

/* An option layer (hl_opt_layer_fn) for --sample-index, --trim-path,
 * --source-root, --token, --save-profile and --max-profile-memory; user is an
 * hl_profile_cli. --max-profile-memory takes effect at once, for every profile
 * the process reads later (hl_profile_set_max_memory). */
hl_opt_result hl_profile_cli_parse_one(void *user, int argc, char **argv, int *i, char *err,
                                       size_t errlen);

/* Sets the memory limit of profile reads from an option value ("2G", "512M",
 * "1048576"). Returns 0, or -1 with a message in err. */
int hl_profile_cli_max_memory(const char *value, char *err, size_t errlen);

/* Adds a profile to p. Returns 0, or -1 when out of memory. */
int hl_profile_cli_add(hl_profile_cli *p, const char *source);

/* Moves the positional arguments of lc from index `from` on that are not
 * source paths (directories, C sources and headers) to p's profiles, leaving
 * the source paths in lc. The first of them is a profile whatever its name
 * when first_is_profile. Returns 0, or -1 when out of memory. */
int hl_profile_cli_split(hl_profile_cli *p, hl_lint_cli *lc, size_t from, bool first_is_profile);

/* Opens and merges p's profiles, and resolves the sample type the run uses
 * (hl_verify_sample_index) into *sample_index (when not NULL). NULL with a message in err
 * naming the profile (or the sample type) when one cannot be used. */
hl_profile *hl_profile_cli_open(const hl_profile_cli *p, size_t *sample_index, char *err,
                                size_t errlen);

/* Writes prof to path (pprof protobuf, gzipped; replaced whole or not at all)
 * when path is not NULL: with --save-profile, the window a URL gave can be read
 * again by top, list, flame and verify. Returns 0, or -1 with a message in err
 * naming the file. */
int hl_profile_cli_save(const hl_profile *prof, const char *path, char *err, size_t errlen);

/* Copies the options verify needs (sample type, --trim-path, --source-root)
 * into vo; the strings stay borrowed from p. */
void hl_profile_cli_verify_options(const hl_profile_cli *p, hl_verify_options *vo);

void hl_profile_cli_free(hl_profile_cli *p);

/* What a command that joins findings and a profile holds. Zero-initialise;
 * release with hl_checked_free. */
typedef struct hl_checked {
    hl_catalog cat;
    hl_findings fs;
    hl_verify_result vr;
    bool linted, verified;
} hl_checked;

/* Lints lc's paths and prints their per-file errors on stderr, takes the
 * verify thresholds of .hotlint.yaml that the command line did not set
 * (share_set, samples_set) into vo, and verifies the findings against prof.
 * Returns 0, or -1 with a message in err; out holds whatever was done. */
int hl_lint_and_verify(const hl_lint_cli *lc, const hl_profile *prof, hl_verify_options *vo,
                       bool share_set, bool samples_set, hl_checked *out, char *err, size_t errlen);

void hl_checked_free(hl_checked *c);

#endif
