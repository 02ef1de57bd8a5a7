/* flow.c - control flow around a call: whether it can run on every iteration
 * of its loop (code that always leaves the loop runs at most once per entry
 * into it), whether it sits under a case label of a switch on a value that
 * changes each time round, whether it runs on every pass through the loop's
 * body, and whether it lies on an error path (a hint for heat).
 *
 * The walk records each call with the chain of statements above it (frames);
 * from the call upwards, what runs next is the rest of each enclosing block,
 * then what follows the enclosing statement, and so on up to the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

#define FLOW_MAX_DEPTH 192

/* The call and its ancestors: cur[0] is the call, cur[i + 1] the parent of cur[i]. */
struct chain {
    CXCursor cur[FLOW_MAX_DEPTH];
    unsigned n;
};

static bool is_loop_kind(enum CXCursorKind k)
{
    return k == CXCursor_ForStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt;
}

static bool is_breakable(enum CXCursorKind k)
{
    return is_loop_kind(k) || k == CXCursor_SwitchStmt;
}

/* ---- noreturn callees ---- */

static enum CXChildVisitResult noreturn_attr_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if (!clang_isAttribute(clang_getCursorKind(c)))
        return CXChildVisit_Continue;
    /* The attribute's first token names it. Not its whole extent: an
     * attribute spelled through a macro can span the rest of the file. */
    char name[32];
    lx_attribute_name(c, name, sizeof name);
    *(bool *)d =
        !strcmp(name, "_Noreturn") || !strcmp(name, "noreturn") || !strcmp(name, "__noreturn__");
    return *(bool *)d ? CXChildVisit_Break : CXChildVisit_Continue;
}

bool lx_flow_noreturn_call(CXCursor c)
{
    static const char *const names[] = {"exit",
                                        "_exit",
                                        "_Exit",
                                        "quick_exit",
                                        "abort",
                                        "longjmp",
                                        "siglongjmp",
                                        "err",
                                        "errx",
                                        "verr",
                                        "verrx",
                                        "pthread_exit",
                                        "__assert_fail",
                                        "_longjmp",
                                        "thrd_exit",
                                        "__builtin_trap",
                                        "__builtin_unreachable"};
    c = lx_strip(c);
    if (clang_getCursorKind(c) != CXCursor_CallExpr)
        return false;
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_Cursor_isNull(ref) || clang_getCursorKind(ref) != CXCursor_FunctionDecl)
        return false;
    char *name = lx_cx_dup(clang_getCursorSpelling(ref));
    bool r = false;
    for (size_t i = 0; name && i < sizeof names / sizeof names[0] && !r; i++)
        r = !strcmp(name, names[i]);
    free(name);
    if (!r) {
        /* GNU noreturn is part of the function's type; C11 _Noreturn an attribute. */
        char *ty = lx_cx_dup(clang_getTypeSpelling(clang_getCursorType(ref)));
        r = ty && strstr(ty, "noreturn");
        free(ty);
    }
    if (!r)
        clang_visitChildren(ref, noreturn_attr_cb, &r);
    return r;
}

/* ---- what a statement does to the flow ---- */

/* The target loop's extent, for gotos: a label inside it jumps back into it. */
struct target {
    tu_state *st;
    CXCursor loop; /* null: the function (error paths) */
    CXFile file;
    unsigned lo, hi;
};

static void target_init(struct target *t, tu_state *st, int li)
{
    memset(t, 0, sizeof *t);
    t->st = st;
    t->loop = li >= 0 ? st->loops[li].cur : clang_getNullCursor();
    if (li >= 0) {
        CXSourceRange r = clang_getCursorExtent(t->loop);
        CXFile f2;
        unsigned l, c;
        lx_expansion(clang_getRangeStart(r), &t->file, &l, &c, &t->lo);
        lx_expansion(clang_getRangeEnd(r), &f2, &l, &c, &t->hi);
    }
}

static bool inside_target(const struct target *t, CXSourceLocation loc)
{
    if (clang_Cursor_isNull(t->loop))
        return false;
    CXFile f;
    unsigned l, c, o;
    lx_expansion(loc, &f, &l, &c, &o);
    return f == t->file && o >= t->lo && o <= t->hi;
}

static CXCursor goto_label(CXCursor g)
{
    struct kids ks = lx_children(g);
    return ks.n ? clang_getCursorReferenced(ks.v[0]) : clang_getNullCursor();
}

struct jump_scan {
    const struct target *t;
    bool found;
};

static bool jumps_back_rec(struct jump_scan *j, CXCursor s, bool cont_L);

struct jump_args {
    struct jump_scan *j;
    bool cont_L;
};

static enum CXChildVisitResult jump_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct jump_args *a = d;
    if (clang_isStatement(clang_getCursorKind(c)) && jumps_back_rec(a->j, c, a->cont_L))
        return CXChildVisit_Break;
    return CXChildVisit_Continue;
}

/* A continue to the target loop, or a goto to a label inside it, in s. */
static bool jumps_back_rec(struct jump_scan *j, CXCursor s, bool cont_L)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_ContinueStmt)
        j->found |= cont_L;
    else if (k == CXCursor_GotoStmt) {
        CXCursor lab = goto_label(s);
        j->found |= !clang_Cursor_isNull(lab) && inside_target(j->t, clang_getCursorLocation(lab));
    } else {
        struct jump_args a = {j, cont_L && !is_loop_kind(k)};
        clang_visitChildren(s, jump_cb, &a);
    }
    return j->found;
}

static bool jumps_back(const struct target *t, CXCursor s, bool cont_L)
{
    if (clang_Cursor_isNull(t->loop))
        return false; /* the function: nothing to go back to */
    struct jump_scan j = {t, false};
    return jumps_back_rec(&j, s, cont_L);
}

static bool fx_exits(enum lx_fx r)
{
    return r == LX_FX_EXIT_LOOP || r == LX_FX_EXIT_FUNC;
}

struct seq_args {
    const struct target *t;
    bool brk_L, cont_L;
    CXCursor after; /* null: from the first child */
    bool started;
    enum lx_fx r;
    CXCursor *exit;
};

static enum lx_fx stmt_flow(const struct target *t, CXCursor s, bool brk_L, bool cont_L,
                            CXCursor *exit);

static enum CXChildVisitResult seq_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct seq_args *a = d;
    if (!a->started) {
        a->started = clang_equalCursors(c, a->after);
        return CXChildVisit_Continue;
    }
    a->r = stmt_flow(a->t, c, a->brk_L, a->cont_L, a->exit);
    return a->r == LX_FX_FALL ? CXChildVisit_Continue : CXChildVisit_Break;
}

/* The statements of block b after child `after` (all of them when null), in order. */
static enum lx_fx seq_flow(const struct target *t, CXCursor b, CXCursor after, bool brk_L,
                           bool cont_L, CXCursor *exit)
{
    struct seq_args a = {t, brk_L, cont_L, after, clang_Cursor_isNull(after), LX_FX_FALL, exit};
    clang_visitChildren(b, seq_cb, &a);
    return a.r;
}

/* seq_flow of the rest of the block after statement x, remembered: every call
 * in x asks the same question of the same statements, and a block of a big
 * interpreter loop would be walked again for each of them. */
#define SEQ_MEMO_SLOTS 1024

typedef struct lx_seq_memo {
    struct seq_slot {
        bool used, brk_L, cont_L;
        CXCursor after, loop, exit;
        enum lx_fx r;
    } slot[SEQ_MEMO_SLOTS];
} lx_seq_memo;

static enum lx_fx rest_of_block(const struct target *t, CXCursor b, CXCursor after, bool brk_L,
                                bool cont_L, CXCursor *exit)
{
    tu_state *st = t->st;
    if (!st->seq_memo && !(st->seq_memo = calloc(1, sizeof *st->seq_memo)))
        return seq_flow(t, b, after, brk_L, cont_L, exit);
    unsigned h = clang_hashCursor(after) ^ (clang_hashCursor(t->loop) * 31u) ^
                 ((unsigned)brk_L << 1) ^ (unsigned)cont_L;
    struct seq_slot *s = &st->seq_memo->slot[h % SEQ_MEMO_SLOTS];
    if (s->used && s->brk_L == brk_L && s->cont_L == cont_L &&
        clang_equalCursors(s->after, after) && clang_equalCursors(s->loop, t->loop)) {
        *exit = s->exit;
        return s->r;
    }
    CXCursor ex = clang_getNullCursor();
    enum lx_fx r = seq_flow(t, b, after, brk_L, cont_L, &ex);
    *s = (struct seq_slot){true, brk_L, cont_L, after, t->loop, ex, r};
    *exit = ex;
    return r;
}

static enum lx_fx if_flow(const struct target *t, CXCursor s, bool brk_L, bool cont_L,
                          CXCursor *exit)
{
    struct kids ks = lx_children(s);
    if (ks.n < 2)
        return LX_FX_FALL;
    CXCursor e1 = clang_getNullCursor(), e2 = clang_getNullCursor();
    enum lx_fx a = stmt_flow(t, ks.v[1], brk_L, cont_L, &e1);
    enum lx_fx b = ks.n > 2 ? stmt_flow(t, ks.v[2], brk_L, cont_L, &e2) : LX_FX_FALL;
    if (a == LX_FX_UNSURE || b == LX_FX_UNSURE)
        return LX_FX_UNSURE;
    if (fx_exits(a) && fx_exits(b)) {
        if (exit)
            *exit = e1;
        return a == LX_FX_EXIT_LOOP || b == LX_FX_EXIT_LOOP ? LX_FX_EXIT_LOOP : LX_FX_EXIT_FUNC;
    }
    bool ja = a == LX_FX_BREAK || a == LX_FX_CONTINUE, jb = b == LX_FX_BREAK || b == LX_FX_CONTINUE;
    if (ja || jb)
        return a == b ? a : LX_FX_UNSURE;
    return LX_FX_FALL;
}

/* How statement s ends, seen from the target loop: brk_L and cont_L say
 * whether a break or continue at the top of s belongs to the target loop
 * (no switch or other loop in between). *exit gets the leaving statement. */
static enum lx_fx stmt_flow(const struct target *t, CXCursor s, bool brk_L, bool cont_L,
                            CXCursor *exit)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    bool fn = clang_Cursor_isNull(t->loop);
    switch (k) {
    case CXCursor_CompoundStmt:
        return seq_flow(t, s, clang_getNullCursor(), brk_L, cont_L, exit);
    case CXCursor_ReturnStmt:
        if (exit)
            *exit = s;
        return LX_FX_EXIT_FUNC;
    case CXCursor_BreakStmt:
        return brk_L && !fn ? LX_FX_EXIT_LOOP : LX_FX_BREAK;
    case CXCursor_ContinueStmt:
        return cont_L && !fn ? LX_FX_UNSURE : LX_FX_CONTINUE;
    case CXCursor_GotoStmt: {
        CXCursor lab = goto_label(s);
        if (!clang_Cursor_isNull(lab) && inside_target(t, clang_getCursorLocation(lab)))
            return LX_FX_UNSURE;
        if (exit)
            *exit = s;
        return LX_FX_EXIT_LOOP;
    }
    case CXCursor_IfStmt:
        return if_flow(t, s, brk_L, cont_L, exit);
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
    case CXCursor_LabelStmt:
        return stmt_flow(t, lx_last_child(s), brk_L, cont_L, exit);
    case CXCursor_DoStmt: {
        /* do { ... } while (0), the body of many macros: its body, once. */
        struct kids ks = lx_children(s);
        long long v;
        if (ks.n == 2 && lx_eval_int(ks.v[1], &v) && v == 0) {
            enum lx_fx r = stmt_flow(t, ks.v[0], false, false, exit);
            return r == LX_FX_BREAK || r == LX_FX_CONTINUE ? LX_FX_FALL : r;
        }
        return jumps_back(t, s, false) ? LX_FX_UNSURE : LX_FX_FALL;
    }
    case CXCursor_ForStmt:
    case CXCursor_WhileStmt:
        return jumps_back(t, s, false) ? LX_FX_UNSURE : LX_FX_FALL;
    case CXCursor_SwitchStmt:
        return jumps_back(t, s, cont_L) ? LX_FX_UNSURE : LX_FX_FALL;
    default:
        if (lx_flow_noreturn_call(s)) {
            if (exit)
                *exit = lx_strip(s);
            return LX_FX_EXIT_FUNC;
        }
        return LX_FX_FALL;
    }
}

enum lx_fx lx_flow_stmt(tu_state *st, CXCursor s, int li, bool brk_L, bool cont_L)
{
    struct target t;
    target_init(&t, st, li);
    return stmt_flow(&t, s, brk_L, cont_L, NULL);
}

/* ---- from the call upwards ---- */

static bool build_chain(CXCursor call, const frame *f, struct chain *ch)
{
    ch->n = 0;
    ch->cur[ch->n++] = call;
    for (; f; f = f->up) {
        if (ch->n == FLOW_MAX_DEPTH)
            return false;
        ch->cur[ch->n++] = f->cur;
    }
    return true;
}

static bool is_first_child(CXCursor p, CXCursor x)
{
    struct kids ks = lx_children(p);
    return ks.n > 0 && clang_equalCursors(ks.v[0], x);
}

/* Whether x is a branch of p: then/else of an if, the body of a switch, a case's statement. */
static bool branch_edge(CXCursor p, CXCursor x)
{
    switch (clang_getCursorKind(p)) {
    case CXCursor_IfStmt:
        return !is_first_child(p, x);
    case CXCursor_SwitchStmt:
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        return clang_equalCursors(lx_last_child(p), x);
    default:
        return false;
    }
}

struct walk_res {
    enum lx_fx r;
    CXCursor exit;  /* the statement or call that leaves */
    bool in_branch; /* the exit ends a branch (then, else, case) that holds the call */
};

/* What runs after the call, from ch->cur[0] up to ch->cur[top] (the target
 * loop, or the function). LX_FX_FALL when the flow gets back to the top. */
static struct walk_res walk_up(const struct target *t, const struct chain *ch, unsigned top)
{
    struct walk_res w = {LX_FX_FALL, clang_getNullCursor(), false};
    bool fn = clang_Cursor_isNull(t->loop);
    enum { SKIP_NONE, SKIP_BREAK, SKIP_CONTINUE } skip = SKIP_NONE;
    for (unsigned i = 1; i <= top; i++) {
        CXCursor p = ch->cur[i], x = ch->cur[i - 1];
        enum CXCursorKind kp = clang_getCursorKind(p);
        if (skip != SKIP_NONE) {
            if ((skip == SKIP_BREAK && is_breakable(kp)) ||
                (skip == SKIP_CONTINUE && is_loop_kind(kp)))
                skip = SKIP_NONE;
            continue;
        }
        if (i == top)
            break;
        /* Whether a break or continue among p's children belongs to the target. */
        bool brk_L = !fn, cont_L = !fn;
        for (unsigned j = i; j < top; j++) {
            enum CXCursorKind kj = clang_getCursorKind(ch->cur[j]);
            brk_L &= !is_breakable(kj);
            cont_L &= !is_loop_kind(kj);
        }
        enum lx_fx r = LX_FX_FALL;
        CXCursor ex = clang_getNullCursor();
        if (kp == CXCursor_CompoundStmt) {
            r = rest_of_block(t, p, x, brk_L, cont_L, &ex);
        } else if (kp == CXCursor_IfStmt && is_first_child(p, x)) {
            r = if_flow(t, p, brk_L, cont_L, &ex);
            if (r == LX_FX_BREAK || r == LX_FX_CONTINUE)
                r = LX_FX_UNSURE;
        } else if (kp == CXCursor_SwitchStmt && is_first_child(p, x)) {
            r = jumps_back(t, p, cont_L) ? LX_FX_UNSURE : LX_FX_FALL;
        } else if (kp == CXCursor_ReturnStmt) {
            r = LX_FX_EXIT_FUNC;
            ex = p;
        } else if (kp == CXCursor_CallExpr && lx_flow_noreturn_call(p)) {
            r = LX_FX_EXIT_FUNC;
            ex = p;
        }
        if (r == LX_FX_BREAK) {
            skip = SKIP_BREAK;
        } else if (r == LX_FX_CONTINUE) {
            skip = SKIP_CONTINUE;
        } else if (r != LX_FX_FALL) {
            /* On an error path when the exit ends a branch that holds the
             * call: the block (or statement) it was found in is that branch. */
            w.r = r;
            w.exit = ex;
            w.in_branch = branch_edge(ch->cur[i + 1], p);
            return w;
        }
    }
    return w;
}

/* ---- the switch a call sits in ---- */

struct switch_value {
    const struct target *t;
    bool changes, memory;
    char *names[16];
    unsigned n;
};

static enum CXChildVisitResult switch_value_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct switch_value *sv = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr) {
        sv->changes = true;
        return CXChildVisit_Break;
    }
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor ref = clang_getCursorReferenced(c);
        enum CXCursorKind rk = clang_getCursorKind(ref);
        if (k == CXCursor_DeclRefExpr && (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) &&
            inside_target(sv->t, clang_getCursorLocation(ref))) {
            sv->changes = true; /* declared in the loop: a fresh value each time round */
            return CXChildVisit_Break;
        }
        sv->memory |= k == CXCursor_MemberRefExpr;
        if (rk != CXCursor_EnumConstantDecl && sv->n < 16)
            sv->names[sv->n++] = lx_cx_dup(clang_getCursorSpelling(c));
    }
    sv->memory |= k == CXCursor_ArraySubscriptExpr || k == CXCursor_UnaryOperator;
    return CXChildVisit_Recurse;
}

static bool is_assign_op(const char *s)
{
    static const char *const ops[] = {
        "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(s, ops[i]))
            return true;
    return false;
}

/* Whether the value a switch dispatches on can change from one iteration of
 * loop li to the next: it is declared in the loop, calls a function, or names
 * something the loop assigns (or, read through memory, passes to a call). */
static bool switch_value_changes(tu_state *st, CXCursor cond, const struct target *t, int li)
{
    struct switch_value sv = {.t = t};
    clang_visitChildren(cond, switch_value_cb, &sv);
    toks ct;
    lx_tokenize_range(st->tu, clang_getCursorExtent(cond), &ct);
    for (unsigned i = 0; i < ct.n && !sv.changes; i++)
        sv.changes = is_assign_op(ct.v[i]);
    lx_toks_free(&ct);
    loop_fact *L = lx_loop_tokens(st, li);
    for (unsigned i = 0; i < L->n_toks && !sv.changes; i++) {
        const char *tok = L->toks[i];
        bool named = false;
        for (unsigned k = 0; k < sv.n && !named; k++)
            named = sv.names[k] && !strcmp(sv.names[k], tok);
        if (!named)
            continue;
        const char *prev = i > 0 ? L->toks[i - 1] : "",
                   *next = i + 1 < L->n_toks ? L->toks[i + 1] : "";
        const char *prev2 = i > 1 ? L->toks[i - 2] : "";
        if (is_assign_op(next) || !strcmp(prev, "++") || !strcmp(prev, "--") || !strcmp(prev, "&"))
            sv.changes = true;
        bool arg = (!strcmp(prev, ",") ||
                    (!strcmp(prev, "(") && lx_is_ident(prev2) && !lx_is_keyword(prev2))) &&
                   (!strcmp(next, ",") || !strcmp(next, ")"));
        if (sv.memory && arg)
            sv.changes = true;
    }
    for (unsigned k = 0; k < sv.n; k++)
        free(sv.names[k]);
    return sv.changes;
}

/* ---- what the walk records ---- */

static int chain_index(const struct chain *ch, CXCursor c)
{
    for (unsigned i = 1; i < ch->n; i++)
        if (clang_equalCursors(ch->cur[i], c))
            return (int)i;
    return -1;
}

/* Under a case label of a switch inside the loop, on a value that changes;
 * and whether anything between the call and the loop makes it conditional. */
static void loop_shape(tu_state *st, const struct chain *ch, unsigned top, int li, unsigned *flow)
{
    struct target t;
    target_init(&t, st, li);
    bool uncond = true;
    for (unsigned i = 1; i < top; i++) {
        CXCursor p = ch->cur[i], x = ch->cur[i - 1];
        enum CXCursorKind kp = clang_getCursorKind(p);
        bool first = is_first_child(p, x);
        if (kp == CXCursor_SwitchStmt && !first && !(*flow & LX_FLOW_PER_CASE) &&
            switch_value_changes(st, lx_children(p).v[0], &t, li))
            *flow |= LX_FLOW_PER_CASE;
        if (((kp == CXCursor_IfStmt || kp == CXCursor_SwitchStmt ||
              kp == CXCursor_ConditionalOperator) &&
             !first) ||
            kp == CXCursor_CaseStmt || kp == CXCursor_DefaultStmt || is_loop_kind(kp))
            uncond = false;
    }
    if (uncond)
        *flow |= LX_FLOW_UNCOND;
}

void lx_flow_place(tu_state *st, CXCursor call, const frame *f, call_fact *cf)
{
    struct chain *ch = malloc(sizeof *ch);
    cf->flow = 0;
    if (!ch) {
        st->oom = true;
        return;
    }
    if (!build_chain(call, f, ch) || ch->n < 2) {
        free(ch);
        return;
    }
    struct target t;
    target_init(&t, st, -1);
    struct walk_res w = walk_up(&t, ch, ch->n - 1);
    if (fx_exits(w.r) && w.in_branch && lx_flow_error_exit(st, w.exit))
        cf->flow |= LX_FLOW_ERROR_PATH;
    /* A block that always leaves the loop runs at most once per entry into
     * it: the call belongs to the loop around that one, if any. */
    while (cf->loop >= 0 && cf->ctx != CTX_NONE) {
        int top = chain_index(ch, st->loops[cf->loop].cur);
        if (top < 0)
            break;
        target_init(&t, st, cf->loop);
        w = walk_up(&t, ch, (unsigned)top);
        if (w.r == LX_FX_EXIT_FUNC) {
            cf->loop = -1;
            cf->ctx = CTX_NONE;
        } else if (w.r == LX_FX_EXIT_LOOP) {
            cf->ctx = st->loops[cf->loop].outer_ctx;
            cf->loop = st->loops[cf->loop].parent;
        } else {
            loop_shape(st, ch, (unsigned)top, cf->loop, &cf->flow);
            break;
        }
    }
    free(ch);
}
