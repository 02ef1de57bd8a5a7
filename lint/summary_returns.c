/* summary_returns.c - what a function returns, for the whole-program
 * stage: the calls whose result it hands back, directly ("return
 * malloc(n);") or through a local ("T *o = zmalloc(...); ...; return o;").
 * A function that returns what it allocated is a constructor or a copy; one
 * that keeps it (a node linked into a list it was given) is not. */
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* The call an expression's value comes from: "p", "(T *)malloc(n)",
 * "sh + hdrlen" (the pointer operand), or a null cursor. */
static CXCursor value_call(CXCursor e, CXCursor *var);
static CXCursor value_call(CXCursor e, CXCursor *var)
{
    for (int depth = 0; depth < 8; depth++) {
        e = lx_strip(e);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_CallExpr) {
            /* memcpy(dst, ...) and its kind return their first argument */
            static const char *const passes_dst[] = {"memcpy", "memmove", "memset", "strcpy",
                                                     "strcat", "strncpy", "stpcpy"};
            CXString sp = clang_getCursorSpelling(clang_getCursorReferenced(e));
            const char *n = clang_getCString(sp);
            bool dst = false;
            for (size_t i = 0; n && i < sizeof passes_dst / sizeof passes_dst[0]; i++)
                dst |= !strcmp(n, passes_dst[i]);
            clang_disposeString(sp);
            if (!dst || clang_Cursor_getNumArguments(e) < 1)
                return e;
            e = clang_Cursor_getArgument(e, 0);
            continue;
        }
        if (k == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            if (clang_getCursorKind(d) == CXCursor_VarDecl && var)
                *var = d;
            return clang_getNullCursor();
        }
        struct kids ks = lx_children(e);
        if (k == CXCursor_ConditionalOperator && ks.n == 3) {
            /* "trymalloc ? try_alloc(n) : alloc(n)": the first arm's value */
            CXCursor c = value_call(ks.v[1], var);
            return clang_Cursor_isNull(c) ? value_call(ks.v[2], var) : c;
        }
        if ((k == CXCursor_BinaryOperator || k == CXCursor_CStyleCastExpr) && ks.n >= 1) {
            e = ks.v[0];
            continue;
        }
        if ((k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr) && ks.n == 1) {
            e = ks.v[0];
            continue;
        }
        break;
    }
    return clang_getNullCursor();
}

typedef struct ret_scan {
    tu_state *st;
    CXCursor vars[16]; /* locals returned */
    unsigned n_vars;
    bool grew; /* a pass added a local: look for its assignments too */
    hl_step *out;
    size_t n, cap;
    unsigned budget;
} ret_scan;

static void ret_add(ret_scan *rs, CXCursor call)
{
    CXCursor ref = clang_getCursorReferenced(call);
    if (clang_getCursorKind(ref) != CXCursor_FunctionDecl)
        return;
    char *name = lx_cx_dup(clang_getCursorSpelling(ref));
    for (size_t i = 0; name && i < rs->n; i++)
        if (!strcmp(rs->out[i].callee, name)) {
            free(name);
            return;
        }
    if (!name || HL_GROW(rs->out, rs->n, rs->cap) < 0) {
        free(name);
        rs->st->oom = true;
        return;
    }
    rs->out[rs->n++] = (hl_step){name, lx_cursor_line(call, false, NULL), 0};
}

static bool returned_var(const ret_scan *rs, CXCursor v)
{
    for (unsigned i = 0; i < rs->n_vars; i++)
        if (clang_equalCursors(rs->vars[i], v))
            return true;
    return false;
}

/* Pass 1: the locals returned and the calls returned directly. */
static enum CXChildVisitResult returns_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    ret_scan *rs = d;
    if (rs->budget-- == 0)
        return CXChildVisit_Break;
    if (clang_getCursorKind(c) != CXCursor_ReturnStmt)
        return CXChildVisit_Recurse;
    struct kids ks = lx_children(c);
    CXCursor var = clang_getNullCursor();
    CXCursor call = ks.n == 1 ? value_call(ks.v[0], &var) : clang_getNullCursor();
    if (!clang_Cursor_isNull(call))
        ret_add(rs, call);
    else if (!clang_Cursor_isNull(var) && rs->n_vars < 16 && !returned_var(rs, var))
        rs->vars[rs->n_vars++] = var;
    return CXChildVisit_Continue;
}

/* Pass 2: the calls those locals are set from ("T *o = zmalloc(...)", "o = make()"). */
static enum CXChildVisitResult assigns_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    ret_scan *rs = d;
    if (rs->budget-- == 0)
        return CXChildVisit_Break;
    enum CXCursorKind k = clang_getCursorKind(c);
    struct kids ks = lx_children(c);
    CXCursor value = clang_getNullCursor();
    if (k == CXCursor_VarDecl && returned_var(rs, c) && ks.n >= 1) {
        value = ks.v[ks.n - 1];
    } else if (k == CXCursor_BinaryOperator && ks.n == 2 &&
               clang_getCursorKind(lx_strip(ks.v[0])) == CXCursor_DeclRefExpr &&
               returned_var(rs, clang_getCursorReferenced(lx_strip(ks.v[0])))) {
        char op[4];
        if (lx_operator(rs->st, c, op, sizeof op) && !strcmp(op, "="))
            value = ks.v[1];
    }
    if (!clang_Cursor_isNull(value)) {
        CXCursor from = clang_getNullCursor();
        CXCursor call = value_call(value, &from);
        if (!clang_Cursor_isNull(call))
            ret_add(rs, call);
        else if (!clang_Cursor_isNull(from) && rs->n_vars < 16 && !returned_var(rs, from)) {
            rs->vars[rs->n_vars++] = from; /* "s = (char *)sh + hdrlen;": follow sh */
            rs->grew = true;
        }
    }
    return CXChildVisit_Recurse;
}

void lx_summarize_returns(tu_state *st, CXCursor fn, hl_fn_summary *out)
{
    CXType rt = clang_getCanonicalType(clang_getResultType(clang_getCursorType(fn)));
    if (rt.kind != CXType_Pointer)
        return; /* only a pointer can be fresh memory */
    ret_scan rs = {.st = st, .budget = 20000};
    clang_visitChildren(fn, returns_cb, &rs);
    for (int pass = 0; rs.n_vars && pass < 3; pass++) {
        rs.grew = false;
        clang_visitChildren(fn, assigns_cb, &rs);
        if (!rs.grew)
            break;
    }
    out->returns = rs.out;
    out->n_returns = rs.n;
    out->cap_returns = rs.cap;
}
