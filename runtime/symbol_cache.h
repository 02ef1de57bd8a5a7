/* symbol_cache.h - symbolization results kept per GNU build id under
 * $HOTLINT_CACHE_DIR/symbols, else $XDG_CACHE_HOME/hotlint/symbols, else
 * ~/.cache/hotlint/symbols, so that the second profile of a program reads
 * its frames from a small text file instead of decompressing and walking
 * DWARF again. HOTLINT_SYMBOL_CACHE=0 turns it off. */
#ifndef HL_SYMBOL_CACHE_H
#define HL_SYMBOL_CACHE_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

#include "symbolize.h"

#pragma GCC visibility push(hidden)

typedef struct hl_symcache hl_symcache;

/* A cache session; NULL when the cache is off or has no place (then
 * hl_symcache_frames symbolizes directly). Not async-signal-safe. */
hl_symcache *hl_symcache_open(void);
/* The frames of addr in mod, as hl_sym_frames gives them: from the cache
 * when the module's build id has them, else symbolized and remembered. The
 * strings live until hl_symcache_close. c may be NULL. Not async-signal-safe. */
size_t hl_symcache_frames(hl_symcache *c, Dwfl_Module *mod, uint64_t addr, hl_sym_frame *out,
                          size_t max);
/* Writes what was learnt (each build id's file replaced atomically) and
 * frees the session. NULL is allowed. Not async-signal-safe. */
void hl_symcache_close(hl_symcache *c);

#pragma GCC visibility pop

#endif
