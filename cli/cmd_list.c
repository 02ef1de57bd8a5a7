/* cmd_list.c - hotlint list REGEX PROFILE... [PATH...]: annotated source of the matching
 * functions, with the findings of PATHs (when given) marked with their verdicts. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/escape.h"
#include "commands.h"
#include "lint_options.h"
#include "../report/list_text.h"
#include "../verify/verify.h"
#include "verify_options.h"

static const char *usage_text =
    "usage: hotlint list REGEX PROFILE... [options] [PATH...]\n"
    "\n"
    "Prints the source of every function whose name matches REGEX (POSIX extended) with\n"
    "flat and cum per line, like pprof -list. With PATHs (directories or C files) they\n"
    "are linted and each finding is marked on its line with its verdict. Several\n"
    "profiles are merged when their sample types agree.\n"
    "\n"
    "list options:\n"
    "  --sample-index NAME  the value to show (default: alloc_space when the profile has\n"
    "                       it, as verify; else the profile's default)\n" HL_PROFILE_OPTIONS_HELP
    "\nshared options (for the linted PATHs):\n";

int hl_cmd_list(int argc, char **argv)
{
    hl_lint_cli lc;
    hl_profile_cli pc = {0};
    hl_checked ck = {0};
    hl_profile *prof = NULL;
    regex_t re;
    bool have_re = false;
    char err[1024] = "";
    int rc = 2;

    hl_lint_cli_init(&lc);
    int pr = hl_lint_cli_parse_command(&lc, argc, argv, hl_profile_cli_parse_one, &pc, "list",
                                       usage_text);
    if (pr >= 0) {
        rc = pr;
        goto out;
    }
    if (lc.n_paths < 2) {
        fputs("usage: hotlint list REGEX PROFILE... [options] [PATH...] (see --help)\n", stderr);
        goto out;
    }
    const char *pattern = lc.paths[0];
    int rerr = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rerr) {
        regerror(rerr, &re, err, sizeof err);
        fprintf(stderr, "hotlint list: '%s' is not a regular expression: %s\n", pattern, err);
        goto out;
    }
    have_re = true;
    if (hl_profile_cli_split(&pc, &lc, 1, true) < 0) {
        fputs("hotlint list: out of memory\n", stderr);
        goto out;
    }
    size_t six;
    if (!(prof = hl_profile_cli_open(&pc, &six, err, sizeof err))) {
        fprintf(stderr, "hotlint list: %s\n", hl_esc(err));
        goto out;
    }
    hl_list_options lo = {
        .sample_index = six,
        .trim_paths = pc.trims,
        .n_trim_paths = pc.n_trims,
        .source_root = pc.source_root,
    };
    if (lc.n_paths > 1) {
        lc.n_paths--; /* the source paths after REGEX */
        memmove(lc.paths, lc.paths + 1, lc.n_paths * sizeof *lc.paths);
        hl_verify_options vo;
        hl_verify_options_init(&vo);
        hl_profile_cli_verify_options(&pc, &vo);
        if (hl_lint_and_verify(&lc, prof, &vo, false, false, &ck, err, sizeof err) < 0) {
            fprintf(stderr, "hotlint list: %s\n", hl_esc(err));
            goto out;
        }
        lo.vr = &ck.vr;
    }
    int n = hl_list_write_text(stdout, prof, &re, &lo);
    if (n < 0) {
        fputs("hotlint list: writing the listing failed\n", stderr);
        goto out;
    }
    if (n == 0) {
        fprintf(stderr, "hotlint list: no function in the profile matches '%s'\n", pattern);
        goto out;
    }
    rc = 0;
out:
    hl_checked_free(&ck);
    if (prof)
        hl_profile_free(prof);
    if (have_re)
        regfree(&re);
    hl_profile_cli_free(&pc);
    hl_lint_cli_free(&lc);
    return rc;
}
