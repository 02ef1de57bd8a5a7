/* lint_options.h - the one parser for the options `lint` and `verify` share. */
#ifndef HL_LINT_OPTIONS_H
#define HL_LINT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../lint/finding.h"
#include "../lint/lint.h"
#include "../lint/rule.h"

/* Result of offering one argument to a parser. */
typedef enum hl_opt_result {
    HL_OPT_OK = 0,       /* consumed (with its value, if any); *i points at the last one used */
    HL_OPT_NOT_MINE = 1, /* unknown option: another layer may handle it */
    HL_OPT_ERROR = 2,    /* known option with a bad or missing value; message in err */
    HL_OPT_HELP = 3,     /* -h / --help */
} hl_opt_result;

/* The shared option set. Zero-initialise with hl_lint_cli_init. */
typedef struct hl_lint_cli {
    const char **paths; /* borrowed from argv */
    size_t n_paths;
    const char **extra_args; /* after "--"; borrowed from argv */
    size_t n_extra_args;
    const char *compdb_dir; /* -p DIR */
    const char *rules_dir;  /* --rules DIR (NULL: the built-in catalog) */
    const char *format;     /* --format NAME; "text" by default; the command validates it */
    int jobs;               /* -j N; 0: number of cores */
    int color;              /* -1 auto (terminal), 0 --no-color, 1 --color */
    bool quiet;             /* --quiet: no summary line */
    bool progress;          /* derived: stderr is a terminal and not quiet */

    /* Project settings and baselines (lint/config.h, lint/baseline.h). */
    const char *config_path;    /* --config FILE: instead of the .hotlint.yaml files */
    bool no_config;             /* --no-config: ignore .hotlint.yaml files */
    const char *baseline;       /* --baseline FILE: report only findings not recorded in it */
    const char *write_baseline; /* --write-baseline FILE: record today's findings */
    struct hl_configs *configs; /* the run's configs (own the findings' severity overrides) */
    bool no_cache;              /* --no-cache */
    const char *cache_dir;      /* --cache-dir DIR */

    /* --diff [REV]: report only findings on lines the change adds or modifies
     * (lint/diff.h): the staged change, or the working tree against REV. */
    bool diff;
    const char *diff_rev; /* NULL: the staged change */

    /* --heat LEVEL: the coldest findings shown by text, SARIF, github and
     * codequality output (JSON lists all); 0: .hotlint.yaml's min-heat, else warm. */
    hl_heat min_heat;
    /* Set by the command: the coldest heat hl_lint_cli_run keeps (0: every
     * finding, as JSON and verify want them). */
    hl_heat show_heat;
} hl_lint_cli;

/* A caller's own option layer: offered every option the shared parser does
 * not know. Same contract as hl_lint_cli_parse_one. */
typedef hl_opt_result (*hl_opt_layer_fn)(void *user, int argc, char **argv, int *i, char *err,
                                         size_t errlen);

void hl_lint_cli_init(hl_lint_cli *c);

/* Matches argv[*i] against the long option name ("--name" or "--name=value").
 * HL_OPT_NOT_MINE when it is another option; HL_OPT_OK with *val set and *i
 * advanced past a separate value; HL_OPT_ERROR when the value is missing
 * (message in err). For the option layers of the commands. */
hl_opt_result hl_opt_value(const char *name, int argc, char **argv, int *i, const char **val,
                           char *err, size_t errlen);

/* Offers argv[*i] (an option starting with '-') to the shared parser. On
 * HL_OPT_OK *i is advanced past any value it took (to the last argv index
 * used). Supports "--opt value" and "--opt=value", "-jN" and "-pDIR". */
hl_opt_result hl_lint_cli_parse_one(hl_lint_cli *c, int argc, char **argv, int *i, char *err,
                                    size_t errlen);

/* Parses argv[1..argc): options, paths, and everything after "--" as extra
 * compiler flags. Unknown options go to layer (if not NULL); an option nobody
 * knows is an error. Returns HL_OPT_OK, HL_OPT_HELP or HL_OPT_ERROR (err set,
 * naming the option and pointing at --help). Allocates the path arrays:
 * release with hl_lint_cli_free. */
hl_opt_result hl_lint_cli_parse(hl_lint_cli *c, int argc, char **argv, hl_opt_layer_fn layer,
                                void *user, char *err, size_t errlen);

/* hl_lint_cli_parse for a subcommand: --help prints usage and the shared
 * options' help to stdout; an error is printed as "hotlint CMD: message".
 * Returns -1 to go on, else the exit status (0 after help, 2 after an error). */
int hl_lint_cli_parse_command(hl_lint_cli *c, int argc, char **argv, hl_opt_layer_fn layer,
                              void *user, const char *cmd, const char *usage);

/* Checks --format against the formats lint and verify write (text, json,
 * sarif, github, codequality). Returns 0, or -1 with a message in err
 * naming the format and the choices. */
int hl_lint_cli_check_format(const hl_lint_cli *c, char *err, size_t errlen);

/* True when the output of the run should be coloured (--color, or auto and
 * stdout is a terminal). */
bool hl_lint_cli_use_color(const hl_lint_cli *c);

/* The coldest heat to show: --heat, else the first config's min-heat, else warm. */
hl_heat hl_lint_cli_min_heat(const hl_lint_cli *c);

/* Loads the catalog (--rules DIR, else the built-in one), lints the paths and
 * runs the filter list (lint/filter.h): the single entry `lint`, `verify`,
 * `list` and `compare` call. Says on stderr what the filters left out (unless
 * --quiet). Returns 0 when the run completed (findings and per-file errors in
 * out; cat must outlive out), -1 on a usage or input error with the message
 * in err. On error cat and out are left empty. */

int hl_lint_cli_run(const hl_lint_cli *c, hl_catalog *cat, hl_findings *out, char *err,
                    size_t errlen);

/* The help text for the shared options, one per line, for a command's usage. */
const char *hl_lint_cli_help(void);

void hl_lint_cli_free(hl_lint_cli *c);

#endif
