/* cmd_run.c - `hotlint run`: runs a program with libhotlint-rt preloaded and
 * returns the program's exit status. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"

static void usage(FILE *out)
{
    fputs("usage: hotlint run [options] -- PROGRAM [ARG...]\n"
          "  --cpuprofile FILE        write a CPU profile (pprof, gzip) to FILE at exit\n"
          "  --hz N                   CPU samples per second (default 100, up to 10000)\n"
          "  --memprofile FILE        write a heap profile to FILE at exit\n"
          "  --memprofile-rate BYTES  sample one allocation per BYTES on average\n"
          "  --http ADDR              serve /debug/pprof/ on ADDR (127.0.0.1:6060)\n"
          "  --follow-exec            keep profiling programs that PROGRAM executes\n"
          "  --cpuprofile-fork        forked children write FILE.<pid> of their own\n"
          "The runtime is found next to hotlint (build tree or install prefix); HOTLINT_RT\n"
          "names it explicitly.\n",
          out);
}

static bool readable(const char *p)
{
    return access(p, R_OK) == 0;
}

/* Finds libhotlint-rt.so: $HOTLINT_RT, else relative to this executable. */
static bool find_runtime(char *out, size_t n)
{
    const char *env = getenv("HOTLINT_RT");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return readable(out);
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return false;
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = 0;
    static const char *const rel[] = {
        "../runtime/libhotlint-rt.so",              /* build tree: <build>/cli/hotlint */
        "../lib/x86_64-linux-gnu/libhotlint-rt.so", /* install prefix, Debian multiarch */
        "../lib/libhotlint-rt.so",
        "../lib64/libhotlint-rt.so",
        "libhotlint-rt.so",
    };
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char cand[PATH_MAX + 64];
        snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]);
        char *real = realpath(cand, NULL);
        if (real && readable(real)) {
            snprintf(out, n, "%s", real);
            free(real);
            return true;
        }
        free(real);
    }
    return false;
}

/* An absolute form of path (the program may change directory). */
static char *absolute(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return strdup(path);
    size_t n = strlen(cwd) + strlen(path) + 2;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", cwd, path);
    return r;
}

static bool positive_number(const char *s, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && !errno && v > 0 && v <= max;
}

int hl_cmd_run(int argc, char **argv)
{
    const char *cpu = NULL, *hz = NULL, *mem = NULL, *mem_rate = NULL, *http = NULL;
    bool follow = false, fork_profiles = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        const char **slot = !strcmp(a, "--cpuprofile")        ? &cpu
                            : !strcmp(a, "--hz")              ? &hz
                            : !strcmp(a, "--memprofile")      ? &mem
                            : !strcmp(a, "--memprofile-rate") ? &mem_rate
                            : !strcmp(a, "--http")            ? &http
                                                              : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hotlint run: %s needs a value\n", a);
                return 2;
            }
            *slot = argv[++i];
        } else if (!strcmp(a, "--follow-exec")) {
            follow = true;
        } else if (!strcmp(a, "--cpuprofile-fork")) {
            fork_profiles = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "hotlint run: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else {
            break; /* the program, without "--" */
        }
    }
    if (i >= argc) {
        fprintf(stderr, "hotlint run: no program to run\n");
        usage(stderr);
        return 2;
    }
    if (hz && !positive_number(hz, 10000)) {
        fprintf(stderr, "hotlint run: --hz %s: give a rate from 1 to 10000\n", hz);
        return 2;
    }
    if (mem_rate && !positive_number(mem_rate, 1L << 40)) {
        fprintf(stderr, "hotlint run: --memprofile-rate %s: give a positive number of bytes\n",
                mem_rate);
        return 2;
    }
    if (!cpu && !mem && !http)
        fprintf(stderr, "hotlint run: no --cpuprofile, --memprofile or --http given: the program "
                        "runs unprofiled\n");
    char rt[PATH_MAX];
    if (!find_runtime(rt, sizeof rt)) {
        fprintf(stderr,
                "hotlint run: cannot find libhotlint-rt.so next to hotlint; build it or set "
                "HOTLINT_RT to its path\n");
        return 2;
    }
    char *cpu_abs = cpu ? absolute(cpu) : NULL;
    char *mem_abs = mem ? absolute(mem) : NULL;
    if ((cpu && !cpu_abs) || (mem && !mem_abs)) {
        fprintf(stderr, "hotlint run: out of memory\n");
        return 2;
    }
    /* Let a Ctrl-C reach the program; we only wait for it. */
    struct sigaction ign, old_int, old_quit;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "hotlint run: cannot start %s: %s\n", argv[i], strerror(errno));
        return 2;
    }
    if (pid == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        const char *pre = getenv("LD_PRELOAD");
        size_t n = strlen(rt) + (pre ? strlen(pre) : 0) + 2;
        char *preload = malloc(n);
        if (!preload)
            _exit(127);
        snprintf(preload, n, "%s%s%s", rt, pre && *pre ? ":" : "", pre && *pre ? pre : "");
        setenv("LD_PRELOAD", preload, 1);
        char pidbuf[32];
        snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
        if (cpu_abs) {
            setenv("HOTLINT_CPUPROFILE", cpu_abs, 1);
            setenv("HOTLINT_CPUPROFILE_PID", pidbuf, 1);
        }
        if (hz)
            setenv("HOTLINT_CPUPROFILE_HZ", hz, 1);
        if (fork_profiles)
            setenv("HOTLINT_CPUPROFILE_FORK", "1", 1);
        if (mem_abs)
            setenv("HOTLINT_MEMPROFILE", mem_abs, 1);
        if (mem_rate)
            setenv("HOTLINT_MEMPROFILE_RATE", mem_rate, 1);
        if (http)
            setenv("HOTLINT_HTTP", http, 1);
        if (follow)
            setenv("HOTLINT_FOLLOW_EXEC", "1", 1);
        execvp(argv[i], argv + i);
        fprintf(stderr, "hotlint run: cannot run %s: %s\n", argv[i], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "hotlint run: waiting for %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    struct stat st;
    if (cpu_abs && stat(cpu_abs, &st) < 0 && WIFEXITED(status) && WEXITSTATUS(status) < 126)
        fprintf(stderr,
                "hotlint run: %s: no CPU profile was written (a statically linked program, or "
                "one that left with _exit or a signal?)\n",
                cpu);
    free(cpu_abs);
    free(mem_abs);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status); /* as a shell reports it */
    return 2;
}
