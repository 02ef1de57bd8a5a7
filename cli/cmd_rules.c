/* cmd_rules.c - placeholder until the subcommand lands. */
#include <stdio.h>

#include "commands.h"

int hl_cmd_rules(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("hotlint rules: not implemented yet\n", stderr);
    return 2;
}
