/* rule.h - the rule catalog: one hl_rule per rules/HLnnn-name.yaml. */
#ifndef HL_RULE_H
#define HL_RULE_H

#include <stddef.h>
#include <stdbool.h>

/* Generic matchers implemented once in lint/; a rule names one. */
typedef enum hl_matcher {
    HL_MATCH_CALL_IN_LOOP_BODY,      /* callee called anywhere in a loop body */
    HL_MATCH_CALL_IN_LOOP_CONDITION, /* callee called in a loop condition on an unchanged argument
                                      */
    HL_MATCH_COMPARE_CHAIN,          /* if/else-if chain comparing one expression with literals */
    HL_MATCH_REALLOC_GROWTH, /* realloc whose size grows by an additive constant in a loop */
    HL_MATCH_UNBUFFERED_IO,  /* small unbuffered reads/writes/flushes in a loop */
} hl_matcher;

typedef struct hl_rule {
    char *id;       /* "HL001" */
    char *name;     /* "format-in-loop" */
    char *severity; /* "warning" | "note" | "error" */
    char *family;   /* cost family for the diagnosis: "allocation", "formatting", ... */
    char *summary;  /* one line */
    char *why;      /* a paragraph: why it is slow */
    hl_matcher matcher;
    char **callees; /* names the matcher looks for */
    size_t n_callees;
    char **cost_symbols; /* profile function names (or prefixes ending in '*') showing its cost */
    size_t n_cost_symbols;
    char *message; /* template; "{callee}" is replaced by the callee's name */
    char *fix;     /* fix hint */
    char *bad_example;
    char *good_example;
    char *source_path;   /* the YAML file it came from */
    int min_chain;       /* compare-chain matcher: minimum number of compares (default 4) */
    unsigned match_mask; /* every matcher the rule uses: bit (1u << hl_matcher); includes matcher */
    char
        *message_note; /* optional: replaces "{note}" in message when the matcher has more to say */
} hl_rule;

#define HL_MATCH_BIT(m) (1u << (unsigned)(m))

/* Matcher names as written in rule files ("call-in-loop-body", ...); NULL if unknown. */
const char *hl_matcher_name(hl_matcher m);

typedef struct hl_catalog {
    hl_rule *rules;
    size_t n_rules;
} hl_catalog;

/* Loads every *.yaml in dir, sorted by id. Returns 0, or -1 with a message
 * naming the file and line in err. The catalog is left empty on error. */
int hl_catalog_load_dir(hl_catalog *cat, const char *dir, char *err, size_t errlen);
/* Loads one rule file and appends it; a duplicate id replaces the earlier rule.
 * Returns 0, or -1 with a message naming the file (and line) in err, the
 * catalog unchanged. */
int hl_catalog_load_file(hl_catalog *cat, const char *path, char *err, size_t errlen);
/* The same for a rule file already in memory (data need not be NUL-terminated),
 * named path in messages and in the rule's source_path. */
int hl_catalog_load_buffer(hl_catalog *cat, const void *data, size_t len, const char *path,
                           char *err, size_t errlen);
/* The directory with the built-in rules: $HOTLINT_RULES_DIR, the installed
 * one, or the source tree's rules/ for an uninstalled build. */
const char *hl_catalog_default_dir(void);
/* The rule with this id (any case) or name; NULL when there is none. */
const hl_rule *hl_catalog_find(const hl_catalog *cat, const char *id_or_name);
/* Adds names (declared wrappers: .hotlint.yaml allocators:, ...) to the cost
 * symbols of every rule of the family, so that verify counts the samples in
 * them as the rule's cost. 0, or -1 when out of memory. */
int hl_catalog_add_cost_symbols(hl_catalog *cat, const char *family, char *const *names, size_t n);
void hl_catalog_free(hl_catalog *cat);

#endif
