/* values.c - what the values and sizes of the code say about its cost: the
 * trip count of a loop (constants through macros, enum constants and sizeof
 * arithmetic; walks over a small constant table), compares that are cheap by
 * their arguments (with "", of a small fixed size) or by the test guarding
 * them (a hash or length matched first), and allocations behind a capacity
 * check. The growth of a realloc's size is in values_growth.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* ---- operators ---- */

static bool is_punct(const char *s)
{
    return s[0] && !lx_is_ident(s) && !(s[0] >= '0' && s[0] <= '9') && s[0] != '"' && s[0] != '\'';
}

/* The first operator token of t at or after offset end; brackets and member
 * access belong to the operands (a macro's arguments, a[i], p->x). */
static bool first_operator(const toks *t, unsigned end, char *op, size_t oplen)
{
    for (unsigned i = 0; i < t->n; i++) {
        const char *s = t->v[i];
        if (t->off[i] < end || !is_punct(s) || !strcmp(s, "(") || !strcmp(s, ")") ||
            !strcmp(s, "[") || !strcmp(s, "]") || !strcmp(s, ".") || !strcmp(s, "->") ||
            !strcmp(s, ","))
            continue;
        snprintf(op, oplen, "%s", s);
        return true;
    }
    return false;
}

bool lx_binary_operator(CXTranslationUnit tu, CXCursor c, char *op, size_t oplen)
{
    op[0] = '\0';
    struct kids ks = lx_children(c);
    if (ks.n != 2)
        return false;
    CXFile f;
    unsigned l, col, end;
    CXSourceRange left = clang_getCursorExtent(ks.v[0]);
    lx_expansion(clang_getRangeEnd(left), &f, &l, &col, &end);
    /* The tokens between the operands first: the whole expression only when
     * a macro leaves no gap to read. */
    toks t;
    lx_tokenize_range(tu,
                      clang_getRange(clang_getRangeEnd(left),
                                     clang_getRangeStart(clang_getCursorExtent(ks.v[1]))),
                      &t);
    bool found = first_operator(&t, end, op, oplen);
    lx_toks_free(&t);
    if (found)
        return true;
    lx_tokenize_range(tu, clang_getCursorExtent(c), &t);
    found = first_operator(&t, end, op, oplen);
    lx_toks_free(&t);
    return found;
}

bool lx_operator(tu_state *st, CXCursor c, char *op, size_t oplen)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    op[0] = '\0';
    if (k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator)
        return lx_binary_operator(st->tu, c, op, oplen);
    if (k != CXCursor_UnaryOperator)
        return false;
    toks t;
    lx_tokenize_range(st->tu, clang_getCursorExtent(c), &t);
    if (t.n > 0) {
        const char *s = is_punct(t.v[0]) && strcmp(t.v[0], "(") ? t.v[0] : t.v[t.n - 1];
        snprintf(op, oplen, "%s", is_punct(s) ? s : "");
    }
    lx_toks_free(&t);
    return op[0] != '\0';
}

/* ---- trip counts ---- */

static bool refers_to(CXCursor e, CXCursor var)
{
    e = lx_strip(e);
    return clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
           clang_equalCursors(clang_getCursorReferenced(e), var);
}

/* The variable a for-init sets and the expression it starts from. */
static bool init_var(tu_state *st, CXCursor init, CXCursor *var, CXCursor *from)
{
    enum CXCursorKind k = clang_getCursorKind(init);
    char op[4];
    if (k == CXCursor_DeclStmt) {
        CXCursor d = lx_last_child(init);
        if (clang_getCursorKind(d) != CXCursor_VarDecl)
            return false;
        *var = d;
        *from = lx_last_child(d);
        return !clang_Cursor_isNull(*from) && clang_getCursorKind(*from) != CXCursor_TypeRef;
    }
    struct kids ks = lx_children(init);
    if (k != CXCursor_BinaryOperator || ks.n != 2 || !lx_operator(st, init, op, sizeof op) ||
        strcmp(op, "="))
        return false;
    CXCursor lhs = lx_strip(ks.v[0]);
    if (clang_getCursorKind(lhs) != CXCursor_DeclRefExpr)
        return false;
    *var = clang_getCursorReferenced(lhs);
    *from = ks.v[1];
    return true;
}

/* The step of "i++", "--i", "i += K", "i -= K" on var, or 0. */
static long long step_of(tu_state *st, CXCursor inc, CXCursor var)
{
    char op[4];
    struct kids ks = lx_children(inc);
    long long k;
    if (ks.n == 0 || !lx_operator(st, inc, op, sizeof op) || !refers_to(ks.v[0], var))
        return 0;
    if (clang_getCursorKind(inc) == CXCursor_UnaryOperator)
        return !strcmp(op, "++") ? 1 : !strcmp(op, "--") ? -1 : 0;
    if (clang_getCursorKind(inc) != CXCursor_CompoundAssignOperator || ks.n != 2 ||
        !lx_eval_int(ks.v[1], &k) || k <= 0 || k > INT_MAX)
        return 0;
    return !strcmp(op, "+=") ? k : !strcmp(op, "-=") ? -k : 0;
}

static long long count_steps(long long a, long long b, const char *op, long long s)
{
    long long d = s > 0 ? b - a : a - b, m = s > 0 ? s : -s;
    bool lt = s > 0 ? !strcmp(op, "<") : !strcmp(op, ">");
    bool le = s > 0 ? !strcmp(op, "<=") : !strcmp(op, ">=");
    if (lt)
        return d <= 0 ? 0 : (d + m - 1) / m;
    if (le)
        return d < 0 ? 0 : d / m + 1;
    if (!strcmp(op, "!="))
        return d >= 0 && d % m == 0 ? d / m : -1;
    return -1;
}

/* The arithmetic trip count of "for (i = A; i OP B; STEP)". */
static long long arithmetic_trip(tu_state *st, CXCursor var, CXCursor from, CXCursor cond,
                                 long long step)
{
    static const char *const flip[][2] = {{"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
    char op[4];
    long long a, b;
    struct kids ks = lx_children(cond);
    if (clang_getCursorKind(cond) != CXCursor_BinaryOperator || ks.n != 2 ||
        !lx_operator(st, cond, op, sizeof op) || !lx_eval_int(from, &a))
        return -1;
    if (refers_to(ks.v[0], var) && lx_eval_int(ks.v[1], &b))
        return count_steps(a, b, op, step);
    if (refers_to(ks.v[1], var) && lx_eval_int(ks.v[0], &b)) {
        for (size_t i = 0; i < sizeof flip / sizeof flip[0]; i++)
            if (!strcmp(op, flip[i][0]))
                return count_steps(a, b, flip[i][1], step);
        return !strcmp(op, "!=") ? count_steps(a, b, op, step) : -1;
    }
    return -1;
}

/* The element count of a constant table (an array of const elements with a
 * known size) that e names, or -1. */
static long long const_table_size(CXCursor e)
{
    e = lx_strip(e);
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator) { /* &table[0] */
        struct kids ks = lx_children(e);
        if (ks.n == 1 && clang_getCursorKind(lx_strip(ks.v[0])) == CXCursor_ArraySubscriptExpr) {
            struct kids sub = lx_children(lx_strip(ks.v[0]));
            long long z;
            if (sub.n == 2 && lx_eval_int(sub.v[1], &z) && z == 0)
                e = lx_strip(sub.v[0]);
        }
    }
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return -1;
    CXType t = clang_getCursorType(clang_getCursorReferenced(e));
    if (t.kind != CXType_ConstantArray || !clang_isConstQualifiedType(clang_getArrayElementType(t)))
        return -1;
    return clang_getArraySize(t);
}

struct table_ref {
    CXCursor var;
    long long size;
};

/* table[i] in a condition, with i the loop variable: the table's size. */
static enum CXChildVisitResult table_index_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct table_ref *tr = d;
    if (clang_getCursorKind(c) == CXCursor_ArraySubscriptExpr) {
        struct kids ks = lx_children(c);
        if (ks.n == 2 && refers_to(ks.v[1], tr->var)) {
            long long n = const_table_size(ks.v[0]);
            if (n >= 0) {
                tr->size = n;
                return CXChildVisit_Break;
            }
        }
    }
    return CXChildVisit_Recurse;
}

static enum CXChildVisitResult mentions_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct table_ref *tr = d;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
        clang_equalCursors(clang_getCursorReferenced(c), tr->var)) {
        tr->size = 1;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
}

/* A walk over a constant table: "for (p = table; p->name; p++)" or
 * "for (i = 0; table[i].name; i++)": at most the table's size. */
static long long table_walk_trip(CXCursor var, CXCursor from, CXCursor cond, long long step)
{
    long long z;
    if (step != 1)
        return -1;
    long long n = const_table_size(from);
    if (n >= 0) { /* p = table, and the condition reads p */
        struct table_ref tr = {.var = var, .size = -1};
        clang_visitChildren(cond, mentions_cb, &tr);
        return tr.size > 0 ? n : -1;
    }
    if (!lx_eval_int(from, &z) || z != 0)
        return -1;
    struct table_ref tr = {.var = var, .size = -1};
    clang_visitChildren(cond, table_index_cb, &tr);
    return tr.size;
}

long long lx_loop_trip(tu_state *st, enum CXCursorKind kind, const CXCursor *init,
                       const CXCursor *cond, const CXCursor *inc)
{
    long long v;
    if (kind == CXCursor_DoStmt)
        return cond && lx_eval_int(*cond, &v) && v == 0 ? 1 : -1;
    if (kind != CXCursor_ForStmt || !init || !cond || !inc)
        return -1;
    CXCursor var, from;
    if (!init_var(st, *init, &var, &from))
        return -1;
    long long step = step_of(st, *inc, var);
    if (step == 0)
        return -1;
    long long trip = arithmetic_trip(st, var, from, *cond, step);
    return trip >= 0 ? trip : table_walk_trip(var, from, *cond, step);
}

/* ---- cheap compares ---- */

bool lx_is_empty_string(CXCursor e)
{
    e = lx_strip(e);
    if (clang_getCursorKind(e) != CXCursor_StringLiteral)
        return false;
    CXString sp = clang_getCursorSpelling(e);
    bool r = !strcmp(clang_getCString(sp), "\"\"");
    clang_disposeString(sp);
    return r;
}

/* strcmp(s, "") and memcmp/strncmp of a small constant size. */
static bool compare_args_cheap(const call_fact *cf)
{
    int n = clang_Cursor_getNumArguments(cf->cur);
    for (int i = 0; i < n && i < 2; i++)
        if (lx_is_empty_string(clang_Cursor_getArgument(cf->cur, (unsigned)i)))
            return true;
    long long len;
    return (!strcmp(cf->callee, "memcmp") || !strcmp(cf->callee, "strncmp")) && n >= 3 &&
           lx_eval_int(clang_Cursor_getArgument(cf->cur, 2), &len) && len >= 0 &&
           len <= HL_SMALL_COMPARE;
}

static bool is_string_type(CXType t)
{
    t = clang_getCanonicalType(t);
    if (t.kind != CXType_Pointer && t.kind != CXType_ConstantArray &&
        t.kind != CXType_IncompleteArray)
        return false;
    CXType e = clang_getCanonicalType(t.kind == CXType_Pointer ? clang_getPointeeType(t)
                                                               : clang_getArrayElementType(t));
    return e.kind == CXType_Char_S || e.kind == CXType_Char_U || e.kind == CXType_SChar ||
           e.kind == CXType_UChar;
}

/* A binary operator within the depth limit: its operator in op and its two
 * operands in ks. */
static bool binary_test(tu_state *st, CXCursor e, int depth, char op[4], struct kids *ks)
{
    e = lx_strip(e);
    *ks = lx_children(e);
    return depth <= 8 && clang_getCursorKind(e) == CXCursor_BinaryOperator && ks->n == 2 &&
           lx_operator(st, e, op, 4);
}

/* Neither operand is a constant or a string: the test compares values. */
static bool compares_values(const struct kids *ks)
{
    long long v;
    for (unsigned i = 0; i < 2; i++) {
        CXCursor x = lx_strip(ks->v[i]);
        if (lx_eval_int(x, &v) || is_string_type(clang_getCursorType(x)))
            return false;
    }
    return true;
}

/* "n != len" or "c != *p" (either side varies, neither is a string): the
 * test before an || that reaches the compare only when it fails. ("hash != 0"
 * tests a constant: no match was made.) */
static bool is_mismatch_test(tu_state *st, CXCursor e, int depth)
{
    char op[4];
    struct kids ks;
    if (!binary_test(st, e, depth, op, &ks))
        return false;
    if (!strcmp(op, "||"))
        return is_mismatch_test(st, ks.v[0], depth + 1) || is_mismatch_test(st, ks.v[1], depth + 1);
    return !strcmp(op, "!=") && compares_values(&ks);
}

/* "e->hash == h", "l == ts->len": equality of two values neither of which is
 * a constant or a string, or an && of tests containing one. */
static bool is_match_test(tu_state *st, CXCursor e, int depth)
{
    char op[4];
    struct kids ks;
    if (!binary_test(st, e, depth, op, &ks))
        return false;
    if (!strcmp(op, "&&"))
        return is_match_test(st, ks.v[0], depth + 1) || is_match_test(st, ks.v[1], depth + 1);
    /* "(n == len || (n < len && prefix))": every way through is a test of the values */
    if (!strcmp(op, "||"))
        return is_match_test(st, ks.v[0], depth + 1) &&
               (is_match_test(st, ks.v[1], depth + 1) || is_match_test(st, ks.v[1], -100));
    /* depth < 0: any comparison of values counts (the right of an || above) */
    bool relation = depth < 0 && (!strcmp(op, "<") || !strcmp(op, ">") || !strcmp(op, "<=") ||
                                  !strcmp(op, ">="));
    return (!strcmp(op, "==") || relation) && compares_values(&ks);
}

/* An allocation's size arguments (realloc's pointer is not one). */
static bool size_arg_mentions(tu_state *st, CXCursor call, const char *key)
{
    int n = clang_Cursor_getNumArguments(call);
    CXString sp = clang_getCursorSpelling(clang_getCursorReferenced(call));
    const char *name = clang_getCString(sp);
    int first = name && (!strcmp(name, "realloc") || !strcmp(name, "reallocarray") ||
                         !strcmp(name, "posix_memalign"))
                    ? 1
                    : 0;
    clang_disposeString(sp);
    bool hit = false;
    for (int i = first; i < n && !hit; i++)
        hit = lx_expr_mentions(st, clang_Cursor_getArgument(call, (unsigned)i), key);
    return hit;
}

/* "if (len == cap)", "if (n >= s->alloc)": both sides are integers that
 * vary, and one of them is a capacity: the branch sets it (an assignment,
 * not the n++ of a count), or the allocation's size uses it. */
static bool is_capacity_check(tu_state *st, CXCursor cond, CXCursor branch, CXCursor call)
{
    static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">="};
    char op[4];
    long long v;
    cond = lx_strip(cond);
    struct kids ks = lx_children(cond);
    if (clang_getCursorKind(cond) != CXCursor_BinaryOperator || ks.n != 2 ||
        !lx_operator(st, cond, op, sizeof op))
        return false;
    if (!strcmp(op, "||") || !strcmp(op, "&&"))
        return is_capacity_check(st, ks.v[0], branch, call) ||
               is_capacity_check(st, ks.v[1], branch, call);
    if (!lx_in_list((char *const *)cmp, sizeof cmp / sizeof cmp[0], op))
        return false;
    for (unsigned i = 0; i < 2; i++) {
        CXCursor x = lx_strip(ks.v[i]);
        CXType t = clang_getCanonicalType(clang_getCursorType(x));
        if (lx_eval_int(x, &v) || t.kind < CXType_Bool || t.kind > CXType_Int128)
            return false; /* counts and capacities are integers that vary */
    }
    for (unsigned i = 0; i < 2; i++) {
        hl_strv names = {0};
        lx_expr_vars(st, ks.v[i], &names);
        bool hit = false;
        for (size_t k = 0; k < names.n && !hit; k++)
            hit = lx_sets(st, branch, names.v[k]) || size_arg_mentions(st, call, names.v[k]);
        hl_strv_free(&names);
        if (hit)
            return true;
    }
    return false;
}

unsigned lx_call_value_flags(tu_state *st, CXCursor call, const frame *f)
{
    unsigned flags = 0;
    if (f->loop < 0)
        return 0;
    CXCursor loop = st->loops[f->loop].cur, child = call;
    for (const frame *u = f; u && !clang_equalCursors(u->cur, loop); u = u->up) {
        enum CXCursorKind k = clang_getCursorKind(u->cur);
        struct kids ks = lx_children(u->cur);
        bool second = ks.n >= 2 && clang_equalCursors(ks.v[1], child);
        char op[4];
        if (k == CXCursor_BinaryOperator && second && lx_operator(st, u->cur, op, sizeof op) &&
            ((!strcmp(op, "&&") && is_match_test(st, ks.v[0], 0)) ||
             (!strcmp(op, "||") && is_mismatch_test(st, ks.v[0], 0))))
            flags |= HL_VAL_AFTER_MATCH;
        if (k == CXCursor_IfStmt && second) {
            if (is_match_test(st, ks.v[0], 0))
                flags |= HL_VAL_AFTER_MATCH;
            if (is_capacity_check(st, ks.v[0], ks.v[1], call))
                flags |= HL_VAL_CAPACITY_CHECKED;
        }
        child = u->cur;
    }
    return flags;
}

void lx_note_loop_callee(tu_state *st, CXCursor c, const frame *f)
{
    if (f->loop < 0 || f->ctx == CTX_NONE)
        return;
    char *name = lx_cx_dup(clang_getCursorSpelling(clang_getCursorReferenced(c)));
    size_t one = 1;
    if (!name || hl_hashmap_get_or_put(&st->loop_callees, name, strlen(name), &one) < 0)
        st->oom = true;
    free(name);
}

bool lx_compare_is_cheap(const tu_state *st, const call_fact *cf)
{
    long long trip = cf->loop >= 0 ? st->loops[cf->loop].trip : -1;
    size_t v;
    const char *fn = cf->func >= 0 ? st->funcs[cf->func].name : NULL;
    bool small_scan = trip >= 0 && trip <= HL_SMALL_TABLE &&
                      !(fn && hl_hashmap_find(&st->loop_callees, fn, strlen(fn), &v));
    return compare_args_cheap(cf) || (cf->value_flags & HL_VAL_AFTER_MATCH) || small_scan;
}

bool lx_is_sized_allocator(const char *callee)
{
    static const char *const names[] = {"malloc",        "calloc",   "realloc", "reallocarray",
                                        "aligned_alloc", "memalign", "valloc",  "posix_memalign"};
    return lx_in_list((char *const *)names, sizeof names / sizeof names[0], callee);
}
