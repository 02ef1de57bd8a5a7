/* flow_result.c - what a loop does with a call's result: a retry or probe
 * loop ends at the first success (the result, or what a call made of it
 * returns, decides the exit), and a block freed later in the same iteration
 * (unconditionally, not handed to another owner first). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

#define MAX_PRODUCTS  16
#define MAX_CONSUMERS 32

/* The names that carry the call's result, and the calls that compute from it. */
struct products {
    char *name[MAX_PRODUCTS];
    unsigned n;
    unsigned call_off[MAX_CONSUMERS]; /* offsets of the calls' name tokens */
    unsigned n_calls;
    const toks *loop_toks; /* the loop's tokens, for a quick look before the AST's */
};

static bool simple_name(const char *s)
{
    if (!s || !lx_is_ident(s))
        return false;
    for (const char *c = s; *c; c++)
        if (!(lx_is_ident(c) || (*c >= '0' && *c <= '9')))
            return false;
    return true;
}

static bool has_product(const struct products *p, const char *s)
{
    for (unsigned i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], s))
            return true;
    return false;
}

static void add_product(struct products *p, const char *s)
{
    if (simple_name(s) && !has_product(p, s) && p->n < MAX_PRODUCTS) {
        char *d = strdup(s);
        if (d)
            p->name[p->n++] = d;
    }
}

static bool has_call(const struct products *p, unsigned off)
{
    for (unsigned i = 0; i < p->n_calls; i++)
        if (p->call_off[i] == off)
            return true;
    return false;
}

/* Callees whose first argument is their output (a formatted string, a concatenation, a block). */
static bool output_first_arg(const char *callee)
{
    return strstr(callee, "printf") || strstr(callee, "cat") || !strcmp(callee, "posix_memalign");
}

static bool member_access(const toks *t, unsigned i)
{
    return i > 0 && (!strcmp(t->v[i - 1], ".") || !strcmp(t->v[i - 1], "->"));
}

/* A use of a product as a value: the name, not a member nor a call of that name. */
static bool product_at(const struct products *p, const toks *t, unsigned i)
{
    return has_product(p, t->v[i]) && !member_access(t, i) &&
           !(i + 1 < t->n && !strcmp(t->v[i + 1], "("));
}

/* The calls in the loop that take a product as an argument become consumers,
 * and what they are assigned to ("fd = open(path, ...)") a product. */
static void find_consumers(struct products *p, const toks *t)
{
    for (int round = 0; round < 3; round++) {
        unsigned before = p->n + p->n_calls;
        for (unsigned j = 0; j < t->n; j++) {
            if (!product_at(p, t, j))
                continue;
            int depth = 0, k = -1;
            for (int m = (int)j - 1; m >= 0 && k < 0; m--) {
                const char *s = t->v[m];
                if (!strcmp(s, ")")) {
                    depth++;
                } else if (!strcmp(s, "(")) {
                    if (depth-- > 0)
                        continue;
                    depth = 0;
                    if (m > 0 && lx_is_ident(t->v[m - 1]) && !lx_is_keyword(t->v[m - 1]))
                        k = m - 1;
                    else if (m > 0 && lx_is_keyword(t->v[m - 1]))
                        break;
                } else if (depth == 0 && (!strcmp(s, ";") || !strcmp(s, "{") || !strcmp(s, "}"))) {
                    break;
                }
            }
            if (k < 0)
                continue;
            if (!has_call(p, t->off[k]) && p->n_calls < MAX_CONSUMERS)
                p->call_off[p->n_calls++] = t->off[k];
            if (k >= 2 && !strcmp(t->v[k - 1], "=") && !member_access(t, (unsigned)k - 2))
                add_product(p, t->v[k - 2]);
        }
        if (p->n + p->n_calls == before)
            break;
    }
}

enum polarity { POL_NONE, POL_SUCCESS, POL_FAILURE, POL_MIXED };

static bool zero_like(const char *s)
{
    return !strcmp(s, "0") || !strcmp(s, "NULL") || !strcmp(s, "nullptr") || !strcmp(s, "'\\0'");
}

static const char *mirror(const char *op)
{
    return !strcmp(op, "<")    ? ">"
           : !strcmp(op, ">")  ? "<"
           : !strcmp(op, "<=") ? ">="
           : !strcmp(op, ">=") ? "<="
                               : op;
}

/* "RESULT op rhs": success or failure. NULL, -1, a negative result or one at
 * least the limit is a failure; a non-negative one, or one below a limit, a
 * success. Compared with 0, a pointer is NULL, but an int is a status whose
 * meaning depends on the function (unlink() == 0 succeeds): undecided. */
static enum polarity compare_polarity(const char *op, const char *rhs, const char *rhs2, bool ptr)
{
    bool null = !strcmp(rhs, "NULL") || !strcmp(rhs, "nullptr") || (ptr && zero_like(rhs));
    bool zero = zero_like(rhs), minus1 = !strcmp(rhs, "-") && !strcmp(rhs2, "1");
    if (!strcmp(op, "=="))
        return null || minus1 ? POL_FAILURE : POL_NONE;
    if (!strcmp(op, "!="))
        return null || minus1 ? POL_SUCCESS : POL_NONE;
    if (ptr)
        return POL_NONE;
    if (!strcmp(op, "<") || !strcmp(op, "<="))
        return zero || !strcmp(rhs, "-") ? POL_FAILURE : POL_SUCCESS;
    if (!strcmp(op, ">=") || !strcmp(op, ">"))
        return zero || minus1 ? POL_SUCCESS : POL_FAILURE;
    return POL_NONE;
}

static bool is_compare(const char *s)
{
    return !strcmp(s, "==") || !strcmp(s, "!=") || !strcmp(s, "<") || !strcmp(s, "<=") ||
           !strcmp(s, ">") || !strcmp(s, ">=");
}

/* Widens operand [*a, *b) over parentheses, "(x = operand)" and casts. */
static void widen(const toks *t, unsigned *a, unsigned *b)
{
    for (int guard = 0; guard < 8; guard++) {
        unsigned x = *a, y = *b;
        if (x >= 1 && y < t->n && !strcmp(t->v[x - 1], "(") && !strcmp(t->v[y], ")") &&
            !(x >= 2 && lx_is_ident(t->v[x - 2]))) {
            *a = x - 1;
            *b = y + 1;
        } else if (x >= 3 && y < t->n && !strcmp(t->v[x - 1], "=") && lx_is_ident(t->v[x - 2]) &&
                   !strcmp(t->v[x - 3], "(") && !strcmp(t->v[y], ")")) {
            *a = x - 3;
            *b = y + 1;
        } else if (x >= 3 && !strcmp(t->v[x - 1], ")")) {
            /* a cast: "( size_t )" or "( unsigned long )" */
            unsigned m = x - 2;
            while (m > 0 && (lx_is_ident(t->v[m]) || !strcmp(t->v[m], "*")))
                m--;
            if (m == x - 2 || strcmp(t->v[m], "(") || (m > 0 && lx_is_ident(t->v[m - 1])))
                return;
            *a = m;
        } else {
            return;
        }
    }
}

static enum polarity local_polarity(const toks *t, unsigned a, unsigned b, bool ptr)
{
    const char *prev = a > 0 ? t->v[a - 1] : "", *next = b < t->n ? t->v[b] : "";
    const char *n1 = b + 1 < t->n ? t->v[b + 1] : "", *n2 = b + 2 < t->n ? t->v[b + 2] : "";
    /* An argument of another call or macro is not what the condition tests. */
    if (!strcmp(prev, ",") ||
        (!strcmp(prev, "(") && a >= 2 && lx_is_ident(t->v[a - 2]) && !lx_is_keyword(t->v[a - 2])))
        return POL_NONE;
    if (is_compare(next))
        return compare_polarity(next, n1, n2, ptr);
    if (is_compare(prev) && a >= 2)
        return compare_polarity(mirror(prev), t->v[a - 2], "", ptr);
    if (!ptr) /* "if (!rc)", "if (rc)": an int's truth is the function's convention */
        return POL_NONE;
    if (!strcmp(prev, "!"))
        return POL_FAILURE;
    bool open = !*prev || !strcmp(prev, "&&") || !strcmp(prev, "||") || !strcmp(prev, "(");
    bool close = !*next || !strcmp(next, "&&") || !strcmp(next, "||") || !strcmp(next, ")");
    return open && close ? POL_SUCCESS : POL_NONE;
}

/* The polarity of one occurrence, turned over by each "!( ... )" around it. */
static enum polarity occurrence_polarity(const toks *t, unsigned a, unsigned b, bool ptr)
{
    widen(t, &a, &b);
    enum polarity pol = local_polarity(t, a, b, ptr);
    int depth = 0;
    for (unsigned m = a; m-- > 0;) {
        if (!strcmp(t->v[m], ")")) {
            depth++;
        } else if (!strcmp(t->v[m], "(") && depth-- == 0) {
            depth = 0;
            if (m > 0 && !strcmp(t->v[m - 1], "!"))
                pol = pol == POL_SUCCESS ? POL_FAILURE : pol == POL_FAILURE ? POL_SUCCESS : pol;
        }
    }
    return pol;
}

/* The offsets of a condition's calls, and of its pointer-valued names and calls. */
struct cond_facts {
    unsigned ptr[32], call[32];
    unsigned n_ptr, n_call;
};

static bool has_off(const unsigned *v, unsigned n, unsigned off)
{
    for (unsigned i = 0; i < n; i++)
        if (v[i] == off)
            return true;
    return false;
}

static enum CXChildVisitResult cond_facts_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct cond_facts *cf = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_DeclRefExpr && k != CXCursor_CallExpr)
        return CXChildVisit_Recurse;
    CXFile f;
    unsigned l, col, off;
    lx_expansion(clang_getRangeStart(clang_getCursorExtent(c)), &f, &l, &col, &off);
    if (clang_getCanonicalType(clang_getCursorType(c)).kind == CXType_Pointer && cf->n_ptr < 32)
        cf->ptr[cf->n_ptr++] = off;
    if (k == CXCursor_CallExpr && cf->n_call < 32)
        cf->call[cf->n_call++] = off;
    return CXChildVisit_Recurse;
}

static unsigned start_offset(CXCursor c)
{
    CXFile f;
    unsigned l, col, off;
    lx_expansion(clang_getRangeStart(clang_getCursorExtent(c)), &f, &l, &col, &off);
    return off;
}

/* Whether the condition of stmt (an if or a loop) tests the call's result for
 * success or for failure. */
static enum polarity cond_polarity(tu_state *st, const struct products *p, CXCursor stmt,
                                   CXCursor cond)
{
    /* A statement written by a macro ("CONTROL(p != NULL)" for "if (!(p != NULL))
     * exit(1);") starts where its condition does, and its tokens are the
     * macro's call, not the condition: undecided. */
    if (start_offset(stmt) == start_offset(cond))
        return POL_NONE;
    struct cond_facts facts = {.n_ptr = 0};
    cond_facts_cb(cond, clang_getNullCursor(), &facts);
    clang_visitChildren(cond, cond_facts_cb, &facts);
    toks t;
    lx_tokenize_range(st->tu, clang_getCursorExtent(cond), &t);
    bool succ = false, fail = false;
    for (unsigned i = 0; i < t.n; i++) {
        unsigned a = i, b = i + 1;
        if (has_call(p, t.off[i]) && has_off(facts.call, facts.n_call, t.off[i]) && i + 1 < t.n &&
            !strcmp(t.v[i + 1], "(")) {
            int depth = 0;
            for (b = i + 1; b < t.n; b++) {
                if (!strcmp(t.v[b], "("))
                    depth++;
                else if (!strcmp(t.v[b], ")") && --depth == 0)
                    break;
            }
            b++;
            if (b > t.n)
                continue;
        } else if (!product_at(p, &t, i)) {
            continue;
        }
        bool ptr = has_off(facts.ptr, facts.n_ptr, t.off[i]);
        enum polarity pol = occurrence_polarity(&t, a, b, ptr);
        succ |= pol == POL_SUCCESS;
        fail |= pol == POL_FAILURE;
        i = b - 1;
    }
    lx_toks_free(&t);
    return succ && fail ? POL_MIXED : succ ? POL_SUCCESS : fail ? POL_FAILURE : POL_NONE;
}

/* Whether a token of cond names a product or is one of its calls, by the
 * loop's tokens: a condition without one cannot test the result (the AST is
 * asked only then). */
static bool cond_mentions(const struct products *p, CXCursor cond)
{
    if (!p->loop_toks)
        return true;
    CXFile f;
    unsigned l, col, start, end;
    CXSourceRange ext = clang_getCursorExtent(cond);
    lx_expansion(clang_getRangeStart(ext), &f, &l, &col, &start);
    lx_expansion(clang_getRangeEnd(ext), &f, &l, &col, &end);
    const toks *t = p->loop_toks;
    for (unsigned i = 0; i < t->n; i++) {
        if (t->off[i] < start || t->off[i] > end)
            continue;
        if (has_product(p, t->v[i]) || has_call(p, t->off[i]))
            return true;
    }
    return false;
}

struct exit_scan {
    tu_state *st;
    loop_fact *L;
    int li;
    size_t exit_cap;
};

static void scan_stmt(struct exit_scan *r, CXCursor s, bool brk_L, bool cont_L);

struct scan_args {
    struct exit_scan *r;
    bool brk_L, cont_L;
};

static enum CXChildVisitResult scan_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct scan_args *a = d;
    if (clang_isStatement(clang_getCursorKind(c)))
        scan_stmt(a->r, c, a->brk_L, a->cont_L);
    return a->r->st->oom ? CXChildVisit_Break : CXChildVisit_Continue;
}

static bool exits(enum lx_fx f)
{
    return f == LX_FX_EXIT_LOOP || f == LX_FX_EXIT_FUNC;
}

/* A branch that starts the next iteration: "{ ...; continue; }". */
static bool ends_in_continue(CXCursor s)
{
    if (clang_getCursorKind(s) == CXCursor_CompoundStmt)
        s = lx_last_child(s);
    return clang_getCursorKind(s) == CXCursor_ContinueStmt;
}

/* Collects the ifs of the loop whose branch leaves it (or starts the next
 * iteration). brk_L, cont_L: a break (continue) here still refers to the loop. */
static void scan_stmt(struct exit_scan *r, CXCursor s, bool brk_L, bool cont_L)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_IfStmt) {
        struct kids ks = lx_children(s);
        if (ks.n >= 2) {
            enum lx_fx a = lx_flow_stmt(r->st, ks.v[1], r->li, brk_L, cont_L);
            enum lx_fx b =
                ks.n > 2 ? lx_flow_stmt(r->st, ks.v[2], r->li, brk_L, cont_L) : LX_FX_FALL;
            bool cont = cont_L && ends_in_continue(ks.v[1]);
            if (exits(a) || exits(b) || cont) {
                lx_exit_if *e = GROW(r->st, r->L->exit_ifs, r->L->n_exit_ifs, r->exit_cap);
                if (!e)
                    return; /* st->oom is set */
                *e = (lx_exit_if){s, ks.v[0], exits(a), exits(b), cont};
            }
        }
    }
    struct scan_args a = {
        r,
        brk_L && !(k == CXCursor_SwitchStmt || k == CXCursor_ForStmt || k == CXCursor_WhileStmt ||
                   k == CXCursor_DoStmt),
        cont_L && !(k == CXCursor_ForStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt)};
    clang_visitChildren(s, scan_cb, &a);
}

/* The loop's exiting ifs, found on first use. False when out of memory. */
static bool exit_ifs(tu_state *st, int li)
{
    loop_fact *L = &st->loops[li];
    if (L->exit_ifs_known)
        return true;
    L->exit_ifs_known = true;
    CXCursor loop = L->cur;
    struct kids ks = lx_children(loop);
    enum CXCursorKind k = clang_getCursorKind(loop);
    struct exit_scan r = {st, L, li, 0};
    if (ks.n > 0)
        scan_stmt(&r, ks.v[k == CXCursor_DoStmt ? 0 : ks.n - 1], true, true);
    return !st->oom;
}

bool lx_flow_retry_loop(tu_state *st, const call_fact *cf)
{
    if (cf->loop < 0 || cf->ctx == CTX_NONE)
        return false;
    CXCursor loop = st->loops[cf->loop].cur;
    struct products p = {.n = 0};
    add_product(&p, cf->assigned);
    if (output_first_arg(cf->callee) && clang_Cursor_getNumArguments(cf->cur) >= 1) {
        CXCursor a0 = lx_strip(clang_Cursor_getArgument(cf->cur, 0));
        if (clang_getCursorKind(a0) == CXCursor_UnaryOperator) /* &p */
            a0 = lx_strip(lx_last_child(a0));
        if (clang_getCursorKind(a0) == CXCursor_DeclRefExpr) {
            char *n = lx_cx_dup(clang_getCursorSpelling(a0));
            add_product(&p, n);
            free(n);
        }
    }
    p.call_off[p.n_calls++] = cf->offset;
    /* The loop's tokens, made once per loop (lx_loop_tokens), not per call. */
    loop_fact *L = lx_loop_tokens(st, cf->loop);
    toks t = {L->toks, L->n_toks, L->tok_off};
    find_consumers(&p, &t);
    p.loop_toks = &t;
    bool found = false;
    struct kids ks = lx_children(loop);
    enum CXCursorKind k = clang_getCursorKind(loop);
    /* The loop goes on while the result is a failure: while ((p = malloc(n)) == NULL). */
    if (ks.n >= 2 && (k == CXCursor_WhileStmt || k == CXCursor_DoStmt)) {
        CXCursor cond = k == CXCursor_WhileStmt ? ks.v[ks.n - 2] : ks.v[ks.n - 1];
        found = cond_polarity(st, &p, loop, cond) == POL_FAILURE;
    }
    /* Leaving on success, or going round again on failure, is a retry. */
    if (!found && exit_ifs(st, cf->loop)) {
        const loop_fact *Lx = &st->loops[cf->loop];
        for (size_t i = 0; i < Lx->n_exit_ifs && !found; i++) {
            const lx_exit_if *e = &Lx->exit_ifs[i];
            if (!cond_mentions(&p, e->cond))
                continue;
            enum polarity pol = cond_polarity(st, &p, e->stmt, e->cond);
            found = (e->then_exits && pol == POL_SUCCESS) ||
                    ((e->else_exits || e->then_continues) && pol == POL_FAILURE);
        }
    }
    for (unsigned i = 0; i < p.n; i++)
        free(p.name[i]);
    return found;
}

/* ---- freed in the same iteration ---- */

/* Callee names that take ownership of a pointer: a word of the name (split at
 * '_' and at lower-to-upper case) is one of these verbs, and the name is not a
 * question (isLink(p), has_key(p)). */
static bool takes_ownership(const char *name)
{
    static const char *const verbs[] = {"add",     "append", "push",    "insert", "put",
                                        "enqueue", "queue",  "prepend", "attach", "register",
                                        "store",   "set",    "create",  "submit", "post",
                                        "send",    "give",   "own",     "take"};
    bool first = true;
    for (const char *w = name; *w;) {
        while (*w == '_')
            w++;
        if (!*w)
            break;
        const char *e = w + 1;
        while (*e && *e != '_' && !(e[-1] >= 'a' && e[-1] <= 'z' && *e >= 'A' && *e <= 'Z'))
            e++;
        size_t len = (size_t)(e - w);
        if (first && ((len == 2 && !strncmp(w, "is", 2)) || (len == 3 && !strncmp(w, "has", 3))))
            return false;
        first = false;
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
            size_t vl = strlen(verbs[i]);
            bool same = len == vl;
            for (size_t c = 0; same && c < vl; c++)
                same = (w[c] | 0x20) == verbs[i][c];
            if (same)
                return true;
        }
        w = e;
    }
    return false;
}

struct handoff {
    tu_state *st;
    const char *name;
    CXFile file;
    unsigned lo, hi;           /* between the allocation and the free */
    unsigned loop_lo, loop_hi; /* the loop's extent */
    bool found;
};

static bool names_var(CXCursor c, const char *name)
{
    c = lx_strip(c);
    if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
        return false;
    char *n = lx_cx_dup(clang_getCursorSpelling(c));
    bool r = n && !strcmp(n, name);
    free(n);
    return r;
}

static bool is_assignment(tu_state *st, CXCursor binop, CXCursor lhs)
{
    toks all, left;
    lx_tokenize_range(st->tu, clang_getCursorExtent(binop), &all);
    lx_tokenize_range(st->tu, clang_getCursorExtent(lhs), &left);
    bool r = left.n < all.n && !strcmp(all.v[left.n], "=");
    lx_toks_free(&all);
    lx_toks_free(&left);
    return r;
}

/* "x = p" where x outlives the iteration: a member, an element, a variable
 * declared outside the loop. */
static bool stored_away(struct handoff *h, CXCursor lhs)
{
    lhs = lx_strip(lhs);
    enum CXCursorKind k = clang_getCursorKind(lhs);
    if (k != CXCursor_DeclRefExpr)
        return k == CXCursor_MemberRefExpr || k == CXCursor_ArraySubscriptExpr ||
               k == CXCursor_UnaryOperator;
    CXCursor ref = clang_getCursorReferenced(lhs);
    CXFile f;
    unsigned l, c, o;
    lx_expansion(clang_getCursorLocation(ref), &f, &l, &c, &o);
    return f != h->file || o < h->loop_lo || o > h->loop_hi;
}

static enum CXChildVisitResult handoff_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct handoff *h = d;
    CXFile f;
    unsigned l, col, o;
    lx_expansion(clang_getRangeStart(clang_getCursorExtent(c)), &f, &l, &col, &o);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (f != h->file || o <= h->lo || o >= h->hi)
        return clang_isStatement(k) || clang_isExpression(k) ? CXChildVisit_Recurse
                                                             : CXChildVisit_Continue;
    if (k == CXCursor_CallExpr) {
        char *callee = lx_cx_dup(clang_getCursorSpelling(clang_getCursorReferenced(c)));
        bool owner = callee && takes_ownership(callee);
        free(callee);
        /* A pointer-to-const parameter (store_key(const char *key, ...)) only reads. */
        CXType fty = clang_getCursorType(clang_getCursorReferenced(c));
        for (int i = 0; owner && i < clang_Cursor_getNumArguments(c); i++) {
            CXType pty = clang_getArgType(fty, (unsigned)i);
            bool reads =
                pty.kind == CXType_Pointer && clang_isConstQualifiedType(clang_getPointeeType(pty));
            h->found |= !reads && names_var(clang_Cursor_getArgument(c, (unsigned)i), h->name);
        }
    } else if (k == CXCursor_BinaryOperator) {
        struct kids ks = lx_children(c);
        if (ks.n == 2 && names_var(ks.v[1], h->name) && is_assignment(h->st, c, ks.v[0]))
            h->found |= stored_away(h, ks.v[0]);
    }
    return h->found ? CXChildVisit_Break : CXChildVisit_Recurse;
}

bool lx_flow_freed_same_iteration(tu_state *st, const call_fact *cf)
{
    if (!cf->assigned || cf->loop < 0)
        return false;
    for (size_t i = 0; i < st->n_calls; i++) {
        const call_fact *c = &st->calls[i];
        if (strcmp(c->callee, "free") || c->loop != cf->loop || c->offset <= cf->offset ||
            !(c->flow & LX_FLOW_UNCOND))
            continue;
        char *a = clang_Cursor_getNumArguments(c->cur) >= 1
                      ? lx_lvalue_name(st, clang_Cursor_getArgument(c->cur, 0))
                      : NULL;
        bool same = a && !strcmp(a, cf->assigned);
        free(a);
        if (!same)
            continue;
        /* Not handed to another owner between the allocation and the free. */
        struct handoff h = {st, cf->assigned, cf->file, cf->offset, c->offset, 0, 0, false};
        CXCursor loop = st->loops[cf->loop].cur;
        CXFile f2;
        unsigned l, col;
        lx_expansion(clang_getRangeStart(clang_getCursorExtent(loop)), &f2, &l, &col, &h.loop_lo);
        lx_expansion(clang_getRangeEnd(clang_getCursorExtent(loop)), &f2, &l, &col, &h.loop_hi);
        if (simple_name(cf->assigned))
            clang_visitChildren(loop, handoff_cb, &h);
        return !h.found;
    }
    return false;
}
