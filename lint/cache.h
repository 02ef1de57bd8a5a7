/* cache.h - the per-file result cache: a re-run on an unchanged tree skips parsing.
 *
 * An entry is keyed by the file, its compile arguments, the scope of the run,
 * the working directory, the rule catalog's content and the hotlint binary
 * itself; it records every file the parse read (the source and each header)
 * with size, mtime and a content hash, and the findings and errors. A lookup hits only when every
 * recorded file still has the same content. Entries live in the directory
 * --cache-dir names, else $HOTLINT_CACHE_DIR, else $XDG_CACHE_HOME/hotlint
 * (~/.cache/hotlint): never in a checkout unless configured so, since a
 * repository can ship a hostile ".hotlint-cache". HOTLINT_CACHE=0 turns the
 * cache off. Entries unused for 14 days are removed (checked once a day).
 *
 * The directory is made 0700 with a CACHEDIR.TAG marker naming hotlint, opened
 * once (O_DIRECTORY|O_NOFOLLOW), and everything else is reached relative to
 * it without following a symlink. A directory that is a symlink, is not the
 * user's, is writable by group or others, or has no marker (unless empty, or
 * laid out as a hotlint cache from before the marker) is refused with a
 * warning, and the run goes on without the cache. */
#ifndef HL_CACHE_H
#define HL_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "lint_internal.h"
#include "rule.h"

typedef struct hl_cache hl_cache;

/* Opens the cache for one run. dir NULL: the default place. Returns NULL
 * when the cache is off or unusable (no directory can be made, or it is
 * refused: one line on stderr says why): the run goes on without it, this is
 * never an error. */
hl_cache *hl_cache_open(const char *dir, const hl_catalog *cat, const hl_scope *scope);

/* Looks up src parsed with args. On a hit fills res (findings with display
 * paths for scope, and the file's errors) and returns 0; -1 on a miss.
 * Thread-safe. */
int hl_cache_lookup(hl_cache *c, const hl_source *src, const hl_strv *args, hl_file_result *res);

/* Records res for src and args, with deps the files the parse read (the
 * source itself is added). Results with a missing header or a failed parse
 * are not stored. Failures to write are ignored. Thread-safe. */
void hl_cache_store(hl_cache *c, const hl_source *src, const hl_strv *args,
                    const hl_file_result *res, const hl_strv *deps);

void hl_cache_close(hl_cache *c);

#endif
