/* ast_chain.c - compare chains: if/else-if ladders and loop bodies that
 * compare one subject against many strings with the rule's compare calls. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

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

bool lx_in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* True when a and b come from rule files in the same directory. */
bool lx_same_rule_dir(const hl_rule *a, const hl_rule *b)
{
    const char *x = a->source_path ? a->source_path : "", *y = b->source_path ? b->source_path : "";
    const char *sx = strrchr(x, '/'), *sy = strrchr(y, '/');
    size_t nx = sx ? (size_t)(sx - x) : 0, ny = sy ? (size_t)(sy - y) : 0;
    return nx == ny && !memcmp(x, y, nx);
}

/* True when rule g is the first of the catalog from its directory. */
bool lx_first_of_rule_dir(const hl_catalog *cat, size_t g)
{
    for (size_t r = 0; r < g; r++)
        if (lx_same_rule_dir(&cat->rules[r], &cat->rules[g]))
            return false;
    return true;
}

/* Records a compare as part of a chain reported elsewhere (at its head): the
 * call fact made for it later is flagged in_chain and not reported alone. */
static void mark_in_chain(tu_state *st, CXCursor call)
{
    unsigned o, l, col;
    CXFile fl;
    lx_expansion(clang_getRangeStart(clang_getCursorExtent(call)), &fl, &l, &col, &o);
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
        char *name = lx_cx_dup(clang_getCursorSpelling(ref));
        bool match = name && lx_in_list(r->callees, r->n_callees, name);
        free(name);
        if (!match || clang_Cursor_getNumArguments(fc.v[i]) < 2)
            continue;
        CXCursor a0 = lx_strip(clang_Cursor_getArgument(fc.v[i], 0));
        CXCursor a1 = lx_strip(clang_Cursor_getArgument(fc.v[i], 1));
        CXCursor subj;
        if (lx_is_empty_string(a0) || lx_is_empty_string(a1))
            continue; /* strcmp(s, "") tests emptiness */
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
            *subject = lx_expr_key(subj);
            if (!*subject)
                return false;
            found = true;
            if (!mark_rest)
                return true;
            continue;
        }
        /* "!strcmp(x, "a") || !strcmp(x, "b")" in a loop: one finding, at the first. */
        char *k = lx_expr_key(subj);
        if (k && !strcmp(k, *subject))
            mark_in_chain(st, fc.v[i]);
        free(k);
    }
    return found;
}

/* An if/else-if chain starting at c: counts compares of one subject against
 * literals and records a chain when there are at least min_chain. */
void lx_detect_chain(tu_state *st, CXCursor c, const frame *f)
{
    unsigned off0;
    lx_cursor_line(c, false, &off0);
    if (lx_has_offset(st->chain_ifs, st->n_chain_ifs, off0))
        return;
    for (size_t r = 0; r < st->a->cat->n_rules; r++) {
        const hl_rule *rule = &st->a->cat->rules[r];
        if (!(rule->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN)) || !lx_rule_active(st, rule))
            continue;
        CXCursor calls[64];
        char *subj[64];
        unsigned offs[64];
        unsigned n = 0;
        CXCursor cur = c;
        for (;;) {
            struct kids ks = lx_children(cur);
            if (ks.n < 2)
                break;
            CXCursor call;
            char *s = NULL;
            if (n < 64 &&
                find_compare(st, rule, ks.v[0], &call, &s, f->loop >= 0 && f->ctx != CTX_NONE)) {
                calls[n] = call;
                subj[n] = s;
                lx_cursor_line(cur, false, &offs[n]);
                n++;
            } else if (n < 64) {
                calls[n] = clang_getNullCursor();
                subj[n] = NULL;
                lx_cursor_line(cur, false, &offs[n]);
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
            lx_record_call(st, calls[best_i], &hf);
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
