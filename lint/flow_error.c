/* flow_error.c - whether a call lies on an error path: the branch holding it
 * ends in a return of an error value (a negative constant, NULL, a name like
 * *ERR* or *FAIL*, a call like luaL_error()), a goto to a label like err,
 * fail, cleanup, out or bad, or a call that does not return. A hint for heat:
 * nothing is filtered on it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* A name that says error: C_ERR, SQLITE_ERROR, EXIT_FAILURE, luaL_error(...). */
static bool error_name(const char *s, bool any_case)
{
    if (strstr(s, "ERR") || strstr(s, "FAIL"))
        return true;
    if (!any_case)
        return false;
    char low[128];
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    low[i] = '\0';
    return strstr(low, "error") || strstr(low, "fail");
}

/* return -1, return NULL, return C_ERR, return luaL_error(L, ...). */
static bool error_value(tu_state *st, CXCursor ret)
{
    CXCursor v = lx_last_child(ret);
    if (clang_Cursor_isNull(v))
        return false;
    long long n;
    bool is_int = lx_eval_int(v, &n);
    if (is_int && n < 0)
        return true;
    if (is_int && n == 0 && clang_getCanonicalType(clang_getCursorType(v)).kind == CXType_Pointer)
        return true;
    CXCursor call = lx_strip(v);
    if (clang_getCursorKind(call) == CXCursor_CallExpr) {
        char *callee = lx_cx_dup(clang_getCursorSpelling(clang_getCursorReferenced(call)));
        bool r = callee && error_name(callee, true);
        free(callee);
        return r;
    }
    toks t;
    lx_tokenize_range(st->tu, clang_getCursorExtent(v), &t);
    bool r = false;
    for (unsigned i = 0; i < t.n && !r; i++)
        r = (t.n <= 2 && !strcmp(t.v[i], "NULL")) ||
            (lx_is_ident(t.v[i]) && error_name(t.v[i], false));
    lx_toks_free(&t);
    return r;
}

static bool error_label(CXCursor g)
{
    static const char *const prefixes[] = {"err", "fail", "cleanup", "bad", "oom", "nomem"};
    struct kids ks = lx_children(g); /* the LabelRef */
    CXCursor lab = ks.n ? clang_getCursorReferenced(ks.v[0]) : clang_getNullCursor();
    if (clang_Cursor_isNull(lab))
        return false;
    char *name = lx_cx_dup(clang_getCursorSpelling(lab));
    bool r = false;
    for (char *c = name; c && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    for (size_t i = 0; name && i < sizeof prefixes / sizeof prefixes[0] && !r; i++)
        r = !strncmp(name, prefixes[i], strlen(prefixes[i]));
    if (name && !r && !strncmp(name, "out", 3))
        r = name[3] == '\0' || name[3] == '_' || isdigit((unsigned char)name[3]);
    free(name);
    return r;
}

bool lx_flow_error_exit(tu_state *st, CXCursor ex)
{
    switch (clang_getCursorKind(ex)) {
    case CXCursor_ReturnStmt:
        return error_value(st, ex);
    case CXCursor_GotoStmt:
        return error_label(ex);
    default:
        return lx_flow_noreturn_call(ex);
    }
}

bool lx_call_on_error_path(tu_state *st, const call_fact *cf)
{
    (void)st;
    return (cf->flow & LX_FLOW_ERROR_PATH) != 0;
}
