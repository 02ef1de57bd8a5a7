/* cmd_verify.c - hotlint --verify / hotlint verify: argument parsing, then lint, read the
 * profile(s), verify and report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/escape.h"
#include "../fetch/fetch.h"
#include "commands.h"
#include "lint_options.h"
#include "../verify/verify.h"
#include "verify_options.h"
#include "../report/verify_json.h"
#include "../report/verify_text.h"
#include "../report/codequality.h"
#include "../report/github.h"
#include "../report/sarif.h"

typedef enum { FAIL_ON_CONFIRMED, FAIL_ON_ANY, FAIL_ON_NONE } fail_on;

/* The options verify adds to the shared lint options. */
typedef struct verify_cli {
    hl_verify_options vo;
    hl_profile_cli pc; /* profiles, --sample-index, --trim-path, --source-root, --token */
    fail_on fail;
    bool share_set, samples_set; /* given on the command line: .hotlint.yaml does not override */
    bool all;                    /* list the not-exercised findings too */
} verify_cli;

static const char *usage_text =
    "usage: hotlint --verify PROFILE... [options] [PATH...] [-- COMPILER-FLAGS...]\n"
    "       hotlint verify PROFILE... [options] [PATH...]\n"
    "\n"
    "Lints PATHs (default: the current directory), reads the profile(s) and gives each\n"
    "finding a verdict on its evidence, the samples through its call into the rule's\n"
    "cost: confirmed (the 95% Wilson interval's lower bound >= --min-share), dismissed\n"
    "(its upper bound under it, with enough samples), hot other cause (the site is hot\n"
    "but the rule's cost is not), merged (the compiler made this call and another one),\n"
    "not applicable (the profile's sample type cannot show the rule's cost), not\n"
    "exercised (its function never appears, with enough samples) or inconclusive.\n"
    "Sources that do not match the profiled binary are an error. Profiles are files or\n"
    "http(s) URLs; the first argument is a profile, later ones are profiles unless they\n"
    "are directories or C sources (or give --profile FILE). Several profiles are merged\n"
    "when their sample types agree.\n"
    "\n"
    "Exit status: 0 nothing confirmed, 1 a finding confirmed (see --fail-on), 2 a usage\n"
    "or input error, or a file that could not be analyzed (the report is printed).\n"
    "\n"
    "verify options:\n"
    "  --profile FILE       a profile (repeatable)\n"
    "  --min-share PCT      confirm at this share of the total, in percent (default 1)\n"
    "  --min-samples N      samples needed before dismissing (default 100)\n"
    "  --sample-index NAME  the value to use: cpu, samples, alloc_space... (default:\n"
    "                       alloc_space when the profile has it, as heap profiles do;\n"
    "                       else the profile's default)\n" HL_PROFILE_OPTIONS_HELP
    "  --max-unexplained N  rows in each 'hot code no rule explains' list (default 10)\n"
    "  --allow-stale        report on sources that do not match the profiled binary\n"
    "  --all                list the not-exercised findings (else only their count)\n"
    "  --fail-on WHEN       exit 1 when: confirmed (default), any (any finding), none\n"
    "\nshared options:\n";

static bool parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '%')
        end++;
    if (errno || end == s || *end || !(v > 0) || v > 100)
        return false;
    *out = v;
    return true;
}

static bool parse_long(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static hl_opt_result verify_layer(void *user, int argc, char **argv, int *i, char *err,
                                  size_t errlen)
{
    verify_cli *v = user;
    const char *val;
    long long n;
    hl_opt_result r;
    if ((r = hl_opt_value("--profile", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE) {
        if (r == HL_OPT_OK && hl_profile_cli_add(&v->pc, val) < 0) {
            snprintf(err, errlen, "out of memory parsing the arguments");
            return HL_OPT_ERROR;
        }
        return r;
    }
    if ((r = hl_opt_value("--min-share", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE) {
        double d;
        if (r != HL_OPT_OK)
            return r;
        if (!parse_double(val, &d)) {
            snprintf(err, errlen, "--min-share: '%s' is not a percentage in (0, 100]", val);
            return HL_OPT_ERROR;
        }
        v->vo.min_share = d / 100.0;
        v->share_set = true;
        return HL_OPT_OK;
    }
    if ((r = hl_opt_value("--min-samples", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE) {
        if (r != HL_OPT_OK)
            return r;
        if (!parse_long(val, 1, INT64_MAX / 2, &n)) {
            snprintf(err, errlen, "--min-samples: '%s' is not a positive number", val);
            return HL_OPT_ERROR;
        }
        v->vo.min_samples = n;
        v->samples_set = true;
        return HL_OPT_OK;
    }
    if ((r = hl_opt_value("--max-unexplained", argc, argv, i, &val, err, errlen)) !=
        HL_OPT_NOT_MINE) {
        if (r != HL_OPT_OK)
            return r;
        if (!parse_long(val, 1, 10000, &n)) {
            snprintf(err, errlen, "--max-unexplained: '%s' is not a number in 1..10000", val);
            return HL_OPT_ERROR;
        }
        v->vo.max_unexplained = (size_t)n;
        return HL_OPT_OK;
    }
    if (!strcmp(argv[*i], "--allow-stale")) {
        v->vo.allow_stale = true;
        return HL_OPT_OK;
    }
    if (!strcmp(argv[*i], "--all")) {
        v->all = true;
        return HL_OPT_OK;
    }
    if ((r = hl_opt_value("--fail-on", argc, argv, i, &val, err, errlen)) != HL_OPT_NOT_MINE) {
        if (r != HL_OPT_OK)
            return r;
        if (!strcmp(val, "confirmed"))
            v->fail = FAIL_ON_CONFIRMED;
        else if (!strcmp(val, "any"))
            v->fail = FAIL_ON_ANY;
        else if (!strcmp(val, "none"))
            v->fail = FAIL_ON_NONE;
        else {
            snprintf(err, errlen, "--fail-on: '%s' is not one of confirmed, any, none", val);
            return HL_OPT_ERROR;
        }
        return HL_OPT_OK;
    }
    return hl_profile_cli_parse_one(&v->pc, argc, argv, i, err, errlen);
}

int hl_cmd_verify(int argc, char **argv)
{
    hl_lint_cli lc;
    verify_cli vc;
    hl_checked ck = {0};
    hl_profile *prof = NULL;
    char err[1024] = "", name[1024] = "";
    int rc = 2;

    hl_lint_cli_init(&lc);
    memset(&vc, 0, sizeof vc);
    hl_verify_options_init(&vc.vo);
    int pr = hl_lint_cli_parse_command(&lc, argc, argv, verify_layer, &vc, "verify", usage_text);
    if (pr >= 0) {
        rc = pr;
        goto out;
    }
    /* The positional arguments are profiles and source paths: the first is a
     * profile unless --profile named them. */
    if (hl_profile_cli_split(&vc.pc, &lc, 0, vc.pc.n_profiles == 0) < 0) {
        fputs("hotlint verify: out of memory\n", stderr);
        goto out;
    }
    if (vc.pc.n_profiles == 0) {
        fputs("hotlint verify: no profile given\n"
              "usage: hotlint --verify PROFILE... [options] [PATH...] (see --help)\n",
              stderr);
        goto out;
    }
    const char *fmt = lc.format;
    if (hl_lint_cli_check_format(&lc, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint verify: %s\n", hl_esc(err));
        goto out;
    }
    hl_profile_cli_verify_options(&vc.pc, &vc.vo);

    /* Read the profile first: a bad profile should not cost a lint run. */
    if (!(prof = hl_profile_cli_open(&vc.pc, NULL, err, sizeof err))) {
        fprintf(stderr, "hotlint verify: %s\n", hl_esc(err));
        goto out;
    }
    if (hl_lint_and_verify(&lc, prof, &vc.vo, vc.share_set, vc.samples_set, &ck, err, sizeof err) <
        0) {
        fprintf(stderr, "hotlint verify: %s\n", hl_esc(err));
        goto out;
    }

    size_t at = 0;
    for (size_t i = 0; i < vc.pc.n_profiles && at < sizeof name; i++) {
        char shown[512]; /* a URL's token is not part of the report */
        int n = snprintf(name + at, sizeof name - at, "%s%s", i ? " + " : "",
                         hl_fetch_redact(vc.pc.profiles[i], shown, sizeof shown));
        if (n < 0)
            break;
        at += (size_t)n;
    }
    int wr;
    if (!strcmp(fmt, "json"))
        wr = hl_verify_write_json(stdout, &ck.fs, &ck.vr, name);
    else if (!strcmp(fmt, "sarif"))
        wr = hl_report_sarif(stdout, &ck.fs, &ck.cat, &ck.vr, HOTLINT_VERSION);
    else if (!strcmp(fmt, "github"))
        wr = hl_report_github(stdout, &ck.fs, &ck.vr);
    else if (!strcmp(fmt, "codequality"))
        wr = hl_report_codequality(stdout, &ck.fs, &ck.vr);
    else
        wr = hl_verify_write_text_ex(stdout, &ck.vr, name, hl_lint_cli_use_color(&lc), vc.all);
    if (fflush(stdout) != 0 || wr < 0) {
        fprintf(stderr, "hotlint verify: writing the report failed: %s\n", strerror(errno));
        goto out;
    }
    if (ck.fs.n_errors)
        rc = 2; /* as lint: files that could not be analyzed make the run incomplete */
    else if (vc.fail == FAIL_ON_NONE)
        rc = 0;
    else if (vc.fail == FAIL_ON_ANY)
        rc = ck.vr.n_items > 0 ? 1 : 0;
    else
        rc = ck.vr.n_confirmed > 0 ? 1 : 0;
out:
    hl_checked_free(&ck);
    if (prof)
        hl_profile_free(prof);
    hl_profile_cli_free(&vc.pc);
    hl_lint_cli_free(&lc);
    return rc;
}
