/* fuzz_config.c - libFuzzer target for .hotlint.yaml loading (lint/config.c):
 * the input is the file's text; a config that loads is then asked which
 * rules it enables, which paths it excludes and which severities it sets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_config: invariant failed: %s (line %d)\n", #cond, __LINE__);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define CFG_DIR "/fuzz/tree"

static const char *const fixed_paths[] = {
    CFG_DIR "/src/main.c",  CFG_DIR "/third_party/zlib/inflate.c",
    CFG_DIR "/gen/x.gen.c", CFG_DIR "/a/b/c/d/e.c",
    "/elsewhere/main.c",    CFG_DIR,
};

/* The path to test is also taken from the input: the text after its last
 * "\n#" (a YAML comment, so the config itself is unchanged), up to a newline. */
static void input_path(const uint8_t *d, size_t n, char *out, size_t outlen)
{
    size_t at = n;
    for (size_t i = n; i-- > 1;)
        if (d[i] == '#' && d[i - 1] == '\n') {
            at = i + 1;
            break;
        }
    size_t k = (size_t)snprintf(out, outlen, "%s/", CFG_DIR);
    while (at < n && d[at] != '\n' && d[at] != '\0' && k + 1 < outlen)
        out[k++] = (char)d[at++];
    out[k] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    hl_config *c = hl_config_load_buffer(data, size, CFG_DIR "/.hotlint.yaml", err, sizeof err);
    if (!c) {
        /* Every refusal names the file. */
        CHECK(!strncmp(err, CFG_DIR "/.hotlint.yaml", strlen(CFG_DIR "/.hotlint.yaml")));
        return 0;
    }
    CHECK(!strcmp(c->dir, CFG_DIR));
    CHECK(c->n_enable == 0 || c->enable);
    CHECK(c->n_sev == 0 || (c->sev_rule && c->sev_level));
    for (size_t i = 0; i < c->n_sev; i++)
        CHECK(c->sev_rule[i] && c->sev_level[i]);
    if (c->has_min_share)
        CHECK(c->min_share >= 0 && c->min_share <= 1);

    static char id[] = "HL001", name[] = "format-in-loop", id2[] = "HL004", name2[] = "strlen-cond";
    const hl_rule rules[] = {{.id = id, .name = name}, {.id = id2, .name = name2}};
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        (void)hl_config_rule_enabled(c, &rules[i]);
        const char *sev = hl_config_severity(c, &rules[i]);
        CHECK(!sev || !strcmp(sev, "warning") || !strcmp(sev, "note") || !strcmp(sev, "error"));
    }
    for (size_t i = 0; i < sizeof fixed_paths / sizeof *fixed_paths; i++)
        (void)hl_config_excludes(c, fixed_paths[i]);
    char path[512];
    input_path(data, size, path, sizeof path);
    (void)hl_config_excludes(c, path);
    hl_config_free(c);
    return 0;
}
