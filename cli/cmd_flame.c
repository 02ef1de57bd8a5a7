/* cmd_flame.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_flame(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint flame: not implemented yet\n", stderr);
    return 2;
}
