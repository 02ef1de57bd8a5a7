/* cmd_list.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_list(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint list: not implemented yet\n", stderr);
    return 2;
}
