/* main.c - hotlint's entry point: picks the subcommand and hands it the
 * arguments. Built twice: as the analyzer with every command, and as the
 * light front `hotlint` (HL_FRONT), which runs `hotlint run` itself without
 * loading libclang and hands every other command to the analyzer by exec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "run_repeat.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

#ifdef HL_FRONT
#include <errno.h>
#include <limits.h>
#include <unistd.h>

/* The analyzer: next to this executable (build tree), else where it is
 * installed. */
static int exec_analyzer(char **argv)
{
    char exe[PATH_MAX], path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            if (snprintf(path, sizeof path, "%s/" HL_ANALYZER_NAME, exe) < (int)sizeof path &&
                access(path, X_OK) == 0)
                execv(path, argv);
        }
    }
    execv(HL_ANALYZER_INSTALLED, argv);
    fprintf(stderr,
            "hotlint: cannot run the analyzer (%s, or " HL_ANALYZER_NAME
            " next to hotlint): %s; reinstall hotlint\n",
            HL_ANALYZER_INSTALLED, strerror(errno));
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return hl_cmd_run(argc - 1, argv + 1);
    return exec_analyzer(argv);
}
#else
static const struct command commands[] = {
    {"lint", hl_cmd_lint, "report likely hotspots in C sources (the default)"},
    {"verify", hl_cmd_verify, "confirm or dismiss findings against a profile"},
    {"run", hl_cmd_run, "run a program under the CPU and heap profiler"},
    {"top", hl_cmd_top, "the top functions of a profile"},
    {"list", hl_cmd_list, "annotated source of functions in a profile"},
    {"flame", hl_cmd_flame, "flame graph (SVG) or folded stacks of a profile"},
    {"rules", hl_cmd_rules, "list the rule catalog or explain one rule"},
    {"compare", hl_cmd_compare, "did the change work? compare repeated runs before and after"},
};

static void usage(FILE *out)
{
    fputs("usage: hotlint [lint] [options] [PATH...] [-- COMPILER-FLAGS...]\n"
          "       hotlint --verify PROFILE... [options] [PATH...]\n"
          "       hotlint COMMAND [options] ...\n\ncommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'hotlint COMMAND --help' for a command's options.\n", out);
}

/* `hotlint [options] --verify PROFILE [options] [PATH...]`: --verify may stand
 * anywhere before `--`. Runs verify with its profile as `--profile PROFILE`
 * and every other argument in its place; returns -1 when there is no
 * --verify (the arguments are lint's). */
static int verify_anywhere(int argc, char **argv)
{
    int at = -1;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--verify") || !strncmp(argv[i], "--verify=", 9)) {
            at = i;
            break;
        }
    if (at < 0)
        return -1;
    char **args = malloc(((size_t)argc + 2) * sizeof *args);
    if (!args) {
        fputs("hotlint: out of memory\n", stderr);
        return 2;
    }
    int n = 0, taken = at; /* argv[at..taken] became --profile PROFILE */
    args[n++] = "verify";
    if (argv[at][8] == '=') {
        args[n++] = "--profile";
        args[n++] = argv[at] + 9;
    } else if (at + 1 < argc && strcmp(argv[at + 1], "--")) {
        args[n++] = "--profile";
        args[n++] = argv[++taken];
    }
    for (int i = 1; i < argc; i++)
        if (i < at || i > taken)
            args[n++] = argv[i];
    args[n] = NULL;
    int rc = hl_cmd_verify(n, args);
    free(args);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 &&
        (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        puts("hotlint " HOTLINT_VERSION);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--verify"))
        return hl_cmd_verify(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "__merge-runs")) /* hotlint run --repeat's merge */
        return hl_cmd_merge_runs(argc - 1, argv + 1);
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[1], commands[i].name))
                return commands[i].run(argc - 1, argv + 1);
    }
    int rc = verify_anywhere(argc, argv);
    if (rc >= 0)
        return rc;
    /* No subcommand: lint, with every argument (paths and options) as given. */
    return hl_cmd_lint(argc, argv);
}
#endif
