/* cmd_run.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint run: not implemented yet\n", stderr);
    return 2;
}
