/* ast_facts.h - what the analyzer's stages share: the facts one translation
 * unit yields (functions, loops, calls, compare chains), the walk that
 * collects them (ast_walk.c, ast_chain.c), the token and expression helpers
 * (ast_tokens.c) and the matchers that turn facts into findings (match.c).
 * Private to lint/. */
#ifndef HL_LINT_AST_FACTS_H
#define HL_LINT_AST_FACTS_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stddef.h>

#include "../base/grow.h"
#include "lint_internal.h"

#define HL_SMALL_IO            512 /* read/write counts up to this many bytes are "small" */
#define HL_MAX_ERRORS_PER_FILE 10

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
} func_fact;

typedef struct loop_fact {
    CXCursor cur;
    int parent;         /* enclosing counted loop, -1 */
    call_ctx outer_ctx; /* how the loop itself sits in its parent loop */
    unsigned start_line, end_line, depth;
    char **toks; /* lazily tokenized loop text */
    unsigned n_toks;
    bool tokenized;
} loop_fact;

typedef struct call_fact {
    CXCursor cur;
    char *callee;
    char *assigned; /* variable the result is stored in, or NULL */
    int loop, func;
    call_ctx ctx;
    CXFile file;
    unsigned line, col, end_line, end_col, offset;
    bool in_chain;
    unsigned flow; /* LX_FLOW_* (flow.c) */
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
    bool uses_chains;
    bool oom;
} tu_state;

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
bool lx_is_int_literal(const char *s, long *v);
loop_fact *lx_loop_tokens(tu_state *st, int li);
struct kids lx_children(CXCursor c);
CXCursor lx_last_child(CXCursor c);
CXCursor lx_strip(CXCursor c);
bool lx_eval_int(CXCursor c, long long *v);
char *lx_lvalue_name(tu_state *st, CXCursor c);
char *lx_expr_key(CXCursor c);

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

/* match.c: the matchers. */
void lx_match_calls(tu_state *st);

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

#endif
