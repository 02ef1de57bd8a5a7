/* cache.c - the per-file result cache: entry keys (the binary, the catalog,
 * the scope, the file and its flags), and entries holding the manifest of the
 * files a parse read and its findings. The directory itself: cache_dir.c. */
#include "cache.h"
#include "../base/atomic_file.h"
#include "cache_internal.h"

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
    else if (hl_cache_default_dir(c->dir, sizeof c->dir, &configured) < 0)
        goto off;
    for (size_t n = strlen(c->dir); n > 1 && c->dir[n - 1] == '/'; n--)
        c->dir[n - 1] = '\0'; /* "link/" would follow the link despite O_NOFOLLOW */
    if ((c->dfd = hl_cache_open_dir(c->dir, dir || configured)) < 0)
        goto off;
    c->cat = cat;
    c->scope = scope;
    c->started = time(NULL);
    hl_cache_clean_old(c->dfd, c->started);
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
    hl_rd r;
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
    ndeps = hl_rd_num(&r);
    for (long long i = 0; i < ndeps && !r.bad; i++) {
        long long size = hl_rd_num(&r), sec = hl_rd_num(&r), nsec = hl_rd_num(&r);
        uint64_t want = hl_rd_hex(&r), have;
        char *dep = hl_rd_str(&r);
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
    nf = hl_rd_num(&r);
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
        hl_cache_read_finding(&r, c->cat, x);
        got.n++;
        if (!r.bad && (!x->rule || !(x->file = hl_scope_display(c->scope, x->abs_file))))
            r.bad = 1;
    }
    {
        long long ne = hl_rd_num(&r);
        for (long long i = 0; i < ne && !r.bad; i++) {
            long long kind = hl_rd_num(&r), line = hl_rd_num(&r), col = hl_rd_num(&r);
            char *path = hl_rd_str(&r), *msg = hl_rd_str(&r);
            if (r.bad || !path || !msg || kind < 0 || kind > HL_DIAG_MORE || line < 0 || col < 0 ||
                hl_diags_add(&got.errors, (hl_diag_kind)kind, path, (unsigned)line, (unsigned)col,
                             msg) < 0)
                r.bad = 1;
            free(path);
            free(msg);
        }
    }
    hl_cache_read_summary(&r, c->scope, &got.sum);
    free(buf);
    if (r.bad) {
        for (size_t i = 0; i < got.n; i++)
            hl_finding_clear(&got.items[i]);
        free(got.items);
        hl_diags_free(&got.errors);
        hl_tu_summary_free(&got.sum);
        goto miss;
    }
    res->items = got.items;
    res->n = got.n;
    res->cap = got.cap;
    res->errors = got.errors;
    res->sum = got.sum;
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
     * not fatal ones (a missing header: its later arrival would go unseen),
     * nor a parse that failed or ran out of memory. */
    for (size_t i = 0; i < res->errors.n; i++)
        if (res->errors.v[i].kind == HL_DIAG_FATAL || res->errors.v[i].kind == HL_DIAG_NOT_PARSED ||
            res->errors.v[i].kind == HL_DIAG_OUT_OF_MEMORY)
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
        hl_wr_str(f, dep);
    }
    fprintf(f, "%zu\n", res->n);
    for (size_t i = 0; i < res->n; i++)
        hl_cache_write_finding(f, &res->items[i]);
    fprintf(f, "%zu\n", res->errors.n);
    for (size_t i = 0; i < res->errors.n; i++) {
        const hl_diag *e = &res->errors.v[i];
        fprintf(f, "%d %u %u\n", (int)e->kind, e->line, e->column);
        hl_wr_str(f, e->path);
        hl_wr_str(f, e->message);
    }
    hl_cache_write_summary(f, &res->sum);
    hl_afile_commit(&af); /* a failure leaves no temporary file and costs a re-parse */
}

void hl_cache_close(hl_cache *c)
{
    if (c)
        close(c->dfd);
    free(c);
}
