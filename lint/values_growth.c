/* values_growth.c - how a size grows from one iteration to the next, by the
 * data flow of its expression: the variables and fields it is computed from
 * (outside sizeof), and how the loop assigns them. A size is linear when one
 * of them grows additively (n++, n += k, len = len + k), even when the size
 * multiplies it by constants; geometric when one of them is multiplied by
 * itself (cap *= 2, cap <<= 1, cap += cap / 2), possibly through one
 * intermediate variable (newcap = cap * 2; ...; cap = newcap). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* ---- the variables of an expression ---- */

static bool is_var_ref(CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(clang_getCursorReferenced(c));
    return k == CXCursor_VarDecl || k == CXCursor_ParmDecl || k == CXCursor_FieldDecl;
}

struct vars {
    hl_strv *out;
    const char *want; /* with out NULL: stop at the first mention of want */
    unsigned hits;
};

static enum CXChildVisitResult vars_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct vars *vs = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    /* Not values the size grows with: sizeof and alignof, a call's result
     * (strlen(s[i])) and an element of an array (lens[i]). */
    if (k == CXCursor_UnaryExpr || k == CXCursor_CallExpr || k == CXCursor_ArraySubscriptExpr)
        return CXChildVisit_Continue;
    if ((k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr) || !is_var_ref(c))
        return CXChildVisit_Recurse;
    char *key = lx_expr_key(c);
    if (key && vs->want && !strcmp(key, vs->want))
        vs->hits++;
    else if (key && vs->out && !lx_in_list(vs->out->v, vs->out->n, key))
        hl_strv_push(vs->out, key);
    free(key);
    return CXChildVisit_Continue; /* s->len is one variable: not s as well */
}

static void walk_vars(CXCursor e, struct vars *vs)
{
    e = lx_strip(e);
    enum CXChildVisitResult r = vars_cb(e, clang_getNullCursor(), vs);
    if (r == CXChildVisit_Recurse)
        clang_visitChildren(e, vars_cb, vs);
}

void lx_expr_vars(tu_state *st, CXCursor e, hl_strv *out)
{
    (void)st;
    struct vars vs = {.out = out};
    walk_vars(e, &vs);
}

static unsigned mentions(CXCursor e, const char *key)
{
    struct vars vs = {.want = key};
    walk_vars(e, &vs);
    return vs.hits;
}

bool lx_expr_mentions(tu_state *st, CXCursor e, const char *key)
{
    (void)st;
    return mentions(e, key) > 0;
}

/* ---- assignments ---- */

typedef struct assign {
    char op[4];   /* "=", "+=", "*=", "++", ... */
    CXCursor rhs; /* null for ++ and -- */
} assign;

struct assigns {
    tu_state *st;
    const char *key;
    assign v[32];
    unsigned n;
};

static enum CXChildVisitResult assigns_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct assigns *as = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_VarDecl) { /* "size_t need = ...": as an assignment of need */
        CXCursor init = lx_last_child(c);
        char *name = lx_cx_dup(clang_getCursorSpelling(c));
        char key[256];
        /* the key lx_expr_key gives a reference to the variable */
        snprintf(key, sizeof key, "(%d:%s)", (int)CXCursor_DeclRefExpr, name ? name : "");
        if (!clang_Cursor_isNull(init) && clang_isExpression(clang_getCursorKind(init)) &&
            !strcmp(key, as->key) && as->n < sizeof as->v / sizeof as->v[0]) {
            assign *a = &as->v[as->n++];
            snprintf(a->op, sizeof a->op, "=");
            a->rhs = init;
        }
        free(name);
        return CXChildVisit_Recurse;
    }
    if (k != CXCursor_BinaryOperator && k != CXCursor_CompoundAssignOperator &&
        k != CXCursor_UnaryOperator)
        return CXChildVisit_Recurse;
    struct kids ks = lx_children(c);
    char op[4];
    if (ks.n == 0 || !lx_operator(as->st, c, op, sizeof op))
        return CXChildVisit_Recurse;
    bool incdec = !strcmp(op, "++") || !strcmp(op, "--");
    bool assignment = k == CXCursor_CompoundAssignOperator || (ks.n == 2 && !strcmp(op, "="));
    if ((k == CXCursor_UnaryOperator && !incdec) || (k != CXCursor_UnaryOperator && !assignment))
        return CXChildVisit_Recurse;
    char *target = lx_expr_key(lx_strip(ks.v[0]));
    if (target && !strcmp(target, as->key) && as->n < sizeof as->v / sizeof as->v[0]) {
        assign *a = &as->v[as->n++];
        snprintf(a->op, sizeof a->op, "%s", op);
        a->rhs = incdec ? clang_getNullCursor() : ks.v[1];
    }
    free(target);
    return CXChildVisit_Recurse;
}

static void find_assigns(tu_state *st, CXCursor scope, const char *key, struct assigns *as)
{
    as->st = st;
    as->key = key;
    as->n = 0;
    clang_visitChildren(scope, assigns_cb, as);
}

/* The assignments of key in the statement scope, itself included. */
static void assigns_in(tu_state *st, CXCursor scope, const char *key, struct assigns *as)
{
    find_assigns(st, scope, key, as);
    if (clang_getCursorKind(scope) != CXCursor_CompoundStmt) /* a lone statement */
        assigns_cb(scope, clang_getNullCursor(), as);
}

bool lx_sets(tu_state *st, CXCursor scope, const char *key)
{
    struct assigns as;
    assigns_in(st, scope, key, &as);
    for (unsigned i = 0; i < as.n; i++)
        if (strcmp(as.v[i].op, "++") && strcmp(as.v[i].op, "--"))
            return true;
    return false;
}

/* Whether e has key under a multiplication or shift ("cap * 2", "n << 1"). */
struct mult {
    tu_state *st;
    const char *key;
    bool hit;
};

static enum CXChildVisitResult mult_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct mult *m = d;
    char op[4];
    if (clang_getCursorKind(c) == CXCursor_UnaryExpr)
        return CXChildVisit_Continue;
    if (clang_getCursorKind(c) == CXCursor_BinaryOperator && lx_operator(m->st, c, op, sizeof op) &&
        (!strcmp(op, "*") || !strcmp(op, "<<"))) {
        struct kids ks = lx_children(c);
        long long v;
        for (unsigned i = 0; i < ks.n && i < 2; i++)
            if (mentions(ks.v[i], m->key) && lx_eval_int(ks.v[1 - i], &v) && v >= 1) {
                m->hit = true;
                return CXChildVisit_Break;
            }
    }
    return CXChildVisit_Recurse;
}

static bool multiplies(tu_state *st, CXCursor e, const char *key)
{
    struct mult m = {.st = st, .key = key};
    if (mult_cb(lx_strip(e), clang_getNullCursor(), &m) == CXChildVisit_Recurse)
        clang_visitChildren(lx_strip(e), mult_cb, &m);
    return m.hit;
}

/* How the loop updates one variable. */
typedef struct update {
    bool assigned;   /* the loop assigns it at all */
    bool additive;   /* x++, x += k, x = x + k */
    bool self_mult;  /* x *= 2, x <<= 1, x += x / 2, x = x * 2, x = x ? 2 * x : 16 */
    hl_strv mult_of; /* x = y * 2: the y */
    hl_strv copy_of; /* x = <expression of y>: the y */
} update;

static void update_of(tu_state *st, CXCursor scope, const char *key, update *u)
{
    struct assigns as;
    memset(u, 0, sizeof *u);
    find_assigns(st, scope, key, &as);
    u->assigned = as.n > 0;
    for (unsigned i = 0; i < as.n; i++) {
        const assign *a = &as.v[i];
        if (!strcmp(a->op, "++")) {
            u->additive = true;
        } else if (!strcmp(a->op, "*=") || !strcmp(a->op, "<<=")) {
            u->self_mult = true;
        } else if (!strcmp(a->op, "+=")) {
            if (mentions(a->rhs, key))
                u->self_mult = true; /* cap += cap / 2 */
            else
                u->additive = true;
        } else if (!strcmp(a->op, "=")) {
            unsigned self = mentions(a->rhs, key);
            if (multiplies(st, a->rhs, key) || self >= 2)
                u->self_mult = true; /* cap = cap * 2, cap = cap + cap / 2 */
            else if (self == 1)
                u->additive = true; /* len = len + k */
            hl_strv ys = {0};
            lx_expr_vars(st, a->rhs, &ys);
            for (size_t k = 0; k < ys.n; k++) {
                if (!strcmp(ys.v[k], key))
                    continue;
                /* "y * 2", or y taken more than once: "y + (y >> 1)" is half again */
                bool mult = multiplies(st, a->rhs, ys.v[k]) || mentions(a->rhs, ys.v[k]) >= 2;
                hl_strv_push(mult ? &u->mult_of : &u->copy_of, ys.v[k]);
            }
            hl_strv_free(&ys);
        }
    }
}

static void update_free(update *u)
{
    hl_strv_free(&u->mult_of);
    hl_strv_free(&u->copy_of);
}

/* Linear or geometric growth of one variable of a size expression.
 * checked: the allocation is behind a capacity check ("if (n >= cap)"). */
static hl_growth var_growth(tu_state *st, CXCursor scope, const char *key, bool checked)
{
    update u, w;
    update_of(st, scope, key, &u);
    hl_growth g = u.self_mult ? HL_GROWTH_GEOMETRIC : HL_GROWTH_NONE;
    bool linear = u.additive;
    for (size_t i = 0; i < u.mult_of.n && g == HL_GROWTH_NONE; i++) {
        /* newcap = cap * 2: geometric when cap takes newcap back, doubles
         * itself or is left alone; when cap grows by steps, geometric behind
         * a capacity check (the buffer is re-sized to a multiple of what it
         * holds, so reallocations are logarithmic) and linear without one;
         * neither when cap is set otherwise (n = strlen(s); size = n * 2). */
        update_of(st, scope, u.mult_of.v[i], &w);
        if (w.self_mult || !w.assigned || lx_in_list(w.copy_of.v, w.copy_of.n, key) ||
            (w.additive && checked))
            g = HL_GROWTH_GEOMETRIC;
        else if (w.additive)
            linear = true;
        update_free(&w);
    }
    for (size_t i = 0; i < u.copy_of.n && g == HL_GROWTH_NONE; i++) {
        /* size = y + k: as y grows (one intermediate) */
        update_of(st, scope, u.copy_of.v[i], &w);
        bool back = lx_in_list(w.mult_of.v, w.mult_of.n, key);
        if (w.self_mult || back)
            g = HL_GROWTH_GEOMETRIC;
        else if (w.additive)
            linear = true;
        update_free(&w);
    }
    update_free(&u);
    return g != HL_GROWTH_NONE ? g : linear ? HL_GROWTH_LINEAR : HL_GROWTH_NONE;
}

hl_growth lx_realloc_growth(tu_state *st, const call_fact *cf)
{
    int nargs = clang_Cursor_getNumArguments(cf->cur);
    if (cf->loop < 0 || nargs < 2)
        return HL_GROWTH_NONE;
    int outer = cf->loop;
    while (st->loops[outer].parent >= 0)
        outer = st->loops[outer].parent;
    CXCursor scope = st->loops[outer].cur;
    hl_strv vars = {0};
    for (int i = 1; i < nargs && i < 3; i++)
        lx_expr_vars(st, clang_Cursor_getArgument(cf->cur, (unsigned)i), &vars);
    hl_growth g = HL_GROWTH_NONE;
    for (size_t i = 0; i < vars.n && g != HL_GROWTH_GEOMETRIC; i++) {
        hl_growth v =
            var_growth(st, scope, vars.v[i], (cf->value_flags & HL_VAL_CAPACITY_CHECKED) != 0);
        if (v > g)
            g = v;
    }
    hl_strv_free(&vars);
    return g;
}
