/* notes.c - the notes a site's finding carries, as a compiler shows them:
 * the header of the loop it runs in (with the loop's length, which the
 * finding's own line does not show) and the macro the call was expanded from
 * (a call written inside a macro is reported where the macro is used). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

static void add(tu_state *st, hl_finding *x, CXFile file, unsigned line, unsigned col,
                const char *msg)
{
    file_info *fi = lx_file_lookup(st, file);
    char *name = NULL;
    const char *shown = fi && fi->display ? fi->display : fi && fi->abs ? fi->abs : NULL;
    if (!shown && file)
        shown = name = lx_cx_dup(clang_getFileName(file));
    if (!shown)
        return;
    if (x->file && !strcmp(shown, x->file))
        shown = NULL; /* the finding's own file */
    if (hl_finding_add_note(x, shown, line, col, msg) < 0)
        st->oom = true;
    free(name);
}

/* The loop's condition as written ("i < n", "*p"), for the note; empty for
 * a do/while or a for without one. */
static void loop_condition(tu_state *st, CXCursor loop, char *out, size_t outlen)
{
    out[0] = 0;
    enum CXCursorKind k = clang_getCursorKind(loop);
    if (k != CXCursor_ForStmt && k != CXCursor_WhileStmt)
        return;
    struct kids ks = lx_children(loop);
    if (ks.n == 0)
        return;
    CXSourceRange ext = clang_getCursorExtent(loop);
    CXSourceRange body = clang_getCursorExtent(ks.v[ks.n - 1]);
    toks t;
    lx_tokenize_range(st->tu, clang_getRange(clang_getRangeStart(ext), clang_getRangeStart(body)),
                      &t);
    /* for: between the two ';' of the header; while: inside the parentheses */
    unsigned from = 0, to = 0, depth = 0, semis = 0;
    for (unsigned i = 0; i < t.n; i++) {
        const char *s = t.v[i];
        if (!strcmp(s, "(") && depth++ == 0 && k == CXCursor_WhileStmt)
            from = i + 1;
        else if (!strcmp(s, ")") && --depth == 0) {
            if (k == CXCursor_WhileStmt)
                to = i;
            break;
        } else if (!strcmp(s, ";") && depth == 1 && k == CXCursor_ForStmt) {
            if (semis++ == 0)
                from = i + 1;
            else
                to = i;
        }
    }
    size_t n = 0;
    for (unsigned i = from; i < to && n + 1 < outlen; i++) {
        const char *prev = i > from ? t.v[i - 1] : "(";
        bool tight = !strcmp(t.v[i], "->") || !strcmp(t.v[i], ".") || !strcmp(t.v[i], ")") ||
                     !strcmp(t.v[i], "]") || !strcmp(t.v[i], ",") || !strcmp(t.v[i], "[") ||
                     !strcmp(prev, "->") || !strcmp(prev, ".") || !strcmp(prev, "(") ||
                     !strcmp(prev, "[") || !strcmp(prev, "!") || !strcmp(prev, "~") ||
                     (!strcmp(t.v[i], "(") && lx_is_ident(prev));
        int w = snprintf(out + n, outlen - n, "%s%s", n && !tight ? " " : "", t.v[i]);
        if (w < 0 || (size_t)w >= outlen - n) {
            snprintf(out + (outlen > 4 ? outlen - 4 : 0), 4, "...");
            break;
        }
        n += (size_t)w;
    }
    lx_toks_free(&t);
}

static void loop_note(tu_state *st, int loop, hl_finding *x)
{
    const loop_fact *L = &st->loops[loop];
    CXFile f;
    unsigned line, col, off;
    lx_expansion(clang_getCursorLocation(L->cur), &f, &line, &col, &off);
    char msg[256], cond[72], runs[96] = "";
    loop_condition(st, L->cur, cond, sizeof cond);
    if (cond[0])
        snprintf(runs, sizeof runs, ", while %s", cond);
    unsigned n = L->end_line >= L->start_line ? L->end_line - L->start_line + 1 : 1;
    static const char *const how[] = {[DRIVE_COUNTED] = "",
                                      [DRIVE_ARGS] = ", over the arguments",
                                      [DRIVE_LINES] = ", a line of input per turn",
                                      [DRIVE_WAIT] = ", waiting on each turn"};
    if (n > 1)
        snprintf(msg, sizeof msg, "in this loop (%u lines, to line %u%s)%s", n, L->end_line,
                 how[L->drive], runs);
    else
        snprintf(msg, sizeof msg, "in this loop%s%s", how[L->drive], runs);
    add(st, x, f, line, col, msg);
}

/* The macro whose expansion holds the call: the token where the call is
 * reported is then the macro's name, not the callee's. */
static void macro_note(tu_state *st, const call_fact *cf, hl_finding *x)
{
    CXSourceLocation start = clang_getRangeStart(clang_getCursorExtent(cf->cur));
    CXFile sf;
    unsigned sl, sc, so;
    clang_getSpellingLocation(start, &sf, &sl, &sc, &so);
    if (sf == cf->file && so == cf->offset)
        return; /* spelled where it is used */
    CXToken *tok = clang_getToken(st->tu, clang_getLocation(st->tu, cf->file, cf->line, cf->col));
    if (!tok)
        return;
    char *name = lx_cx_dup(clang_getTokenSpelling(st->tu, *tok));
    clang_disposeTokens(st->tu, tok, 1);
    if (name && strcmp(name, cf->callee) && lx_is_ident(name)) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s is called in the expansion of the macro %s", cf->callee,
                 name);
        if (sf && sl)
            add(st, x, sf, sl, sc, msg);
        else
            add(st, x, cf->file, cf->line, cf->col, msg);
    }
    free(name);
}

void lx_site_notes(tu_state *st, const call_fact *cf, int loop, hl_finding *x)
{
    macro_note(st, cf, x);
    if (loop >= 0)
        loop_note(st, loop, x);
}
