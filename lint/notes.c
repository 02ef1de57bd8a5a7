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

static void loop_note(tu_state *st, int loop, hl_finding *x)
{
    const loop_fact *L = &st->loops[loop];
    CXFile f;
    unsigned line, col, off;
    lx_expansion(clang_getCursorLocation(L->cur), &f, &line, &col, &off);
    char msg[160];
    unsigned n = L->end_line >= L->start_line ? L->end_line - L->start_line + 1 : 1;
    static const char *const how[] = {[DRIVE_COUNTED] = "",
                                      [DRIVE_ARGS] = ", over the arguments",
                                      [DRIVE_LINES] = ", a line of input per turn",
                                      [DRIVE_WAIT] = ", waiting on each turn"};
    if (n > 1)
        snprintf(msg, sizeof msg, "in this loop (%u lines, to line %u%s)", n, L->end_line,
                 how[L->drive]);
    else
        snprintf(msg, sizeof msg, "in this loop%s", how[L->drive]);
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
