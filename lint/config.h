/* config.h - .hotlint.yaml: per-tree settings found by walking up from each file,
 * like .clang-tidy. The nearest file wins; there is no merging with parents.
 *
 *   rules:                       # globs on rule ids or names
 *     enable: ["*"]              # default: every rule
 *     disable: [HL004, "strlen-*"]
 *   exclude: ["third_party/", "*.gen.c"]   # paths relative to the file's directory
 *   severity: {HL002: error, format-in-loop: note}
 *   verify: {min-share: 0.02, min-samples: 40}
 *   rule-dirs: [tools/hotlint-rules]       # user rules, same YAML as rules/
 *   min-heat: warm               # text, SARIF, github: hide colder findings (hot, warm, cold)
 *   allocators: [zmalloc, sdsnewlen]       # wrappers that pay a cost on every call:
 *   formatters: [sdscatprintf]             #   a call to one in a loop is a finding
 *   string-compares: [keycmp]
 *   concatenators: [sdscat]
 */
#ifndef HL_CONFIG_H
#define HL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "finding.h"
#include "lint.h"
#include "rule.h"

#define HL_CONFIG_NAME ".hotlint.yaml"

typedef struct hl_config {
    char *path; /* the file, absolute */
    char *dir;  /* its directory, absolute; excludes and rule-dirs are relative to it */
    char **enable, **disable, **exclude, **rule_dirs;
    size_t n_enable, n_disable, n_exclude, n_rule_dirs;
    char **sev_rule, **sev_level; /* severity overrides: rule glob -> level */
    size_t n_sev;
    bool has_min_share, has_min_samples;
    double min_share;
    int64_t min_samples;
    hl_heat min_heat;     /* 0: not set */
    hl_wrappers wrappers; /* declared wrappers, per family */
    char **user_rule_ids; /* ids of the rules loaded from rule_dirs */
    size_t n_user_rule_ids;
} hl_config;

struct hl_config_dir;

/* Every configuration met during one run, with the lookups cached per directory. */
typedef struct hl_configs {
    hl_config **cfgs;
    size_t n_cfgs;
    struct hl_config_dir *dirs; /* directory -> nearest config (or none) */
    size_t n_dirs, cap_dirs;
    char *explicit_path; /* --config FILE: used for every file */
    hl_config *first;    /* the config of the first path (verify thresholds) */
    size_t n_excluded;   /* findings dropped by exclude or disabled rules */
} hl_configs;

struct yaml_document_s;

/* The deepest nesting of collections a config or rule file may have. */
#define HL_YAML_MAX_DEPTH 64

/* Loads the YAML document of fp, or of data[0..len) when fp is NULL (named
 * path in messages), into doc, refusing a
 * document nested deeper than HL_YAML_MAX_DEPTH before building it. Returns
 * 0, or -1 with "path:line:col: TAGmessage" in err (tag: "error: " or ""). */
int hl_yaml_load_bounded(FILE *fp, const void *data, size_t len, const char *path, const char *tag,
                         struct yaml_document_s *doc, char *err, size_t errlen);

/* Parses one config file. Returns NULL with "path:line:col: message" in err on
 * a syntax error, an unknown key or a bad value. */
hl_config *hl_config_load(const char *path, char *err, size_t errlen);
/* The same for a config already in memory (data need not be NUL-terminated);
 * path, taken as absolute, names it in messages and sets c->path and c->dir. */
hl_config *hl_config_load_buffer(const void *data, size_t len, const char *path, char *err,
                                 size_t errlen);
void hl_config_free(hl_config *c);

/* True when glob matches the rule's id or name (fnmatch, case-sensitive). */
bool hl_config_rule_matches(const char *glob, const hl_rule *r);
/* The rule is enabled by c (enable list empty or matching, disable not matching). */
bool hl_config_rule_enabled(const hl_config *c, const hl_rule *r);
/* abs_path (absolute) is excluded by one of c's patterns. */
bool hl_config_excludes(const hl_config *c, const char *abs_path);
/* The severity c sets for r, or NULL when it sets none. */
const char *hl_config_severity(const hl_config *c, const hl_rule *r);

void hl_configs_init(hl_configs *cs);
/* Uses path for every file instead of walking up. Returns 0, or -1 with err. */
int hl_configs_set_explicit(hl_configs *cs, const char *path, char *err, size_t errlen);

/* The nearest config for path (a file or directory, relative or absolute), or
 * NULL when there is none; -1 in *failed with err set when one exists but does
 * not parse. */
const hl_config *hl_configs_for(hl_configs *cs, const char *path, int *failed, char *err,
                                size_t errlen);

/* Before linting: loads the configs governing the paths (walking up from each
 * one and down through the directories named), and appends the user rules of
 * their rule-dirs to cat. No paths means ".". Returns 0, or -1 with err. */
int hl_configs_prepare(hl_configs *cs, hl_catalog *cat, const char *const *paths, size_t n,
                       char *err, size_t errlen);

/* After linting: drops findings (and per-file errors) in excluded files or of
 * disabled rules, drops user rules' findings outside the trees that load them,
 * and points findings with a severity override at a copy of their rule that
 * carries it (owned by cs: keep cs until the findings are freed).
 * Returns 0, or -1 with err when a config does not parse. */
int hl_configs_apply(hl_configs *cs, hl_findings *f, char *err, size_t errlen);

/* For hl_lint_options.rule_active: whether the nearest config of abs_path
 * enables rule (a user rule: only in the trees whose config loads it). A
 * config that does not parse disables nothing here; hl_configs_apply
 * reports it. */
bool hl_configs_rule_active(void *user, const char *abs_path, const hl_rule *rule);

/* For hl_lint_options.skip: true when the nearest config of abs_path
 * excludes it (user is the hl_configs). A config that does not parse skips
 * nothing here; hl_configs_apply reports it. */
bool hl_configs_skip(void *user, const char *abs_path);

/* The verify thresholds of the first path's config: sets what it defines and
 * leaves the rest. */
void hl_configs_verify_thresholds(const hl_configs *cs, double *min_share, int64_t *min_samples);

void hl_configs_free(hl_configs *cs);

/* The project layer of a lint run, before the analysis: loads config_path
 * (when not NULL) or the .hotlint.yaml files governing the paths (unless
 * no_config), adding their user rules to cat. Returns 0, or -1 with err. */
int hl_project_prepare(hl_configs *cs, const char *config_path, bool no_config, hl_catalog *cat,
                       const char *const *paths, size_t n, char *err, size_t errlen);

#endif
