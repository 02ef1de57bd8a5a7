/* cache_internal.h - what the result cache's files share: the on-disk
 * layout and the directory's safe handling (cache_dir.c). Private to lint/. */
#ifndef HL_LINT_CACHE_INTERNAL_H
#define HL_LINT_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "lint_internal.h"

#define CACHE_MAGIC        "HLCACHE 5"
#define CACHE_TOUCH_SECS   (24 * 3600)         /* refresh a used entry's mtime at most daily */
#define CACHE_MAX_AGE_SECS (14 * 24 * 3600)    /* entries unused this long are removed */
#define CACHE_ENTRY_MAX    ((size_t)256 << 20) /* a larger entry is not one of ours */
#define ENTRY_NAME_LEN     30                  /* hex digits of an entry's name */
#define STAMP_NAME         "last-clean"        /* its mtime: the last clean-up */
/* The marker: a Cache Directory Tagging Specification tag (backup tools skip
 * the directory) whose second line says the directory is hotlint's. */
#define MARKER_NAME "CACHEDIR.TAG"
#define MARKER_TEXT                                                                                \
    "Signature: 8a477f597d28d172789f06886806bc55\n"                                                \
    "# hotlint result cache: hotlint made this directory and removes what it stored in it\n"

/* The directory: $HOTLINT_CACHE_DIR, else $XDG_CACHE_HOME/hotlint, else
 * ~/.cache/hotlint; *configured says whether it was named. Returns 0 or -1. */
int hl_cache_default_dir(char *out, size_t outlen, bool *configured);
/* Opens (creating it 0700 when missing) the cache directory, refusing one
 * that is not safely hotlint's. Returns the directory's fd, or -1 after a
 * line on stderr saying why (caching is then off). */
int hl_cache_open_dir(const char *dir, bool configured);
/* A reader over a whole entry in memory (cache_codec.c); a failed read
 * sets bad and every later read returns nothing. */
typedef struct {
    char *p, *end;
    int bad;
} hl_rd;

long long hl_rd_num(hl_rd *r);
unsigned long long hl_rd_hex(hl_rd *r);
/* "<len>:<bytes>\n"; len -1 for NULL. Returns a malloc'ed copy (NULL for NULL or error). */
char *hl_rd_str(hl_rd *r);
void hl_wr_str(FILE *f, const char *s);
/* A finding's record, without its display path (the reader's caller sets
 * file). cat NULL: no rule (a wrapper candidate). */
void hl_cache_write_finding(FILE *f, const hl_finding *x);
void hl_cache_read_finding(hl_rd *r, const hl_catalog *cat, hl_finding *x);
void hl_cache_write_summary(FILE *f, const hl_tu_summary *s);
void hl_cache_read_summary(hl_rd *r, const hl_scope *scope, hl_tu_summary *s);

/* Removes entries unused for CACHE_MAX_AGE_SECS, at most once a day. */
void hl_cache_clean_old(int dfd, time_t now);

#endif
