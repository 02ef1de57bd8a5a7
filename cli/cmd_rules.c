/* cmd_rules.c - `hotlint rules [ID|NAME]`: list the catalog or explain one rule. */
#include <stdio.h>
#include <string.h>

#include "../report/escape.h"
#include "commands.h"
#include "../lint/rule.h"

static void usage(FILE *out)
{
    fputs("usage: hotlint rules [--rules DIR] [ID|NAME]\n\n"
          "Without an argument, lists every rule; with one, explains it:\n"
          "what it matches, why it is slow, a bad and a good example, the fix.\n",
          out);
}

/* The first n bytes of p in a reused buffer (a rule text's line, for hl_esc). */
static const char *line_copy(const char *p, size_t n)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), p);
    return buf;
}

static void indent(const char *text, const char *pad)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        if (n)
            printf("%s%s\n", pad, hl_esc_flags(line_copy(p, n), HL_ESC_LINE_START));
        else
            putchar('\n');
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void explain(const hl_rule *r)
{
    printf("%s %s (%s)\n", hl_esc_flags(r->id, HL_ESC_LINE_START), hl_esc(r->name),
           hl_esc(r->severity));
    if (r->summary)
        printf("  %s\n", hl_esc(r->summary));
    if (r->why) {
        puts("\nWhy:");
        indent(r->why, "  ");
    }
    printf("\nMatches:");
    for (int m = 0; m <= HL_MATCH_UNBUFFERED_IO; m++)
        if (r->match_mask & HL_MATCH_BIT(m))
            printf(" %s", hl_matcher_name((hl_matcher)m));
    printf("\nCallees:");
    for (size_t i = 0; i < r->n_callees; i++)
        printf(" %s", hl_esc(r->callees[i]));
    printf("\nProfile symbols showing its cost:");
    for (size_t i = 0; i < r->n_cost_symbols; i++)
        printf(" %s", hl_esc(r->cost_symbols[i]));
    putchar('\n');
    if (r->bad_example) {
        puts("\nBad:");
        indent(r->bad_example, "    ");
    }
    if (r->good_example) {
        puts("\nGood:");
        indent(r->good_example, "    ");
    }
    if (r->fix) {
        puts("\nFix:");
        indent(r->fix, "  ");
    }
}

int hl_cmd_rules(int argc, char **argv)
{
    const char *dir = NULL, *which = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strncmp(argv[i], "--rules=", 8)) {
            dir = argv[i] + 8;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "hotlint rules: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (!which) {
            which = argv[i];
        } else {
            fprintf(stderr, "hotlint rules: one rule at a time ('%s' is extra)\n", argv[i]);
            return 2;
        }
    }
    if (!dir)
        dir = hl_catalog_default_dir();
    if (!dir) {
        fputs("hotlint rules: no rule catalog found: pass --rules DIR or set "
              "HOTLINT_RULES_DIR\n",
              stderr);
        return 2;
    }
    hl_catalog cat = {0};
    char err[4096];
    if (hl_catalog_load_dir(&cat, dir, err, sizeof err) < 0) {
        fprintf(stderr, "hotlint rules: %s\n", hl_esc(err));
        return 2;
    }
    int rc = 0;
    if (which) {
        const hl_rule *r = hl_catalog_find(&cat, which);
        if (r) {
            explain(r);
        } else {
            fprintf(stderr, "hotlint rules: no rule '%s' (run 'hotlint rules' for the list)\n",
                    which);
            rc = 2;
        }
    } else {
        for (size_t i = 0; i < cat.n_rules; i++)
            printf("%-6s %-24s %-8s %s\n", hl_esc_flags(cat.rules[i].id, HL_ESC_LINE_START),
                   hl_esc(cat.rules[i].name), hl_esc(cat.rules[i].severity),
                   hl_esc(cat.rules[i].summary ? cat.rules[i].summary : ""));
    }
    hl_catalog_free(&cat);
    return rc;
}
