/* main.c - hotlint's entry point: picks the subcommand and hands it the arguments. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"lint", hl_cmd_lint, "report likely hotspots in C sources (the default)"},
    {"verify", hl_cmd_verify, "confirm or dismiss findings against a profile"},
    {"run", hl_cmd_run, "run a program under the CPU and heap profiler"},
    {"top", hl_cmd_top, "the top functions of a profile"},
    {"list", hl_cmd_list, "annotated source of functions in a profile"},
    {"flame", hl_cmd_flame, "flame graph (SVG) or folded stacks of a profile"},
    {"rules", hl_cmd_rules, "list the rule catalog or explain one rule"},
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
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[1], commands[i].name))
                return commands[i].run(argc - 1, argv + 1);
    }
    /* No subcommand: lint, with every argument (paths and options) as given. */
    return hl_cmd_lint(argc, argv);
}
