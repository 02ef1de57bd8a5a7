/* internal.h - the state verify/'s stages share: the index of findings and profile
 * (index.c), the per-finding accumulator filled by the sample pass (attribute.c),
 * the verdicts (verdict.c), the compiler's merged call sites (binary.c), the
 * source/binary match (stale.c) and the hot code no finding explains (unexplained.c). */
#ifndef HL_VERIFY_INTERNAL_H
#define HL_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "table.h"
#include "verify.h"

#define HL_VX_MAX_FAMILIES 64

/* One line of one location (one frame of a stack, inlined frames included). 32
 * bytes, aligned (vx_alloc_aligned): the sample pass reads one cache line a frame. */
typedef struct vx_entry {
    _Alignas(32) int32_t line_key; /* row for the unexplained lists; -1: none */
    int32_t func_key;              /* row for the unexplained lists; -1: none */
    uint32_t site_off, site_n;     /* findings whose site holds this line (vx_sites) */
    uint32_t loop_off, loop_n;     /* findings whose loop holds this line (vx_loops) */
    uint32_t fn : 27;              /* index of the function in the profile */
    uint32_t libcall : 1;          /* stands for a library frame without symbols */
    uint32_t cost : 1;             /* the function is a cost symbol of some rule */
    uint32_t user : 1;  /* the program's own code (not a library, runtime or allocator) */
    uint32_t alloc : 1; /* an allocator frame (malloc, free, the heap profiler's hooks) */
    uint32_t root : 1;  /* a process start-up frame (_start, __libc_start_main, ...) */
} vx_entry;

/* A growable array of uint32_t. */
typedef struct vx_u32s {
    uint32_t *v;
    size_t n, cap;
} vx_u32s;

int vx_u32s_push(vx_u32s *a, uint32_t x);

/* Compressed lists: the members of group g are items[off[g] .. off[g+1]). */
typedef struct vx_csr {
    uint32_t *off, *items;
} vx_csr;

/* Everything the sample pass adds up for one finding's site. */
typedef struct vx_site {
    int64_t flat, cum, cum_count; /* leaf in the site; stack holds the site (once a sample) */
    int64_t evidence;             /* stack passes through the call into the rule's cost */
    uint32_t st_site, st_ev;      /* the last sample counted (stamp = index + 1) */
} vx_site;

/* One finding's loop: apart from vx_site, as most frames a sample visits are in a
 * loop and not on a site, and a smaller array stays in cache. */
typedef struct vx_loop_acc {
    int64_t value;  /* stack holds the loop */
    uint32_t stamp; /* the last sample counted */
} vx_loop_acc;

/* The sample pass's totals. */
typedef struct vx_totals {
    int64_t total, samples, unexplained, unsymbolized;
    int64_t family[HL_VX_MAX_FAMILIES];
} vx_totals;

/* One row of the unexplained lists, added up during the sample pass. */
typedef struct vx_row {
    int32_t where;  /* line key, or func key | VX_ROW_FUNC */
    int32_t callee; /* the library function the user code called (profile function), or -1 */
    int32_t func;   /* a line row's function key (-1: none), for the function rows */
    int64_t value;
} vx_row;
#define VX_ROW_FUNC 0x40000000

/* The rows of one line or function key, dense by key: its own cost and the first
 * callee's row sit here (a line calls one function, as a rule), further callees'
 * rows in vx_ctx.rows. */
typedef struct vx_row_slot {
    int64_t own, call;
    int32_t own_func, call_func; /* a line row's function key, from the first sample */
    int32_t callee;              /* the callee of call; -1: none yet */
    bool own_seen;
} vx_row_slot;

/* A location's flags (vx_ctx.loc_flags). */
#define VX_LOC_UNKNOWN 1 /* no symbol, in a mapping that may hold the program's code */
#define VX_LOC_LIBCALL 2 /* no symbol, in a system library: a call into it */
#define VX_LOC_USED    4 /* some sample holds it */

typedef struct vx_ctx {
    const hl_findings *fs;
    const hl_profile *p;
    hl_verify_options opt;
    int vi, ci; /* the value summed; the "samples" count (-1: one per record) */
    bool heap;  /* an allocation profile: every sample is an allocation */
    bool has_lines, has_functions;
    /* rules and families */
    const hl_rule **rules;
    size_t n_rules, words; /* words: 64-bit words per rule mask */
    hl_strtab families;
    /* findings */
    hl_strtab files, names, callees; /* absolute source files, function names, callee names */
    int32_t *f_file, *f_name, *f_rule, *f_callee;
    vx_csr by_name, by_file;
    hl_strtab basenames;
    vx_csr files_by_base;
    /* profile files and functions */
    hl_strtab pfiles; /* trimmed profile file names */
    vx_csr cands;     /* profile file -> candidate source files */
    int32_t *fn_name, *fn_pfile, *fn_key, *fn_callee;
    uint64_t *fn_rule_mask; /* words per function */
    uint64_t *fn_fam_mask;
    uint8_t *fn_kind; /* VX_FN_* */
    hl_u64tab line_keys, func_keys;
    hl_strtab fnames; /* every normalised function name in the profile */
    /* locations */
    vx_entry *entries;
    uint32_t *loc_first; /* entries of location i: loc_first[i] .. loc_first[i+1] */
    vx_u32s site_list, loop_list;
    vx_u32s line_fn;    /* line row -> the function of the first line naming it */
    uint8_t *loc_flags; /* VX_LOC_* */
    vx_entry libcall;   /* the frame a VX_LOC_LIBCALL location stands for */
    vx_u32s nameless_loc, nameless_fx;
    bool *mapping_named; /* some location of the mapping has lines: it was symbolized */
    /* the sample pass */
    vx_site *site;         /* one per finding */
    vx_loop_acc *loop_acc; /* one per finding */
    vx_totals tot;
    vx_row_slot *line_slots, *func_slots; /* by line and function key */
    hl_hashmap more_rows;                 /* (where, callee) -> index in rows */
    vx_row *rows;                         /* the rows of second and further callees */
    size_t n_rows, cap_rows;
} vx_ctx;

/* The findings whose site (loop) holds entry en's line: a single one is kept in the
 * entry itself, saving a cache miss on most frames. */
static inline const uint32_t *vx_sites(const vx_ctx *c, const vx_entry *en)
{
    return en->site_n == 1 ? &en->site_off : c->site_list.v + en->site_off;
}
static inline const uint32_t *vx_loops(const vx_ctx *c, const vx_entry *en)
{
    return en->loop_n == 1 ? &en->loop_off : c->loop_list.v + en->loop_off;
}

#define VX_FN_ROOT  1 /* process start-up frame */
#define VX_FN_ALLOC 2 /* allocator */
#define VX_FN_LIB   4 /* not the program's code: a system library or the profiler's runtime */

/* index.c */
/* n items of size bytes (a power of two up to 64), zeroed, none across two cache
 * lines; free() frees them. NULL when out of memory. */
void *vx_alloc_aligned(size_t n, size_t size);
int vx_index(vx_ctx *c, const hl_catalog *cat, char *err, size_t errlen);
bool vx_file_compatible(const vx_ctx *c, int32_t pfile, int32_t file);
void vx_ctx_free(vx_ctx *c);
const char *vx_fn_name(const hl_prof_function *f);
bool vx_is_system_object(const char *path);

/* attribute.c: the sample pass; -2 with err on a malformed profile, -1 out of memory. */
int vx_attribute(vx_ctx *c, char *err, size_t errlen);
/* Adds v to the row (where, callee); func is a line row's function key. 0 or -1. */
int vx_add_row(vx_ctx *c, int32_t where, int32_t callee, int32_t func, int64_t v);
/* The top causes under the sites of the findings marked in want (leaf symbols and lines). */
int vx_causes(vx_ctx *c, hl_verify_result *out, const bool *want);
/* exercised[fx]: the finding's function appears in the profile at all. */
void vx_mark_exercised(const vx_ctx *c, bool *exercised);

/* verdict.c: shares and intervals of every finding (out->items, in finding order), then
 * their verdicts. */
int vx_fill_items(vx_ctx *c, hl_verify_result *out);
int vx_decide_all(vx_ctx *c, hl_verify_result *out, const bool *exercised);
bool vx_applicable(const vx_ctx *c, const hl_finding *f);

/* binary.c: groups of findings whose calls the compiler merged into one. */
int vx_find_merged(vx_ctx *c, hl_verify_result *out);

/* stale.c: 0, 1 when the sources do not match the profile (out->stale set), -1 OOM. */
int vx_check_stale(vx_ctx *c, hl_verify_result *out);

/* unexplained.c */
int vx_unexplained(vx_ctx *c, hl_verify_result *out);
int vx_families(vx_ctx *c, hl_verify_result *out);

double vx_share(int64_t v, int64_t total);
char *vx_strdup(const char *s);

#endif
