/* heat_local.c - the evidence of heat a call site carries in its own
 * function: what drives the loop it runs in (a counter, the program's
 * arguments, input, waiting), how deep that loop is nested, and what guards
 * the call (an error path, a verbosity or debug test). The whole-program
 * stage (heat.c) adds what the call graph says. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* Loop conditions that read a line or record of input at a time: the loop
 * runs once per line, as often as the program's input is long. */
static const char *const line_input[] = {"fgets",  "getline", "getdelim",
                                         "fscanf", "scanf",   "fgetws"};
/* Loop conditions and bodies that wait for the outside world: an interactive
 * prompt, a directory, a socket, a child, a timer, a database cursor. A call
 * that runs once per wait costs little next to the wait. */
static const char *const waiting[] = {
    "read",    "recv",      "recvfrom",       "recvmsg",   "fread",
    "readdir", "readdir64", "readline",       "linenoise", "sqlite3_step",
    "accept",  "accept4",   "poll",           "ppoll",     "epoll_wait",
    "select",  "pselect",   "waitpid",        "wait",      "wait3",
    "wait4",   "sleep",     "usleep",         "nanosleep", "clock_nanosleep",
    "pause",   "sigwait",   "getchar_prompt", "el_gets",   "pthread_cond_wait"};

static bool in_names(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* ---- loops over the program's arguments, by data flow ---- */

static bool is_main(CXCursor fn)
{
    if (clang_getCursorKind(fn) != CXCursor_FunctionDecl)
        return false;
    CXString sp = clang_getCursorSpelling(fn);
    bool r = !strcmp(clang_getCString(sp), "main");
    clang_disposeString(sp);
    return r;
}

/* Whether an expression's value is main's argument count or vector, or
 * computed from them ("argc - 1", "argv + 1", "*argv", a local initialised
 * so): not a value read out of an argument ("atoi(argv[1])" is a number the
 * user chose, and a loop up to it is a counted loop). */
static bool value_from_main_args(CXCursor e, int depth);

/* char ** or char *[] (const or not): an argument vector's type. */
static bool is_string_vector(CXType t)
{
    t = clang_getCanonicalType(t);
    if (t.kind != CXType_Pointer && t.kind != CXType_IncompleteArray &&
        t.kind != CXType_ConstantArray)
        return false;
    CXType e = t.kind == CXType_Pointer ? clang_getPointeeType(t) : clang_getArrayElementType(t);
    e = clang_getCanonicalType(e);
    if (e.kind != CXType_Pointer)
        return false;
    CXType c = clang_getCanonicalType(clang_getPointeeType(e));
    return c.kind == CXType_Char_S || c.kind == CXType_Char_U || c.kind == CXType_SChar ||
           c.kind == CXType_UChar;
}

/* A parameter pair (int count, char **vector), in main or in a function
 * that main hands its arguments to ("doargs(argc, argv)"): by its types. */
static bool is_argument_parameter(CXCursor decl)
{
    CXCursor fn = clang_getCursorSemanticParent(decl);
    int n = clang_getCursorKind(fn) == CXCursor_FunctionDecl ? clang_Cursor_getNumArguments(fn) : 0;
    for (int i = 0; i < n; i++) {
        if (!clang_equalCursors(clang_Cursor_getArgument(fn, (unsigned)i), decl))
            continue;
        if (is_main(fn))
            return i < 2;
        if (i > 1)
            return false; /* the pair leads the parameters, as main's does */
        CXType self = clang_getCanonicalType(clang_getCursorType(decl));
        if (self.kind == CXType_Int && i + 1 < n)
            return is_string_vector(
                clang_getCursorType(clang_Cursor_getArgument(fn, (unsigned)i + 1)));
        if (is_string_vector(self) && i > 0)
            return clang_getCanonicalType(
                       clang_getCursorType(clang_Cursor_getArgument(fn, (unsigned)i - 1)))
                       .kind == CXType_Int;
        return false;
    }
    return false;
}

static bool derives_from_main_args(CXCursor decl, int depth)
{
    enum CXCursorKind k = clang_getCursorKind(decl);
    if (k == CXCursor_ParmDecl)
        return is_argument_parameter(decl);
    if (k != CXCursor_VarDecl || depth <= 0)
        return false;
    if (clang_getCursorKind(clang_getCursorSemanticParent(decl)) != CXCursor_FunctionDecl)
        return false;
    struct kids ks = lx_children(decl); /* the initialiser is the last child */
    return ks.n > 0 && value_from_main_args(ks.v[ks.n - 1], depth - 1);
}

struct value_search {
    int depth;
    bool hit;
};

static enum CXChildVisitResult value_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct value_search *vs = d;
    if (value_from_main_args(c, vs->depth)) {
        vs->hit = true;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

static bool value_from_main_args(CXCursor e, int depth)
{
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr:
        return derives_from_main_args(clang_getCursorReferenced(e), depth);
    case CXCursor_CallExpr:
        return false;
    case CXCursor_ConditionalOperator: {
        struct kids ks = lx_children(e);
        return ks.n == 3 &&
               (value_from_main_args(ks.v[1], depth) || value_from_main_args(ks.v[2], depth));
    }
    default:
        break;
    }
    struct value_search vs = {depth, false};
    clang_visitChildren(e, value_cb, &vs);
    return vs.hit;
}

bool lx_loop_over_args(CXCursor cond)
{
    return value_from_main_args(cond, 2);
}

/* ---- what drives a loop ---- */

struct call_search {
    const char *const *names;
    size_t n;
    bool hit;
};

static enum CXChildVisitResult call_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct call_search *cs = d;
    if (clang_getCursorKind(c) == CXCursor_CallExpr) {
        CXString sp = clang_getCursorSpelling(clang_getCursorReferenced(c));
        const char *n = clang_getCString(sp);
        bool hit = n && in_names(cs->names, cs->n, n);
        clang_disposeString(sp);
        if (hit) {
            cs->hit = true;
            return CXChildVisit_Break;
        }
    }
    /* Not into nested loops or functions: their calls drive their own loop. */
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_ForStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt)
        return CXChildVisit_Continue;
    return CXChildVisit_Recurse;
}

static bool calls_one_of(CXCursor c, const char *const *names, size_t n)
{
    struct call_search cs = {names, n, false};
    if (call_cb(c, clang_getNullCursor(), &cs) == CXChildVisit_Break)
        return true;
    clang_visitChildren(c, call_cb, &cs);
    return cs.hit;
}

/* The statements directly in a loop body (not in its branches). */
static bool body_waits(CXCursor body)
{
    if (clang_getCursorKind(body) != CXCursor_CompoundStmt)
        return calls_one_of(body, waiting, sizeof waiting / sizeof waiting[0]);
    struct kids ks = lx_children(body);
    for (unsigned i = 0; i < ks.n; i++) {
        enum CXCursorKind k = clang_getCursorKind(ks.v[i]);
        if (k == CXCursor_IfStmt || k == CXCursor_SwitchStmt)
            continue;
        if (calls_one_of(ks.v[i], waiting, sizeof waiting / sizeof waiting[0]))
            return true;
    }
    return false;
}

loop_drive lx_loop_drive(CXCursor cond, CXCursor body)
{
    if (!clang_Cursor_isNull(cond)) {
        if (lx_loop_over_args(cond))
            return DRIVE_ARGS;
        if (calls_one_of(cond, waiting, sizeof waiting / sizeof waiting[0]))
            return DRIVE_WAIT;
        if (calls_one_of(cond, line_input, sizeof line_input / sizeof line_input[0]))
            return DRIVE_LINES;
    }
    if (!clang_Cursor_isNull(body) && body_waits(body))
        return DRIVE_WAIT;
    return DRIVE_COUNTED;
}

/* ---- guards ---- */

/* An identifier that names a verbosity or debug setting: "verbose",
 * "g_displayLevel", "server.verbosity", "debug_mode", "trace". */
static bool names_verbosity(const char *id)
{
    char low[128];
    size_t n = 0;
    for (const char *p = id; *p && n + 1 < sizeof low; p++)
        if (*p != '_')
            low[n++] = (char)tolower((unsigned char)*p);
    low[n] = 0;
    return strstr(low, "verbos") || strstr(low, "debug") || strstr(low, "displaylevel") ||
           strstr(low, "loglevel") || !strcmp(low, "trace") || !strcmp(low, "gtrace") ||
           strstr(low, "tracing");
}

static enum CXChildVisitResult verbosity_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXString sp = clang_getCursorSpelling(c);
        bool hit = names_verbosity(clang_getCString(sp));
        clang_disposeString(sp);
        if (hit) {
            *(bool *)d = true;
            return CXChildVisit_Break;
        }
    }
    return CXChildVisit_Recurse;
}

static bool tests_verbosity(CXCursor cond)
{
    bool hit = false;
    if (verbosity_cb(cond, clang_getNullCursor(), &hit) == CXChildVisit_Break)
        return true;
    clang_visitChildren(cond, verbosity_cb, &hit);
    return hit;
}

/* A statement that ends a branch in failure (declared in ast_facts.h): return of a negative number,
 * NULL, false or an error constant; goto an error label; exit or abort. */
bool lx_ends_in_failure(CXCursor b)
{
    enum CXCursorKind k = clang_getCursorKind(b);
    if (k == CXCursor_CompoundStmt) {
        CXCursor last = lx_last_child(b);
        return !clang_Cursor_isNull(last) && lx_ends_in_failure(last);
    }
    if (k == CXCursor_GotoStmt) {
        CXString sp = clang_getCursorSpelling(clang_getCursorReferenced(b));
        char low[64] = "";
        snprintf(low, sizeof low, "%s", clang_getCString(sp));
        clang_disposeString(sp);
        for (char *p = low; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return strstr(low, "err") || strstr(low, "fail") || strstr(low, "bad") ||
               strstr(low, "abort") || strstr(low, "oom") || strstr(low, "invalid");
    }
    if (k == CXCursor_ReturnStmt) {
        struct kids ks = lx_children(b);
        if (ks.n != 1)
            return false;
        CXCursor v = lx_strip(ks.v[0]);
        long long n;
        if (lx_eval_int(v, &n) && n < 0)
            return true;
        toks t;
        lx_tokenize_range(clang_Cursor_getTranslationUnit(b), clang_getCursorExtent(b), &t);
        bool fail = false;
        for (unsigned i = 1; i < t.n; i++) {
            char low[64];
            snprintf(low, sizeof low, "%s", t.v[i]);
            for (char *p = low; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            if (!strcmp(low, "null") || !strcmp(low, "false") || strstr(low, "err") ||
                strstr(low, "fail") || strstr(low, "invalid"))
                fail = true;
        }
        lx_toks_free(&t);
        return fail;
    }
    if (k == CXCursor_CallExpr) {
        CXString sp = clang_getCursorSpelling(clang_getCursorReferenced(b));
        const char *n = clang_getCString(sp);
        bool r = n && (!strcmp(n, "exit") || !strcmp(n, "_exit") || !strcmp(n, "abort") ||
                       !strcmp(n, "err") || !strcmp(n, "errx") || !strcmp(n, "__assert_fail"));
        clang_disposeString(sp);
        return r;
    }
    return false;
}

/* A call that reports a failure: one of its string arguments says so
 * ("jq: error: %s is not defined", "cannot open %s", "invalid option"). */
static bool reports_failure(CXCursor call)
{
    static const char *const words[] = {"error",   "fail",   "invalid",       "cannot",
                                        "can't",   "unable", "not defined",   "should never",
                                        "warning", "usage:", "unknown option"};
    int n = clang_Cursor_getNumArguments(call);
    for (int i = 0; i < n; i++) {
        CXCursor a = lx_strip(clang_Cursor_getArgument(call, (unsigned)i));
        if (clang_getCursorKind(a) != CXCursor_StringLiteral)
            continue;
        char low[256];
        CXString sp = clang_getCursorSpelling(a);
        snprintf(low, sizeof low, "%s", clang_getCString(sp) ? clang_getCString(sp) : "");
        clang_disposeString(sp);
        for (char *p = low; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
            if (strstr(low, words[k]))
                return true;
    }
    return false;
}

unsigned lx_call_guards(tu_state *st, CXCursor call, const frame *f, int stop_loop)
{
    (void)stop_loop;
    unsigned g = reports_failure(call) ? GUARD_ERROR_PATH : 0;
    /* An error branch counts between the call and its loop (or, outside
     * loops, its function): a branch that holds the loop and ends in
     * "return NULL" is the loop's own not-found path, not an error. */
    CXCursor loop = f->loop >= 0 ? st->loops[f->loop].cur : clang_getNullCursor();
    bool above_loop = false;
    CXCursor from = call;
    for (const frame *u = f; u; from = u->cur, u = u->up) {
        enum CXCursorKind k = clang_getCursorKind(u->cur);
        if (!clang_Cursor_isNull(loop) && clang_equalCursors(u->cur, loop))
            above_loop = true;
        if (k == CXCursor_ReturnStmt && !above_loop)
            g |= GUARD_RETURNS;
        if (k != CXCursor_IfStmt)
            continue;
        frame *w = (frame *)u; /* the walk's own frame: its cache is ours to fill */
        if (!w->if_known) {
            struct kids ks = lx_children(u->cur);
            w->if_known = true;
            w->if_kids = ks.n;
            w->if_cond = ks.n ? ks.v[0] : clang_getNullCursor();
            w->if_verbosity = ks.n >= 2 && tests_verbosity(ks.v[0]);
        }
        if (w->if_kids < 2 || clang_equalCursors(w->if_cond, from))
            continue; /* the call is in the condition itself */
        if (w->if_verbosity)
            g |= GUARD_VERBOSITY;
        if (above_loop)
            continue;
        if (!w->fail_known || !clang_equalCursors(w->fail_from, from)) {
            w->fail_known = true;
            w->fail_from = from;
            w->fail = lx_ends_in_failure(from);
        }
        if (w->fail)
            g |= GUARD_ERROR_PATH;
    }
    return g;
}

hl_heat lx_local_heat(tu_state *st, int loop, unsigned guards, hl_finding *x)
{
    hl_heat h = HL_HEAT_WARM;
    const char *cold = NULL;
    if (guards & GUARD_ERROR_PATH)
        cold = "on an error path";
    else if (guards & GUARD_RETURNS)
        cold = "in a return statement: it runs once, as the loop ends";
    else if (guards & GUARD_VERBOSITY)
        cold = "under a verbosity or debug test";
    else if (loop >= 0 && st->loops[loop].drive == DRIVE_ARGS)
        cold = "in a loop over the program's arguments";
    else if (loop >= 0 && st->loops[loop].drive == DRIVE_WAIT)
        cold = "in a loop that waits for input, a timer or another process on each turn";
    if (cold) {
        h = HL_HEAT_COLD;
        if (x && hl_finding_add_heat_reason(x, cold) < 0)
            st->oom = true;
        return h;
    }
    if (loop >= 0 && st->loops[loop].drive == DRIVE_LINES) {
        if (x && hl_finding_add_heat_reason(x, "in a loop that reads a line of input per turn") < 0)
            st->oom = true;
        return HL_HEAT_WARM;
    }
    if (loop >= 0 && st->loops[loop].depth >= 2) {
        char why[64];
        snprintf(why, sizeof why, "in a loop nested %u deep", st->loops[loop].depth);
        if (x && hl_finding_add_heat_reason(x, why) < 0)
            st->oom = true;
        h = HL_HEAT_HOT;
    }
    return h;
}
