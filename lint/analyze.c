/* analyze.c - one translation unit: parse with libclang, walk the AST into facts
 * (functions, loops, calls, compare chains) and run the rule matchers on them. */
#include "lint_internal.h"

#include <clang-c/Index.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Grows a (ptr, n, cap) array by one element; sets st->oom and returns NULL on failure. */
#define GROW(st, arr, n, cap)                                                                      \
    ((n) == (cap) ? grow_array((st), (void **)&(arr), &(cap), sizeof *(arr)) : 0) < 0              \
        ? NULL                                                                                     \
        : &(arr)[(n)++]

static int grow_array(tu_state *st, void **arr, size_t *cap, size_t elem)
{
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, nc * elem);
    if (!p) {
        st->oom = true;
        return -1;
    }
    *arr = p;
    *cap = nc;
    return 0;
}

static char *cx_dup(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = strdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

static void expansion(CXSourceLocation loc, CXFile *f, unsigned *line, unsigned *col, unsigned *off)
{
    clang_getExpansionLocation(loc, f, line, col, off);
}

/* Per-file facts: whether it is one the user asked about, its paths. */
static file_info *file_lookup(tu_state *st, CXFile f)
{
    for (size_t i = 0; i < st->n_files; i++)
        if (st->files[i].file == f)
            return &st->files[i];
    file_info *fi = GROW(st, st->files, st->n_files, st->cap_files);
    if (!fi)
        return NULL;
    memset(fi, 0, sizeof *fi);
    fi->file = f;
    if (!f)
        return fi;
    char *name = cx_dup(clang_getFileName(f));
    char abs[PATH_MAX];
    if (name && realpath(name, abs)) {
        fi->abs = strdup(abs);
        fi->in_scope = hl_scope_contains(st->a->scope, abs);
        if (!strcmp(abs, st->src->abs_path))
            fi->display = strdup(st->src->path);
        else
            fi->display = hl_scope_display(st->a->scope, abs);
    }
    free(name);
    return fi;
}

static bool loc_in_scope(tu_state *st, CXSourceLocation loc)
{
    if (clang_Location_isInSystemHeader(loc))
        return false;
    CXFile f;
    unsigned l, c, o;
    expansion(loc, &f, &l, &c, &o);
    file_info *fi = file_lookup(st, f);
    return fi && fi->in_scope;
}

/* ---- tokens ---- */

typedef struct toks {
    char **v;
    unsigned n;
    unsigned *off; /* expansion offsets */
} toks;

static void toks_free(toks *t)
{
    for (unsigned i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    free(t->off);
    memset(t, 0, sizeof *t);
}

/* The location in the user's file where loc is expanded (itself when not in a macro). */
static CXSourceLocation file_loc(CXTranslationUnit tu, CXSourceLocation loc)
{
    CXFile f;
    unsigned l, c, o;
    clang_getExpansionLocation(loc, &f, &l, &c, &o);
    return f ? clang_getLocationForOffset(tu, f, o) : loc;
}

static void tokenize_range(CXTranslationUnit tu, CXSourceRange r, toks *out)
{
    CXToken *tk = NULL;
    unsigned n = 0;
    memset(out, 0, sizeof *out);
    r = clang_getRange(file_loc(tu, clang_getRangeStart(r)), file_loc(tu, clang_getRangeEnd(r)));
    clang_tokenize(tu, r, &tk, &n);
    if (!n)
        return;
    out->v = calloc(n, sizeof *out->v);
    out->off = calloc(n, sizeof *out->off);
    if (out->v && out->off) {
        for (unsigned i = 0; i < n; i++) {
            CXFile f;
            unsigned l, c, o;
            expansion(clang_getTokenLocation(tu, tk[i]), &f, &l, &c, &o);
            out->v[i] = cx_dup(clang_getTokenSpelling(tu, tk[i]));
            out->off[i] = o;
        }
        out->n = n;
    } else {
        free(out->v);
        free(out->off);
        out->v = NULL;
        out->off = NULL;
    }
    clang_disposeTokens(tu, tk, n);
}

/* The text of an expression, tokens joined by one space ("" when unknown). */
static char *expr_text(CXTranslationUnit tu, CXCursor c)
{
    /* A name: its spelling (also right when it comes from a macro, such as
     * glibc's "#define stderr stderr", whose range does not tokenize). */
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr)
        return cx_dup(clang_getCursorSpelling(c));
    /* Text as written: for an expression from a macro, the macro's text
     * ("argv[i]" in "#define IS(s) (strcmp(argv[i], s) == 0)"). */
    CXSourceRange ext = clang_getCursorExtent(c);
    CXFile f1, f2;
    unsigned l, col, o1, o2;
    clang_getSpellingLocation(clang_getRangeStart(ext), &f1, &l, &col, &o1);
    clang_getSpellingLocation(clang_getRangeEnd(ext), &f2, &l, &col, &o2);
    toks t;
    if (f1 && f1 == f2 && o1 <= o2) {
        CXToken *tk = NULL;
        unsigned n = 0;
        clang_tokenize(tu,
                       clang_getRange(clang_getLocationForOffset(tu, f1, o1),
                                      clang_getLocationForOffset(tu, f2, o2)),
                       &tk, &n);
        memset(&t, 0, sizeof t);
        t.v = n ? calloc(n, sizeof *t.v) : NULL;
        if (t.v) {
            for (unsigned i = 0; i < n; i++)
                t.v[i] = cx_dup(clang_getTokenSpelling(tu, tk[i]));
            t.n = n;
        }
        clang_disposeTokens(tu, tk, n);
    } else {
        tokenize_range(tu, ext, &t);
    }
    if (t.n == 0)
        return cx_dup(clang_getCursorSpelling(c));
    size_t len = 1;
    for (unsigned i = 0; i < t.n; i++)
        len += strlen(t.v[i]) + 1;
    char *s = malloc(len);
    if (s) {
        s[0] = '\0';
        for (unsigned i = 0; i < t.n; i++) {
            if (i)
                strcat(s, " ");
            strcat(s, t.v[i]);
        }
    }
    toks_free(&t);
    return s;
}

static bool is_ident(const char *s)
{
    return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_';
}

static bool is_int_literal(const char *s, long *v)
{
    if (!(s[0] >= '0' && s[0] <= '9'))
        return false;
    char *end;
    long x = strtol(s, &end, 0);
    while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
        end++;
    if (*end)
        return false;
    if (v)
        *v = x;
    return true;
}

static loop_fact *loop_tokens(tu_state *st, int li)
{
    loop_fact *L = &st->loops[li];
    if (!L->tokenized) {
        toks t;
        tokenize_range(st->tu, clang_getCursorExtent(L->cur), &t);
        L->toks = t.v;
        L->n_toks = t.n;
        free(t.off);
        L->tokenized = true;
    }
    return L;
}

/* ---- AST helpers ---- */

struct kids {
    CXCursor v[8];
    unsigned n;
};

static enum CXChildVisitResult collect_kid(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    struct kids *k = d;
    if (k->n < 8)
        k->v[k->n++] = c;
    return CXChildVisit_Continue;
}

static struct kids children(CXCursor c)
{
    struct kids k = {.n = 0};
    clang_visitChildren(c, collect_kid, &k);
    return k;
}

static enum CXChildVisitResult last_kid(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    *(CXCursor *)d = c;
    return CXChildVisit_Continue;
}

/* The last child of c (a null cursor when it has none). */
static CXCursor last_child(CXCursor c)
{
    CXCursor last = clang_getNullCursor();
    clang_visitChildren(c, last_kid, &last);
    return last;
}

/* Strips implicit casts and parentheses. */
static CXCursor strip(CXCursor c)
{
    for (int guard = 0; guard < 16; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr)
            break;
        struct kids ks = children(c);
        if (ks.n == 0)
            break;
        c = ks.v[ks.n - 1];
    }
    return c;
}

static bool eval_int(CXCursor c, long long *v)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r)
        return false;
    bool ok = clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok)
        *v = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return ok;
}

/* The variable an expression names (x, or the text of s->buf), or NULL. */
static char *lvalue_name(tu_state *st, CXCursor c)
{
    c = strip(c);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_DeclRefExpr)
        return cx_dup(clang_getCursorSpelling(c));
    if (k == CXCursor_MemberRefExpr || k == CXCursor_ArraySubscriptExpr)
        return expr_text(st->tu, c);
    return NULL;
}

/* A structural key for an expression: equal for the same expression written
 * anywhere, macros included ("argv[i]" from a macro body and from the file). */
struct keybuf {
    char *s;
    size_t len, cap;
    bool oom;
};

static void key_add(struct keybuf *k, const char *t)
{
    size_t n = strlen(t);
    if (k->oom)
        return;
    if (k->len + n + 1 > k->cap) {
        size_t nc = (k->len + n + 1) * 2;
        char *ns = realloc(k->s, nc);
        if (!ns) {
            k->oom = true;
            return;
        }
        k->s = ns;
        k->cap = nc;
    }
    memcpy(k->s + k->len, t, n + 1);
    k->len += n;
}

static enum CXChildVisitResult key_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct keybuf *k = d;
    enum CXCursorKind kind = clang_getCursorKind(c);
    char num[48];
    if (kind == CXCursor_UnexposedExpr || kind == CXCursor_ParenExpr)
        return CXChildVisit_Recurse; /* implicit casts and parentheses do not count */
    snprintf(num, sizeof num, "(%d:", (int)kind);
    key_add(k, num);
    long long v;
    if ((kind == CXCursor_IntegerLiteral || kind == CXCursor_CharacterLiteral) && eval_int(c, &v)) {
        snprintf(num, sizeof num, "%lld", v);
        key_add(k, num);
    } else {
        CXString sp = clang_getCursorSpelling(c);
        key_add(k, clang_getCString(sp) ? clang_getCString(sp) : "");
        clang_disposeString(sp);
    }
    clang_visitChildren(c, key_cb, k);
    key_add(k, ")");
    return CXChildVisit_Continue;
}

static char *expr_key(CXCursor c)
{
    struct keybuf k = {0};
    key_cb(c, clang_getNullCursor(), &k);
    if (k.oom) {
        free(k.s);
        return NULL;
    }
    return k.s;
}

/* ---- the walk ---- */

typedef struct frame {
    const struct frame *up;
    CXCursor cur;
    int func, loop;
    call_ctx ctx;
} frame;

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

static bool has_offset(const unsigned *v, size_t n, unsigned off)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == off)
            return true;
    return false;
}

static void record_call(tu_state *st, CXCursor c, const frame *f)
{
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_Cursor_isNull(ref) || clang_getCursorKind(ref) != CXCursor_FunctionDecl)
        return;
    char *name = cx_dup(clang_getCursorSpelling(ref));
    if (!name || !callee_of_interest(st, name)) {
        free(name);
        return;
    }
    CXSourceRange ext = clang_getCursorExtent(c);
    CXFile file, f2;
    unsigned line, col, off, el, ec, eo;
    expansion(clang_getRangeStart(ext), &file, &line, &col, &off);
    expansion(clang_getRangeEnd(ext), &f2, &el, &ec, &eo);
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
            assigned = cx_dup(clang_getCursorSpelling(u->cur));
        } else if (k == CXCursor_BinaryOperator) {
            struct kids ks = children(u->cur);
            if (ks.n == 2 && clang_equalCursors(strip(ks.v[1]), c))
                assigned = lvalue_name(st, ks.v[0]);
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
                      .in_chain = has_offset(st->chain_offsets, st->n_chain_offsets, off)};
}

static unsigned cursor_line(CXCursor c, bool end, unsigned *off)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f;
    unsigned l, col, o;
    expansion(end ? clang_getRangeEnd(r) : clang_getRangeStart(r), &f, &l, &col, &o);
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
        return cond && eval_int(*cond, &v) && v == 0;
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
    if (!is_ident(id) || strcmp(hdr->v[sc1 - 2], "=") || !is_int_literal(hdr->v[sc1 - 1], &a))
        return false;
    /* cond is "ID op LIT" */
    if (sc2 - sc1 != 4 || strcmp(hdr->v[sc1 + 1], id) || !is_int_literal(hdr->v[sc1 + 3], &b))
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
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
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

static bool mentions_argc(CXCursor c)
{
    bool hit = false;
    if (argc_cb(c, clang_getNullCursor(), &hit) == CXChildVisit_Break)
        return true;
    clang_visitChildren(c, argc_cb, &hit);
    return hit;
}

static void visit_loop(tu_state *st, CXCursor c, enum CXCursorKind kind, const frame *f)
{
    struct kids ks = children(c);
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
        tokenize_range(st->tu, clang_getRange(clang_getRangeStart(ext), clang_getRangeStart(body)),
                       &hdr);
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
            cursor_line(ks.v[i], false, &off);
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
    toks_free(&hdr);
    /* A loop over an argument vector (its condition reads argc, or c->argc)
     * runs once per argument of a command: not a loop that makes code hot. */
    for (unsigned i = 0; counted && i < ks.n; i++)
        if (part[i] == P_COND && mentions_argc(ks.v[i]))
            counted = false;

    int li = f->loop;
    if (counted) {
        loop_fact *L = GROW(st, st->loops, st->n_loops, st->cap_loops);
        if (!L)
            return;
        li = (int)(L - st->loops);
        *L = (loop_fact){.cur = c,
                         .parent = f->loop,
                         .outer_ctx = f->ctx,
                         .start_line = cursor_line(c, false, NULL),
                         .end_line = cursor_line(c, true, NULL),
                         .depth = f->loop >= 0 ? st->loops[f->loop].depth + 1 : 1};
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

struct find_calls {
    CXCursor v[16];
    unsigned n;
};

static enum CXChildVisitResult find_calls_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    struct find_calls *fc = d;
    if (clang_getCursorKind(c) == CXCursor_CallExpr && fc->n < 16)
        fc->v[fc->n++] = c;
    return CXChildVisit_Recurse;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* True when a and b come from rule files in the same directory. */
static bool same_rule_dir(const hl_rule *a, const hl_rule *b)
{
    const char *x = a->source_path ? a->source_path : "", *y = b->source_path ? b->source_path : "";
    const char *sx = strrchr(x, '/'), *sy = strrchr(y, '/');
    size_t nx = sx ? (size_t)(sx - x) : 0, ny = sy ? (size_t)(sy - y) : 0;
    return nx == ny && !memcmp(x, y, nx);
}

/* True when rule g is the first of the catalog from its directory. */
static bool first_of_rule_dir(const hl_catalog *cat, size_t g)
{
    for (size_t r = 0; r < g; r++)
        if (same_rule_dir(&cat->rules[r], &cat->rules[g]))
            return false;
    return true;
}

/* Records a compare as part of a chain reported elsewhere (at its head): the
 * call fact made for it later is flagged in_chain and not reported alone. */
static void mark_in_chain(tu_state *st, CXCursor call)
{
    unsigned o, l, col;
    CXFile fl;
    expansion(clang_getRangeStart(clang_getCursorExtent(call)), &fl, &l, &col, &o);
    unsigned *p = GROW(st, st->chain_offsets, st->n_chain_offsets, st->cap_chain_offsets);
    if (p)
        *p = o;
}

/* In a condition, the compare of some expression with a string literal
 * ("strcmp(x, \"lit\")"): returns the compare call and the subject's key. */
static bool find_compare(tu_state *st, const hl_rule *r, CXCursor cond, CXCursor *call,
                         char **subject, bool mark_rest)
{
    struct find_calls fc = {.n = 0};
    bool found = false;
    if (clang_getCursorKind(cond) == CXCursor_CallExpr)
        fc.v[fc.n++] = cond;
    clang_visitChildren(cond, find_calls_cb, &fc);
    for (unsigned i = 0; i < fc.n; i++) {
        CXCursor ref = clang_getCursorReferenced(fc.v[i]);
        if (clang_Cursor_isNull(ref))
            continue;
        char *name = cx_dup(clang_getCursorSpelling(ref));
        bool match = name && in_list(r->callees, r->n_callees, name);
        free(name);
        if (!match || clang_Cursor_getNumArguments(fc.v[i]) < 2)
            continue;
        CXCursor a0 = strip(clang_Cursor_getArgument(fc.v[i], 0));
        CXCursor a1 = strip(clang_Cursor_getArgument(fc.v[i], 1));
        CXCursor subj;
        if (clang_getCursorKind(a1) == CXCursor_StringLiteral)
            subj = a0;
        else if (clang_getCursorKind(a0) == CXCursor_StringLiteral)
            subj = a1;
        else
            continue;
        if (clang_getCursorKind(subj) == CXCursor_StringLiteral)
            continue;
        if (!found) {
            *call = fc.v[i];
            *subject = expr_key(subj);
            if (!*subject)
                return false;
            found = true;
            if (!mark_rest)
                return true;
            continue;
        }
        /* "!strcmp(x, "a") || !strcmp(x, "b")" in a loop: one finding, at the first. */
        char *k = expr_key(subj);
        if (k && !strcmp(k, *subject))
            mark_in_chain(st, fc.v[i]);
        free(k);
    }
    return found;
}

/* An if/else-if chain starting at c: counts compares of one subject against
 * literals and records a chain when there are at least min_chain. */
static void detect_chain(tu_state *st, CXCursor c, const frame *f)
{
    unsigned off0;
    cursor_line(c, false, &off0);
    if (has_offset(st->chain_ifs, st->n_chain_ifs, off0))
        return;
    for (size_t r = 0; r < st->a->cat->n_rules; r++) {
        const hl_rule *rule = &st->a->cat->rules[r];
        if (!(rule->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN)))
            continue;
        CXCursor calls[64];
        char *subj[64];
        unsigned offs[64];
        unsigned n = 0;
        CXCursor cur = c;
        for (;;) {
            struct kids ks = children(cur);
            if (ks.n < 2)
                break;
            CXCursor call;
            char *s = NULL;
            if (n < 64 &&
                find_compare(st, rule, ks.v[0], &call, &s, f->loop >= 0 && f->ctx != CTX_NONE)) {
                calls[n] = call;
                subj[n] = s;
                cursor_line(cur, false, &offs[n]);
                n++;
            } else if (n < 64) {
                calls[n] = clang_getNullCursor();
                subj[n] = NULL;
                cursor_line(cur, false, &offs[n]);
                n++;
            }
            if (ks.n < 3 || clang_getCursorKind(ks.v[2]) != CXCursor_IfStmt)
                break;
            cur = ks.v[2];
        }
        /* The most frequent subject. */
        unsigned best = 0, best_i = 0;
        for (unsigned i = 0; i < n; i++) {
            if (!subj[i])
                continue;
            unsigned cnt = 0;
            for (unsigned k = 0; k < n; k++)
                cnt += subj[k] && !strcmp(subj[k], subj[i]);
            if (cnt > best) {
                best = cnt;
                best_i = i;
            }
        }
        if (best >= 2 && best < (unsigned)rule->min_chain && f->loop >= 0 && f->ctx != CTX_NONE) {
            /* A short chain in a loop: one finding, at its first compare. */
            for (unsigned i = 0; i < n; i++) {
                if (i != best_i && subj[i] && !strcmp(subj[i], subj[best_i]))
                    mark_in_chain(st, calls[i]);
            }
        }
        if (best >= (unsigned)rule->min_chain) {
            for (unsigned i = 0; i < n; i++) {
                unsigned *p = GROW(st, st->chain_ifs, st->n_chain_ifs, st->cap_chain_ifs);
                if (p)
                    *p = offs[i];
                if (subj[i] && !strcmp(subj[i], subj[best_i]))
                    mark_in_chain(st, calls[i]);
            }
            /* Record the head compare as a call fact now (it is visited later too,
             * flagged in_chain, so it is not reported twice). */
            frame hf = *f;
            size_t before = st->n_calls;
            record_call(st, calls[best_i], &hf);
            if (st->n_calls > before) {
                st->calls[before].in_chain = false;
                chain_fact *ch = GROW(st, st->chains, st->n_chains, st->cap_chains);
                unsigned last = best_i;
                for (unsigned i = best_i + 1; i < n; i++)
                    if (subj[i] && !strcmp(subj[i], subj[best_i]))
                        last = i;
                if (ch)
                    *ch = (chain_fact){
                        .rule = rule, .call = before, .count = best, .last = calls[last]};
            }
        }
        for (unsigned i = 0; i < n; i++)
            free(subj[i]);
    }
}

/* Whether a break in the statement at frame f leaves loop (and not a switch
 * or another loop inside it). */
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
        CXCursor last = last_child(b);
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
    struct kids ks = children(c);
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
            expansion(clang_getRangeStart(clang_getCursorExtent(c)), &fl, &l, &col, &off);
            /* The head of a chain was recorded already. */
            bool dup = false;
            for (size_t i = 0; i < st->n_chains; i++)
                if (st->calls[st->chains[i].call].offset == off &&
                    clang_equalCursors(st->calls[st->chains[i].call].cur, c))
                    dup = true;
            if (!dup)
                record_call(st, c, parent);
        }
        break;
    case CXCursor_IfStmt:
        if (st->uses_chains)
            detect_chain(st, c, parent);
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

static enum CXChildVisitResult top_cb(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    tu_state *st = d;
    if (st->oom)
        return CXChildVisit_Break;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
        return CXChildVisit_Continue;
    CXSourceLocation loc = clang_getCursorLocation(c);
    if (!loc_in_scope(st, loc))
        return CXChildVisit_Continue;
    func_fact *fn = GROW(st, st->funcs, st->n_funcs, st->cap_funcs);
    if (!fn)
        return CXChildVisit_Break;
    fn->name = cx_dup(clang_getCursorSpelling(c));
    fn->start_line = cursor_line(c, false, NULL);
    fn->end_line = cursor_line(c, true, NULL);
    frame f = {.up = NULL, .cur = c, .func = (int)(fn - st->funcs), .loop = -1, .ctx = CTX_NONE};
    visit_children(st, c, &f);
    return CXChildVisit_Continue;
}

/* ---- matchers ---- */

/* Whether the loop assigns name (a variable, or with member set a field
 * reached through . or ->). With additive_only, only constant increments
 * count and multiplicative updates set *multiplicative. */
static bool loop_assigns(tu_state *st, int li, const char *name, bool member, bool additive_only,
                         bool *multiplicative)
{
    loop_fact *L = loop_tokens(st, li);
    bool additive = false;
    for (unsigned i = 0; i < L->n_toks; i++) {
        if (strcmp(L->toks[i], name))
            continue;
        const char *prev = i > 0 ? L->toks[i - 1] : "";
        const char *next = i + 1 < L->n_toks ? L->toks[i + 1] : "";
        const char *next2 = i + 2 < L->n_toks ? L->toks[i + 2] : "";
        if ((!strcmp(prev, ".") || !strcmp(prev, "->")) != member)
            continue; /* a member of the same name, or a variable named like the member */
        if (!additive_only) {
            if (!strcmp(next, "=") || !strcmp(next, "+=") || !strcmp(next, "-=") ||
                !strcmp(next, "++") || !strcmp(next, "--") || !strcmp(prev, "++") ||
                !strcmp(prev, "--") || !strcmp(prev, "&") || !strcmp(next, "*=") ||
                !strcmp(next, "<<=") || !strcmp(next, "/=") || !strcmp(next, ">>="))
                return true;
            continue;
        }
        if (!strcmp(next, "*=") || !strcmp(next, "<<=")) {
            *multiplicative = true;
        } else if (!strcmp(next, "=")) {
            /* V = <expr>; : a factor (x * 2, x << 1) or V + constant */
            for (unsigned k = i + 2; k < L->n_toks && strcmp(L->toks[k], ";"); k++) {
                const char *t = L->toks[k];
                const char *tn = k + 1 < L->n_toks ? L->toks[k + 1] : "";
                const char *tp = L->toks[k - 1];
                long v;
                if (!strcmp(t, "<<") || (!strcmp(t, "*") && ((is_int_literal(tn, &v) && v >= 2) ||
                                                             (is_int_literal(tp, &v) && v >= 2))))
                    *multiplicative = true;
                if (!strcmp(t, name) && !strcmp(tn, "+") && k + 2 < L->n_toks &&
                    (is_int_literal(L->toks[k + 2], NULL) || !strcmp(L->toks[k + 2], "sizeof")))
                    additive = true;
            }
        } else if (!strcmp(next, "++") || !strcmp(prev, "++") ||
                   (!strcmp(next, "+=") &&
                    (is_int_literal(next2, NULL) || !strcmp(next2, "sizeof")))) {
            additive = true;
        }
    }
    return additive;
}

/* realloc(p, size) where size grows by a constant each time round. With
 * geometric set, also reports a size that grows by a factor (the amortised
 * pattern no rule should flag). */
static bool realloc_grows_linearly(tu_state *st, const call_fact *cf, bool *geometric)
{
    if (geometric)
        *geometric = false;
    if (cf->loop < 0 || clang_Cursor_getNumArguments(cf->cur) < 2)
        return false;
    toks t;
    tokenize_range(st->tu, clang_getCursorExtent(clang_Cursor_getArgument(cf->cur, 1)), &t);
    bool additive = false, mult = false;
    for (unsigned i = 0; i < t.n; i++) {
        const char *nx = i + 1 < t.n ? t.v[i + 1] : "";
        if (!strcmp(t.v[i], "+") && (is_int_literal(nx, NULL) || !strcmp(nx, "sizeof")))
            additive = true;
        if (!strcmp(t.v[i], "<<") || (!strcmp(t.v[i], "*") && is_int_literal(nx, NULL)) ||
            (is_int_literal(t.v[i], NULL) && !strcmp(nx, "*")))
            mult = true;
    }
    for (unsigned i = 0; i < t.n; i++) {
        if (!is_ident(t.v[i]) || !strcmp(t.v[i], "sizeof"))
            continue;
        bool member = i > 0 && (!strcmp(t.v[i - 1], "->") || !strcmp(t.v[i - 1], "."));
        for (int li = cf->loop; li >= 0; li = st->loops[li].parent)
            if (loop_assigns(st, li, t.v[i], member, true, &mult))
                additive = true;
    }
    toks_free(&t);
    if (geometric)
        *geometric = mult;
    return additive && !mult;
}

/* strlen(s) in a loop condition where s is not assigned in the loop. */
static bool condition_arg_unchanged(tu_state *st, const call_fact *cf)
{
    if (clang_Cursor_getNumArguments(cf->cur) < 1)
        return true;
    toks t;
    tokenize_range(st->tu, clang_getCursorExtent(clang_Cursor_getArgument(cf->cur, 0)), &t);
    bool changed = false;
    for (unsigned i = 0; i < t.n && !changed; i++) {
        if (!is_ident(t.v[i]))
            continue;
        bool member = i > 0 && (!strcmp(t.v[i - 1], "->") || !strcmp(t.v[i - 1], "."));
        bool dummy = false;
        changed = loop_assigns(st, cf->loop, t.v[i], member, false, &dummy);
    }
    toks_free(&t);
    return !changed;
}

static char *arg_text(tu_state *st, const call_fact *cf, int i)
{
    if (i < 0 || clang_Cursor_getNumArguments(cf->cur) <= i)
        return NULL;
    return expr_text(st->tu, strip(clang_Cursor_getArgument(cf->cur, (unsigned)i)));
}

/* Streams made unbuffered in this translation unit (setvbuf _IONBF, setbuf NULL). */
static bool stream_unbuffered(tu_state *st, const char *stream)
{
    if (!strcmp(stream, "stderr"))
        return true;
    for (size_t i = 0; i < st->n_calls; i++) {
        call_fact *c = &st->calls[i];
        bool unbuf = false;
        if (!strcmp(c->callee, "setvbuf") && clang_Cursor_getNumArguments(c->cur) >= 3) {
            long long v;
            char *mode = arg_text(st, c, 2);
            unbuf = (mode && !strcmp(mode, "_IONBF")) ||
                    (eval_int(clang_Cursor_getArgument(c->cur, 2), &v) && v == 2);
            free(mode);
        } else if (!strcmp(c->callee, "setbuf") && clang_Cursor_getNumArguments(c->cur) >= 2) {
            char *b = arg_text(st, c, 1);
            unbuf = b && (!strcmp(b, "NULL") || !strcmp(b, "0"));
            free(b);
        }
        if (unbuf) {
            char *s = arg_text(st, c, 0);
            bool same = s && !strcmp(s, stream);
            free(s);
            if (same)
                return true;
        }
    }
    return false;
}

/* Small unbuffered I/O: fflush, read/write of a small constant size, a
 * character put on an unbuffered stream. *note gets detail for the message. */
static bool unbuffered_io(tu_state *st, const call_fact *cf, char *note, size_t notelen)
{
    const char *n = cf->callee;
    if (!strcmp(n, "fflush"))
        return true;
    if (!strcmp(n, "read") || !strcmp(n, "write") || !strcmp(n, "pread") || !strcmp(n, "pwrite")) {
        long long v;
        if (clang_Cursor_getNumArguments(cf->cur) >= 3 &&
            eval_int(clang_Cursor_getArgument(cf->cur, 2), &v) && v >= 0 && v <= HL_SMALL_IO) {
            snprintf(note, notelen, " (%lld-byte calls)", v);
            return true;
        }
        return false;
    }
    char *stream;
    if (!strcmp(n, "putchar") || !strcmp(n, "puts") || !strcmp(n, "putchar_unlocked"))
        stream = strdup("stdout");
    else
        stream = arg_text(st, cf, clang_Cursor_getNumArguments(cf->cur) - 1);
    bool r = stream && stream_unbuffered(st, stream);
    if (r)
        snprintf(note, notelen, " on unbuffered %s", stream);
    free(stream);
    return r;
}

/* free(v) later in the same iteration of the loop that allocated v. */
static bool freed_same_iteration(tu_state *st, const call_fact *cf)
{
    if (!cf->assigned)
        return false;
    for (size_t i = 0; i < st->n_calls; i++) {
        const call_fact *c = &st->calls[i];
        if (strcmp(c->callee, "free") || c->loop != cf->loop || c->offset <= cf->offset)
            continue;
        char *a = clang_Cursor_getNumArguments(c->cur) >= 1
                      ? lvalue_name(st, clang_Cursor_getArgument(c->cur, 0))
                      : NULL;
        bool same = a && !strcmp(a, cf->assigned);
        free(a);
        if (same)
            return true;
    }
    return false;
}

static int rank(hl_matcher m)
{
    switch (m) {
    case HL_MATCH_REALLOC_GROWTH:
        return 5;
    case HL_MATCH_UNBUFFERED_IO:
        return 4;
    case HL_MATCH_CALL_IN_LOOP_CONDITION:
        return 3;
    case HL_MATCH_COMPARE_CHAIN:
        return 2;
    case HL_MATCH_CALL_IN_LOOP_BODY:
        return 1;
    }
    return 0;
}

static void emit(tu_state *st, const call_fact *cf, const hl_rule *rule, const char *note)
{
    file_info *fi = file_lookup(st, cf->file);
    if (!fi || !fi->in_scope || !fi->abs)
        return;
    hl_finding x = {0};
    x.rule = rule;
    x.file = strdup(fi->display ? fi->display : fi->abs);
    x.abs_file = strdup(fi->abs);
    x.line = cf->line;
    x.column = cf->col;
    x.end_line = cf->end_line;
    x.end_column = cf->end_col;
    if (cf->func >= 0) {
        x.function = strdup(st->funcs[cf->func].name);
        x.function_start_line = st->funcs[cf->func].start_line;
        x.function_end_line = st->funcs[cf->func].end_line;
    }
    if (cf->loop >= 0 && cf->ctx != CTX_NONE) {
        x.loop_start_line = st->loops[cf->loop].start_line;
        x.loop_end_line = st->loops[cf->loop].end_line;
        x.loop_depth = st->loops[cf->loop].depth;
    }
    x.callee = strdup(cf->callee);
    x.message = hl_render_message(rule, cf->callee, x.function, x.loop_depth, note);
    if (!x.file || !x.abs_file || !x.callee || !x.message) {
        hl_finding_clear(&x);
        st->oom = true;
        return;
    }
    hl_file_result *res = st->res;
    if (res->n == res->cap) {
        size_t nc = res->cap ? res->cap * 2 : 16;
        hl_finding *nv = realloc(res->items, nc * sizeof *nv);
        if (!nv) {
            hl_finding_clear(&x);
            st->oom = true;
            return;
        }
        res->items = nv;
        res->cap = nc;
    }
    res->items[res->n++] = x;
}

static void match_calls(tu_state *st)
{
    const hl_catalog *cat = st->a->cat;
    /* compare chains first: one finding per chain */
    for (size_t i = 0; i < st->n_chains; i++) {
        char note[128];
        snprintf(note, sizeof note,
                 " against %u literals in one if/else chain: a lookup pays for every branch "
                 "before its match",
                 st->chains[i].count);
        /* Reported at the first compare; the range runs to the end of the last,
         * so that verify counts the samples of every compare of the chain. */
        call_fact head = st->calls[st->chains[i].call];
        CXFile fl;
        unsigned el, ec, eo;
        expansion(clang_getRangeEnd(clang_getCursorExtent(st->chains[i].last)), &fl, &el, &ec, &eo);
        if (fl == head.file && (el > head.end_line || (el == head.end_line && ec > head.end_col))) {
            head.end_line = el;
            head.end_col = ec;
        }
        emit(st, &head, st->chains[i].rule, note);
    }
    for (size_t i = 0; i < st->n_calls; i++) {
        const call_fact *cf = &st->calls[i];
        if (cf->in_chain || cf->loop < 0 || cf->ctx == CTX_NONE)
            continue;
        bool is_chain_head = false;
        for (size_t k = 0; k < st->n_chains; k++)
            is_chain_head |= st->chains[k].call == i;
        if (is_chain_head)
            continue;
        /* realloc growing geometrically (cap *= 2) is the fix, not a finding. */
        bool geometric = false;
        if ((!strcmp(cf->callee, "realloc") || !strcmp(cf->callee, "reallocarray")) &&
            !realloc_grows_linearly(st, cf, &geometric) && geometric)
            continue;
        /* One finding per call for each directory of rules: the built-in
         * rules compete (the most specific matcher wins), and so do the rules
         * of one user directory, but a user rule never loses its finding to
         * a built-in one that matches the same call. */
        for (size_t g = 0; g < cat->n_rules; g++) {
            if (!first_of_rule_dir(cat, g))
                continue;
            const hl_rule *best = NULL;
            int best_rank = 0;
            char best_note[128] = "";
            for (size_t r = 0; r < cat->n_rules; r++) {
                const hl_rule *rule = &cat->rules[r];
                if (!same_rule_dir(rule, &cat->rules[g]) ||
                    !in_list(rule->callees, rule->n_callees, cf->callee))
                    continue;
                for (int m = 0; m <= HL_MATCH_UNBUFFERED_IO; m++) {
                    if (!(rule->match_mask & HL_MATCH_BIT(m)) || rank((hl_matcher)m) <= best_rank)
                        continue;
                    bool ok = false;
                    char note[128] = "";
                    switch ((hl_matcher)m) {
                    case HL_MATCH_CALL_IN_LOOP_BODY:
                        ok = true;
                        if (rule->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN))
                            snprintf(note, sizeof note, " on every iteration of this loop");
                        else if (rule->message_note && freed_same_iteration(st, cf))
                            snprintf(note, sizeof note, "%s", rule->message_note);
                        break;
                    case HL_MATCH_COMPARE_CHAIN: /* chains are matched above */
                        break;
                    case HL_MATCH_CALL_IN_LOOP_CONDITION:
                        ok = cf->ctx == CTX_COND && condition_arg_unchanged(st, cf);
                        break;
                    case HL_MATCH_REALLOC_GROWTH:
                        ok = realloc_grows_linearly(st, cf, NULL);
                        break;
                    case HL_MATCH_UNBUFFERED_IO:
                        ok = unbuffered_io(st, cf, note, sizeof note);
                        break;
                    }
                    if (ok) {
                        best = rule;
                        best_rank = rank((hl_matcher)m);
                        snprintf(best_note, sizeof best_note, "%s", note);
                    }
                }
            }
            if (best)
                emit(st, cf, best, best_note);
        }
    }
}

/* ---- driver ---- */

hl_analyzer *hl_analyzer_new(const hl_catalog *cat, const hl_scope *scope)
{
    hl_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->index = clang_createIndex(0, 0);
    if (!a->index) {
        free(a);
        return NULL;
    }
    a->cat = cat;
    a->scope = scope;
    return a;
}

void hl_analyzer_free(hl_analyzer *a)
{
    if (!a)
        return;
    clang_disposeIndex(a->index);
    free(a);
}

static void add_error(hl_file_result *res, const char *msg)
{
    hl_strv_push(&res->errors, msg);
}

static void report_diagnostics(tu_state *st)
{
    unsigned n = clang_getNumDiagnostics(st->tu), shown = 0, more = 0;
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(st->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error) {
            if (shown >= HL_MAX_ERRORS_PER_FILE) {
                more++;
            } else {
                CXFile f;
                unsigned l, c, o;
                expansion(clang_getDiagnosticLocation(d), &f, &l, &c, &o);
                file_info *fi = f ? file_lookup(st, f) : NULL;
                char *text = cx_dup(clang_getDiagnosticSpelling(d));
                char msg[2048];
                const char *where = fi && fi->display ? fi->display : st->src->path;
                if (f)
                    snprintf(msg, sizeof msg, "%s:%u:%u: %s: %s", where, l, c,
                             sev == CXDiagnostic_Fatal ? "fatal error" : "error", text ? text : "");
                else
                    snprintf(msg, sizeof msg, "%s: %s: %s", where,
                             sev == CXDiagnostic_Fatal ? "fatal error" : "error", text ? text : "");
                free(text);
                add_error(st->res, msg);
                shown++;
            }
        }
        clang_disposeDiagnostic(d);
    }
    if (more) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof msg, "%s: %u more errors not shown", st->src->path, more);
        add_error(st->res, msg);
    }
}

static void tu_state_free(tu_state *st)
{
    for (size_t i = 0; i < st->n_funcs; i++)
        free(st->funcs[i].name);
    free(st->funcs);
    for (size_t i = 0; i < st->n_loops; i++) {
        for (unsigned k = 0; k < st->loops[i].n_toks; k++)
            free(st->loops[i].toks[k]);
        free(st->loops[i].toks);
    }
    free(st->loops);
    for (size_t i = 0; i < st->n_calls; i++) {
        free(st->calls[i].callee);
        free(st->calls[i].assigned);
    }
    free(st->calls);
    free(st->chains);
    free(st->chain_offsets);
    free(st->chain_ifs);
    for (size_t i = 0; i < st->n_files; i++) {
        free(st->files[i].abs);
        free(st->files[i].display);
    }
    free(st->files);
}

/* Records each file the parse read (for the result cache, lint/cache.c). */
static void inclusion_cb(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
    hl_file_result *res = d;
    CXString name = clang_File_tryGetRealPathName(included);
    const char *s = clang_getCString(name);
    (void)stack;
    (void)depth;
    if (!s || !*s) {
        clang_disposeString(name);
        name = clang_getFileName(included);
        s = clang_getCString(name);
    }
    if (s && *s && hl_strv_push(&res->deps, s) < 0)
        add_error(res, "out of memory recording the included files");
    clang_disposeString(name);
}

void hl_analyze_file(hl_analyzer *a, const hl_source *src, const hl_strv *args, hl_file_result *res)
{
    tu_state st = {.a = a, .src = src, .res = res};
    for (size_t r = 0; r < a->cat->n_rules; r++)
        if (a->cat->rules[r].match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN))
            st.uses_chains = true;
    unsigned opts = CXTranslationUnit_KeepGoing;
    enum CXErrorCode ec = clang_parseTranslationUnit2(
        a->index, src->abs_path, (const char *const *)args->v, (int)args->n, NULL, 0, opts, &st.tu);
    if (ec != CXError_Success || !st.tu) {
        char msg[PATH_MAX + 160];
        snprintf(msg, sizeof msg,
                 "%s: libclang could not parse the file (error %d); check its compile flags "
                 "(-p BUILD-DIR or -- FLAGS)",
                 src->path, (int)ec);
        add_error(res, msg);
        return;
    }
    report_diagnostics(&st);
    clang_getInclusions(st.tu, inclusion_cb, res);
    clang_visitChildren(clang_getTranslationUnitCursor(st.tu), top_cb, &st);
    if (!st.oom)
        match_calls(&st);
    if (st.oom) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof msg, "%s: out of memory while analyzing", src->path);
        add_error(res, msg);
    }
    tu_state_free(&st);
    clang_disposeTranslationUnit(st.tu);
}
