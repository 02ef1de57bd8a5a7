/* lint_internal.h - what the analyzer's files share: discovery, compile flags, per-file analysis.
 */
#ifndef HL_LINT_INTERNAL_H
#define HL_LINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "rule.h"
#include "summary.h"

/* A growable list of owned strings. */
typedef struct hl_strv {
    char **v;
    size_t n, cap;
} hl_strv;

int hl_strv_push(hl_strv *s, const char *str); /* copies; -1 on out of memory */
int hl_strv_push_own(hl_strv *s, char *str);   /* takes ownership; -1 on out of memory */
void hl_strv_free(hl_strv *s);

/* The files and directories a run may report findings in. */
typedef struct hl_scope {
    hl_strv roots;    /* absolute, resolved: named files and directories */
    hl_strv displays; /* how the user named each root */
    char *cwd;        /* absolute working directory, with no trailing slash */
} hl_scope;

/* True when abs_path is a named file or lies under a named directory. */
bool hl_scope_contains(const hl_scope *s, const char *abs_path);
/* The path to show for abs_path: relative to the working directory when the
 * user named a relative root, else absolute. Returns an allocated string. */
char *hl_scope_display(const hl_scope *s, const char *abs_path);

/* One source to parse. */
typedef struct hl_source {
    char *path;     /* as shown to the user */
    char *abs_path; /* resolved */
    bool named;     /* named on the command line (not found by walking a directory) */
    size_t root;    /* index of the command-line path it came from */
} hl_source;

typedef struct hl_sources {
    hl_source *v;
    size_t n, cap;
} hl_sources;

/* Expands paths (none: ".") into the C files to parse, sorted and unique,
 * and the scope findings may come from. Problems with one file (unreadable,
 * binary, not C) are appended to errors and the file is skipped. Returns 0,
 * or -1 with err set for a path that does not exist. */
int hl_discover(const char *const *paths, size_t n_paths, hl_sources *out, hl_scope *scope,
                hl_diags *errors, char *err, size_t errlen);
void hl_sources_free(hl_sources *s);
void hl_scope_free(hl_scope *s);

/* Compile flags per file: compile_commands.json or defaults plus extras. */
typedef struct hl_flags hl_flags;
/* Opens dir/compile_commands.json (compdb_dir), or auto-detects ./ and
 * ./build/ when compdb_dir is NULL; without a database every file gets the
 * default flags. Sets *ok to false (with err) only when compdb_dir was given
 * and holds no readable database. Returns NULL only on failure. */
hl_flags *hl_flags_open(const char *compdb_dir, const char *const *extra, size_t n_extra, char *err,
                        size_t errlen, bool *ok);
/* The arguments for parsing abs_path (without the compiler name and the file
 * itself), to be freed with hl_strv_free. Thread-safe. */
int hl_flags_for(hl_flags *f, const char *abs_path, hl_strv *args);
/* True when a compilation database is in use and lists abs_path. */
bool hl_flags_listed(hl_flags *f, const char *abs_path, bool *have_db);
/* For a file the database does not list (a header, or a .c file another one
 * #includes): appends to hosts up to max listed files whose #include lines
 * name it, directly or through the files next to it (three levels), best
 * first: same directory and name stem, same directory, elsewhere. A textual
 * scan: the caller's parse confirms the inclusion. Returns 0 (no hosts without
 * a database), -1 when out of memory. Thread-safe. */
int hl_flags_hosts(hl_flags *f, const char *abs_path, size_t max, hl_strv *hosts);
void hl_flags_free(hl_flags *f);

/* Raw result of one file, before suppression and de-duplication. */
typedef struct hl_file_result {
    hl_finding *items;
    size_t n, cap;
    hl_diags errors;
    hl_strv deps;      /* every file the parse read (headers), for the result cache */
    hl_strv warnings;  /* one line each; they do not fail the run */
    hl_tu_summary sum; /* for the whole-program stage */
} hl_file_result;

/* Per-worker parser state (one CXIndex). */
typedef struct hl_analyzer hl_analyzer;
/* NULL when out of memory or libclang cannot create an index. cat and scope
 * must outlive the analyzer. */
hl_analyzer *hl_analyzer_new(const hl_catalog *cat, const hl_scope *scope);
/* Parses one file and appends its findings (file, abs_file, lines, function,
 * loop, callee, rule, message; not source_line) and libclang errors to res. */
void hl_analyze_file(hl_analyzer *a, const hl_source *src, const hl_strv *args,
                     hl_file_result *res);
void hl_analyzer_free(hl_analyzer *a);

/* Both return 0, or -1 when out of memory with f unchanged (push then still
 * owns nothing of x: the caller frees it). */
int hl_findings_push(hl_findings *f, const hl_finding *x);   /* moves x's strings in */
int hl_findings_add_error(hl_findings *f, const hl_diag *d); /* copies d */
void hl_finding_clear(hl_finding *x);

/* Renders a rule's message template: {callee}, {function}, {depth}, {note}. */
char *hl_render_message(const hl_rule *r, const char *callee, const char *function, unsigned depth,
                        const char *note);

#endif
