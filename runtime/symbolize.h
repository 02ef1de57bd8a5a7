/* symbolize.h - turns addresses of a module reported to libdw (dwfl) into
 * functions, files, lines and inlined frames, and finds debug files locally.
 * Shared by the in-process profile builder (stack_profile.c) and the builder
 * for programs sampled from outside (ring_profile.c). libdw is called through
 * lazy_dw.h, loaded when the first address is symbolized. */
#ifndef HL_SYMBOLIZE_H
#define HL_SYMBOLIZE_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

#include "../profile/palloc.h"
#include "../profile/profile.h"

#pragma GCC visibility push(hidden)

#define HL_SYM_MAX_INLINE 32

/* One frame of an address: strings borrowed from libdw (valid while the
 * Dwfl lives). */
typedef struct hl_sym_frame {
    const char *name, *file;
    int64_t line, start_line;
} hl_sym_frame;

/* Frames (innermost first) of addr from DWARF only; returns how many (0 when
 * the module has no DWARF for it). Not async-signal-safe. */
size_t hl_sym_dwarf_frames(Dwfl_Module *mod, Dwarf_Addr addr, hl_sym_frame *out, size_t max);
/* The same, falling back to the ELF symbol table (one frame, no file).
 * mod may be NULL (returns 0). Not async-signal-safe. */
size_t hl_sym_frames(Dwfl_Module *mod, Dwarf_Addr addr, hl_sym_frame *out, size_t max);
/* libdwfl's find_debuginfo callback, local files only: by build id under the
 * debug directories, then by .gnu_debuglink beside the file, in its .debug/
 * folder and under /usr/lib/debug, checking the link's CRC. Never asks a
 * debuginfod server (a profiled program must not touch the network as it
 * exits). Returns an open fd with *debuginfo_file_name malloc'ed, or -1.
 * Not async-signal-safe. */
int hl_sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                          const char *file_name, const char *debuglink_file,
                          GElf_Word debuglink_crc, char **debuginfo_file_name);
/* The module's GNU build id in hex ("" when it has none; NULL on ENOMEM),
 * allocated with hl_pmalloc. mod may be NULL. Not async-signal-safe. */
char *hl_sym_build_id(Dwfl_Module *mod);
/* This process's modules reported to libdw (loading it on first use), debug
 * files found by hl_sym_find_debuginfo. NULL when libdw cannot be loaded or
 * the report fails, with *why saying why. Free with hl_sym_end. Not
 * async-signal-safe. */
Dwfl *hl_sym_report_self(const char **why);
/* The module of dwfl that holds addr; NULL when none (or dwfl is NULL). Not
 * async-signal-safe. */
Dwfl_Module *hl_sym_module(Dwfl *dwfl, uint64_t addr);
/* The ELF symbol table's name for addr in mod (NULL when none; mod may be
 * NULL). Not async-signal-safe. */
const char *hl_sym_symbol_name(Dwfl_Module *mod, uint64_t addr);
/* Ends a Dwfl of hl_sym_report_self (NULL is allowed). Not
 * async-signal-safe. */
void hl_sym_end(Dwfl *dwfl);

#pragma GCC visibility pop

#endif
