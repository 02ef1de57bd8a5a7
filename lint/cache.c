/* cache.c - the per-file result cache: manifest of the files a parse read, and its findings. */
#include "cache.h"
#include "atomic_file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_MAGIC        "HLCACHE 2"
#define CACHE_TOUCH_SECS   (24 * 3600)         /* refresh a used entry's mtime at most daily */
#define CACHE_MAX_AGE_SECS (14 * 24 * 3600)    /* entries unused this long are removed */
#define CACHE_ENTRY_MAX    ((size_t)256 << 20) /* a larger entry is not one of ours */
#define ENTRY_NAME_LEN     30                  /* hex digits of an entry's name */
#define STAMP_NAME         "last-clean"        /* its mtime: the last clean-up */
/* The marker: a Cache Directory Tagging Specification tag (backup tools skip
 * the directory) whose second line says the directory is hotlint's. */
#define MARKER_NAME "CACHEDIR.TAG"
#define MARKER_TEXT                                                                                \
    "Signature: 8a477f597d28d172789f06886806bc55\n"                                                \
    "# hotlint result cache: hotlint made this directory and removes what it stored in it\n"

struct hl_cache {
    char dir[PATH_MAX]; /* as named, for messages */
    int dfd;            /* the directory, opened once: everything is relative to it */
    const hl_catalog *cat;
    const hl_scope *scope;
    uint64_t base[2]; /* hash of the binary, the catalog and the scope */
    time_t started;
    atomic_size_t seq;
};

typedef struct {
    uint64_t h[2];
} hash2;

static void h_init(hash2 *h, const uint64_t seed[2])
{
    h->h[0] = seed ? seed[0] : 14695981039346656037ULL;
    h->h[1] = seed ? seed[1] : 0x84222325cbf29ce4ULL;
}

static void h_add(hash2 *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t a = h->h[0], b = h->h[1];
    for (size_t i = 0; i < n; i++) {
        a = (a ^ p[i]) * 1099511628211ULL;
        b = (b ^ p[i]) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
    h->h[0] = a;
    h->h[1] = b;
}

static void h_str(hash2 *h, const char *s)
{
    s = s ? s : "";
    h_add(h, s, strlen(s) + 1);
}

/* Content hash of a file; -1 when it cannot be read. */
static int hash_file(const char *path, uint64_t *out)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    hash2 h;
    if (fd < 0)
        return -1;
    h_init(&h, NULL);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    if (st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            return -1;
        }
        h_add(&h, m, (size_t)st.st_size);
        munmap(m, (size_t)st.st_size);
    }
    close(fd);
    *out = h.h[0] ^ (h.h[1] * 31);
    return 0;
}

/* Creates the missing parents of path, each 0700 (what the XDG base directory
 * specification asks of ~/.cache). Failures show when path itself is made. */
static void make_parents(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(tmp, 0700);
        *p = '/';
    }
}

/* The configured place ($HOTLINT_CACHE_DIR), else $XDG_CACHE_HOME/hotlint, else
 * ~/.cache/hotlint; *configured says which. A checkout's own directory is never
 * taken unasked: a repository can ship one. -1 when there is no place. */
static int default_dir(char *out, size_t outlen, bool *configured)
{
    const char *env = getenv("HOTLINT_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    *configured = env && *env;
    if (*configured)
        snprintf(out, outlen, "%s", env);
    else if (xdg && xdg[0] == '/')
        snprintf(out, outlen, "%s/hotlint", xdg);
    else if (home && home[0] == '/')
        snprintf(out, outlen, "%s/.cache/hotlint", home);
    else
        return -1;
    return 0;
}

/* A cache directory's name for the entries of one hash: two hex digits. */
static bool is_sub_name(const char *n)
{
    return isxdigit((unsigned char)n[0]) && isxdigit((unsigned char)n[1]) && !n[2] &&
           !isupper((unsigned char)n[0]) && !isupper((unsigned char)n[1]);
}

static bool is_hex_run(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return false;
    return true;
}

/* An entry's name (ENTRY_NAME_LEN hex digits), or with tmp its temporary file's
 * (".NAME.tmp.XXXXXX", from hl_afile_begin). Nothing else is ever removed. */
static bool is_entry_name(const char *n, bool tmp)
{
    if (!tmp)
        return strlen(n) == ENTRY_NAME_LEN && is_hex_run(n, ENTRY_NAME_LEN);
    return strlen(n) == ENTRY_NAME_LEN + 12 && n[0] == '.' && is_hex_run(n + 1, ENTRY_NAME_LEN) &&
           !strncmp(n + 1 + ENTRY_NAME_LEN, ".tmp.", 5);
}

/* True when the unmarked directory dfd holds nothing, or only what a hotlint
 * from before the marker left there ("last-clean" and two-hex-digit
 * directories, none of them a symlink): such a directory is adopted. */
static bool adoptable(int dfd)
{
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    struct stat st;
    bool ok = d != NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strncmp(e->d_name, "." MARKER_NAME ".", sizeof MARKER_NAME + 1))
            continue; /* another run writing the marker of a directory it just made */
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            ok = false;
        else if (!strcmp(e->d_name, STAMP_NAME))
            ok = S_ISREG(st.st_mode);
        else
            ok = is_sub_name(e->d_name) && S_ISDIR(st.st_mode) && st.st_uid == geteuid();
    }
    closedir(d);
    return ok;
}

/* Publishes the marker: written under a temporary name (O_EXCL|O_NOFOLLOW),
 * then hard-linked to MARKER_NAME, so that it appears whole and only once
 * even when two runs make the directory together. */
static void write_marker(int dfd)
{
    char tmp[64];
    int fd;
    snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", MARKER_NAME, (long)getpid());
    unlinkat(dfd, tmp, 0);
    if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
        return;
    bool whole =
        write(fd, MARKER_TEXT, sizeof MARKER_TEXT - 1) == (ssize_t)(sizeof MARKER_TEXT - 1);
    if (close(fd) == 0 && whole && linkat(dfd, tmp, dfd, MARKER_NAME, 0) < 0 && errno != EEXIST &&
        (fd = openat(dfd, MARKER_NAME, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0600)) >= 0) {
        /* A file system without hard links: write it in place, exclusively. */
        if (write(fd, MARKER_TEXT, sizeof MARKER_TEXT - 1) < 0)
            unlinkat(dfd, MARKER_NAME, 0);
        close(fd);
    }
    unlinkat(dfd, tmp, 0);
}

static bool has_marker(int dfd)
{
    char *text = NULL;
    size_t len = 0;
    bool ok = hl_file_read_all(dfd, MARKER_NAME, 1, 4096, &text, &len) == 0 &&
              len == sizeof MARKER_TEXT - 1 && !memcmp(text, MARKER_TEXT, len);
    free(text);
    return ok;
}

/* Opens (making it when missing) the cache directory dir: O_DIRECTORY|
 * O_NOFOLLOW, and only when it is the user's own, not writable by group or
 * others, and marked as hotlint's. Returns the descriptor, or -1 after one
 * line on stderr saying why and what to do (quiet only when the default place
 * cannot be made: a read-only home is no news). */
static int open_dir(const char *dir, bool configured)
{
    static const char what[] = "; running without the result cache";
    struct stat st;
    bool made;
    int fd, e;
    make_parents(dir);
    made = mkdir(dir, 0700) == 0;
    e = errno;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        e = made ? errno : e == EEXIST ? errno : e;
        if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            fprintf(stderr,
                    "hotlint: warning: cache directory %s is a symbolic link%s (give --cache-dir "
                    "or HOTLINT_CACHE_DIR a real directory, or pass --no-cache)\n",
                    dir, what);
        else if (configured || (e != EACCES && e != EROFS && e != EPERM))
            fprintf(stderr,
                    "hotlint: warning: cache directory %s: %s%s (choose another with "
                    "--cache-dir, or pass --no-cache)\n",
                    dir, strerror(e), what);
        return -1;
    }
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
        fprintf(stderr,
                "hotlint: warning: cache directory %s belongs to another user%s (choose your own "
                "with --cache-dir, or pass --no-cache)\n",
                dir, what);
        goto refuse;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        fprintf(stderr,
                "hotlint: warning: cache directory %s is writable by group or others (mode %04o)%s "
                "(run chmod go-w on it, or choose another with --cache-dir)\n",
                dir, (unsigned)(st.st_mode & 07777), what);
        goto refuse;
    }
    if (!has_marker(fd)) {
        if (made || adoptable(fd))
            write_marker(fd);
        if (!has_marker(fd)) {
            fprintf(stderr,
                    "hotlint: warning: cache directory %s was not made by hotlint (no %s marker)%s "
                    "(remove it so that hotlint makes it anew, or choose another with "
                    "--cache-dir)\n",
                    dir, MARKER_NAME, what);
            goto refuse;
        }
    }
    return fd;
refuse:
    close(fd);
    return -1;
}

/* Once a day: removes entries unused for CACHE_MAX_AGE_SECS (left behind by
 * edited files, other flags or older hotlint builds), and temporary files of
 * runs that died. Only regular files named as entries are removed, only in
 * the two-hex-digit directories, and no symlink is followed. Failures are
 * ignored. */
static void clean_old(int dfd, time_t now)
{
    struct stat st;
    int fd;
    if (fstatat(dfd, STAMP_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISREG(st.st_mode))
            return; /* not ours to touch: no clean-up rather than a surprise */
        if (st.st_mtim.tv_sec > now - CACHE_TOUCH_SECS)
            return;
        if (utimensat(dfd, STAMP_NAME, NULL, AT_SYMLINK_NOFOLLOW) < 0)
            return;
    } else if ((fd = openat(dfd, STAMP_NAME, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                            0600)) >= 0) {
        close(fd);
    } else {
        return;
    }
    for (unsigned b = 0; b < 256; b++) {
        char sub[4];
        DIR *d;
        struct dirent *e;
        snprintf(sub, sizeof sub, "%02x", b);
        int sfd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0)
            continue;
        if (fstat(sfd, &st) < 0 || st.st_uid != geteuid() || !(d = fdopendir(sfd))) {
            close(sfd);
            continue;
        }
        while ((e = readdir(d))) {
            bool tmp = e->d_name[0] == '.';
            if (!is_entry_name(e->d_name, tmp) ||
                fstatat(sfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
                st.st_uid != geteuid())
                continue;
            if (st.st_mtim.tv_sec < now - (tmp ? CACHE_TOUCH_SECS : CACHE_MAX_AGE_SECS))
                unlinkat(sfd, e->d_name, 0);
        }
        closedir(d);
    }
}

hl_cache *hl_cache_open(const char *dir, const hl_catalog *cat, const hl_scope *scope)
{
    const char *off = getenv("HOTLINT_CACHE");
    hl_cache *c;
    hash2 h;
    struct stat st;
    bool configured = false;
    if (off && (!strcmp(off, "0") || !strcmp(off, "off") || !strcmp(off, "no")))
        return NULL;
    if (!(c = calloc(1, sizeof *c)))
        return NULL;
    if (dir)
        snprintf(c->dir, sizeof c->dir, "%s", dir);
    else if (default_dir(c->dir, sizeof c->dir, &configured) < 0)
        goto off;
    for (size_t n = strlen(c->dir); n > 1 && c->dir[n - 1] == '/'; n--)
        c->dir[n - 1] = '\0'; /* "link/" would follow the link despite O_NOFOLLOW */
    if ((c->dfd = open_dir(c->dir, dir || configured)) < 0)
        goto off;
    c->cat = cat;
    c->scope = scope;
    c->started = time(NULL);
    clean_old(c->dfd, c->started);
    h_init(&h, NULL);
    h_str(&h, CACHE_MAGIC);
    /* The analyzer itself: a rebuilt hotlint starts a fresh cache. */
    if (stat("/proc/self/exe", &st) == 0) {
        int64_t v[3] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
                        (int64_t)st.st_mtim.tv_nsec};
        h_add(&h, v, sizeof v);
    }
    for (size_t i = 0; i < cat->n_rules; i++) {
        const hl_rule *r = &cat->rules[i];
        uint64_t fh = 0;
        h_str(&h, r->id);
        h_str(&h, r->severity);
        h_str(&h, r->message);
        if (r->source_path && hash_file(r->source_path, &fh) == 0)
            h_add(&h, &fh, sizeof fh);
        else
            h_str(&h, r->name);
    }
    for (size_t i = 0; i < scope->roots.n; i++)
        h_str(&h, scope->roots.v[i]);
    h_str(&h, scope->cwd); /* error messages name files relative to it */
    c->base[0] = h.h[0];
    c->base[1] = h.h[1];
    return c;
off:
    free(c);
    return NULL;
}

/* The entry for src and args: its directory ("%02x") and name in it. */
static void entry_name(const hl_cache *c, const hl_source *src, const hl_strv *args, char sub[3],
                       char name[ENTRY_NAME_LEN + 1])
{
    hash2 h;
    h_init(&h, c->base);
    h_str(&h, src->abs_path);
    for (size_t i = 0; i < args->n; i++)
        h_str(&h, args->v[i]);
    snprintf(sub, 3, "%02x", (unsigned)(h.h[0] >> 56));
    snprintf(name, ENTRY_NAME_LEN + 1, "%014" PRIx64 "%016" PRIx64,
             (uint64_t)(h.h[0] & 0xffffffffffffffULL), h.h[1]);
}

/* A reader over a whole entry in memory. */
typedef struct {
    char *p, *end;
    int bad;
} rd;

/* A number's start: false (and r->bad set) when nothing is left to read. */
static bool rd_start(rd *r)
{
    if (r->bad || r->p >= r->end) {
        r->bad = 1;
        return false;
    }
    errno = 0;
    return true;
}

/* A number's end at e: sets r->bad when none was read or it overflowed, else
 * moves past it and the blanks after it. */
static void rd_finish(rd *r, char *e)
{
    if (e == r->p || errno) {
        r->bad = 1;
        return;
    }
    r->p = e;
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n'))
        r->p++;
}

static long long rd_num(rd *r)
{
    char *e;
    if (!rd_start(r))
        return 0;
    long long v = strtoll(r->p, &e, 10);
    rd_finish(r, e);
    return r->bad ? 0 : v;
}

static unsigned long long rd_hex(rd *r)
{
    char *e;
    if (!rd_start(r))
        return 0;
    unsigned long long v = strtoull(r->p, &e, 16);
    rd_finish(r, e);
    return r->bad ? 0 : v;
}

/* "<len>:<bytes>\n"; len -1 for NULL. Returns a malloc'ed copy (NULL for NULL or error). */
static char *rd_str(rd *r)
{
    long long n = rd_num(r);
    char *s;
    if (r->bad || n < -1)
        return r->bad = 1, NULL;
    if (n == -1)
        return NULL;
    if (r->p >= r->end || *r->p != ':' || r->end - r->p - 1 < n) {
        r->bad = 1;
        return NULL;
    }
    r->p++;
    if (!(s = malloc((size_t)n + 1))) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->p, (size_t)n);
    s[n] = '\0';
    r->p += n;
    while (r->p < r->end && *r->p == '\n')
        r->p++;
    return s;
}

static void wr_str(FILE *f, const char *s)
{
    if (!s)
        fputs("-1:\n", f);
    else
        fprintf(f, "%zu:%s\n", strlen(s), s);
}

/* Reads an entry whole: a regular file of the user's with one link, reached
 * without following a symlink. Marks it used (mtime) when that is older than
 * a day, so the clean-up keeps what is in use. NULL on a miss. */
static char *read_entry(const hl_cache *c, const char *sub, const char *name, size_t *len)
{
    int sfd = openat(c->dfd, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), fd;
    char *buf = NULL;
    struct stat st;
    if (sfd < 0)
        return NULL;
    fd = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    close(sfd);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_nlink == 1) {
        if (st.st_mtim.tv_sec < time(NULL) - CACHE_TOUCH_SECS)
            futimens(fd, NULL);
        if (hl_file_read_fd(fd, CACHE_ENTRY_MAX, &buf, len) < 0)
            buf = NULL;
    }
    close(fd);
    return buf;
}

int hl_cache_lookup(hl_cache *c, const hl_source *src, const hl_strv *args, hl_file_result *res)
{
    char sub[3], name[ENTRY_NAME_LEN + 1], *buf;
    size_t len = 0;
    rd r;
    long long ndeps, nf;
    hl_file_result got = {0};

    entry_name(c, src, args, sub, name);
    if (!(buf = read_entry(c, sub, name, &len)))
        goto miss;
    r.p = buf;
    r.end = buf + len;
    r.bad = 0;
    if (len < sizeof CACHE_MAGIC || memcmp(buf, CACHE_MAGIC "\n", sizeof CACHE_MAGIC)) {
        free(buf);
        goto miss;
    }
    r.p += sizeof CACHE_MAGIC;
    ndeps = rd_num(&r);
    for (long long i = 0; i < ndeps && !r.bad; i++) {
        long long size = rd_num(&r), sec = rd_num(&r), nsec = rd_num(&r);
        uint64_t want = rd_hex(&r), have;
        char *dep = rd_str(&r);
        struct stat st;
        int same = 0;
        if (!r.bad && dep && stat(dep, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size) {
            if (sec != 0 && st.st_mtim.tv_sec == sec && st.st_mtim.tv_nsec == nsec)
                same = 1;
            else
                same = hash_file(dep, &have) == 0 && have == want;
        }
        free(dep);
        if (!same)
            r.bad = 1;
    }
    nf = rd_num(&r);
    if (r.bad || nf < 0 || nf > 1000000) {
        free(buf);
        goto miss;
    }
    if (nf > 0 && !(got.items = calloc((size_t)nf, sizeof *got.items))) {
        free(buf);
        goto miss;
    }
    got.cap = (size_t)nf;
    for (long long i = 0; i < nf && !r.bad; i++) {
        hl_finding *x = &got.items[got.n];
        char *id = rd_str(&r);
        x->rule = id ? hl_catalog_find(c->cat, id) : NULL;
        free(id);
        x->line = (unsigned)rd_num(&r);
        x->column = (unsigned)rd_num(&r);
        x->end_line = (unsigned)rd_num(&r);
        x->end_column = (unsigned)rd_num(&r);
        x->function_start_line = (unsigned)rd_num(&r);
        x->function_end_line = (unsigned)rd_num(&r);
        x->loop_start_line = (unsigned)rd_num(&r);
        x->loop_end_line = (unsigned)rd_num(&r);
        x->loop_depth = (unsigned)rd_num(&r);
        x->abs_file = rd_str(&r);
        x->function = rd_str(&r);
        x->callee = rd_str(&r);
        x->message = rd_str(&r);
        got.n++;
        if (!r.bad &&
            (!x->rule || !x->abs_file || !(x->file = hl_scope_display(c->scope, x->abs_file))))
            r.bad = 1;
    }
    {
        long long ne = rd_num(&r);
        for (long long i = 0; i < ne && !r.bad; i++) {
            char *e = rd_str(&r);
            if (!e || hl_strv_push_own(&got.errors, e) < 0) {
                free(e);
                r.bad = 1;
            }
        }
    }
    free(buf);
    if (r.bad) {
        for (size_t i = 0; i < got.n; i++)
            hl_finding_clear(&got.items[i]);
        free(got.items);
        hl_strv_free(&got.errors);
        goto miss;
    }
    res->items = got.items;
    res->n = got.n;
    res->cap = got.cap;
    res->errors = got.errors;
    return 0;
miss:
    return -1;
}

void hl_cache_store(hl_cache *c, const hl_source *src, const hl_strv *args,
                    const hl_file_result *res, const hl_strv *deps)
{
    char sub[3], name[ENTRY_NAME_LEN + 1];
    FILE *f;
    size_t ndeps = 1 + (deps ? deps->n : 0);
    int sfd;
    hl_afile af;

    /* Errors are kept (a file that does not compile alone stays cheap), but
     * not when a header was missing: its later arrival would go unseen. */
    for (size_t i = 0; i < res->errors.n; i++)
        if (strstr(res->errors.v[i], "file not found") ||
            strstr(res->errors.v[i], "could not parse") ||
            strstr(res->errors.v[i], "out of memory"))
            return;
    entry_name(c, src, args, sub, name);
    if (mkdirat(c->dfd, sub, 0700) < 0 && errno != EEXIST)
        return;
    if ((sfd = openat(c->dfd, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return;
    int begun = hl_afile_begin(&af, sfd, name, 0600);
    close(sfd); /* af holds its own descriptor of the directory */
    if (begun < 0)
        return;
    if (!(f = hl_afile_stream(&af))) {
        hl_afile_abort(&af);
        return;
    }
    fprintf(f, "%s\n%zu\n", CACHE_MAGIC, ndeps);
    for (size_t i = 0; i < ndeps; i++) {
        const char *dep = i == 0 ? src->abs_path : deps->v[i - 1];
        struct stat st;
        uint64_t h = 0;
        if (stat(dep, &st) < 0 || hash_file(dep, &h) < 0) {
            hl_afile_abort(&af);
            return;
        }
        /* A file changed within the last seconds may change again unseen by
         * mtime: record no mtime, so lookups compare contents. */
        if (st.st_mtim.tv_sec >= c->started - 2)
            fprintf(f, "%lld 0 0 %" PRIx64 " ", (long long)st.st_size, h);
        else
            fprintf(f, "%lld %lld %ld %" PRIx64 " ", (long long)st.st_size,
                    (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, h);
        wr_str(f, dep);
    }
    fprintf(f, "%zu\n", res->n);
    for (size_t i = 0; i < res->n; i++) {
        const hl_finding *x = &res->items[i];
        wr_str(f, x->rule ? x->rule->id : NULL);
        fprintf(f, "%u %u %u %u %u %u %u %u %u\n", x->line, x->column, x->end_line, x->end_column,
                x->function_start_line, x->function_end_line, x->loop_start_line, x->loop_end_line,
                x->loop_depth);
        wr_str(f, x->abs_file);
        wr_str(f, x->function);
        wr_str(f, x->callee);
        wr_str(f, x->message);
    }
    fprintf(f, "%zu\n", res->errors.n);
    for (size_t i = 0; i < res->errors.n; i++)
        wr_str(f, res->errors.v[i]);
    hl_afile_commit(&af); /* a failure leaves no temporary file and costs a re-parse */
}

void hl_cache_close(hl_cache *c)
{
    if (c)
        close(c->dfd);
    free(c);
}
