/* ast_walk.c - the walk over one translation unit that records the facts:
 * functions, loops (with what leaves them and how often they run) and the
 * calls the rules care about. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* ---- the walk ---- */

static void visit(tu_state *st, CXCursor c, const frame *parent);

struct visit_args {
    tu_state *st;
    const frame *parent;
};

static enum CXChildVisitResult visit_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct visit_args *va = d;
    visit(va->st, c, va->parent);
    return CXChildVisit_Continue;
}

static void visit_children(tu_state *st, CXCursor c, const frame *f)
{
    struct visit_args va = {st, f};
    clang_visitChildren(c, visit_cb, &va);
}

static bool callee_of_interest(tu_state *st, const char *name)
{
    static const char *const extra[] = {"free", "setvbuf", "setbuf"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (!strcmp(name, extra[i]))
            return true;
    for (size_t r = 0; r < st->a->cat->n_rules; r++) {
        const hl_rule *rule = &st->a->cat->rules[r];
        for (size_t i = 0; i < rule->n_callees; i++)
            if (!strcmp(rule->callees[i], name))
                return true;
    }
    return false;
}

bool lx_has_offset(const unsigned *v, size_t n, unsigned off)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == off)
            return true;
    return false;
}

void lx_record_call(tu_state *st, CXCursor c, const frame *f)
{
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_Cursor_isNull(ref) || clang_getCursorKind(ref) != CXCursor_FunctionDecl)
        return;
    char *name = lx_cx_dup(clang_getCursorSpelling(ref));
    if (!name) {
        st->oom = true;
        return;
    }
    bool interest = callee_of_interest(st, name);
    unsigned guards = f->func >= 0 ? lx_call_guards(st, c, f, -1) : 0;
    lx_summary_call(st, c, ref, name, f, guards, interest);
    if (!interest) {
        free(name);
        return;
    }
    CXSourceRange ext = clang_getCursorExtent(c);
    CXFile file, f2;
    unsigned line, col, off, el, ec, eo;
    lx_expansion(clang_getRangeStart(ext), &file, &line, &col, &off);
    lx_expansion(clang_getRangeEnd(ext), &f2, &el, &ec, &eo);
    if (f2 != file || el < line) {
        el = line;
        ec = col;
    }
    /* The variable the result goes into: "p = malloc(...)" or "T *p = malloc(...)". */
    char *assigned = NULL;
    for (const frame *u = f; u; u = u->up) {
        enum CXCursorKind k = clang_getCursorKind(u->cur);
        if (k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr || k == CXCursor_CStyleCastExpr)
            continue;
        if (k == CXCursor_VarDecl) {
            assigned = lx_cx_dup(clang_getCursorSpelling(u->cur));
        } else if (k == CXCursor_BinaryOperator) {
            struct kids ks = lx_children(u->cur);
            if (ks.n == 2 && clang_equalCursors(lx_strip(ks.v[1]), c))
                assigned = lx_lvalue_name(st, ks.v[0]);
        }
        break;
    }
    call_fact *cf = GROW(st, st->calls, st->n_calls, st->cap_calls);
    if (!cf) {
        free(name);
        free(assigned);
        return;
    }
    *cf = (call_fact){.cur = c,
                      .callee = name,
                      .assigned = assigned,
                      .loop = f->loop,
                      .func = f->func,
                      .ctx = f->ctx,
                      .file = file,
                      .line = line,
                      .col = col,
                      .end_line = el,
                      .end_col = ec,
                      .offset = off,
                      .guards = guards,
                      .in_chain = lx_has_offset(st->chain_offsets, st->n_chain_offsets, off)};
    lx_record_arms(st, cf, c, f);
}

unsigned lx_cursor_line(CXCursor c, bool end, unsigned *off)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f;
    unsigned l, col, o;
    lx_expansion(end ? clang_getRangeEnd(r) : clang_getRangeStart(r), &f, &l, &col, &o);
    if (off)
        *off = o;
    return l;
}

/* A loop that provably runs at most 4 times: "for (i = A; i < B; i++)" with
 * literals, or a do/while whose condition is the constant 0. */
static bool small_constant_trip(tu_state *st, CXCursor loop, enum CXCursorKind kind,
                                const toks *hdr, int sc1, int sc2, int close, CXCursor *cond)
{
    if (kind != CXCursor_ForStmt) {
        long long v;
        return cond && lx_eval_int(*cond, &v) && v == 0;
    }
    (void)st;
    (void)loop;
    if (sc1 < 0 || sc2 < 0 || close < 0)
        return false;
    /* init ends with "ID = LIT" */
    if (sc1 < 4)
        return false;
    const char *id = hdr->v[sc1 - 3];
    long a, b;
    if (!lx_is_ident(id) || strcmp(hdr->v[sc1 - 2], "=") || !lx_is_int_literal(hdr->v[sc1 - 1], &a))
        return false;
    /* cond is "ID op LIT" */
    if (sc2 - sc1 != 4 || strcmp(hdr->v[sc1 + 1], id) || !lx_is_int_literal(hdr->v[sc1 + 3], &b))
        return false;
    const char *op = hdr->v[sc1 + 2];
    long trip;
    if (!strcmp(op, "<") || !strcmp(op, "!="))
        trip = b - a;
    else if (!strcmp(op, "<="))
        trip = b - a + 1;
    else
        return false;
    /* inc is "ID ++" or "++ ID" */
    int n_inc = close - sc2 - 1;
    if (n_inc != 2 || !((!strcmp(hdr->v[sc2 + 1], id) && !strcmp(hdr->v[sc2 + 2], "++")) ||
                        (!strcmp(hdr->v[sc2 + 1], "++") && !strcmp(hdr->v[sc2 + 2], id))))
        return false;
    return trip >= 0 && trip <= 4;
}

static enum CXChildVisitResult argc_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_MemberRefExpr) {
        CXString sp = clang_getCursorSpelling(c);
        bool hit = !strcmp(clang_getCString(sp), "argc");
        clang_disposeString(sp);
        if (hit) {
            *(bool *)d = true;
            return CXChildVisit_Break;
        }
    }
    return CXChildVisit_Recurse;
}

static bool mentions_member_argc(CXCursor c)
{
    bool hit = false;
    if (argc_cb(c, clang_getNullCursor(), &hit) == CXChildVisit_Break)
        return true;
    clang_visitChildren(c, argc_cb, &hit);
    return hit;
}

static void visit_loop(tu_state *st, CXCursor c, enum CXCursorKind kind, const frame *f)
{
    struct kids ks = lx_children(c);
    if (ks.n == 0)
        return;
    enum { P_INIT, P_COND, P_INC, P_BODY } part[8];
    toks hdr = {0};
    int sc1 = -1, sc2 = -1, close = -1;
    CXCursor cond, *condp = NULL;
    if (kind == CXCursor_ForStmt) {
        /* Null children are left out by libclang: classify by position
         * against the two ';' of the header. */
        CXSourceRange ext = clang_getCursorExtent(c);
        CXSourceRange body = clang_getCursorExtent(ks.v[ks.n - 1]);
        lx_tokenize_range(
            st->tu, clang_getRange(clang_getRangeStart(ext), clang_getRangeStart(body)), &hdr);
        int depth = 0;
        for (unsigned i = 0; i < hdr.n; i++) {
            const char *t = hdr.v[i];
            if (!strcmp(t, "(")) {
                depth++;
            } else if (!strcmp(t, ")")) {
                if (--depth == 0 && close < 0)
                    close = (int)i;
            } else if (!strcmp(t, ";") && depth == 1) {
                if (sc1 < 0)
                    sc1 = (int)i;
                else if (sc2 < 0)
                    sc2 = (int)i;
            }
        }
        for (unsigned i = 0; i + 1 < ks.n; i++) {
            unsigned off;
            lx_cursor_line(ks.v[i], false, &off);
            if (sc1 >= 0 && sc2 >= 0)
                part[i] = off < hdr.off[sc1] ? P_INIT : off < hdr.off[sc2] ? P_COND : P_INC;
            else
                part[i] = ks.n == 4 ? (i == 0 ? P_INIT : i == 1 ? P_COND : P_INC) : P_COND;
        }
        part[ks.n - 1] = P_BODY;
    } else if (kind == CXCursor_WhileStmt) {
        for (unsigned i = 0; i < ks.n; i++)
            part[i] = i + 1 == ks.n ? P_BODY : P_COND;
        if (ks.n >= 2) {
            cond = ks.v[ks.n - 2];
            condp = &cond;
        }
    } else { /* do body while (cond) */
        for (unsigned i = 0; i < ks.n; i++)
            part[i] = i == 0 ? P_BODY : P_COND;
        if (ks.n >= 2) {
            cond = ks.v[ks.n - 1];
            condp = &cond;
        }
    }
    bool counted = !small_constant_trip(st, c, kind, &hdr, sc1, sc2, close, condp);
    lx_toks_free(&hdr);
    /* What drives the loop: a loop over an argument vector (main's, by data
     * flow, or a command's c->argc) runs once per argument of a command. */
    CXCursor drive_cond = clang_getNullCursor();
    bool member_argc = false;
    for (unsigned i = 0; i < ks.n; i++)
        if (part[i] == P_COND) {
            drive_cond = ks.v[i];
            member_argc |= mentions_member_argc(ks.v[i]);
        }
    loop_drive drive = member_argc ? DRIVE_ARGS : lx_loop_drive(drive_cond, ks.v[ks.n - 1]);
    if (drive == DRIVE_ARGS && !member_argc && f->func >= 0)
        st->funcs[f->func].parses_options = true;

    int li = f->loop;
    if (counted) {
        loop_fact *L = GROW(st, st->loops, st->n_loops, st->cap_loops);
        if (!L)
            return;
        li = (int)(L - st->loops);
        *L = (loop_fact){.cur = c,
                         .parent = f->loop,
                         .outer_ctx = f->ctx,
                         .start_line = lx_cursor_line(c, false, NULL),
                         .end_line = lx_cursor_line(c, true, NULL),
                         .depth = f->loop >= 0 ? st->loops[f->loop].depth + 1 : 1,
                         .drive = drive};
    }
    for (unsigned i = 0; i < ks.n; i++) {
        frame nf = {.up = f, .cur = c, .func = f->func, .loop = f->loop, .ctx = f->ctx};
        if (part[i] != P_INIT && counted) {
            nf.loop = li;
            nf.ctx = part[i] == P_BODY ? CTX_BODY : CTX_COND;
        }
        visit(st, ks.v[i], &nf);
    }
}

static bool break_leaves_loop(const frame *f, CXCursor loop)
{
    for (; f; f = f->up) {
        enum CXCursorKind k = clang_getCursorKind(f->cur);
        if (k == CXCursor_SwitchStmt)
            return false;
        if (k == CXCursor_ForStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt)
            return clang_equalCursors(f->cur, loop);
    }
    return false;
}

static bool is_noreturn_call(CXCursor c)
{
    static const char *const names[] = {"exit",       "_exit", "_Exit", "abort", "longjmp",
                                        "siglongjmp", "err",   "errx",  "verr",  "verrx"};
    if (clang_getCursorKind(c) != CXCursor_CallExpr)
        return false;
    CXString sp = clang_getCursorSpelling(clang_getCursorReferenced(c));
    const char *n = clang_getCString(sp);
    bool r = false;
    for (size_t i = 0; n && i < sizeof names / sizeof names[0]; i++)
        r |= !strcmp(n, names[i]);
    clang_disposeString(sp);
    return r;
}

enum exit_kind { EXIT_NONE, EXIT_LOOP, EXIT_FUNCTION };

/* How a branch ends: leaving the innermost loop (break, goto) or the
 * function (return, exit(), abort(), ...). Such a branch runs at most once
 * per entry into the loop, not per iteration. */
static enum exit_kind branch_exit(CXCursor b, const frame *f, CXCursor loop)
{
    enum CXCursorKind k = clang_getCursorKind(b);
    if (k == CXCursor_CompoundStmt) {
        CXCursor last = lx_last_child(b);
        return clang_Cursor_isNull(last) ? EXIT_NONE : branch_exit(last, f, loop);
    }
    if (k == CXCursor_ReturnStmt)
        return EXIT_FUNCTION;
    if (k == CXCursor_GotoStmt)
        return EXIT_LOOP;
    if (k == CXCursor_BreakStmt)
        return break_leaves_loop(f, loop) ? EXIT_LOOP : EXIT_NONE;
    return is_noreturn_call(b) ? EXIT_FUNCTION : EXIT_NONE;
}

/* The then/else branches of an if in a loop: a branch that leaves the loop
 * is visited as code outside it. */
static void visit_if_branches(tu_state *st, CXCursor c, const frame *f)
{
    struct kids ks = lx_children(c);
    for (unsigned i = 0; i < ks.n; i++) {
        frame nf = *f;
        enum exit_kind e = i > 0 ? branch_exit(ks.v[i], f, st->loops[f->loop].cur) : EXIT_NONE;
        if (e == EXIT_LOOP) {
            nf.loop = st->loops[f->loop].parent;
            nf.ctx = st->loops[f->loop].outer_ctx;
        } else if (e == EXIT_FUNCTION) {
            nf.loop = -1;
            nf.ctx = CTX_NONE;
        }
        visit(st, ks.v[i], &nf);
    }
}

static void visit(tu_state *st, CXCursor c, const frame *parent)
{
    if (st->oom)
        return;
    enum CXCursorKind k = clang_getCursorKind(c);
    frame f = {
        .up = parent, .cur = c, .func = parent->func, .loop = parent->loop, .ctx = parent->ctx};
    switch (k) {
    case CXCursor_ForStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
        visit_loop(st, c, k, parent);
        return;
    case CXCursor_CallExpr:
        if (clang_getCursorKind(clang_getCursorReferenced(c)) == CXCursor_FunctionDecl) {
            unsigned off;
            CXFile fl;
            unsigned l, col;
            lx_expansion(clang_getRangeStart(clang_getCursorExtent(c)), &fl, &l, &col, &off);
            /* The head of a chain was recorded already. */
            bool dup = false;
            for (size_t i = 0; i < st->n_chains; i++)
                if (st->calls[st->chains[i].call].offset == off &&
                    clang_equalCursors(st->calls[st->chains[i].call].cur, c))
                    dup = true;
            if (!dup)
                lx_record_call(st, c, parent);
        }
        break;
    case CXCursor_IfStmt:
        if (st->uses_chains)
            lx_detect_chain(st, c, parent);
        if (f.loop >= 0 && f.ctx != CTX_NONE) {
            visit_if_branches(st, c, &f);
            return;
        }
        break;
    default:
        break;
    }
    visit_children(st, c, &f);
}

enum CXChildVisitResult lx_top_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    tu_state *st = d;
    if (st->oom)
        return CXChildVisit_Break;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
        return CXChildVisit_Continue;
    CXSourceLocation loc = clang_getCursorLocation(c);
    if (!lx_loc_in_scope(st, loc))
        return CXChildVisit_Continue;
    func_fact *fn = GROW(st, st->funcs, st->n_funcs, st->cap_funcs);
    if (!fn)
        return CXChildVisit_Break;
    fn->name = lx_cx_dup(clang_getCursorSpelling(c));
    fn->start_line = lx_cursor_line(c, false, NULL);
    fn->end_line = lx_cursor_line(c, true, NULL);
    fn->parses_options = false;
    int func = (int)(fn - st->funcs);
    frame f = {.up = NULL, .cur = c, .func = func, .loop = -1, .ctx = CTX_NONE};
    visit_children(st, c, &f);
    lx_summarize_function(st, c, func);
    return CXChildVisit_Continue;
}
