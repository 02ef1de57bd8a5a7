/* cmd_lint.c - `hotlint [lint] [options] [PATH...]`: static findings in C sources. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../report/escape.h"
#include "../report/codequality.h"
#include "commands.h"
#include "../report/github.h"
#include "../report/lint_json.h"
#include "lint_options.h"
#include "../report/lint_text.h"
#include "../report/sarif.h"

static void usage(FILE *out)
{
    fputs("usage: hotlint [lint] [options] [PATH...] [-- COMPILER-FLAGS...]\n\n"
          "Reports code that is likely expensive when it runs often: formatting,\n"
          "allocation, string compares and unbuffered I/O in loops, and more\n"
          "(see 'hotlint rules'). PATH is a C file or a directory (default: .).\n\n"
          "options:\n",
          out);
    fputs(hl_lint_cli_help(), out);
    fputs("\nexit status: 0 no findings, 1 findings, 2 usage or input error\n", out);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int hl_cmd_lint(int argc, char **argv)
{
    hl_lint_cli cli;
    hl_catalog cat;
    hl_findings f;
    char err[4096] = "";
    double t0 = now();

    hl_lint_cli_init(&cli);
    hl_opt_result pr = hl_lint_cli_parse(&cli, argc, argv, NULL, NULL, err, sizeof err);
    if (pr == HL_OPT_HELP) {
        usage(stdout);
        hl_lint_cli_free(&cli);
        return 0;
    }
    if (pr != HL_OPT_OK) {
        fprintf(stderr, "hotlint: %s\n", hl_esc(err));
        hl_lint_cli_free(&cli);
        return 2;
    }
    if (hl_lint_cli_check_format(&cli, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint: %s\n", hl_esc(err));
        hl_lint_cli_free(&cli);
        return 2;
    }
    bool json = !strcmp(cli.format, "json");
    bool sarif = !strcmp(cli.format, "sarif"), github = !strcmp(cli.format, "github"),
         codequality = !strcmp(cli.format, "codequality");
    /* JSON lists every finding with its heat; the other outputs show the
     * hot and warm ones unless asked otherwise. */
    cli.show_heat = json ? 0 : hl_lint_cli_min_heat(&cli);
    if (hl_lint_cli_run(&cli, &cat, &f, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint: %s\n", hl_esc(err));
        hl_lint_cli_free(&cli);
        return 2;
    }
    int wrc;
    if (json) {
        wrc = hl_report_lint_json(stdout, &f);
    } else if (sarif || github || codequality) {
        hl_report_lint_errors(stderr, &f, false);
        wrc = sarif    ? hl_report_sarif(stdout, &f, &cat, NULL, HOTLINT_VERSION)
              : github ? hl_report_github(stdout, &f, NULL)
                       : hl_report_codequality(stdout, &f, NULL);
    } else {
        hl_report_text_options to = {
            .color = hl_lint_cli_use_color(&cli), .show_source = true, .show_fix = true};
        hl_report_lint_errors(stderr, &f, to.color);
        wrc = hl_report_lint_text(stdout, &f, &to);
    }
    if (!cli.quiet)
        hl_report_lint_summary(stderr, &f, now() - t0);
    int rc = f.n_errors ? 2 : f.n ? 1 : 0;
    if (wrc < 0) {
        fputs("hotlint: error writing the output\n", stderr);
        rc = 2;
    }
    hl_findings_free(&f);
    hl_catalog_free(&cat);
    hl_lint_cli_free(&cli);
    return rc;
}
