/* cache_dir.c - the cache directory, handled as a shared place: created
 * 0700, adopted only when it carries hotlint's marker or is empty, opened
 * without following links, and cleaned of old entries. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/atomic_file.h"
#include "cache_internal.h"

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
int hl_cache_default_dir(char *out, size_t outlen, bool *configured)
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
int hl_cache_open_dir(const char *dir, bool configured)
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
void hl_cache_clean_old(int dfd, time_t now)
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
