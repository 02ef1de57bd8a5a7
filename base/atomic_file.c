/* atomic_file.c - whole-file writes by a temporary file and rename, and whole-file reads. */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_TRIES 100 /* names tried before giving up (EEXIST) */

static pthread_once_t g_umask_once = PTHREAD_ONCE_INIT;
static mode_t g_umask = 022;

static void read_umask(void)
{
    char buf[2048];
    size_t len = 0;
    ssize_t n;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        while (len < sizeof buf - 1 &&
               ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
            if (n > 0)
                len += (size_t)n;
        close(fd);
        buf[len] = '\0';
        const char *p = strstr(buf, "\nUmask:");
        if (p) {
            g_umask = (mode_t)(strtoul(p + 7, NULL, 8) & 0777);
            return;
        }
    }
    mode_t m = umask(077);
    umask(m);
    g_umask = m & 0777;
}

mode_t hl_file_umask(void)
{
    pthread_once(&g_umask_once, read_umask);
    return g_umask;
}

/* n random characters [A-Za-z0-9] (not for secrets: O_EXCL makes a clash harmless). */
static void random_chars(char *out, size_t n)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static atomic_uint_fast64_t counter;
    unsigned char r[16];
    if (n > sizeof r)
        n = sizeof r;
    if (getrandom(r, n, GRND_NONBLOCK) != (ssize_t)n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                     ((uint64_t)getpid() << 12) ^
                     (atomic_fetch_add(&counter, 1) * 0x9e3779b97f4a7c15ULL);
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            r[i] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < n; i++)
        out[i] = set[r[i] % (sizeof set - 1)];
}

int hl_afile_begin(hl_afile *a, int at, const char *path, unsigned mode)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);

    a->dirfd = a->fd = -1;
    a->stream = NULL;
    a->mode = mode & 07777;
    a->name[0] = a->tmp[0] = '\0';
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    if (blen == 0 || !strcmp(base, ".") || !strcmp(base, "..")) {
        errno = EISDIR;
        return -1;
    }
    if (blen > NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else {
        if ((size_t)(slash - path) >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if ((a->dirfd = openat(at, dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -1;
    memcpy(a->name, base, blen + 1);
    for (int i = 0; i < TMP_TRIES; i++) {
        /* ".NAME.tmp.XXXXXX": NAME cut to keep within NAME_MAX. */
        int k = snprintf(a->tmp, sizeof a->tmp, ".%.*s.tmp.XXXXXX", (int)(blen > 200 ? 200 : blen),
                         base);
        random_chars(a->tmp + k - 6, 6);
        a->fd =
            openat(a->dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (a->fd >= 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    close(a->dirfd);
    a->dirfd = -1;
    a->tmp[0] = '\0';
    errno = e;
    return -1;
}

FILE *hl_afile_stream(hl_afile *a)
{
    if (!a->stream && a->fd >= 0)
        a->stream = fdopen(a->fd, "w");
    if (!a->stream && a->fd < 0)
        errno = EBADF;
    return a->stream;
}

/* Closes the temporary file (stream or descriptor); 0 or -1 with errno. */
static int close_tmp(hl_afile *a)
{
    int rc = 0;
    if (a->stream)
        rc = fclose(a->stream);
    else if (a->fd >= 0)
        rc = close(a->fd);
    a->stream = NULL;
    a->fd = -1;
    return rc;
}

static void release(hl_afile *a)
{
    if (a->dirfd >= 0)
        close(a->dirfd);
    a->dirfd = -1;
    a->tmp[0] = '\0';
}

void hl_afile_abort(hl_afile *a)
{
    int e = errno;
    close_tmp(a);
    if (a->dirfd >= 0 && a->tmp[0])
        unlinkat(a->dirfd, a->tmp, 0);
    release(a);
    errno = e;
}

int hl_afile_commit(hl_afile *a)
{
    int e = 0;
    if (a->fd < 0 || a->dirfd < 0) {
        hl_afile_abort(a);
        errno = EBADF;
        return -1;
    }
    if (a->stream && (fflush(a->stream) != 0 || ferror(a->stream)))
        e = errno ? errno : EIO;
    if (!e && fchmod(a->fd, (mode_t)a->mode & ~hl_file_umask()) < 0)
        e = errno;
    if (close_tmp(a) != 0 && !e)
        e = errno;
    if (!e && renameat(a->dirfd, a->tmp, a->dirfd, a->name) < 0)
        e = errno;
    if (e) {
        unlinkat(a->dirfd, a->tmp, 0);
        release(a);
        errno = e;
        return -1;
    }
    release(a);
    return 0;
}

int hl_file_write_atomic(int at, const char *path, const void *buf, size_t len, unsigned mode)
{
    hl_afile a;
    const char *p = buf;
    if (hl_afile_begin(&a, at, path, mode) < 0)
        return -1;
    while (len) {
        ssize_t w = write(a.fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            hl_afile_abort(&a);
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return hl_afile_commit(&a);
}

int hl_file_read_fd(int fd, size_t max, char **out, size_t *len)
{
    struct stat st;
    size_t n = 0, cap;
    char *buf;
    if (fstat(fd, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        return -1;
    }
    if ((uintmax_t)st.st_size > max) {
        errno = EFBIG;
        return -1;
    }
    cap = (size_t)st.st_size + 1;
    if (!(buf = malloc(cap)))
        return -1;
    for (;;) {
        if (n + 1 == cap) { /* the file grew while read */
            char *nb;
            if (cap > max) {
                free(buf);
                errno = EFBIG;
                return -1;
            }
            if (!(nb = realloc(buf, cap * 2))) {
                free(buf);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int hl_file_read_all(int at, const char *path, int nofollow, size_t max, char **out, size_t *len)
{
    int fd = openat(at, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return -1;
    int rc = hl_file_read_fd(fd, max, out, len), e = errno;
    close(fd);
    errno = e;
    return rc;
}
