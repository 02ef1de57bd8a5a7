/* ast_tokens.c - the analyzer's token and expression helpers: expansion
 * locations and files in scope, tokens of a range, expression text and
 * structural keys, and the shape of the AST (children, parentheses, constants). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

char *lx_cx_dup(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = strdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

void lx_expansion(CXSourceLocation loc, CXFile *f, unsigned *line, unsigned *col, unsigned *off)
{
    clang_getExpansionLocation(loc, f, line, col, off);
}

/* Per-file facts: whether it is one the user asked about, its paths. */
file_info *lx_file_lookup(tu_state *st, CXFile f)
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
    char *name = lx_cx_dup(clang_getFileName(f));
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

bool lx_loc_in_scope(tu_state *st, CXSourceLocation loc)
{
    if (clang_Location_isInSystemHeader(loc))
        return false;
    CXFile f;
    unsigned l, c, o;
    lx_expansion(loc, &f, &l, &c, &o);
    file_info *fi = lx_file_lookup(st, f);
    return fi && fi->in_scope;
}

/* ---- tokens ---- */

void lx_toks_free(toks *t)
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

void lx_tokenize_range(CXTranslationUnit tu, CXSourceRange r, toks *out)
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
            lx_expansion(clang_getTokenLocation(tu, tk[i]), &f, &l, &c, &o);
            out->v[i] = lx_cx_dup(clang_getTokenSpelling(tu, tk[i]));
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
char *lx_expr_text(CXTranslationUnit tu, CXCursor c)
{
    /* A name: its spelling (also right when it comes from a macro, such as
     * glibc's "#define stderr stderr", whose range does not tokenize). */
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr)
        return lx_cx_dup(clang_getCursorSpelling(c));
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
                t.v[i] = lx_cx_dup(clang_getTokenSpelling(tu, tk[i]));
            t.n = n;
        }
        clang_disposeTokens(tu, tk, n);
    } else {
        lx_tokenize_range(tu, ext, &t);
    }
    if (t.n == 0)
        return lx_cx_dup(clang_getCursorSpelling(c));
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
    lx_toks_free(&t);
    return s;
}

bool lx_is_ident(const char *s)
{
    return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_';
}

bool lx_is_keyword(const char *s)
{
    static const char *const kw[] = {"if", "while", "for", "switch", "return", "sizeof"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (!strcmp(s, kw[i]))
            return true;
    return false;
}

bool lx_is_int_literal(const char *s, long *v)
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

loop_fact *lx_loop_tokens(tu_state *st, int li)
{
    loop_fact *L = &st->loops[li];
    if (!L->tokenized) {
        toks t;
        lx_tokenize_range(st->tu, clang_getCursorExtent(L->cur), &t);
        L->toks = t.v;
        L->n_toks = t.n;
        L->tok_off = t.off;
        L->tokenized = true;
    }
    return L;
}

/* ---- AST helpers ---- */

static enum CXChildVisitResult collect_kid(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    struct kids *k = d;
    if (k->n < 8)
        k->v[k->n++] = c;
    return CXChildVisit_Continue;
}

struct kids lx_children(CXCursor c)
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
CXCursor lx_last_child(CXCursor c)
{
    CXCursor last = clang_getNullCursor();
    clang_visitChildren(c, last_kid, &last);
    return last;
}

/* Strips implicit casts and parentheses. */
CXCursor lx_strip(CXCursor c)
{
    for (int guard = 0; guard < 16; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr)
            break;
        struct kids ks = lx_children(c);
        if (ks.n == 0)
            break;
        c = ks.v[ks.n - 1];
    }
    return c;
}

bool lx_eval_int(CXCursor c, long long *v)
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
char *lx_lvalue_name(tu_state *st, CXCursor c)
{
    c = lx_strip(c);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_DeclRefExpr)
        return lx_cx_dup(clang_getCursorSpelling(c));
    if (k == CXCursor_MemberRefExpr || k == CXCursor_ArraySubscriptExpr)
        return lx_expr_text(st->tu, c);
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
    if ((kind == CXCursor_IntegerLiteral || kind == CXCursor_CharacterLiteral) &&
        lx_eval_int(c, &v)) {
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

char *lx_expr_key(CXCursor c)
{
    struct keybuf k = {0};
    key_cb(c, clang_getNullCursor(), &k);
    if (k.oom) {
        free(k.s);
        return NULL;
    }
    return k.s;
}

void lx_attribute_name(CXCursor attr, char *out, size_t outlen)
{
    out[0] = 0;
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(attr);
    CXToken *tok = clang_getToken(tu, clang_getCursorLocation(attr));
    if (!tok)
        return;
    CXString s = clang_getTokenSpelling(tu, *tok);
    snprintf(out, outlen, "%s", clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    clang_disposeTokens(tu, tok, 1);
}
