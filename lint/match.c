/* match.c - the matchers: each call fact is checked against the rules that
 * watch its callee, with the checks each matcher needs (growth of a size,
 * unchanged condition arguments, buffering, freeing), and the winning rule
 * per call becomes a finding. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

/* ---- matchers ---- */

/* Whether the loop assigns name (a variable, or with member set a field
 * reached through . or ->), or takes its address. */
static bool loop_assigns(tu_state *st, int li, const char *name, bool member)
{
    static const char *const after[] = {"=", "+=", "-=", "++", "--", "*=", "<<=", "/=", ">>="};
    loop_fact *L = lx_loop_tokens(st, li);
    for (unsigned i = 0; i < L->n_toks; i++) {
        if (strcmp(L->toks[i], name))
            continue;
        const char *prev = i > 0 ? L->toks[i - 1] : "";
        const char *next = i + 1 < L->n_toks ? L->toks[i + 1] : "";
        if ((!strcmp(prev, ".") || !strcmp(prev, "->")) != member)
            continue; /* a member of the same name, or a variable named like the member */
        if (lx_in_list((char *const *)after, sizeof after / sizeof after[0], next) ||
            !strcmp(prev, "++") || !strcmp(prev, "--") || !strcmp(prev, "&"))
            return true;
    }
    return false;
}

/* strlen(s) in a loop condition where s is not assigned in the loop. */
static bool condition_arg_unchanged(tu_state *st, const call_fact *cf)
{
    if (clang_Cursor_getNumArguments(cf->cur) < 1)
        return true;
    toks t;
    lx_tokenize_range(st->tu, clang_getCursorExtent(clang_Cursor_getArgument(cf->cur, 0)), &t);
    bool changed = false;
    for (unsigned i = 0; i < t.n && !changed; i++) {
        if (!lx_is_ident(t.v[i]))
            continue;
        bool member = i > 0 && (!strcmp(t.v[i - 1], "->") || !strcmp(t.v[i - 1], "."));
        changed = loop_assigns(st, cf->loop, t.v[i], member);
    }
    lx_toks_free(&t);
    return !changed;
}

static char *arg_text(tu_state *st, const call_fact *cf, int i)
{
    if (i < 0 || clang_Cursor_getNumArguments(cf->cur) <= i)
        return NULL;
    return lx_expr_text(st->tu, lx_strip(clang_Cursor_getArgument(cf->cur, (unsigned)i)));
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
                    (lx_eval_int(clang_Cursor_getArgument(c->cur, 2), &v) && v == 2);
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
            lx_eval_int(clang_Cursor_getArgument(cf->cur, 2), &v) && v >= 0 && v <= HL_SMALL_IO) {
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

/* A call in a loop body that costs on every iteration: not a compare made
 * cheap by its values (lx_compare_is_cheap), not an allocation behind a
 * capacity check (amortised growth). */
static bool body_call_costly(const tu_state *st, const call_fact *cf, const hl_rule *rule)
{
    /* "rc = memcmp(a, b, n)": an ordering (a sort's or a record's
     * comparator), not a lookup against keys that could be interned. */
    if (rule->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN))
        return !cf->assigned && !lx_compare_is_cheap(st, cf);
    return !((cf->value_flags & HL_VAL_CAPACITY_CHECKED) && lx_is_sized_allocator(cf->callee));
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

int lx_site_finding(tu_state *st, const call_fact *cf, hl_finding *x)
{
    file_info *fi = lx_file_lookup(st, cf->file);
    if (!fi || !fi->in_scope || !fi->abs)
        return -1;
    memset(x, 0, sizeof *x);
    x->file = strdup(fi->display ? fi->display : fi->abs);
    x->abs_file = strdup(fi->abs);
    x->line = cf->line;
    x->column = cf->col;
    x->end_line = cf->end_line;
    x->end_column = cf->end_col;
    if (cf->func >= 0) {
        x->function = strdup(st->funcs[cf->func].name);
        x->function_start_line = st->funcs[cf->func].start_line;
        x->function_end_line = st->funcs[cf->func].end_line;
    }
    int loop = cf->loop >= 0 && cf->ctx != CTX_NONE ? cf->loop : -1;
    if (loop >= 0) {
        x->loop_start_line = st->loops[loop].start_line;
        x->loop_end_line = st->loops[loop].end_line;
        x->loop_depth = st->loops[loop].depth;
    }
    x->callee = strdup(cf->callee);
    x->heat = lx_local_heat(st, loop, cf->guards, x);
    lx_site_notes(st, cf, loop, x);
    if (!x->file || !x->abs_file || !x->callee || (cf->func >= 0 && !x->function) || st->oom) {
        hl_finding_clear(x);
        st->oom = true;
        return -1;
    }
    return 0;
}

/* site: the call fact's index, or SIZE_MAX for a chain (never merged with others). */
static void emit(tu_state *st, const call_fact *cf, size_t site, const hl_rule *rule,
                 const char *note)
{
    hl_finding x;
    if (lx_site_finding(st, cf, &x) < 0)
        return;
    x.rule = rule;
    x.message = hl_render_message(rule, cf->callee, x.function, x.loop_depth, note);
    hl_file_result *res = st->res;
    if (!x.message || HL_GROW(res->items, res->n, res->cap) < 0 ||
        HL_GROW(st->emitted, st->n_emitted, st->cap_emitted) < 0) {
        hl_finding_clear(&x);
        st->oom = true;
        return;
    }
    res->items[res->n++] = x;
    st->emitted[st->n_emitted++] = site;
}

static void match_calls(tu_state *st);

void lx_match_calls(tu_state *st)
{
    size_t first = st->res->n;
    st->n_emitted = 0;
    match_calls(st);
    if (!st->oom)
        lx_merge_sites(st, first);
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
        lx_expansion(clang_getRangeEnd(clang_getCursorExtent(st->chains[i].last)), &fl, &el, &ec,
                     &eo);
        if (fl == head.file && (el > head.end_line || (el == head.end_line && ec > head.end_col))) {
            head.end_line = el;
            head.end_col = ec;
        }
        emit(st, &head, SIZE_MAX, st->chains[i].rule, note);
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
        bool is_realloc = !strcmp(cf->callee, "realloc") || !strcmp(cf->callee, "reallocarray");
        hl_growth growth = is_realloc ? lx_realloc_growth(st, cf) : HL_GROWTH_NONE;
        if (growth == HL_GROWTH_GEOMETRIC)
            continue;
        /* Control flow (flow.c): a call under a case label of a switch on a
         * value that changes each time round runs for that case only; one in
         * a retry or probe loop runs until the first success. */
        bool per_case = (cf->flow & LX_FLOW_PER_CASE) != 0;
        int retry = -1; /* lx_flow_retry_loop, asked once when needed */
        /* One finding per call for each directory of rules: the built-in
         * rules compete (the most specific matcher wins), and so do the rules
         * of one user directory, but a user rule never loses its finding to
         * a built-in one that matches the same call. */
        for (size_t g = 0; g < cat->n_rules; g++) {
            if (!lx_first_of_rule_dir(cat, g))
                continue;
            const hl_rule *best = NULL;
            int best_rank = 0;
            char best_note[128] = "";
            for (size_t r = 0; r < cat->n_rules; r++) {
                const hl_rule *rule = &cat->rules[r];
                if (!lx_same_rule_dir(rule, &cat->rules[g]) || !lx_rule_active(st, rule) ||
                    !lx_in_list(rule->callees, rule->n_callees, cf->callee))
                    continue;
                for (int m = 0; m <= HL_MATCH_UNBUFFERED_IO; m++) {
                    if (!(rule->match_mask & HL_MATCH_BIT(m)) || rank((hl_matcher)m) <= best_rank)
                        continue;
                    bool ok = false;
                    char note[128] = "";
                    switch ((hl_matcher)m) {
                    case HL_MATCH_CALL_IN_LOOP_BODY:
                        ok = !per_case && body_call_costly(st, cf, rule);
                        if (ok && !(rule->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN)))
                            ok = !(retry < 0 ? (retry = lx_flow_retry_loop(st, cf)) : retry);
                        if (rule->match_mask & HL_MATCH_BIT(HL_MATCH_COMPARE_CHAIN))
                            snprintf(note, sizeof note, " on every iteration of this loop");
                        else if (rule->message_note && lx_flow_freed_same_iteration(st, cf))
                            snprintf(note, sizeof note, "%s", rule->message_note);
                        break;
                    case HL_MATCH_COMPARE_CHAIN: /* chains are matched above */
                        break;
                    case HL_MATCH_CALL_IN_LOOP_CONDITION:
                        ok = cf->ctx == CTX_COND && condition_arg_unchanged(st, cf);
                        break;
                    case HL_MATCH_REALLOC_GROWTH:
                        ok = growth == HL_GROWTH_LINEAR &&
                             !(retry < 0 ? (retry = lx_flow_retry_loop(st, cf)) : retry);
                        break;
                    case HL_MATCH_UNBUFFERED_IO:
                        ok = !per_case && unbuffered_io(st, cf, note, sizeof note);
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
                emit(st, cf, i, best, best_note);
        }
    }
}
