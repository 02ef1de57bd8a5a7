/* lint.c - the analyzer's entry point: discovery, parallel parsing, then the
 * results in file order with suppressions applied (suppress.c). */
#include "lint.h"
#include "program.h"
#include "cache.h"
#include "lint_internal.h"
#include "suppress.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct run {
    const hl_catalog *cat;
    const hl_scope *scope;
    hl_sources *src;
    hl_flags *flags;
    hl_file_result *results;
    hl_cache *cache;       /* NULL: no result cache */
    bool *in_context;      /* per source: not in the database: analysed in a file including it */
    unsigned char *active; /* per source and rule: matched there (hl_source.active) */
    atomic_size_t next;
    atomic_size_t done;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} run;

#define HL_MAX_HOSTS 3

static void result_free(hl_file_result *res)
{
    for (size_t k = 0; k < res->n; k++)
        hl_finding_clear(&res->items[k]);
    free(res->items);
    hl_diags_free(&res->errors);
    hl_strv_free(&res->deps);
    hl_strv_free(&res->warnings);
    hl_tu_summary_free(&res->sum);
    memset(res, 0, sizeof *res);
}

/* Keeps the findings located in abs_path. */
static void keep_findings_in(hl_file_result *res, const char *abs_path)
{
    size_t w = 0;
    for (size_t k = 0; k < res->n; k++) {
        if (strcmp(res->items[k].abs_file, abs_path) != 0)
            hl_finding_clear(&res->items[k]);
        else
            res->items[w++] = res->items[k];
    }
    res->n = w;
}

static void warn(hl_file_result *res, const char *path, const char *why)
{
    char msg[16384];
    snprintf(msg, sizeof msg,
             "%s: not analysed: %s; pass -p BUILD-DIR with a compile_commands.json that builds "
             "a file including it, or its flags after -- (e.g. -- -Iinclude -DNAME)",
             path, why);
    hl_strv_push(&res->warnings, msg);
}

/* A header or fragment the database does not build on its own (lstring.h,
 * redis's ae_epoll.c): parsed as part of a translation unit that includes it,
 * with that unit's flags, keeping only the findings in the file itself. The
 * first unit that includes it and parses without errors wins; else the file
 * is parsed alone with the flags of its nearest database entry. When that
 * fails too, the file gets a warning instead of errors: it does not fail the
 * run. */
static void analyze_in_context(run *r, hl_analyzer *a, const hl_source *src, hl_file_result *res)
{
    hl_strv hosts = {0};
    char why[4096] = "";
    if (hl_flags_hosts(r->flags, src->abs_path, HL_MAX_HOSTS, &hosts) < 0) {
        hl_strv_free(&hosts);
        hl_diags_add(&res->errors, HL_DIAG_OUT_OF_MEMORY, src->path, 0, 0, "out of memory");
        return;
    }
    for (size_t h = 0; h < hosts.n; h++) {
        hl_strv args = {0}, key = {0};
        hl_file_result got = {0};
        char marker[PATH_MAX + 32];
        snprintf(marker, sizeof marker, "hotlint-included-by=%s", hosts.v[h]);
        if (hl_flags_for(r->flags, hosts.v[h], &args) < 0 || hl_strv_push(&key, marker) < 0) {
            hl_strv_free(&args);
            hl_strv_free(&key);
            break;
        }
        for (size_t k = 0; k < args.n; k++)
            if (hl_strv_push(&key, args.v[k]) < 0)
                break;
        if (r->cache && key.n == args.n + 1 && hl_cache_lookup(r->cache, src, &key, &got) == 0) {
            *res = got;
            hl_strv_free(&args);
            hl_strv_free(&key);
            hl_strv_free(&hosts);
            return;
        }
        hl_source host = {.path = hl_scope_display(r->scope, hosts.v[h]),
                          .abs_path = hosts.v[h],
                          .named = false,
                          .root = src->root,
                          .active = src->active};
        if (host.path)
            hl_analyze_file(a, &host, &args, &got);
        bool included = false;
        for (size_t k = 0; k < got.deps.n && !included; k++) {
            char rp[PATH_MAX];
            included = !strcmp(got.deps.v[k], src->abs_path) ||
                       (realpath(got.deps.v[k], rp) && !strcmp(rp, src->abs_path));
        }
        if (host.path && included && got.errors.n == 0) {
            keep_findings_in(&got, src->abs_path);
            if (r->cache && key.n == args.n + 1)
                hl_cache_store(r->cache, src, &key, &got, &got.deps);
            *res = got;
            free(host.path);
            hl_strv_free(&args);
            hl_strv_free(&key);
            hl_strv_free(&hosts);
            return;
        }
        if (!why[0] && host.path) {
            if (!included)
                snprintf(why, sizeof why, "%s does not include it with its database flags",
                         host.path);
            else {
                char first[4096];
                snprintf(why, sizeof why, "%s, which includes it, does not parse (%s)", host.path,
                         hl_diag_format(&got.errors.v[0], first, sizeof first));
            }
        }
        free(host.path);
        result_free(&got);
        hl_strv_free(&args);
        hl_strv_free(&key);
    }
    hl_strv_free(&hosts);

    /* Alone, with the flags of the nearest database entry. */
    hl_strv args = {0};
    if (hl_flags_for(r->flags, src->abs_path, &args) < 0) {
        hl_strv_free(&args);
        hl_diags_add(&res->errors, HL_DIAG_OUT_OF_MEMORY, src->path, 0, 0, "out of memory");
        return;
    }
    if (!r->cache || hl_cache_lookup(r->cache, src, &args, res) < 0) {
        hl_analyze_file(a, src, &args, res);
        if (r->cache)
            hl_cache_store(r->cache, src, &args, res, &res->deps);
    }
    hl_strv_free(&args);
    if (res->errors.n > 0) {
        char alone[8192], first[4096];
        snprintf(alone, sizeof alone, "%s%salone it does not parse (%s)",
                 why[0] ? why : "no file in the compile database includes it",
                 why[0] ? "; " : ", and ", hl_diag_format(&res->errors.v[0], first, sizeof first));
        for (size_t k = 0; k < res->n; k++)
            hl_finding_clear(&res->items[k]);
        res->n = 0;
        hl_diags_free(&res->errors);
        warn(res, src->path, alone);
    }
}

static void *worker(void *arg)
{
    run *r = arg;
    hl_analyzer *a = hl_analyzer_new(r->cat, r->scope);
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->src->n)
            break;
        hl_file_result *res = &r->results[i];
        hl_strv args = {0};
        if (a && r->in_context && r->in_context[i]) {
            analyze_in_context(r, a, &r->src->v[i], res);
        } else if (!a || hl_flags_for(r->flags, r->src->v[i].abs_path, &args) < 0) {
            hl_diags_add(&res->errors, HL_DIAG_OUT_OF_MEMORY, r->src->v[i].path, 0, 0,
                         "out of memory");
        } else if (!r->cache || hl_cache_lookup(r->cache, &r->src->v[i], &args, res) < 0) {
            hl_analyze_file(a, &r->src->v[i], &args, res);
            if (r->cache)
                hl_cache_store(r->cache, &r->src->v[i], &args, res, &res->deps);
        }
        hl_strv_free(&args);
        pthread_mutex_lock(&r->lock);
        atomic_fetch_add(&r->done, 1);
        pthread_cond_signal(&r->cond);
        pthread_mutex_unlock(&r->lock);
    }
    hl_analyzer_free(a);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for the workers; draws "parsed N/M files (Ts)" on stderr once the run
 * is longer than a second ($HOTLINT_PROGRESS_AFTER seconds) and stderr is a
 * terminal. */
static void wait_with_progress(run *r, bool progress)
{
    double t0 = now();
    const char *after_env = getenv("HOTLINT_PROGRESS_AFTER");
    double after = after_env && *after_env ? atof(after_env) : 1.0;
    bool drawn = false;
    progress = progress && isatty(STDERR_FILENO);
    pthread_mutex_lock(&r->lock);
    while (atomic_load(&r->done) < r->src->n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&r->cond, &r->lock, &ts);
        double el = now() - t0;
        if (progress && el >= after) {
            fprintf(stderr, "\rhotlint: parsed %zu/%zu files (%.1fs)", atomic_load(&r->done),
                    r->src->n, el);
            drawn = true;
        }
    }
    pthread_mutex_unlock(&r->lock);
    if (drawn)
        fputs("\r\033[K", stderr);
}

static int cmp_finding(const void *pa, const void *pb)
{
    const hl_finding *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    return strcmp(a->rule->id, b->rule->id);
}

static bool same_site(const hl_finding *a, const hl_finding *b)
{
    return a->line == b->line && a->column == b->column && a->rule == b->rule &&
           !strcmp(a->abs_file, b->abs_file);
}

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Keeps the sources whose keep[i] is set, in order, and frees the others.
 * Can't fail. */
static void sources_keep(hl_sources *src, const bool *keep)
{
    size_t w = 0;
    for (size_t i = 0; i < src->n; i++) {
        if (!keep[i]) {
            free(src->v[i].path);
            free(src->v[i].abs_path);
            continue;
        }
        src->v[w++] = src->v[i];
    }
    src->n = w;
}

/* With a compilation database, a directory it builds files from means those
 * files: the others are included by them (redis's ae_epoll.c by ae.c) or not
 * built in this configuration. A directory the database knows nothing of is
 * linted whole, and a file named on the command line always is. Returns 0, or
 * -1 when out of memory with src unchanged. */
static int restrict_to_database(hl_sources *src, size_t n_roots, hl_flags *flags)
{
    bool *restricted = calloc(n_roots ? n_roots : 1, sizeof *restricted);
    bool *keep = calloc(src->n + 1, sizeof *keep);
    if (!restricted || !keep) {
        free(restricted);
        free(keep);
        return -1;
    }
    for (size_t i = 0; i < src->n; i++) {
        bool have_db;
        keep[i] = hl_flags_listed(flags, src->v[i].abs_path, &have_db);
        if (keep[i] && !src->v[i].named)
            restricted[src->v[i].root] = true;
    }
    for (size_t i = 0; i < src->n; i++)
        keep[i] = keep[i] || src->v[i].named || !restricted[src->v[i].root];
    sources_keep(src, keep);
    free(restricted);
    free(keep);
    return 0;
}

/* The rules active in each source, before parsing (opt->rule_active). */
static int compute_active(run *r, const hl_lint_options *opt, const hl_catalog *cat)
{
    size_t nr = cat->n_rules;
    if (!opt->rule_active || nr == 0 || r->src->n == 0)
        return 0;
    if (!(r->active = malloc(r->src->n * nr)))
        return -1;
    for (size_t i = 0; i < r->src->n; i++) {
        unsigned char *row = r->active + i * nr;
        for (size_t k = 0; k < nr; k++)
            row[k] = opt->rule_active(opt->rule_active_user, r->src->v[i].abs_path, &cat->rules[k]);
        r->src->v[i].active = row;
    }
    return 0;
}

/* Discovers the sources and drops those the caller excludes. Returns 1 when
 * there is something to parse, 0 when there is nothing to do (all excluded,
 * or only unreadable files, which the errors name), -1 with err set
 * otherwise (a missing path, no C files, out of memory). */
static int select_sources(const hl_lint_options *opt, hl_sources *src, hl_scope *scope,
                          hl_diags *errors, hl_findings *out, char *err, size_t errlen)
{
    if (hl_discover(opt->paths, opt->n_paths, src, scope, errors, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < errors->n; i++)
        if (hl_findings_add_error(out, &errors->v[i]) < 0)
            goto oom;
    if (opt->skip && src->n > 0) { /* excluded by the caller: not parsed at all */
        bool *keep = calloc(src->n, sizeof *keep);
        if (!keep)
            goto oom;
        for (size_t i = 0; i < src->n; i++)
            keep[i] = !opt->skip(opt->skip_user, src->v[i].abs_path);
        sources_keep(src, keep);
        free(keep);
        if (src->n == 0) /* everything named is excluded: nothing to report */
            return 0;
    }
    if (src->n > 0 || errors->n > 0) /* none left: the errors say why */
        return src->n > 0;
    if (opt->n_paths == 0)
        snprintf(err, errlen, "nothing to lint: no C files (.c) under the current directory");
    else
        snprintf(err, errlen, "nothing to lint: no C files (.c) under %s%s", opt->paths[0],
                 opt->n_paths > 1 ? " and the other paths" : "");
    return -1;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

#define PARSE_STACK_BYTES (8u << 20) /* what libclang gives its own parse threads */

/* -j, else the number of cores; never more than there are files. */
static size_t worker_count(const hl_lint_options *opt, size_t n_files)
{
    int jobs = opt->jobs > 0 ? opt->jobs : cpu_count();
    return (size_t)jobs < n_files ? (size_t)jobs : n_files;
}

/* Parses every source on opt->jobs threads (this one when none start). */
static int run_workers(run *r, const hl_lint_options *opt)
{
    size_t nthreads = worker_count(opt, r->src->n);
    pthread_t *th = calloc(nthreads, sizeof *th);
    if (!th)
        return -1;
    /* libclang parses on a thread of its own with an 8 MiB stack unless told
     * not to; a worker given such a stack can parse in place, which saves a
     * thread start per file and fewer threads make each munmap of a parse's
     * memory flush fewer other CPUs. Set before any thread reads it; the
     * fallback below parses on this thread, with whatever stack it has. */
    setenv("LIBCLANG_NOTHREADS", "1", 0);
    pthread_attr_t attr;
    bool have_attr = pthread_attr_init(&attr) == 0;
    if (have_attr)
        pthread_attr_setstacksize(&attr, PARSE_STACK_BYTES);
    size_t started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&th[started], have_attr ? &attr : NULL, worker, r) != 0)
            break;
    if (have_attr)
        pthread_attr_destroy(&attr);
    if (started == 0)
        worker(r); /* no threads available: do the work here */
    else
        wait_with_progress(r, opt->progress);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    return 0;
}

/* Moves the per-file results into out in file order (so the output does not
 * depend on -j): warnings to stderr, errors once each, findings unless a
 * comment suppressed them; then one finding per site. */
static int collect_results(run *r, hl_findings *out)
{
    for (size_t i = 0; i < r->src->n; i++) {
        hl_file_result *res = &r->results[i];
        for (size_t k = 0; k < res->warnings.n; k++)
            fprintf(stderr, "hotlint: warning: %s\n", res->warnings.v[k]);
        for (size_t k = 0; k < res->errors.n; k++) {
            /* A broken header included everywhere: say it once. */
            bool seen = false;
            for (size_t e = 0; e < out->n_errors && !seen; e++)
                seen = hl_diag_equal(&out->errors[e], &res->errors.v[k]);
            if (!seen && hl_findings_add_error(out, &res->errors.v[k]) < 0)
                return -1;
        }
        for (size_t k = 0; k < res->n; k++) {
            hl_finding *x = &res->items[k];
            if (!x->rule) { /* suppressed */
                hl_finding_clear(x);
                continue;
            }
            if (hl_findings_push(out, x) < 0)
                return -1;
            memset(x, 0, sizeof *x);
        }
    }
    out->files_analyzed = r->src->n;
    if (!out->n)
        return 0;
    qsort(out->items, out->n, sizeof *out->items, cmp_finding);
    /* A header included by several files: one finding per site. */
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (w > 0 && same_site(&out->items[w - 1], &out->items[i])) {
            hl_finding_clear(&out->items[i]);
            continue;
        }
        out->items[w++] = out->items[i];
    }
    out->n = w;
    return 0;
}

int hl_lint_run(const hl_lint_options *opt, const hl_catalog *cat, hl_findings *out, char *err,
                size_t errlen)
{
    hl_sources src = {0};
    hl_scope scope = {0};
    hl_diags errors = {0};
    hl_flags *flags = NULL;
    run r = {0};
    int rc = -1;

    int sel = select_sources(opt, &src, &scope, &errors, out, err, errlen);
    if (sel <= 0) {
        rc = sel;
        goto done;
    }
    bool ok;
    flags = hl_flags_open(opt->compdb_dir, opt->extra_args, opt->n_extra_args, err, errlen, &ok);
    if (!flags)
        goto done;
    if (restrict_to_database(&src, opt->n_paths, flags) < 0)
        goto oom;
    if (!(r.in_context = calloc(src.n, sizeof *r.in_context)))
        goto oom;
    for (size_t i = 0; i < src.n; i++) {
        bool have_db;
        bool listed = hl_flags_listed(flags, src.v[i].abs_path, &have_db);
        /* Named, or under a directory the database builds nothing from. */
        r.in_context[i] = have_db && !listed;
    }

    r.cat = cat;
    r.scope = &scope;
    r.src = &src;
    if (compute_active(&r, opt, cat) < 0)
        goto oom;
    r.flags = flags;
    r.cache = opt->no_cache ? NULL : hl_cache_open(opt->cache_dir, cat, &scope);
    atomic_init(&r.next, 0);
    atomic_init(&r.done, 0);
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.cond, NULL);
    if ((r.results = calloc(src.n, sizeof *r.results)) && run_workers(&r, opt) == 0 &&
        hl_program_apply(r.results, src.n, cat, &scope, opt->wrappers) == 0 &&
        hl_suppress_results(r.results, src.n, worker_count(opt, src.n)) == 0 &&
        collect_results(&r, out) == 0)
        rc = 0;
    else
        snprintf(err, errlen, "out of memory");
    if (r.results) {
        for (size_t i = 0; i < src.n; i++)
            result_free(&r.results[i]);
        free(r.results);
    }
    hl_cache_close(r.cache);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.cond);
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = -1;
done:
    free(r.in_context);
    free(r.active);
    hl_flags_free(flags);
    hl_diags_free(&errors);
    hl_sources_free(&src);
    hl_scope_free(&scope);
    return rc;
}
