/* cmd_lint.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_lint(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint lint: not implemented yet\n", stderr);
    return 2;
}
