/* summary.c - the unit's part of the whole-program picture (summary.h): for
 * each function it defines, the costs paid on every call (a call to a rule's
 * callee on every path through the body, or to a function that is called on
 * every path, resolved later across units); every call between functions
 * with how it sits (in a loop, on an error path); and the calls in loops to
 * functions no rule names, which become findings once the callee is known to
 * allocate or format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/keybuf.h"
#include "ast_facts.h"

static const char *const family_names[HL_N_FAMILIES] = {"allocation", "formatting",
                                                        "string-compare", "string-concat"};

int hl_family_of(const char *name)
{
    for (int f = 0; name && f < HL_N_FAMILIES; f++)
        if (!strcmp(name, family_names[f]))
            return f;
    return -1;
}

const char *hl_family_name(hl_family f)
{
    return family_names[f];
}

void hl_tu_summary_free(hl_tu_summary *s)
{
    for (size_t i = 0; i < s->n_fns; i++) {
        hl_fn_summary *fn = &s->fns[i];
        free(fn->name);
        free(fn->abs_file);
        for (int f = 0; f < HL_N_FAMILIES; f++)
            free(fn->direct[f].callee);
        for (size_t k = 0; k < fn->n_always; k++)
            free(fn->always[k].callee);
        free(fn->always);
        for (size_t k = 0; k < fn->n_returns; k++)
            free(fn->returns[k].callee);
        free(fn->returns);
    }
    free(s->fns);
    for (size_t i = 0; i < s->n_edges; i++)
        free(s->edges[i].callee);
    free(s->edges);
    for (size_t i = 0; i < s->n_calls; i++)
        hl_finding_clear(&s->calls[i].at);
    free(s->calls);
    memset(s, 0, sizeof *s);
}

int hl_callee_family(const hl_catalog *cat, const char *callee)
{
    for (size_t r = 0; r < cat->n_rules; r++) {
        const hl_rule *rule = &cat->rules[r];
        if (!(rule->match_mask & HL_MATCH_BIT(HL_MATCH_CALL_IN_LOOP_BODY)))
            continue;
        int fam = hl_family_of(rule->family);
        if (fam >= 0 && lx_in_list(rule->callees, rule->n_callees, callee))
            return fam;
    }
    return -1;
}

/* ---- what every call of a function does ---- */

typedef struct always_set {
    unsigned fams;
    hl_step step[HL_N_FAMILIES];
    hl_step *calls; /* group 0: called; group k: one of the group's calls is */
    size_t n_calls, cap_calls;
    unsigned next_group;
    bool oom;
} always_set;

static void set_free(always_set *a)
{
    for (int f = 0; f < HL_N_FAMILIES; f++)
        free(a->step[f].callee);
    for (size_t i = 0; i < a->n_calls; i++)
        free(a->calls[i].callee);
    free(a->calls);
    memset(a, 0, sizeof *a);
}

static void set_push(always_set *a, const char *callee, unsigned line, unsigned group)
{
    char *c = strdup(callee);
    if (!c || HL_GROW(a->calls, a->n_calls, a->cap_calls) < 0) {
        free(c);
        a->oom = true;
        return;
    }
    a->calls[a->n_calls++] = (hl_step){c, line, group};
}

static void set_add_call(always_set *a, const char *callee, unsigned line)
{
    for (size_t i = 0; i < a->n_calls; i++)
        if (!a->calls[i].group && !strcmp(a->calls[i].callee, callee))
            return;
    set_push(a, callee, line, 0);
}

#define MAX_CLAUSES 6 /* alternatives kept per branch: the rest are dropped */

/* A branch's clauses: each a list of steps of which one is called. */
typedef struct clauses {
    const hl_step *m[MAX_CLAUSES][MAX_CLAUSES];
    unsigned n[MAX_CLAUSES];
    unsigned count;
} clauses;

static void clauses_of(const always_set *a, clauses *c)
{
    memset(c, 0, sizeof *c);
    for (int f = 0; f < HL_N_FAMILIES && c->count < MAX_CLAUSES; f++)
        if (a->fams & HL_FAM_BIT(f))
            c->m[c->count][c->n[c->count]++] = &a->step[f], c->count++;
    for (size_t i = 0; i < a->n_calls && c->count < MAX_CLAUSES; i++) {
        if (!a->calls[i].group) {
            c->m[c->count][c->n[c->count]++] = &a->calls[i];
            c->count++;
            continue;
        }
        bool first = i == 0 || a->calls[i - 1].group != a->calls[i].group;
        if (first)
            c->count++;
        unsigned k = c->count - 1;
        if (c->n[k] < MAX_CLAUSES)
            c->m[k][c->n[k]++] = &a->calls[i];
    }
}

static void set_add_fam(always_set *a, int fam, const char *callee, unsigned line)
{
    if (a->fams & HL_FAM_BIT(fam))
        return;
    if (!(a->step[fam].callee = strdup(callee))) {
        a->oom = true;
        return;
    }
    a->step[fam].line = line;
    a->fams |= HL_FAM_BIT(fam);
}

/* into += what both a and b do: a family or a call both do, and for the
 * rest one clause per pair ("a does x or y, b does z": x, y or z is called). */
static void set_add_both(always_set *into, const always_set *a, const always_set *b)
{
    for (int f = 0; f < HL_N_FAMILIES; f++)
        if ((a->fams & b->fams & HL_FAM_BIT(f)))
            set_add_fam(into, f, a->step[f].callee, a->step[f].line);
    for (size_t i = 0; i < a->n_calls; i++)
        for (size_t k = 0; k < b->n_calls; k++)
            if (!a->calls[i].group && !b->calls[k].group &&
                !strcmp(a->calls[i].callee, b->calls[k].callee))
                set_add_call(into, a->calls[i].callee, a->calls[i].line);
    clauses ca, cb;
    clauses_of(a, &ca);
    clauses_of(b, &cb);
    for (unsigned i = 0; i < ca.count; i++)
        for (unsigned k = 0; k < cb.count; k++) {
            if (ca.n[i] + cb.n[k] > MAX_CLAUSES)
                continue;
            unsigned g = ++into->next_group;
            for (unsigned x = 0; x < ca.n[i]; x++)
                set_push(into, ca.m[i][x]->callee, ca.m[i][x]->line, g);
            for (unsigned x = 0; x < cb.n[k]; x++)
                set_push(into, cb.m[k][x]->callee, cb.m[k][x]->line, g);
        }
}

typedef struct always_ctx {
    tu_state *st;
    CXCursor fn;
    unsigned budget; /* cursors left to look at: huge functions stay cheap */
} always_ctx;

static enum CXChildVisitResult has_return_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    enum CXCursorKind k = clang_getCursorKind(c);
    /* A failure's return ("if (!buf) return NULL;") is not a path that skips
     * the function's work; break and continue are: "do { if (quiet) break;
     * log(...); } while (0)". */
    if ((k == CXCursor_ReturnStmt || k == CXCursor_GotoStmt) && lx_ends_in_failure(c))
        return CXChildVisit_Continue;
    if (k == CXCursor_ReturnStmt || k == CXCursor_GotoStmt || k == CXCursor_BreakStmt ||
        k == CXCursor_ContinueStmt) {
        *(bool *)d = true;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
}

/* "if (!p) return ...;" or "if (p == NULL) return ...;": a check of the
 * arguments, after which the function does its work. */
static bool is_argument_check(CXCursor ifs)
{
    struct kids ks = lx_children(ifs);
    if (ks.n != 2)
        return false;
    CXCursor then = ks.v[1];
    if (clang_getCursorKind(then) == CXCursor_CompoundStmt) {
        struct kids tk = lx_children(then);
        if (tk.n != 1)
            return false;
        then = tk.v[0];
    }
    if (clang_getCursorKind(then) != CXCursor_ReturnStmt)
        return false;
    toks t;
    lx_tokenize_range(clang_Cursor_getTranslationUnit(ifs), clang_getCursorExtent(ks.v[0]), &t);
    bool ok =
        (t.n == 2 && !strcmp(t.v[0], "!")) ||
        (t.n == 3 && !strcmp(t.v[1], "==") && (!strcmp(t.v[2], "NULL") || !strcmp(t.v[2], "0")));
    lx_toks_free(&t);
    return ok;
}

/* Whether a statement may leave the function (or jump) in some of its paths:
 * what follows it is then not done on every call. */
static bool may_leave(CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_ReturnStmt || k == CXCursor_GotoStmt || k == CXCursor_BreakStmt ||
        k == CXCursor_ContinueStmt)
        return true;
    if (k != CXCursor_IfStmt && k != CXCursor_SwitchStmt && k != CXCursor_ForStmt &&
        k != CXCursor_WhileStmt && k != CXCursor_DoStmt && k != CXCursor_CompoundStmt &&
        k != CXCursor_LabelStmt)
        return false;
    if (k == CXCursor_IfStmt && is_argument_check(c))
        return false;
    bool hit = false;
    clang_visitChildren(c, has_return_cb, &hit);
    return hit;
}

static bool constant_true(CXCursor cond)
{
    long long v;
    return lx_eval_int(cond, &v) && v != 0;
}

static void always_of(always_ctx *ax, CXCursor c, always_set *out);

struct seq_state {
    always_ctx *ax;
    always_set *out;
};

/* A block's statements in order, up to the first that may leave. */
static enum CXChildVisitResult seq_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct seq_state *ss = d;
    always_of(ss->ax, c, ss->out);
    return may_leave(c) ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* Every child is evaluated: an expression's operands, a declaration's initialiser. */
static enum CXChildVisitResult all_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct seq_state *ss = d;
    always_of(ss->ax, c, ss->out);
    return CXChildVisit_Continue;
}

static void both_branches(always_ctx *ax, CXCursor a, CXCursor b, always_set *out)
{
    always_set sa = {0}, sb = {0};
    always_of(ax, a, &sa);
    always_of(ax, b, &sb);
    set_add_both(out, &sa, &sb);
    out->oom |= sa.oom || sb.oom;
    set_free(&sa);
    set_free(&sb);
}

/* "&&" or "||": only the left operand always runs. */
static bool is_short_circuit(CXCursor bin)
{
    char op[4];
    return lx_binary_operator(clang_Cursor_getTranslationUnit(bin), bin, op, sizeof op) &&
           (!strcmp(op, "&&") || !strcmp(op, "||"));
}

/* A compare of an if/else chain: the chain is a finding of its own, so
 * the function's callers are not reported for it again. */
static bool in_reported_chain(tu_state *st, unsigned off)
{
    if (lx_has_offset(st->chain_offsets, st->n_chain_offsets, off))
        return true;
    for (size_t k = 0; k < st->n_chains; k++)
        if (st->calls[st->chains[k].call].offset == off)
            return true;
    return false;
}

static void record_call(always_ctx *ax, CXCursor c, always_set *out)
{
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_getCursorKind(ref) != CXCursor_FunctionDecl)
        return;
    char *name = lx_cx_dup(clang_getCursorSpelling(ref));
    if (!name) {
        out->oom = true;
        return;
    }
    unsigned off, line = lx_cursor_line(c, false, &off);
    int fam = hl_callee_family(ax->st->a->cat, name);
    if (fam < 0)
        set_add_call(out, name, line);
    else if (!in_reported_chain(ax->st, off))
        set_add_fam(out, fam, name, line);
    free(name);
}

static void always_of(always_ctx *ax, CXCursor c, always_set *out)
{
    if (out->oom || ax->budget == 0)
        return;
    ax->budget--;
    struct seq_state ss = {ax, out};
    struct kids ks;
    switch (clang_getCursorKind(c)) {
    case CXCursor_CompoundStmt:
        clang_visitChildren(c, seq_cb, &ss);
        return;
    case CXCursor_IfStmt:
    case CXCursor_ConditionalOperator:
        ks = lx_children(c);
        if (ks.n >= 1)
            always_of(ax, ks.v[0], out);
        if (ks.n == 3)
            both_branches(ax, ks.v[1], ks.v[2], out);
        return;
    case CXCursor_WhileStmt:
        ks = lx_children(c);
        if (ks.n >= 1)
            always_of(ax, ks.v[0], out);
        if (ks.n == 2 && constant_true(ks.v[0]))
            always_of(ax, ks.v[1], out);
        return;
    case CXCursor_ForStmt:
        ks = lx_children(c);
        if (ks.n == 1) /* for (;;) */
            always_of(ax, ks.v[0], out);
        else if (ks.n >= 2)
            always_of(ax, ks.v[0], out); /* the init, or the first test */
        return;
    case CXCursor_DoStmt:
        clang_visitChildren(c, all_cb, &ss);
        return;
    case CXCursor_SwitchStmt:
        ks = lx_children(c);
        if (ks.n >= 1)
            always_of(ax, ks.v[0], out);
        return;
    case CXCursor_BinaryOperator:
        ks = lx_children(c);
        if (ks.n == 2 && is_short_circuit(c)) {
            always_of(ax, ks.v[0], out);
            return;
        }
        break;
    case CXCursor_CallExpr:
        record_call(ax, c, out);
        break;
    case CXCursor_LambdaExpr:
    case CXCursor_BlockExpr:
        return;
    default:
        break;
    }
    clang_visitChildren(c, all_cb, &ss);
}

static char *dup_or_oom(tu_state *st, const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        st->oom = true;
    return d;
}

void lx_summarize_function(tu_state *st, CXCursor fn, int func)
{
    hl_tu_summary *sum = &st->res->sum;
    hl_fn_summary *out = GROW(st, sum->fns, sum->n_fns, sum->cap_fns);
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    const func_fact *ff = &st->funcs[func];
    CXFile file;
    unsigned l, c, o;
    lx_expansion(clang_getCursorLocation(fn), &file, &l, &c, &o);
    file_info *fi = lx_file_lookup(st, file);
    out->name = dup_or_oom(st, ff->name);
    out->abs_file = dup_or_oom(st, fi && fi->abs ? fi->abs : st->src->abs_path);
    out->line = ff->start_line;
    out->end_line = ff->end_line;
    out->is_static = clang_getCursorLinkage(fn) == CXLinkage_Internal;
    out->parses_options = ff->parses_options;
    always_ctx ax = {st, fn, 4000};
    always_set set = {0};
    struct kids ks = lx_children(fn);
    for (unsigned i = 0; i < ks.n; i++)
        if (clang_getCursorKind(ks.v[i]) == CXCursor_CompoundStmt)
            always_of(&ax, ks.v[i], &set);
    if (set.oom)
        st->oom = true;
    out->families = set.fams;
    for (int f = 0; f < HL_N_FAMILIES; f++) {
        out->direct[f] = set.step[f];
        set.step[f].callee = NULL;
    }
    lx_summarize_returns(st, fn, out);
    out->always = set.calls;
    out->n_always = set.n_calls;
    out->cap_always = set.cap_calls;
    set.calls = NULL;
    set.n_calls = 0;
    set_free(&set);
}

/* ---- calls between functions ---- */

/* Families the declaration's attributes promise: malloc and alloc_size
 * allocate, format(printf, ...) formats. */
static unsigned attribute_families(CXCursor decl)
{
    unsigned fams = 0;
    struct kids ks = lx_children(decl);
    for (unsigned i = 0; i < ks.n; i++) {
        if (!clang_isAttribute(clang_getCursorKind(ks.v[i])))
            continue;
        char a[32];
        lx_attribute_name(ks.v[i], a, sizeof a);
        if (!strcmp(a, "malloc") || !strcmp(a, "__malloc__") || !strcmp(a, "alloc_size") ||
            !strcmp(a, "__alloc_size__"))
            fams |= HL_FAM_BIT(HL_FAM_ALLOCATION);
        /* format(printf, ...), format(strftime, ...): it formats */
        if (!strcmp(a, "format") || !strcmp(a, "__format__"))
            fams |= HL_FAM_BIT(HL_FAM_FORMATTING);
    }
    return fams;
}

/* A call in an arm of "c ? a : b", or right of && or ||, between it and
 * its loop: it runs on some turns only ("assert(x)" expands to one). */
static bool in_conditional_operand(tu_state *st, CXCursor call, const frame *f)
{
    CXCursor loop = st->loops[f->loop].cur, from = call;
    for (const frame *u = f; u; from = u->cur, u = u->up) {
        if (clang_equalCursors(u->cur, loop))
            return false;
        enum CXCursorKind k = clang_getCursorKind(u->cur);
        if (k != CXCursor_ConditionalOperator && k != CXCursor_BinaryOperator)
            continue;
        struct kids ks = lx_children(u->cur);
        if (ks.n < 2 || clang_equalCursors(ks.v[0], from))
            continue; /* the test or the left operand: always evaluated */
        if (k == CXCursor_ConditionalOperator)
            return true;
        /* An operator we cannot read (written by a macro) counts as one:
         * "tostring(L, o)" expands to "ttisstring(o) || (... luaO_tostring(L, o))". */
        char op[4];
        if (!lx_operator(st, u->cur, op, sizeof op) || !op[0] || !strcmp(op, "&&") ||
            !strcmp(op, "||"))
            return true;
    }
    return false;
}

static hl_edge_kind edge_kind(tu_state *st, const frame *f, unsigned guards)
{
    if (guards & (GUARD_ERROR_PATH | GUARD_VERBOSITY))
        return HL_EDGE_COLD;
    if (f->loop < 0 || f->ctx == CTX_NONE || (guards & GUARD_RETURNS))
        return HL_EDGE_ONCE;
    switch (st->loops[f->loop].drive) {
    case DRIVE_ARGS:
        return HL_EDGE_PER_ARG;
    case DRIVE_WAIT:
        return HL_EDGE_COLD;
    case DRIVE_LINES:
        return HL_EDGE_ONCE;
    case DRIVE_COUNTED:
        break;
    }
    return HL_EDGE_LOOP;
}

void lx_summary_call(tu_state *st, CXCursor c, CXCursor ref, const char *name, const frame *f,
                     unsigned guards, bool rule_callee)
{
    if (f->func < 0)
        return;
    hl_tu_summary *sum = &st->res->sum;
    call_fact cf = {.cur = c,
                    .callee = (char *)name,
                    .loop = f->loop,
                    .func = f->func,
                    .ctx = f->ctx,
                    .guards = guards};
    lx_expansion(clang_getRangeStart(clang_getCursorExtent(c)), &cf.file, &cf.line, &cf.col,
                 &cf.offset);
    /* In a loop, where the control flow puts the call: a block that always
     * leaves the loop runs once, not per turn (flow.c). */
    if (f->loop >= 0 && f->ctx != CTX_NONE)
        lx_flow_place(st, c, f, &cf);
    frame placed = *f;
    placed.loop = cf.loop;
    placed.ctx = cf.ctx;
    hl_edge *e = GROW(st, sum->edges, sum->n_edges, sum->cap_edges);
    if (!e)
        return;
    *e =
        (hl_edge){(unsigned)f->func, dup_or_oom(st, name), cf.line, edge_kind(st, &placed, guards)};
    if (rule_callee || cf.loop < 0 || cf.ctx == CTX_NONE || (guards & GUARD_RETURNS) ||
        (cf.flow & LX_FLOW_PER_CASE))
        return;
    if (cf.loop != f->loop || in_conditional_operand(st, c, f))
        return;
    bool system = clang_Location_isInSystemHeader(clang_getCursorLocation(ref));
    unsigned attrs = attribute_families(ref);
    if (system && !attrs)
        return;
    /* A candidate: a finding once the callee is known to pay a family's cost. */
    CXFile f2;
    unsigned eo;
    lx_expansion(clang_getRangeEnd(clang_getCursorExtent(c)), &f2, &cf.end_line, &cf.end_col, &eo);
    if (f2 != cf.file || cf.end_line < cf.line) {
        cf.end_line = cf.line;
        cf.end_col = cf.col;
    }
    if (lx_flow_retry_loop(st, &cf))
        return; /* a retry or probe loop: it runs until the first success */
    hl_finding at = {0};
    if (lx_site_finding(st, &cf, &at) < 0)
        return;
    hl_wrapper_call *w = GROW(st, sum->calls, sum->n_calls, sum->cap_calls);
    if (!w) {
        hl_finding_clear(&at);
        return;
    }
    cf.value_flags = lx_call_value_flags(st, c, f);
    *w = (hl_wrapper_call){at, attrs, (cf.value_flags & HL_VAL_CAPACITY_CHECKED) != 0,
                           lx_compare_is_cheap(st, &cf)};
}
