/* fuzz_rule.c - libFuzzer target for rule YAML loading (lint/catalog.c): the
 * input is the text of one rule file (rules/HLnnn-name.yaml), loaded twice
 * into a catalog (the second replaces the first, as a user rule with a
 * built-in id does). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_rule: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define RULE_PATH "/fuzz/rules/HL999-fuzz.yaml"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hl_catalog cat = {0};
    char err[512];
    if (hl_catalog_load_buffer(&cat, data, size, RULE_PATH, err, sizeof err) < 0) {
        CHECK(cat.n_rules == 0);
        CHECK(!strncmp(err, RULE_PATH, strlen(RULE_PATH)));
        hl_catalog_free(&cat);
        return 0;
    }
    CHECK(cat.n_rules == 1);
    const hl_rule *r = &cat.rules[0];
    CHECK(r->id && r->name && r->message && r->severity && r->source_path);
    CHECK(!strcmp(r->source_path, RULE_PATH));
    CHECK(r->n_callees == 0 || r->callees);
    CHECK(hl_matcher_name(r->matcher) != NULL);
    CHECK(r->match_mask & (1u << (unsigned)r->matcher));
    CHECK(r->min_chain >= 2 && r->min_chain <= 100);
    CHECK(hl_catalog_find(&cat, r->id) == r);
    /* The same id again replaces the rule rather than adding one. */
    CHECK(hl_catalog_load_buffer(&cat, data, size, RULE_PATH, err, sizeof err) == 0);
    CHECK(cat.n_rules == 1);
    hl_catalog_free(&cat);
    return 0;
}
