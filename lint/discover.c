/* discover.c - turns the paths on the command line into the C files to parse. */
#include "lint_internal.h"
#include "../base/grow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && !strcmp(name + n - e, ext);
}

static bool is_c_name(const char *name)
{
    return has_ext(name, ".c") || has_ext(name, ".h");
}

/* Build trees hold generated or copied code: skip them like hidden directories. */
static bool skip_dir(const char *dir, const char *name)
{
    if (name[0] == '.')
        return true;
    if (!strcmp(name, "build") || !strncmp(name, "build-", 6) || !strncmp(name, "cmake-build-", 12))
        return true;
    char p[PATH_MAX];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s/CMakeCache.txt", dir, name);
    return stat(p, &st) == 0;
}

/* What a non-regular file is, for the message refusing it. */
static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
           : S_ISDIR(m)  ? "a directory"
                         : "of an unknown kind";
}

/* Checks a file is readable C text; appends a one-line error naming it if not. */
static bool check_file(const char *shown, const char *path, bool named, hl_diags *errors)
{
    char msg[PATH_MAX + 128];
    if (!is_c_name(path)) {
        if (named) {
            hl_diags_add(errors, HL_DIAG_INPUT, shown, 0, 0,
                         "not a C source file (expected a .c or .h file)");
        }
        return false;
    }
    /* stat first, and O_NONBLOCK: a FIFO, device or socket must not block the
     * run; fstat checks what was opened is still the regular file. */
    struct stat st;
    int fd = -1;
    if (stat(path, &st) < 0 ||
        (S_ISREG(st.st_mode) && (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)) {
        snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
        hl_diags_add(errors, HL_DIAG_INPUT, shown, 0, 0, msg);
        return false;
    }
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, sizeof msg, "not a regular file (%s); skipped", file_kind(st.st_mode));
        hl_diags_add(errors, HL_DIAG_INPUT, shown, 0, 0, msg);
        if (fd >= 0)
            close(fd);
        return false;
    }
    unsigned char buf[8192];
    ssize_t got = 0;
    size_t n = 0;
    while (n < sizeof buf &&
           ((got = read(fd, buf + n, sizeof buf - n)) > 0 || (got < 0 && errno == EINTR)))
        if (got > 0)
            n += (size_t)got;
    bool bad = n < sizeof buf && got < 0;
    int e = errno;
    close(fd);
    if (bad) {
        snprintf(msg, sizeof msg, "cannot read: %s", strerror(e));
        hl_diags_add(errors, HL_DIAG_INPUT, shown, 0, 0, msg);
        return false;
    }
    if (memchr(buf, '\0', n)) {
        hl_diags_add(errors, HL_DIAG_INPUT, shown, 0, 0, "binary file, not C source; skipped");
        return false;
    }
    return true;
}

static int add_source(hl_sources *out, const char *shown, const char *abs, bool named, size_t root)
{
    if (HL_GROW(out->v, out->n, out->cap) < 0)
        return -1;
    hl_source *s = &out->v[out->n];
    s->path = strdup(shown);
    s->abs_path = strdup(abs);
    s->named = named;
    s->root = root;
    s->active = NULL; /* every rule, unless hl_lint_run narrows it */
    if (!s->path || !s->abs_path) {
        free(s->path);
        free(s->abs_path);
        return -1;
    }
    out->n++;
    return 0;
}

/* Directories already visited (device, inode): breaks symlink loops. */
struct seen {
    dev_t *dev;
    ino_t *ino;
    size_t n, cap;
};

static bool seen_add(struct seen *s, const struct stat *st)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->dev[i] == st->st_dev && s->ino[i] == st->st_ino)
            return false;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        dev_t *nd = realloc(s->dev, nc * sizeof *nd);
        if (!nd)
            return false;
        s->dev = nd;
        ino_t *ni = realloc(s->ino, nc * sizeof *ni);
        if (!ni)
            return false;
        s->ino = ni;
        s->cap = nc;
    }
    s->dev[s->n] = st->st_dev;
    s->ino[s->n++] = st->st_ino;
    return true;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *shown, struct seen *seen, hl_sources *out, hl_diags *errors,
                size_t root)
{
    struct stat st;
    char msg[PATH_MAX + 128];
    if (stat(shown, &st) < 0 || !seen_add(seen, &st))
        return 0; /* dangling link or already visited (symlink loop) */
    DIR *d = opendir(shown);
    if (!d) {
        snprintf(msg, sizeof msg, "cannot open directory: %s", strerror(errno));
        return hl_diags_add(errors, HL_DIAG_INPUT, shown, 0, 0, msg);
    }
    hl_strv names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            hl_strv_push(&names, e->d_name);
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_name);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        char p[PATH_MAX];
        if (!strcmp(shown, "."))
            snprintf(p, sizeof p, "%s", names.v[i]);
        else
            snprintf(p, sizeof p, "%s%s%s", shown, shown[strlen(shown) - 1] == '/' ? "" : "/",
                     names.v[i]);
        if (stat(p, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (!skip_dir(shown, names.v[i]))
                rc = walk(p, seen, out, errors, root);
        } else if (S_ISREG(st.st_mode) && has_ext(names.v[i], ".c") &&
                   check_file(p, p, false, errors)) {
            char abs[PATH_MAX];
            if (realpath(p, abs))
                rc = add_source(out, p, abs, false, root);
        }
    }
    hl_strv_free(&names);
    return rc;
}

static int cmp_source(const void *a, const void *b)
{
    return strcmp(((const hl_source *)a)->abs_path, ((const hl_source *)b)->abs_path);
}

int hl_discover(const char *const *paths, size_t n_paths, hl_sources *out, hl_scope *scope,
                hl_diags *errors, char *err, size_t errlen)
{
    static const char *const dot[] = {"."};
    char cwd[PATH_MAX];
    struct seen seen = {0};
    if (n_paths == 0) {
        paths = dot;
        n_paths = 1;
    }
    if (!getcwd(cwd, sizeof cwd)) {
        snprintf(err, errlen, "cannot determine the working directory: %s", strerror(errno));
        return -1;
    }
    if (!(scope->cwd = strdup(cwd)))
        goto oom;
    for (size_t i = 0; i < n_paths; i++) {
        struct stat st;
        char abs[PATH_MAX];
        if (stat(paths[i], &st) < 0 || !realpath(paths[i], abs)) {
            snprintf(err, errlen, "%s: no such file or directory", paths[i]);
            goto fail;
        }
        if (hl_strv_push(&scope->roots, abs) < 0 || hl_strv_push(&scope->displays, paths[i]) < 0)
            goto oom;
        if (S_ISDIR(st.st_mode)) {
            if (walk(paths[i], &seen, out, errors, i) < 0)
                goto oom;
        } else if (check_file(paths[i], paths[i], true, errors)) {
            if (add_source(out, paths[i], abs, true, i) < 0)
                goto oom;
        }
    }
    free(seen.dev);
    free(seen.ino);
    /* Sorted and unique by resolved path: a file named twice is parsed once. */
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, cmp_source);
    size_t w = 0;
    for (size_t r = 0; r < out->n; r++) {
        if (w > 0 && !strcmp(out->v[w - 1].abs_path, out->v[r].abs_path)) {
            out->v[w - 1].named |= out->v[r].named;
            free(out->v[r].path);
            free(out->v[r].abs_path);
            continue;
        }
        out->v[w++] = out->v[r];
    }
    out->n = w;
    return 0;
oom:
    snprintf(err, errlen, "out of memory while listing the files to lint");
fail:
    free(seen.dev);
    free(seen.ino);
    return -1;
}

void hl_sources_free(hl_sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].abs_path);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

void hl_scope_free(hl_scope *s)
{
    hl_strv_free(&s->roots);
    hl_strv_free(&s->displays);
    free(s->cwd);
    memset(s, 0, sizeof *s);
}

bool hl_scope_contains(const hl_scope *s, const char *abs_path)
{
    for (size_t i = 0; i < s->roots.n; i++) {
        const char *r = s->roots.v[i];
        size_t n = strlen(r);
        if (!strncmp(abs_path, r, n) &&
            (abs_path[n] == '\0' || abs_path[n] == '/' || (n == 1 && r[0] == '/')))
            return true;
    }
    return false;
}

char *hl_scope_display(const hl_scope *s, const char *abs_path)
{
    bool relative = false;
    for (size_t i = 0; i < s->displays.n; i++)
        if (s->displays.v[i][0] != '/')
            relative = true;
    size_t n = strlen(s->cwd);
    if (relative && !strncmp(abs_path, s->cwd, n) && abs_path[n] == '/')
        return strdup(abs_path + n + 1);
    return strdup(abs_path);
}
