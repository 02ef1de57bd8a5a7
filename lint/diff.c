/* diff.c - the lines a change adds or modifies: git's unified diff parsed into ranges per file. */
#include "diff.h"
#include "lint_internal.h"
#include "../base/grow.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- parsing ---- */

static hl_diff_file *add_file(hl_diff *d, char *path)
{
    if (HL_GROW(d->files, d->n, d->cap) < 0)
        return NULL;
    hl_diff_file *f = &d->files[d->n++];
    memset(f, 0, sizeof *f);
    f->path = path;
    return f;
}

static int add_range(hl_diff_file *f, unsigned first, unsigned last)
{
    if (HL_GROW(f->ranges, f->n, f->cap) < 0)
        return -1;
    f->ranges[f->n].first = first;
    f->ranges[f->n].last = last;
    f->n++;
    return 0;
}

/* git's C-style quoting of unusual paths: "a\tb\303\251.c". Returns the
 * unquoted string (allocated), or NULL when out of memory or malformed. */
static char *unquote(const char *s, size_t n)
{
    char *out = malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] != '\\') {
            *w++ = s[i];
            continue;
        }
        if (++i + 1 >= n)
            break;
        char c = s[i];
        if (c >= '0' && c <= '7' && i + 2 < n - 1) {
            *w++ = (char)(((s[i] - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0'));
            i += 2;
            continue;
        }
        switch (c) {
        case 'n':
            *w++ = '\n';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 'a':
            *w++ = '\a';
            break;
        case 'b':
            *w++ = '\b';
            break;
        case 'f':
            *w++ = '\f';
            break;
        case 'v':
            *w++ = '\v';
            break;
        default: /* \\ and \" */
            *w++ = c;
        }
    }
    *w = '\0';
    return out;
}

/* The path of a "+++ " line (without it), or NULL for /dev/null. Sets *oom. */
static char *new_path(const char *s, size_t n, bool no_prefix, bool *oom)
{
    char *p;
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    /* Some diff tools append "\tTIMESTAMP" after an unquoted name. */
    if (n > 0 && s[0] != '"') {
        const char *tab = memchr(s, '\t', n);
        if (tab)
            n = (size_t)(tab - s);
    }
    if (n == 9 && !strncmp(s, "/dev/null", 9))
        return NULL;
    p = n >= 2 && s[0] == '"' && s[n - 1] == '"' ? unquote(s, n) : strndup(s, n);
    if (!p) {
        *oom = true;
        return NULL;
    }
    if (!no_prefix && !strncmp(p, "b/", 2))
        memmove(p, p + 2, strlen(p + 2) + 1);
    return p;
}

/* "123" or "123,45" at *p; advances *p. False when no number is there. */
static bool parse_span(const char **p, const char *end, unsigned long *start, unsigned long *count)
{
    const char *s = *p;
    char *e;
    if (s >= end || *s < '0' || *s > '9')
        return false;
    errno = 0;
    *start = strtoul(s, &e, 10);
    if (errno || *start > UINT_MAX)
        return false;
    *count = 1;
    if (e < end && *e == ',') {
        s = e + 1;
        if (s >= end || *s < '0' || *s > '9')
            return false;
        *count = strtoul(s, &e, 10);
        if (errno || *count > UINT_MAX)
            return false;
    }
    *p = e;
    return true;
}

int hl_diff_parse(const char *text, size_t len, bool no_prefix, hl_diff *out, char *err,
                  size_t errlen)
{
    const char *p = text, *end = text + len;
    hl_diff_file *cur = NULL;
    bool in_file = false; /* after a "+++" line, until the next "diff " header */
    /* Hunk bodies are skipped by their line counts, so a "+++" or "diff "
     * at the start of a line outside one is a header. */
    unsigned lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        lineno++;
        if (n >= 4 && !strncmp(p, "+++ ", 4)) {
            bool oom = false;
            char *path = new_path(p + 4, n - 4, no_prefix, &oom);
            if (oom)
                goto oom;
            cur = NULL;
            if (path && !(cur = add_file(out, path))) {
                free(path);
                goto oom;
            }
            in_file = true;
        } else if (n >= 5 && !strncmp(p, "diff ", 5)) {
            in_file = false;
            cur = NULL;
        } else if (n >= 3 && !strncmp(p, "@@ ", 3) && in_file) {
            const char *q = p + 3;
            unsigned long os, oc, ns, nc;
            if (q >= le || *q++ != '-' || !parse_span(&q, le, &os, &oc) || q >= le || *q++ != ' ' ||
                q >= le || *q++ != '+' || !parse_span(&q, le, &ns, &nc) || q >= le || *q != ' ') {
                snprintf(err, errlen, "diff line %u: malformed hunk header '%.*s'", lineno,
                         (int)(n > 80 ? 80 : n), p);
                return -1;
            }
            if (cur && nc > 0 && add_range(cur, (unsigned)ns, (unsigned)(ns + nc - 1)) < 0)
                goto oom;
            /* Skip the hunk's body: its lines may start with "+++" or "diff". */
            unsigned long left_old = oc, left_new = nc;
            p = nl ? nl + 1 : end;
            while (p < end && (left_old > 0 || left_new > 0)) {
                const char *bnl = memchr(p, '\n', (size_t)(end - p));
                char c = *p;
                lineno++;
                if (c == '-' && left_old > 0)
                    left_old--;
                else if (c == '+' && left_new > 0)
                    left_new--;
                else if (c == ' ' || c == '\n') {
                    if (left_old > 0)
                        left_old--;
                    if (left_new > 0)
                        left_new--;
                } else if (c != '\\')
                    break; /* a short hunk: let the outer loop see this line */
                p = bnl ? bnl + 1 : end;
            }
            continue;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory reading the diff");
    return -1;
}

/* ---- running git ---- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static int buf_read(buf *b, int fd)
{
    if (hl_grow_to((void **)&b->p, &b->cap, b->n + 4096, 1, NULL) < 0)
        return -1;
    ssize_t k = read(fd, b->p + b->n, b->cap - b->n - 1);
    if (k < 0)
        return errno == EINTR ? 1 : -1;
    b->n += (size_t)k;
    b->p[b->n] = '\0';
    return k == 0 ? 0 : 1;
}

/* Runs argv (argv[0] looked up on PATH) with stdin from /dev/null; collects
 * stdout and stderr. Returns the exit status (0..255), 127 when it could not
 * be run, or -1 when out of memory. */
static int run_capture(char *const argv[], buf *out, buf *errout)
{
    int po[2], pe[2];
    if (pipe(po) < 0)
        return 127;
    if (pipe(pe) < 0) {
        close(po[0]);
        close(po[1]);
        return 127;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        return 127;
    }
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        close(po[1]);
        close(pe[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
    int open_fds = 2, rc = 0;
    while (open_fds > 0 && rc == 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < 2; k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int r = buf_read(k == 0 ? out : errout, fds[k].fd);
            if (r < 0)
                rc = -1;
            if (r <= 0) {
                close(fds[k].fd);
                fds[k].fd = -1;
                open_fds--;
            }
        }
    }
    for (int k = 0; k < 2; k++)
        if (fds[k].fd >= 0)
            close(fds[k].fd);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (rc < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 127;
}

/* The first line of git's message, without "fatal: ". */
static const char *first_line(buf *b, char *tmp, size_t tmplen)
{
    const char *s = b->p ? b->p : "";
    if (!strncmp(s, "fatal: ", 7))
        s += 7;
    snprintf(tmp, tmplen, "%.*s", (int)strcspn(s, "\n"), s);
    return tmp;
}

int hl_diff_from_git(const char *rev, hl_diff *out, char *err, size_t errlen)
{
    buf o = {0}, e = {0};
    char line[1024], top[PATH_MAX];
    int rc = -1, st;

    char *top_argv[] = {"git", "rev-parse", "--show-toplevel", NULL};
    st = run_capture(top_argv, &o, &e);
    if (st == 127) {
        snprintf(err, errlen, "--diff: cannot run git (is it installed and on PATH?)");
        goto done;
    }
    if (st != 0 || !o.p || !o.n) {
        snprintf(err, errlen,
                 "--diff: the working directory is not in a git repository (%s); run hotlint "
                 "inside the repository, or lint without --diff",
                 st < 0 ? "out of memory" : first_line(&e, line, sizeof line));
        goto done;
    }
    o.p[strcspn(o.p, "\n")] = '\0';
    if (!realpath(o.p, top))
        snprintf(top, sizeof top, "%s", o.p);
    if (!(out->top = strdup(top)))
        goto oom;

    if (rev) {
        o.n = e.n = 0;
        size_t rl = strlen(rev) + 16;
        char *spec = malloc(rl);
        if (!spec)
            goto oom;
        snprintf(spec, rl, "%s^{commit}", rev);
        char *rp_argv[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                           spec,  NULL};
        st = run_capture(rp_argv, &o, &e);
        free(spec);
        if (st != 0) {
            snprintf(err, errlen,
                     "--diff: '%s' is neither a commit git knows in %s nor an existing path "
                     "(try a branch, tag or commit, e.g. --diff origin/main; fetch it first in "
                     "a shallow clone)",
                     rev, top);
            goto done;
        }
    }
    o.n = e.n = 0;
    /* Fixed prefixes and no external tools or colour, whatever the user's
     * git configuration says; renames detected, so a moved file is not new. */
    char *diff_argv[16];
    int k = 0;
    diff_argv[k++] = "git";
    diff_argv[k++] = "-c";
    diff_argv[k++] = "core.quotePath=true";
    diff_argv[k++] = "diff";
    diff_argv[k++] = "--no-ext-diff";
    diff_argv[k++] = "--no-color";
    diff_argv[k++] = "--src-prefix=a/";
    diff_argv[k++] = "--dst-prefix=b/";
    diff_argv[k++] = "-M";
    diff_argv[k++] = "-U0";
    if (!rev)
        diff_argv[k++] = "--cached";
    else
        diff_argv[k++] = (char *)rev;
    diff_argv[k++] = "--";
    diff_argv[k] = NULL;
    st = run_capture(diff_argv, &o, &e);
    if (st != 0) {
        snprintf(err, errlen, "--diff: git diff failed in %s (%s)", top,
                 st < 0 ? "out of memory" : first_line(&e, line, sizeof line));
        goto done;
    }
    if (hl_diff_parse(o.p ? o.p : "", o.n, false, out, err, errlen) < 0)
        goto done;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
done:
    free(o.p);
    free(e.p);
    return rc;
}

/* ---- queries ---- */

bool hl_diff_touches(const hl_diff *d, const char *abs_path, unsigned first, unsigned last)
{
    const char *rel = abs_path;
    if (d->top) {
        size_t tl = strlen(d->top);
        if (strncmp(abs_path, d->top, tl) != 0 || (abs_path[tl] != '/' && tl != 1))
            return false;
        rel = abs_path + tl + (tl != 1);
    }
    if (last < first)
        last = first;
    for (size_t i = 0; i < d->n; i++) {
        const hl_diff_file *f = &d->files[i];
        if (strcmp(f->path, rel) != 0)
            continue;
        for (size_t r = 0; r < f->n; r++)
            if (f->ranges[r].first <= last && first <= f->ranges[r].last)
                return true;
    }
    return false;
}

bool hl_diff_touches_finding(const hl_diff *d, const hl_finding *x)
{
    const char *path = x->abs_file ? x->abs_file : x->file;
    if (!path)
        return false;
    if (hl_diff_touches(d, path, x->line, x->end_line))
        return true;
    return x->loop_start_line && hl_diff_touches(d, path, x->loop_start_line, x->loop_start_line);
}

size_t hl_diff_filter(const hl_diff *d, hl_findings *f)
{
    size_t w = 0, dropped = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (hl_diff_touches_finding(d, &f->items[i])) {
            f->items[w++] = f->items[i];
        } else {
            hl_finding_clear(&f->items[i]);
            dropped++;
        }
    }
    f->n = w;
    return dropped;
}

void hl_diff_free(hl_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->files[i].path);
        free(d->files[i].ranges);
    }
    free(d->files);
    free(d->top);
    memset(d, 0, sizeof *d);
}
