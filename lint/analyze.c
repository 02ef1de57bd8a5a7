/* analyze.c - one translation unit: parse with libclang, walk the AST into
 * facts (ast_walk.c, ast_chain.c) and run the matchers on them (match.c). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

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
                lx_expansion(clang_getDiagnosticLocation(d), &f, &l, &c, &o);
                file_info *fi = f ? lx_file_lookup(st, f) : NULL;
                char *text = lx_cx_dup(clang_getDiagnosticSpelling(d));
                const char *where = fi && fi->display ? fi->display : st->src->path;
                hl_diags_add(&st->res->errors,
                             sev == CXDiagnostic_Fatal ? HL_DIAG_FATAL : HL_DIAG_COMPILE, where,
                             f ? l : 0, f ? c : 0, text ? text : "");
                free(text);
                shown++;
            }
        }
        clang_disposeDiagnostic(d);
    }
    if (more) {
        char msg[64];
        snprintf(msg, sizeof msg, "%u more errors not shown", more);
        hl_diags_add(&st->res->errors, HL_DIAG_MORE, st->src->path, 0, 0, msg);
    }
}

void lx_tu_state_free(tu_state *st)
{
    free(st->seq_memo);
    for (size_t i = 0; i < st->n_funcs; i++)
        free(st->funcs[i].name);
    free(st->funcs);
    for (size_t i = 0; i < st->n_loops; i++) {
        for (unsigned k = 0; k < st->loops[i].n_toks; k++)
            free(st->loops[i].toks[k]);
        free(st->loops[i].toks);
        free(st->loops[i].tok_off);
        free(st->loops[i].exit_ifs);
    }
    free(st->loops);
    for (size_t i = 0; i < st->n_calls; i++) {
        free(st->calls[i].callee);
        free(st->calls[i].assigned);
    }
    free(st->calls);
    free(st->chains);
    free(st->chain_offsets);
    free(st->emitted);
    free(st->chain_ifs);
    for (size_t i = 0; i < st->n_files; i++) {
        free(st->files[i].abs);
        free(st->files[i].display);
    }
    free(st->files);
    hl_hashmap_free(&st->loop_callees);
}

/* Records each file the parse read (for the result cache, lint/cache.c). */
static void inclusion_cb(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
    tu_state *st = d;
    hl_file_result *res = st->res;
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
        hl_diags_add(&res->errors, HL_DIAG_OUT_OF_MEMORY, st->src->path, 0, 0,
                     "out of memory recording the included files");
    clang_disposeString(name);
}

void hl_analyze_file(hl_analyzer *a, const hl_source *src, const hl_strv *args, hl_file_result *res)
{
    tu_state st = {.a = a, .src = src, .res = res};
    for (size_t r = 0; r < a->cat->n_rules; r++)
        if ((a->cat->rules[r].match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN)) &&
            lx_rule_active(&st, &a->cat->rules[r]))
            st.uses_chains = true;
    unsigned opts = CXTranslationUnit_KeepGoing;
    enum CXErrorCode ec = clang_parseTranslationUnit2(
        a->index, src->abs_path, (const char *const *)args->v, (int)args->n, NULL, 0, opts, &st.tu);
    if (ec != CXError_Success || !st.tu) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "libclang could not parse the file (error %d); check its compile flags "
                 "(-p BUILD-DIR or -- FLAGS)",
                 (int)ec);
        hl_diags_add(&res->errors, HL_DIAG_NOT_PARSED, src->path, 0, 0, msg);
        return;
    }
    report_diagnostics(&st);
    clang_getInclusions(st.tu, inclusion_cb, &st);
    clang_visitChildren(clang_getTranslationUnitCursor(st.tu), lx_top_cb, &st);
    if (!st.oom)
        lx_match_calls(&st);
    if (st.oom) {
        hl_diags_add(&res->errors, HL_DIAG_OUT_OF_MEMORY, src->path, 0, 0,
                     "out of memory while analyzing");
    }
    lx_tu_state_free(&st);
    clang_disposeTranslationUnit(st.tu);
}
