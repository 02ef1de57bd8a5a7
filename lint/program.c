/* program.c - the whole-program stage (program.h): one index of every
 * unit's functions, the call graph between them, what each function pays on
 * every call through its callees (bounded depth), and the findings at calls
 * in loops to functions that allocate, format, compare or concatenate on
 * every call, with a note for each step of the chain down to the real call. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"
#include "../base/keybuf.h"
#include "program.h"

/* ---- the index ---- */

static int site_key(hl_keybuf *k, const char *abs_file, unsigned line)
{
    hl_keybuf_reset(k);
    hl_keybuf_str(k, abs_file);
    hl_keybuf_u64(k, line);
    return k->oom ? -1 : 0;
}

static int index_functions(program *p, hl_file_result *results, size_t n)
{
    size_t total = 0;
    for (size_t u = 0; u < n; u++)
        total += results[u].sum.n_fns;
    if (!(p->fn_base = calloc(n + 1, sizeof *p->fn_base)) ||
        !(p->fn_map = calloc(total + 1, sizeof *p->fn_map)))
        return -1;
    hl_keybuf k = {0};
    size_t at = 0;
    for (size_t u = 0; u < n; u++) {
        p->fn_base[u] = at;
        const hl_tu_summary *s = &results[u].sum;
        for (size_t i = 0; i < s->n_fns; i++, at++) {
            const hl_fn_summary *fs = &s->fns[i];
            size_t idx = p->n_fns;
            if (site_key(&k, fs->abs_file, fs->line) < 0 ||
                hl_hashmap_get_or_put(&p->by_site, k.b, k.n, &idx) < 0)
                goto oom;
            p->fn_map[at] = idx;
            if (idx != p->n_fns)
                continue; /* a header's function, met in another unit */
            if (HL_GROW(p->fns, p->n_fns, p->cap_fns) < 0)
                goto oom;
            prog_fn *f = &p->fns[p->n_fns++];
            memset(f, 0, sizeof *f);
            f->s = fs;
            f->next_same_name = SIZE_MAX;
            f->why_edge = SIZE_MAX;
            size_t first = idx;
            int r = hl_hashmap_get_or_put(&p->by_name, fs->name, strlen(fs->name), &first);
            if (r < 0)
                goto oom;
            if (r == 1) { /* chain after the first of that name */
                f->next_same_name = p->fns[first].next_same_name;
                p->fns[first].next_same_name = idx;
            }
        }
    }
    p->fn_base[n] = at;
    hl_keybuf_free(&k);
    return 0;
oom:
    hl_keybuf_free(&k);
    return -1;
}

size_t lx_prog_resolve(const program *p, const char *name, const char *abs_file)
{
    size_t i, best = SIZE_MAX;
    if (!hl_hashmap_find(&p->by_name, name, strlen(name), &i))
        return SIZE_MAX;
    for (; i != SIZE_MAX; i = p->fns[i].next_same_name) {
        const hl_fn_summary *s = p->fns[i].s;
        if (s->is_static && abs_file && !strcmp(s->abs_file, abs_file))
            return i;
        if (!s->is_static && best == SIZE_MAX)
            best = i;
    }
    return best;
}

size_t lx_prog_fn_at(const program *p, const char *abs_file, unsigned line)
{
    hl_keybuf k = {0};
    size_t i = SIZE_MAX;
    if (site_key(&k, abs_file, line) < 0 || !hl_hashmap_find(&p->by_site, k.b, k.n, &i))
        i = SIZE_MAX;
    hl_keybuf_free(&k);
    return i;
}

static int resolve_edges(program *p, hl_file_result *results, size_t n)
{
    for (size_t u = 0; u < n; u++) {
        const hl_tu_summary *s = &results[u].sum;
        for (size_t i = 0; i < s->n_edges; i++) {
            const hl_edge *e = &s->edges[i];
            if (e->caller >= s->n_fns)
                continue;
            size_t caller = p->fn_map[p->fn_base[u] + e->caller];
            size_t callee = lx_prog_resolve(p, e->callee, p->fns[caller].s->abs_file);
            if (callee == SIZE_MAX)
                continue;
            if (HL_GROW(p->edges, p->n_edges, p->cap_edges) < 0)
                return -1;
            p->edges[p->n_edges++] = (prog_edge){caller, callee, e};
        }
    }
    return 0;
}

/* ---- reach: what a function pays on every call ---- */

static bool declared(const hl_wrappers *w, int fam, const char *name)
{
    for (size_t i = 0; w && i < w->n[fam]; i++)
        if (!strcmp(w->names[fam][i], name))
            return true;
    return false;
}

static void compute_reach(program *p, const hl_wrappers *w)
{
    for (size_t i = 0; i < p->n_fns; i++) {
        prog_fn *f = &p->fns[i];
        f->reach = f->s->families;
        for (int fam = 0; fam < HL_N_FAMILIES; fam++) {
            f->via[fam].at = f->s->direct[fam];
            f->via[fam].into = SIZE_MAX;
            if (declared(w, fam, f->s->name))
                f->reach |= HL_FAM_BIT(fam);
        }
    }
    /* Each round reaches one call further down; HL_REACH_DEPTH rounds bound
     * the chain (and end on recursion). */
    for (int depth = 1; depth < HL_REACH_DEPTH; depth++) {
        bool changed = false;
        for (size_t i = 0; i < p->n_fns; i++) {
            prog_fn *f = &p->fns[i];
            const hl_fn_summary *s = f->s;
            for (size_t k = 0; k < s->n_always;) {
                /* a clause: one step, or the steps of one group */
                size_t end = k + 1;
                while (s->always[k].group && end < s->n_always &&
                       s->always[end].group == s->always[k].group)
                    end++;
                unsigned all = (1u << HL_N_FAMILIES) - 1;
                size_t into = SIZE_MAX;
                for (size_t m = k; m < end; m++) {
                    int fam = hl_callee_family(p->cat, s->always[m].callee);
                    size_t g = lx_prog_resolve(p, s->always[m].callee, s->abs_file);
                    unsigned r = fam >= 0 ? HL_FAM_BIT(fam) : 0;
                    if (g != SIZE_MAX && g != i) {
                        r |= p->fns[g].reach;
                        if (into == SIZE_MAX)
                            into = g;
                    }
                    all &= r;
                }
                unsigned add = all & ~f->reach;
                for (int fam = 0; add && fam < HL_N_FAMILIES; fam++)
                    if (add & HL_FAM_BIT(fam)) {
                        f->via[fam].at = s->always[k];
                        f->via[fam].into =
                            hl_callee_family(p->cat, s->always[k].callee) == fam ? SIZE_MAX : into;
                    }
                if (add) {
                    f->reach |= add;
                    changed = true;
                }
                k = end;
            }
        }
        if (!changed)
            break;
    }
}

/* Which functions return memory they allocate: "return malloc(n)",
 * "T *o = zmalloc(...); ...; return o;", or the result of such a function.
 * An allocation the callee keeps (a node linked into a list it was given)
 * is the data structure's own, with nothing to hoist. */
static void compute_fresh(program *p, const hl_wrappers *w)
{
    for (size_t i = 0; i < p->n_fns; i++)
        p->fns[i].fresh = declared(w, HL_FAM_ALLOCATION, p->fns[i].s->name);
    for (int depth = 0; depth < HL_REACH_DEPTH; depth++) {
        bool changed = false;
        for (size_t i = 0; i < p->n_fns; i++) {
            prog_fn *f = &p->fns[i];
            for (size_t k = 0; !f->fresh && k < f->s->n_returns; k++) {
                const char *c = f->s->returns[k].callee;
                size_t g = lx_prog_resolve(p, c, f->s->abs_file);
                if (hl_callee_family(p->cat, c) == HL_FAM_ALLOCATION ||
                    (g != SIZE_MAX && g != i && p->fns[g].fresh))
                    f->fresh = changed = true;
            }
        }
        if (!changed)
            break;
    }
}

/* ---- findings at calls of wrappers ---- */

static const hl_rule *family_rule(const hl_catalog *cat, int fam)
{
    for (size_t r = 0; r < cat->n_rules; r++)
        if ((cat->rules[r].match_mask & HL_MATCH_BIT(HL_MATCH_CALL_IN_LOOP_BODY)) &&
            hl_family_of(cat->rules[r].family) == fam)
            return &cat->rules[r];
    return NULL;
}

static const char *const family_verb[HL_N_FAMILIES] = {"allocates", "formats", "compares strings",
                                                       "concatenates strings"};

/* One note per step: "zmalloc calls malloc", at the call in zmalloc. */
static int chain_notes(const program *p, size_t fn, int fam, hl_finding *x)
{
    char msg[512];
    for (int step = 0; fn != SIZE_MAX && step < HL_REACH_DEPTH + 1; step++) {
        const prog_fn *f = &p->fns[fn];
        char *shown = hl_scope_display(p->scope, f->s->abs_file);
        if (!f->via[fam].at.callee) {
            snprintf(msg, sizeof msg, "%s is declared in .hotlint.yaml to %s: %s", f->s->name,
                     fam == HL_FAM_ALLOCATION ? "allocate" : "pay this cost", family_verb[fam]);
            int rc = hl_finding_add_note(x, shown, f->s->line, 0, msg);
            free(shown);
            return rc;
        }
        snprintf(msg, sizeof msg, "%s calls %s%s on every call", f->s->name, f->via[fam].at.callee,
                 f->via[fam].at.group ? " (or, on its other paths, a function that does the same)"
                                      : "");
        int rc = shown ? hl_finding_add_note(x, shown, f->via[fam].at.line, 0, msg) : -1;
        free(shown);
        if (rc < 0)
            return -1;
        fn = f->via[fam].into;
    }
    return 0;
}

static int wrapper_finding(const program *p, hl_file_result *res, const hl_wrapper_call *w,
                           const hl_wrappers *decl)
{
    const hl_finding *at = &w->at;
    /* A call of a failure or logging function ("_serverAssert", "luaL_error",
     * "serverLog") is a failure path or a log line, not a cost to hoist. */
    if (lx_cold_word(at->callee, true))
        return 0;
    size_t fn = lx_prog_resolve(p, at->callee, at->abs_file);
    /* The declaration's attributes count even with a definition at hand:
     * format(printf, ...) formats whatever the body's branches do. */
    unsigned fams = (fn != SIZE_MAX ? p->fns[fn].reach : 0) | w->attr_families;
    for (int fam = 0; fam < HL_N_FAMILIES; fam++)
        if (declared(decl, fam, at->callee))
            fams |= HL_FAM_BIT(fam);
    /* An allocation behind a test in the loop ("if (len == cap) grow(b)",
     * "if (!obj) obj = make()") is growth or a lazy start, not one per turn. */
    if (w->conditional)
        fams &= ~HL_FAM_BIT(HL_FAM_ALLOCATION);
    if (w->cheap_compare) /* a small constant table, behind a hash or length match */
        fams &= ~HL_FAM_BIT(HL_FAM_STRING_COMPARE);
    /* An allocation counts when the callee hands it back (a constructor, a
     * copy), or says it allocates (attributes, .hotlint.yaml). */
    if (fn != SIZE_MAX && !p->fns[fn].fresh && !(w->attr_families & HL_FAM_BIT(HL_FAM_ALLOCATION)))
        fams &= ~HL_FAM_BIT(HL_FAM_ALLOCATION);
    /* Formatting first: a function that formats into fresh memory
     * (sdscatprintf, asprintf wrappers) is a formatting cost. */
    static const int order[HL_N_FAMILIES] = {HL_FAM_FORMATTING, HL_FAM_ALLOCATION,
                                             HL_FAM_STRING_CONCAT, HL_FAM_STRING_COMPARE};
    int fam = HL_N_FAMILIES;
    for (int o = 0; o < HL_N_FAMILIES && fam == HL_N_FAMILIES; o++)
        if (fams & HL_FAM_BIT(order[o]))
            fam = order[o];
    const hl_rule *rule = fam < HL_N_FAMILIES ? family_rule(p->cat, fam) : NULL;
    if (!rule)
        return 0;
    /* A compare or a concatenation is worth a finding at the call of the
     * function that does it, not at a caller's caller: what it compares is
     * decided there. */
    if ((fam == HL_FAM_STRING_COMPARE || fam == HL_FAM_STRING_CONCAT) && fn != SIZE_MAX &&
        p->fns[fn].via[fam].into != SIZE_MAX)
        return 0;
    hl_finding x = {0};
    x.rule = rule;
    x.file = strdup(at->file);
    x.abs_file = strdup(at->abs_file);
    x.function = at->function ? strdup(at->function) : NULL;
    x.callee = strdup(at->callee);
    x.line = at->line, x.column = at->column, x.end_line = at->end_line;
    x.end_column = at->end_column;
    x.function_start_line = at->function_start_line;
    x.function_end_line = at->function_end_line;
    x.loop_start_line = at->loop_start_line, x.loop_end_line = at->loop_end_line;
    x.loop_depth = at->loop_depth;
    x.heat = at->heat;
    char note[160];
    snprintf(note, sizeof note, " (it %s on every call)", family_verb[fam]);
    x.message = hl_render_message(rule, at->callee, at->function, at->loop_depth, note);
    int rc =
        x.file && x.abs_file && x.callee && x.message && (!at->function || x.function) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < at->n_heat_reasons; i++)
        rc = hl_finding_add_heat_reason(&x, at->heat_reasons[i]);
    for (size_t i = 0; rc == 0 && i < at->n_notes; i++)
        rc = hl_finding_add_note(&x, at->notes[i].file, at->notes[i].line, at->notes[i].column,
                                 at->notes[i].message);
    if (rc == 0 && fn != SIZE_MAX && (p->fns[fn].reach & HL_FAM_BIT(fam)))
        rc = chain_notes(p, fn, fam, &x);
    else if (rc == 0)
        rc = hl_finding_add_note(
            &x, NULL, at->line, at->column,
            declared(decl, fam, at->callee)
                ? "declared in .hotlint.yaml as paying this cost"
                : "its declaration's attributes (malloc, alloc_size, format) say so");
    if (rc == 0 && HL_GROW(res->items, res->n, res->cap) == 0) {
        res->items[res->n++] = x;
        return 0;
    }
    hl_finding_clear(&x);
    return -1;
}

int hl_program_apply(hl_file_result *results, size_t n, const hl_catalog *cat,
                     const hl_scope *scope, const hl_wrappers *declared_wrappers)
{
    program p = {.cat = cat, .scope = scope};
    int rc = -1;
    if (index_functions(&p, results, n) < 0 || resolve_edges(&p, results, n) < 0)
        goto done;
    compute_reach(&p, declared_wrappers);
    compute_fresh(&p, declared_wrappers);
    for (size_t u = 0; u < n; u++)
        for (size_t i = 0; i < results[u].sum.n_calls; i++)
            if (wrapper_finding(&p, &results[u], &results[u].sum.calls[i], declared_wrappers) < 0)
                goto done;
    lx_heat_functions(&p);
    for (size_t u = 0; u < n; u++)
        for (size_t i = 0; i < results[u].n; i++)
            if (lx_heat_finding(&p, &results[u].items[i]) < 0)
                goto done;
    rc = 0;
done:
    free(p.fns);
    free(p.edges);
    free(p.fn_base);
    free(p.fn_map);
    hl_hashmap_free(&p.by_name);
    hl_hashmap_free(&p.by_site);
    hl_hashmap_free(&p.program_files);
    return rc;
}
