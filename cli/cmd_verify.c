/* cmd_verify.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint verify: not implemented yet\n", stderr);
    return 2;
}
