/* commands.h - one entry point per subcommand; each parses its own arguments
 * and returns the process exit code (0 clean, 1 findings, 2 usage or input error). */
#ifndef HL_COMMANDS_H
#define HL_COMMANDS_H

int hl_cmd_lint(int argc, char **argv);    /* cmd_lint.c */
int hl_cmd_rules(int argc, char **argv);   /* cmd_rules.c */
int hl_cmd_run(int argc, char **argv);     /* cmd_run.c */
int hl_cmd_top(int argc, char **argv);     /* cmd_top.c */
int hl_cmd_verify(int argc, char **argv);  /* cmd_verify.c */
int hl_cmd_list(int argc, char **argv);    /* cmd_list.c */
int hl_cmd_flame(int argc, char **argv);   /* cmd_flame.c */
int hl_cmd_compare(int argc, char **argv); /* cmd_compare.c */

#endif
