/* atomic_file.h - whole-file writes by a temporary file and rename, and whole-file reads
 * that never block on a FIFO or device. */
#ifndef HL_ATOMIC_FILE_H
#define HL_ATOMIC_FILE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* A file being written: a temporary file next to the target, renamed over it
 * on commit. Nothing reaches the target's name until hl_afile_commit, and the
 * name is replaced, never written through: a symlink or hard link planted at
 * the target is replaced by the new file and what it pointed to is untouched.
 * Readers see the old file or the new one whole. The data is not fsync'ed: a
 * power loss (not a crash of the writer) may leave an empty file. */
typedef struct hl_afile {
    int dirfd;               /* the target's directory (O_PATH), owned */
    int fd;                  /* the temporary file, open for writing */
    FILE *stream;            /* from hl_afile_stream, or NULL */
    unsigned mode;           /* the final mode before the umask */
    char name[NAME_MAX + 1]; /* the target's name in dirfd */
    char tmp[NAME_MAX + 1];  /* the temporary file's name in dirfd */
} hl_afile;

/* The process's umask, read once without changing it (from /proc/self/status;
 * where that has no Umask line, by setting 077 and restoring, so a file another
 * thread creates in between is at worst private). Thread-safe; no allocation. */
mode_t hl_file_umask(void);

/* Starts writing path (relative to the directory at, or AT_FDCWD): creates
 * ".NAME.tmp.XXXXXX" in path's directory with O_CREAT|O_EXCL|O_NOFOLLOW|
 * O_CLOEXEC and mode 0600, a random suffix (as mkostemp does, but relative to
 * a directory descriptor). mode is the mode the file gets on commit, less the
 * umask (0666 for ordinary output, 0600 for private files). Returns 0, or -1
 * with errno set (ENOENT/EACCES for the directory, EISDIR for a path ending
 * in "/", ENAMETOOLONG) and nothing created. No allocation. */
int hl_afile_begin(hl_afile *a, int at, const char *path, unsigned mode);

/* A stdio stream over the temporary file (created on first call; allocates),
 * or NULL with errno set. It is closed by hl_afile_commit or hl_afile_abort. */
FILE *hl_afile_stream(hl_afile *a);

/* Flushes, sets the mode (mode & ~umask), closes and renames the temporary
 * file over the target. Returns 0, or -1 with errno set, the temporary file
 * removed and the target untouched. Either way a is released. */
int hl_afile_commit(hl_afile *a);

/* Drops the temporary file; the target is untouched. a is released. Safe on
 * an hl_afile already committed or aborted. */
void hl_afile_abort(hl_afile *a);

/* hl_afile_begin, the len bytes of buf, hl_afile_commit. Returns 0, or -1
 * with errno set and no temporary file left. No allocation. */
int hl_file_write_atomic(int at, const char *path, const void *buf, size_t len, unsigned mode);

/* Reads all of the open regular file fd into a malloc'ed, NUL-terminated
 * buffer (*out, *len without the NUL). Returns 0, or -1 with errno set:
 * EINVAL when fd is not a regular file, EFBIG when it has more than max bytes. */
int hl_file_read_fd(int fd, size_t max, char **out, size_t *len);

/* Opens path relative to at with O_RDONLY|O_NONBLOCK|O_CLOEXEC (and
 * O_NOFOLLOW when nofollow), so a FIFO or device never blocks, and reads it
 * with hl_file_read_fd. Returns 0, or -1 with errno set (EINVAL: not a
 * regular file; ELOOP: a symlink refused). */
int hl_file_read_all(int at, const char *path, int nofollow, size_t max, char **out, size_t *len);

#endif
