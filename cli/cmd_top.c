/* cmd_top.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_top(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint top: not implemented yet\n", stderr);
    return 2;
}
