/* suppress.c - the source text of files with findings, read once each: the
 * line shown under a finding, and the comments that suppress it
 * ("hotlint: ignore HL001 reason", "NOLINT(hotlint-...)"). */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/atomic_file.h"
#include "suppress.h"
#include "../base/grow.h"
#include "lint_internal.h"

#define HL_TEXT_MAX_BYTES ((size_t)1 << 30) /* a larger "source" is not shown */

/* ---- source hl_text, for carets and suppressions ---- */

hl_text *hl_text_get(hl_texts *ts, const char *abs)
{
    for (size_t i = 0; i < ts->n; i++)
        if (!strcmp(ts->v[i].abs, abs))
            return &ts->v[i];
    if (HL_GROW(ts->v, ts->n, ts->cap) < 0)
        return NULL;
    hl_text *t = &ts->v[ts->n++];
    memset(t, 0, sizeof *t);
    if (!(t->abs = strdup(abs))) {
        ts->n--;
        return NULL;
    }
    char *buf;
    size_t len;
    if (hl_file_read_all(AT_FDCWD, abs, 0, HL_TEXT_MAX_BYTES, &buf, &len) < 0)
        return t;
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += buf[i] == '\n';
    t->line_off = malloc(nl * sizeof *t->line_off);
    if (!t->line_off) {
        free(buf);
        return t;
    }
    t->line_off[0] = 0;
    t->n_lines = 1;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            t->line_off[t->n_lines++] = i + 1;
    t->buf = buf;
    return t;
}

/* Line n (1-based) as a new string without its newline, or NULL. */
char *hl_text_line(const hl_text *t, unsigned n)
{
    if (!t || !t->buf || n == 0 || n > t->n_lines)
        return NULL;
    const char *s = t->buf + t->line_off[n - 1];
    size_t len = strcspn(s, "\n");
    if (len && s[len - 1] == '\r')
        len--;
    return strndup(s, len);
}

void hl_texts_free(hl_texts *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->v[i].abs);
        free(ts->v[i].buf);
        free(ts->v[i].line_off);
    }
    free(ts->v);
}

static bool names_rule(const char *word, size_t n, const hl_rule *r)
{
    return (strlen(r->id) == n && !strncasecmp(word, r->id, n)) ||
           (strlen(r->name) == n && !strncmp(word, r->name, n)) ||
           (n == 3 && !strncmp(word, "all", 3));
}

/* "hotlint: ignore HL001,HL002 reason": true when the list after key names r. */
static bool marker_names(const char *line, const char *key, const hl_rule *r)
{
    const char *p = line;
    size_t kl = strlen(key);
    while ((p = strstr(p, "hotlint:"))) {
        p += 8;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, key, kl) || (p[kl] != ' ' && p[kl] != '\t' && p[kl] != '\0'))
            continue;
        p += kl;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == ',')
                p++;
            size_t n = strcspn(p, " \t,*/");
            if (n == 0)
                break;
            if (names_rule(p, n, r))
                return true;
            /* Only a list of ids or names: the reason starts at the first other word. */
            bool is_id = (p[0] == 'H' || p[0] == 'h') && (p[1] == 'L' || p[1] == 'l');
            bool has_dash = memchr(p, '-', n) != NULL;
            if (!is_id && !has_dash)
                break;
            p += n;
        }
    }
    return false;
}

/* NOLINT(hotlint-HL001, hotlint-*) or NOLINTNEXTLINE(...) naming r. */
static bool nolint_names(const char *line, const char *key, const hl_rule *r)
{
    const char *p = line;
    size_t kl = strlen(key);
    while ((p = strstr(p, key))) {
        p += kl;
        if (*p != '(')
            continue;
        const char *end = strchr(p, ')');
        if (!end)
            return false;
        for (const char *q = p + 1; q < end;) {
            while (q < end && (*q == ' ' || *q == ','))
                q++;
            size_t n = 0;
            while (q + n < end && q[n] != ',' && q[n] != ' ')
                n++;
            if (n >= 8 && !strncmp(q, "hotlint-", 8)) {
                if ((n == 9 && q[8] == '*') || names_rule(q + 8, n - 8, r))
                    return true;
            } else if (n == 7 && !strncmp(q, "hotlint", 7)) {
                return true;
            }
            q += n;
        }
        p = end;
    }
    return false;
}

bool hl_suppressed(const hl_text *t, unsigned line, const hl_rule *r)
{
    char *cur = hl_text_line(t, line);
    char *prev = line > 1 ? hl_text_line(t, line - 1) : NULL;
    bool s = (cur && (marker_names(cur, "ignore", r) || (nolint_names(cur, "NOLINT", r)))) ||
             (prev && (marker_names(prev, "ignore-next-line", r) ||
                       nolint_names(prev, "NOLINTNEXTLINE", r)));
    free(cur);
    free(prev);
    return s;
}

/* Drops the suppressed sites of x; when its own site is suppressed, its
 * first further site that is not takes its place; when none is left, x's
 * rule becomes NULL. */
static void apply_suppressions(const hl_text *t, hl_finding *x)
{
    size_t w = 0;
    for (size_t i = 0; i < x->n_notes; i++) {
        hl_note *n = &x->notes[i];
        if (n->end_line && hl_suppressed(t, n->line, x->rule)) {
            free(n->file);
            free(n->message);
            continue;
        }
        x->notes[w++] = *n;
    }
    x->n_notes = w;
    if (!hl_suppressed(t, x->line, x->rule))
        return;
    for (size_t i = 0; i < x->n_notes; i++) {
        hl_note *n = &x->notes[i];
        if (!n->end_line)
            continue;
        x->line = n->line;
        x->column = n->column;
        x->end_line = n->end_line;
        x->end_column = n->end_column;
        free(n->file);
        free(n->message);
        memmove(n, n + 1, (x->n_notes - i - 1) * sizeof *n);
        x->n_notes--;
        return;
    }
    x->rule = NULL;
}

typedef struct suppress_run {
    hl_file_result *results;
    size_t n;
    size_t next;
    pthread_mutex_t lock;
} suppress_run;

/* One worker: takes files in turn, with texts of its own (a header with
 * findings from several units may be read by more than one worker). */
static void *suppress_worker(void *arg)
{
    suppress_run *sr = arg;
    hl_texts ts = {0};
    for (;;) {
        pthread_mutex_lock(&sr->lock);
        size_t i = sr->next++;
        pthread_mutex_unlock(&sr->lock);
        if (i >= sr->n)
            break;
        hl_file_result *res = &sr->results[i];
        for (size_t k = 0; k < res->n; k++) {
            hl_finding *x = &res->items[k];
            const hl_text *t = x->abs_file ? hl_text_get(&ts, x->abs_file) : NULL;
            if (t)
                apply_suppressions(t, x);
            if (x->rule && !x->source_line)
                x->source_line = hl_text_line(t, x->line);
        }
    }
    hl_texts_free(&ts);
    return NULL;
}

int hl_suppress_results(hl_file_result *results, size_t n, size_t jobs)
{
    suppress_run sr = {.results = results, .n = n};
    pthread_t th[64];
    size_t started = 0;
    if (jobs > sizeof th / sizeof th[0])
        jobs = sizeof th / sizeof th[0];
    pthread_mutex_init(&sr.lock, NULL);
    for (; started < jobs; started++)
        if (pthread_create(&th[started], NULL, suppress_worker, &sr) != 0)
            break;
    if (started == 0)
        suppress_worker(&sr); /* no threads available: do the work here */
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&sr.lock);
    return 0;
}
