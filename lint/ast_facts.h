/* ast_facts.h - what the analyzer's stages share: the facts one translation
 * unit yields (functions, loops, calls, compare chains), the walk that
 * collects them (ast_walk.c, ast_chain.c), the token and expression helpers
 * (ast_tokens.c), what values and sizes say about cost (values.c,
 * values_growth.c) and the matchers that turn facts into findings (match.c).
 * Private to lint/. */
#ifndef HL_LINT_AST_FACTS_H
#define HL_LINT_AST_FACTS_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stddef.h>

#include "../base/grow.h"
#include "../base/hashmap.h"
#include "lint_internal.h"

#define HL_SMALL_IO            512 /* read/write counts up to this many bytes are "small" */
#define HL_MAX_ERRORS_PER_FILE 10
#define HL_SMALL_TRIP          4  /* a loop of at most this many iterations is not a hot loop */
#define HL_SMALL_TABLE         64 /* compares in a loop of at most this many: a small fixed scan */
#define HL_SMALL_COMPARE       64 /* memcmp/strncmp of at most this many bytes: a few word compares */

struct hl_analyzer {
    CXIndex index;
    const hl_catalog *cat;
    const hl_scope *scope;
};

/* ---- facts ---- */

typedef enum call_ctx { CTX_NONE, CTX_BODY, CTX_COND } call_ctx;

typedef struct func_fact {
    char *name;
    unsigned start_line, end_line;
    bool parses_options; /* has a loop over main's argument vector */
} func_fact;

/* What makes a loop turn (heat_local.c). */
typedef enum loop_drive {
    DRIVE_COUNTED, /* a counter or a data structure: the loop that makes code hot */
    DRIVE_ARGS,    /* the program's (or a command's) argument vector */
    DRIVE_LINES,   /* a line or record of input per turn */
    DRIVE_WAIT,    /* waits each turn: a prompt, a socket, a directory, a child, a timer */
} loop_drive;

typedef struct loop_fact {
    CXCursor cur;
    int parent;         /* enclosing counted loop, -1 */
    call_ctx outer_ctx; /* how the loop itself sits in its parent loop */
    unsigned start_line, end_line, depth;
    loop_drive drive;
    long long trip;    /* constant trip count (or bound of a table walk), -1 unknown */
    char **toks;       /* lazily tokenized loop text (lx_loop_tokens) */
    unsigned *tok_off; /* their expansion offsets */
    unsigned n_toks;
    bool tokenized;
    /* The ifs of the loop whose branch leaves it or starts the next turn,
     * found once per loop by the first retry scan (flow_result.c). */
    struct lx_exit_if *exit_ifs;
    size_t n_exit_ifs;
    bool exit_ifs_known;
} loop_fact;

/* An if of a loop with a branch that leaves the loop: the statement, its
 * condition, and which branch leaves (then: a; else: b; then continues). */
typedef struct lx_exit_if {
    CXCursor stmt, cond;
    bool then_exits, else_exits, then_continues;
} lx_exit_if;

typedef struct call_fact {
    CXCursor cur;
    char *callee;
    char *assigned; /* variable the result is stored in, or NULL */
    int loop, func;
    call_ctx ctx;
    CXFile file;
    unsigned line, col, end_line, end_col, offset;
    unsigned guards;      /* GUARD_* bits */
    unsigned value_flags; /* HL_VAL_* */
    bool in_chain;
    unsigned flow; /* LX_FLOW_* (flow.c) */
    /* The if/else and switch arms between the loop and the call, innermost
     * first: (the statement's offset, which arm); two calls in different
     * arms of one statement never run in the same iteration. */
    unsigned arm_stmt[6];
    unsigned char arm[6];
    unsigned char n_arms;
} call_fact;

typedef struct chain_fact {
    const hl_rule *rule;
    size_t call;    /* index of the head compare in calls */
    unsigned count; /* compares of the same subject */
    CXCursor last;  /* the chain's last compare of that subject: the finding's range ends there */
} chain_fact;

typedef struct file_info {
    CXFile file;
    bool in_scope;
    char *abs;
    char *display;
} file_info;

typedef struct tu_state {
    hl_analyzer *a;
    CXTranslationUnit tu;
    const hl_source *src;
    hl_file_result *res;
    func_fact *funcs;
    size_t n_funcs, cap_funcs;
    loop_fact *loops;
    size_t n_loops, cap_loops;
    call_fact *calls;
    size_t n_calls, cap_calls;
    chain_fact *chains;
    size_t n_chains, cap_chains;
    unsigned *chain_offsets; /* expansion offsets of compares that belong to a chain */
    size_t n_chain_offsets, cap_chain_offsets;
    unsigned *chain_ifs; /* offsets of else-if statements already part of a chain */
    size_t n_chain_ifs, cap_chain_ifs;
    file_info *files;
    size_t n_files, cap_files;
    size_t *emitted; /* per finding this unit emitted: its call fact (sites.c) */
    size_t n_emitted, cap_emitted;
    hl_hashmap loop_callees; /* functions this unit calls in a loop, by name */
    bool uses_chains;
    bool oom;
    struct lx_seq_memo *seq_memo; /* flow.c's answers for the rest of a block, by statement */
} tu_state;

/* Whether rule r of the catalog is matched in this file (hl_source.active). */
static inline bool lx_rule_active(const tu_state *st, const hl_rule *r)
{
    return !st->src->active || st->src->active[r - st->a->cat->rules];
}

/* Appends one element to a (ptr, n, cap) array: its address, or NULL (with
 * st->oom set) when out of memory. */
#define GROW(st, arr, n, cap) (HL_GROW(arr, n, cap) < 0 ? ((st)->oom = true, NULL) : &(arr)[(n)++])

typedef struct toks {
    char **v;
    unsigned n;
    unsigned *off; /* expansion offsets */
} toks;
struct kids {
    CXCursor v[8];
    unsigned n;
};
typedef struct frame {
    const struct frame *up;
    CXCursor cur;
    int func, loop;
    call_ctx ctx;
    /* An IfStmt's guard facts, found by the first call under it and kept for
     * the calls after it (lx_call_guards; the walk owns its frames, so they
     * are written through the const pointers the visitors pass). */
    bool if_known, if_verbosity;
    unsigned if_kids;
    CXCursor if_cond;
    bool fail_known, fail; /* whether branch fail_from ends in failure */
    CXCursor fail_from;
} frame;

/* ast_tokens.c: locations, files in scope, tokens, expression text and keys, AST shape. */
char *lx_cx_dup(CXString s);
void lx_expansion(CXSourceLocation loc, CXFile *f, unsigned *line, unsigned *col, unsigned *off);
file_info *lx_file_lookup(tu_state *st, CXFile f);
bool lx_loc_in_scope(tu_state *st, CXSourceLocation loc);
void lx_toks_free(toks *t);
void lx_tokenize_range(CXTranslationUnit tu, CXSourceRange r, toks *out);
char *lx_expr_text(CXTranslationUnit tu, CXCursor c);
bool lx_is_ident(const char *s);
/* A keyword that is followed by "(" like a call: if, while, for, switch, return, sizeof. */
bool lx_is_keyword(const char *s);
bool lx_is_int_literal(const char *s, long *v);
loop_fact *lx_loop_tokens(tu_state *st, int li);
struct kids lx_children(CXCursor c);
CXCursor lx_last_child(CXCursor c);
CXCursor lx_strip(CXCursor c);
bool lx_eval_int(CXCursor c, long long *v);
char *lx_lvalue_name(tu_state *st, CXCursor c);
char *lx_expr_key(CXCursor c);
/* The name of an attribute cursor ("malloc", "format", "noreturn"): its first token. */
void lx_attribute_name(CXCursor attr, char *out, size_t outlen);

/* ast_walk.c: the walk that records calls and loops. */
bool lx_has_offset(const unsigned *v, size_t n, unsigned off);
void lx_record_call(tu_state *st, CXCursor c, const frame *f);
unsigned lx_cursor_line(CXCursor c, bool end, unsigned *off);
enum CXChildVisitResult lx_top_cb(CXCursor c, CXCursor p, CXClientData d);

/* ast_chain.c: compare chains. */
bool lx_in_list(char *const *v, size_t n, const char *s);
bool lx_same_rule_dir(const hl_rule *a, const hl_rule *b);
bool lx_first_of_rule_dir(const hl_catalog *cat, size_t g);
void lx_detect_chain(tu_state *st, CXCursor c, const frame *f);

/* heat_local.c: the evidence of heat at a call site. */
#define GUARD_ERROR_PATH 1u /* in a branch that ends in failure */
#define GUARD_VERBOSITY  2u /* under a test of a verbosity or debug setting */
#define GUARD_RETURNS    4u /* in a return statement inside its loop: runs as the loop ends */
bool lx_loop_over_args(CXCursor cond);
/* A statement that ends in failure: return of a negative number, NULL,
 * false or an error constant; goto an error label; exit or abort. */
bool lx_ends_in_failure(CXCursor stmt);
loop_drive lx_loop_drive(CXCursor cond, CXCursor body);
/* The guards between the call and the loop stop_loop (-1: the function). */
unsigned lx_call_guards(tu_state *st, CXCursor call, const frame *f, int stop_loop);
/* The heat the site's own evidence gives (reasons appended to x when not NULL). */
hl_heat lx_local_heat(tu_state *st, int loop, unsigned guards, hl_finding *x);

/* notes.c: the notes of a site (the loop's header, the macro it was expanded from). */
void lx_site_notes(tu_state *st, const call_fact *cf, int loop, hl_finding *x);

/* summary.c: the unit's summary for the whole-program stage (summary.h). */
void lx_summarize_function(tu_state *st, CXCursor fn, int func);
/* summary_returns.c: the calls whose result the function returns (pointer results only). */
void lx_summarize_returns(tu_state *st, CXCursor fn, hl_fn_summary *out);
/* Records a call between functions and, in a loop, a wrapper candidate. */
void lx_summary_call(tu_state *st, CXCursor c, CXCursor ref, const char *name, const frame *f,
                     unsigned guards, bool rule_callee);

/* sites.c: one finding per (rule, loop, callee): further calls become site notes. */
void lx_record_arms(tu_state *st, call_fact *cf, CXCursor call, const frame *f);
void lx_merge_sites(tu_state *st, size_t first_item);

/* match.c: the matchers. */
void lx_match_calls(tu_state *st);
/* The finding of a call site without its rule and message: place, function,
 * loop, callee, local heat, notes. -1 when the site is out of scope (or out
 * of memory, st->oom set). */
int lx_site_finding(tu_state *st, const call_fact *cf, hl_finding *x);

/* values.c: trip counts, cheap compares, allocations behind a capacity check. */
#define HL_VAL_AFTER_MATCH      1u /* runs only after "e->hash == h &&", "if (l == e->len)" */
#define HL_VAL_CAPACITY_CHECKED 2u /* under "if (len == cap)" (cap grown there or in the size) */
/* A binary or compound-assignment operator's token ("&&", "+=", ...) in op:
 * read from the gap between the operands. False when none is found. */
bool lx_binary_operator(CXTranslationUnit tu, CXCursor c, char *op, size_t oplen);
/* The operator of a binary, compound-assignment or unary operator cursor. */
bool lx_operator(tu_state *st, CXCursor c, char *op, size_t oplen);
/* A for loop's constant trip count (A..B by a constant step, the bound of a
 * walk over a constant table), 1 for do ... while (0), else -1. */
long long lx_loop_trip(tu_state *st, enum CXCursorKind kind, const CXCursor *init,
                       const CXCursor *cond, const CXCursor *inc);
bool lx_is_empty_string(CXCursor e);
/* Records that the call c (in the loop of frame f) calls its function in a loop. */
void lx_note_loop_callee(tu_state *st, CXCursor c, const frame *f);
/* HL_VAL_* flags of a call from the tests around it in its loop (f: its parent's frame). */
unsigned lx_call_value_flags(tu_state *st, CXCursor call, const frame *f);
/* A compare that costs little: with "", of a small constant size, after a
 * hash or length match, or in a loop over a small constant table (unless the
 * function scanning the table is itself called in a loop of this unit, like
 * a keyword lookup per token). */
bool lx_compare_is_cheap(const tu_state *st, const call_fact *cf);
/* malloc, calloc, realloc, ...: the allocators a capacity check sizes (not strdup). */
bool lx_is_sized_allocator(const char *callee);

/* values_growth.c: the growth of a realloc's size. */
typedef enum hl_growth { HL_GROWTH_NONE, HL_GROWTH_LINEAR, HL_GROWTH_GEOMETRIC } hl_growth;
/* The keys (lx_expr_key) of the variables and fields e reads, outside sizeof. */
void lx_expr_vars(tu_state *st, CXCursor e, hl_strv *out);
bool lx_expr_mentions(tu_state *st, CXCursor e, const char *key);
/* Whether the statement scope sets the variable of that key: with =, +=,
 * *=, ..., not the ++ or -- of a count. */
bool lx_sets(tu_state *st, CXCursor scope, const char *key);
hl_growth lx_realloc_growth(tu_state *st, const call_fact *cf);

/* ---- flow.c, flow_result.c, flow_error.c: control flow around a call ---- */

/* What lx_flow_place records in call_fact.flow: the call sits under a case
 * label of a switch on a value that changes in the loop (PER_CASE); nothing
 * conditional lies between it and its loop (UNCOND); it is in a branch that
 * ends in an error return, a goto to an error label or a noreturn call
 * (ERROR_PATH). */
#define LX_FLOW_PER_CASE   1u
#define LX_FLOW_UNCOND     2u
#define LX_FLOW_ERROR_PATH 4u

/* How a statement ends, seen from a loop. */
enum lx_fx {
    LX_FX_FALL,      /* may complete normally */
    LX_FX_EXIT_LOOP, /* always leaves the loop (break, goto out of it) */
    LX_FX_EXIT_FUNC, /* always leaves the function (return, noreturn call) */
    LX_FX_BREAK,     /* always breaks out of a switch or loop inside the loop */
    LX_FX_CONTINUE,  /* always continues a loop inside the loop */
    LX_FX_UNSURE     /* may start the loop's next iteration early (continue, goto back) */
};

/* A call to a function that does not return: exit(), abort(), longjmp(), ...
 * or one declared noreturn / _Noreturn. */
bool lx_flow_noreturn_call(CXCursor c);
/* How statement s ends with respect to loop li (-1: the function); brk_L and
 * cont_L say whether a break / continue at the top of s belongs to the loop. */
enum lx_fx lx_flow_stmt(tu_state *st, CXCursor s, int li, bool brk_L, bool cont_L);
/* Called as a call is recorded (f: the frames above it): a call in a block
 * that always leaves its loop moves to the enclosing loop (or none); fills
 * cf->flow. */
void lx_flow_place(tu_state *st, CXCursor call, const frame *f, call_fact *cf);
/* A retry or probe loop: the call's result (or what a call made of it
 * returns) decides an exit taken on success, or the loop goes on while it fails. */
bool lx_flow_retry_loop(tu_state *st, const call_fact *cf);
/* The block cf allocates is freed later in the same iteration, unconditionally,
 * and not handed to another owner before. */
bool lx_flow_freed_same_iteration(tu_state *st, const call_fact *cf);
/* flow_error.c: whether exit (a return, a goto or a noreturn call ending the
 * branch that holds a call) says error. */
bool lx_flow_error_exit(tu_state *st, CXCursor exit);
/* Heat hint: the call sits in a branch that returns an error value (a negative
 * constant, NULL, a name like *ERR* or *FAIL*), jumps to a label like err,
 * fail, cleanup, out or bad, or calls a noreturn function. */
bool lx_call_on_error_path(tu_state *st, const call_fact *cf);

/* analyze.c: the driver. */
/* Frees what the walk and the matchers made (not the file result). */
void lx_tu_state_free(tu_state *st);

#endif
