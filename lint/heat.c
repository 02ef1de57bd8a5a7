/* heat.c - how often code runs, from the call graph: a function called in a
 * loop of code that is not cold is hot, one called as often as its caller
 * runs as often, and one reached only from cold places (error paths,
 * verbosity tests, loops over the program's arguments, usage, help, debug
 * and init functions) is cold. A finding's heat combines that with its own
 * evidence (heat_local.c): cold evidence wins, then hot. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

/* Words of a function's name that mark code run once, on request or on
 * failure: "usage", "printHelp", "debugCommand", "luaL_openlibs",
 * "initServer", "luaL_error", "serverPanic". */
static const char *const cold_words[] = {
    "usage",   "help",      "version",   "debug",    "admin",  "init",      "initialize",
    "setup",   "startup",   "open",      "openlibs", "config", "configure", "getopt",
    "options", "error",     "panic",     "fatal",    "die",    "abort",     "oom",
    "assert",  "traceback", "backtrace", "crash"};
/* And for a callee only: a log line in a loop is no cost to hoist
 * ("serverLog", "log_debug"), while a function that writes logs as its work
 * ("log_batch") may be hot. */
static const char *const callee_cold_words[] = {"log", "trace", "warn", "warning"};

static bool in_words(const char *w, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, v[i]))
            return true;
    return false;
}

/* Splits a name into lower-case words at '_', digits and case changes, and
 * returns the cold word it holds, or NULL. */
/* Failure words count inside a word too: "luaL_argerror", "zpanic". */
static const char *const failure_parts[] = {"error",  "panic",     "fatal",     "abort",
                                            "assert", "traceback", "backtrace", "crash"};

const char *lx_cold_word(const char *name, bool as_callee)
{
    char low[128];
    size_t ln = 0;
    for (const char *q = name; *q && ln + 1 < sizeof low; q++)
        low[ln++] = (char)tolower((unsigned char)*q);
    low[ln] = 0;
    for (size_t i = 0; i < sizeof failure_parts / sizeof failure_parts[0]; i++)
        if (strstr(low, failure_parts[i]))
            return failure_parts[i];
    char word[64];
    size_t n = 0;
    for (const char *p = name;; p++) {
        bool boundary =
            !*p || *p == '_' || isdigit((unsigned char)*p) ||
            (isupper((unsigned char)*p) && n > 0 && p > name && islower((unsigned char)p[-1]));
        if (boundary && n > 0) {
            word[n] = 0;
            for (size_t i = 0; i < sizeof cold_words / sizeof cold_words[0]; i++)
                if (!strcmp(word, cold_words[i]))
                    return cold_words[i];
            if (as_callee && in_words(word, callee_cold_words,
                                      sizeof callee_cold_words / sizeof callee_cold_words[0]))
                return "log";
            n = 0;
        }
        if (!*p)
            return NULL;
        if (isalpha((unsigned char)*p) && n + 1 < sizeof word)
            word[n++] = (char)tolower((unsigned char)*p);
    }
}

/* What an edge gives its callee, from the caller's level. */
static hl_heat edge_gives(hl_edge_kind k, hl_heat caller)
{
    switch (k) {
    case HL_EDGE_COLD:
        return HL_HEAT_COLD;
    case HL_EDGE_LOOP:
        return caller == HL_HEAT_COLD ? HL_HEAT_COLD : HL_HEAT_HOT;
    case HL_EDGE_PER_ARG:
        /* option handling: a function called per command-line argument */
        return HL_HEAT_COLD;
    case HL_EDGE_ONCE:
        break;
    }
    return caller;
}

/* An edge's kind, seen whole-program: a loop in a main that parses options
 * runs per command-line item (files, commands), like its option loop. */
static hl_edge_kind edge_kind_of(const program *p, const prog_edge *e)
{
    const hl_fn_summary *caller = p->fns[e->caller].s;
    if (e->e->kind == HL_EDGE_LOOP && caller->parses_options && !strcmp(caller->name, "main"))
        return HL_EDGE_PER_ARG;
    return e->e->kind;
}

void lx_heat_functions(program *p)
{
    /* A command-line program's main file: main itself loops over its arguments. */
    for (size_t i = 0; i < p->n_fns; i++) {
        const hl_fn_summary *s = p->fns[i].s;
        size_t one = 1;
        if (s->parses_options && !strcmp(s->name, "main") &&
            hl_hashmap_get_or_put(&p->program_files, s->abs_file, strlen(s->abs_file), &one) < 0)
            break; /* out of memory: no file is a program file */
    }
    for (size_t i = 0; i < p->n_fns; i++) {
        prog_fn *f = &p->fns[i];
        f->why_own = lx_cold_word(f->s->name, false);
        f->level = f->why_own ? HL_HEAT_COLD : HL_HEAT_WARM;
    }
    /* A function the program calls starts cold and rises with its callers;
     * one nothing calls is called from outside (an API, a callback, a
     * command table): warm. Its first caller explains a cold level. */
    for (size_t i = 0; i < p->n_edges; i++) {
        prog_fn *to = &p->fns[p->edges[i].callee];
        if (p->edges[i].callee != p->edges[i].caller && to->why_edge == SIZE_MAX && !to->why_own) {
            to->level = HL_HEAT_COLD;
            to->why_edge = i;
        }
    }
    /* Levels only rise, so this ends; the rounds bound a long chain's cost. */
    for (int round = 0; round < 64; round++) {
        bool changed = false;
        for (size_t i = 0; i < p->n_edges; i++) {
            const prog_edge *e = &p->edges[i];
            prog_fn *to = &p->fns[e->callee];
            if (to->why_own)
                continue;
            hl_heat g = edge_gives(edge_kind_of(p, e), p->fns[e->caller].level);
            if (g > to->level) {
                to->level = g;
                to->why_edge = i;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
}

/* "called in a loop in processInputBuffer (networking.c:2345)", following
 * the callers that gave the level up to the loop or the cold place. */
static void explain_function(const program *p, size_t fn, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = 0;
    for (int step = 0; fn != SIZE_MAX && step < 4 && len + 1 < outlen; step++) {
        const prog_fn *f = &p->fns[fn];
        if (f->why_own) {
            snprintf(out + len, outlen - len, "%s%s is a %s function, by its name",
                     step ? ", and " : "", f->s->name, f->why_own);
            return;
        }
        if (f->why_edge == SIZE_MAX) {
            if (step == 0)
                snprintf(out + len, outlen - len, "%s has no callers in the program", f->s->name);
            return;
        }
        const prog_edge *e = &p->edges[f->why_edge];
        const prog_fn *caller = &p->fns[e->caller];
        char *shown = hl_scope_display(p->scope, caller->s->abs_file);
        static const char *const how[] = {[HL_EDGE_ONCE] = "called by",
                                          [HL_EDGE_LOOP] = "called in a loop in",
                                          [HL_EDGE_PER_ARG] = "called per command-line item in",
                                          [HL_EDGE_COLD] =
                                              "called on an error path or under a debug test in"};
        int w = snprintf(out + len, outlen - len, "%s%s %s %s (%s:%u)", step ? ", " : "",
                         step ? "itself" : f->s->name, how[edge_kind_of(p, e)], caller->s->name,
                         shown ? shown : caller->s->abs_file, e->e->line);
        free(shown);
        if (w < 0 || (size_t)w >= outlen - len)
            return;
        len += (size_t)w;
        if (edge_kind_of(p, e) != HL_EDGE_ONCE)
            return;
        fn = e->caller;
    }
}

/* Test programs and their runners: cold whatever the call graph says. The
 * path counts below the directory the user named (its tests/ folder, a
 * test_x.c or x_test.c), not above it: a project kept under tests/ is not a test. */
static bool is_test_file(const program *p, const char *abs)
{
    const char *rel = NULL;
    for (size_t i = 0; i < p->scope->roots.n; i++) {
        const char *r = p->scope->roots.v[i];
        size_t n = strlen(r);
        if (!strncmp(abs, r, n) && (abs[n] == '/' || !abs[n])) {
            const char *rest = abs[n] ? abs + n : strrchr(abs, '/');
            if (!rel || strlen(rest) < strlen(rel))
                rel = rest;
        }
    }
    if (!rel)
        return false;
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t n = strlen(base);
    return strstr(rel, "/test/") || strstr(rel, "/tests/") || strstr(rel, "/testing/") ||
           !strncmp(base, "test_", 5) || (n > 7 && !strcmp(base + n - 7, "_test.c"));
}

/* Whether the callers that made fn hot lead out of its own file. */
static bool hot_from_elsewhere(const program *p, size_t fn)
{
    const char *file = p->fns[fn].s->abs_file;
    for (int step = 0; fn != SIZE_MAX && step < 8; step++) {
        size_t e = p->fns[fn].why_edge;
        if (e == SIZE_MAX)
            return false;
        size_t caller = p->edges[e].caller;
        if (strcmp(p->fns[caller].s->abs_file, file))
            return true;
        fn = caller;
    }
    return false;
}

int lx_heat_finding(const program *p, hl_finding *x)
{
    hl_heat local = x->heat ? x->heat : HL_HEAT_WARM;
    if (local == HL_HEAT_COLD) {
        x->heat = HL_HEAT_COLD;
        return 0;
    }
    if (is_test_file(p, x->abs_file)) {
        x->heat = HL_HEAT_COLD;
        return hl_finding_add_heat_reason(x, "in test code");
    }
    size_t fn = x->function ? lx_prog_fn_at(p, x->abs_file, x->function_start_line) : SIZE_MAX;
    hl_heat level = fn != SIZE_MAX ? p->fns[fn].level : HL_HEAT_WARM;
    char why[768] = "";
    if (fn != SIZE_MAX && level != HL_HEAT_WARM)
        explain_function(p, fn, why, sizeof why);
    if (level == HL_HEAT_COLD) {
        x->heat = HL_HEAT_COLD;
        return why[0] ? hl_finding_add_heat_reason(x, why) : 0;
    }
    size_t dummy;
    if (hl_hashmap_find(&p->program_files, x->abs_file, strlen(x->abs_file), &dummy) &&
        !(level == HL_HEAT_HOT && fn != SIZE_MAX && hot_from_elsewhere(p, fn))) {
        /* The driver of a command-line program: its loops run per input,
         * per command or per file, and the work is done elsewhere. */
        x->heat = HL_HEAT_COLD;
        return hl_finding_add_heat_reason(
            x, "in a command-line program's main file (its main loops over the arguments)");
    }
    x->heat = level > local ? level : local;
    if (fn != SIZE_MAX && level == HL_HEAT_WARM)
        explain_function(p, fn, why, sizeof why);
    if (why[0])
        return hl_finding_add_heat_reason(x, why);
    return 0;
}
