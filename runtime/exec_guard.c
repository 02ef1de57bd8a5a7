/* exec_guard.c - the interposed exec family: sampling stops and no SIGPROF is
 * left pending (hl_cpu_exec_prepare, through the signal owner) before the
 * process image is replaced (the new image would start with SIGPROF at its
 * default action and die of it), and resumes if the exec fails. glibc's execvp, execl and friends
 * call execve internally, not through the PLT, so each entry point is wrapped. Not
 * async-signal-safe. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "cpu_internal.h"

#define HL_EXPORT __attribute__((visibility("default")))

/* The next definition of name (libc's). NULL when there is none. */
static void *next_fn(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

/* Runs the real call between prepare and the failure path; returns its result. */
#define GUARDED(call)                                                                              \
    do {                                                                                           \
        hl_cpu_exec_prepare();                                                                     \
        int rc_ = (call);                                                                          \
        int e_ = errno;                                                                            \
        hl_cpu_exec_failed();                                                                      \
        errno = e_;                                                                                \
        return rc_;                                                                                \
    } while (0)

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);

HL_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    static execve_fn real;
    if (!real && !(*(void **)&real = next_fn("execve")))
        return errno = ENOSYS, -1;
    GUARDED(real(path, argv, envp));
}

HL_EXPORT int execv(const char *path, char *const argv[])
{
    static execv_fn real;
    if (!real && !(*(void **)&real = next_fn("execv")))
        return errno = ENOSYS, -1;
    GUARDED(real(path, argv));
}

HL_EXPORT int execvp(const char *file, char *const argv[])
{
    static execv_fn real;
    if (!real && !(*(void **)&real = next_fn("execvp")))
        return errno = ENOSYS, -1;
    GUARDED(real(file, argv));
}

HL_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    static execve_fn real;
    if (!real && !(*(void **)&real = next_fn("execvpe")))
        return errno = ENOSYS, -1;
    GUARDED(real(file, argv, envp));
}

HL_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    static fexecve_fn real;
    if (!real && !(*(void **)&real = next_fn("fexecve")))
        return errno = ENOSYS, -1;
    GUARDED(real(fd, argv, envp));
}

/* The variadic forms collect their arguments (at most ARG_CAP; more is E2BIG,
 * as a kernel limit would give) and go through the vector forms above. */
#define ARG_CAP 4096

static int collect(const char *arg0, va_list ap, char **argv, char ***envp)
{
    int n = 0;
    for (const char *a = arg0; a; a = va_arg(ap, const char *)) {
        if (n == ARG_CAP - 1)
            return -1;
        argv[n++] = (char *)a;
    }
    argv[n] = NULL;
    if (envp)
        *envp = va_arg(ap, char **);
    return n;
}

/* Fills argv (and *envp) from the variadic arguments after arg; E2BIG when
 * there are too many. A macro: va_start needs the variadic function itself. */
#define COLLECT_ARGS(arg, argv, envp)                                                              \
    do {                                                                                           \
        va_list ap_;                                                                               \
        va_start(ap_, arg);                                                                        \
        int n_ = collect(arg, ap_, argv, envp);                                                    \
        va_end(ap_);                                                                               \
        if (n_ < 0)                                                                                \
            return errno = E2BIG, -1;                                                              \
    } while (0)

HL_EXPORT int execl(const char *path, const char *arg, ...)
{
    char *argv[ARG_CAP];
    COLLECT_ARGS(arg, argv, NULL);
    return execv(path, argv);
}

HL_EXPORT int execlp(const char *file, const char *arg, ...)
{
    char *argv[ARG_CAP];
    COLLECT_ARGS(arg, argv, NULL);
    return execvp(file, argv);
}

HL_EXPORT int execle(const char *path, const char *arg, ...)
{
    char *argv[ARG_CAP];
    char **envp = NULL;
    COLLECT_ARGS(arg, argv, &envp);
    return execve(path, argv, envp);
}
