/* cmd_run.c - `hotlint run`: runs a program, CPU-profiled from outside
 * (run_outside.c) where perf events are permitted and otherwise with
 * libhotlint-rt preloaded, passes termination signals on to it and ends as
 * it ended. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "run_outside.h"
#include "run_repeat.h"

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
          "  --cpuprofile-mode MODE   outside: perf events read by hotlint, nothing loaded into\n"
          "                           PROGRAM (the default where permitted); perf or timer: the\n"
          "                           in-process sampler (also HOTLINT_CPUPROFILE_MODE)\n"
          "  --repeat N               run PROGRAM N times; FILE holds every run (label run)\n"
          "The runtime is found next to hotlint (build tree or install prefix); HOTLINT_RT\n"
          "names it explicitly. SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to\n"
          "hotlint go on to PROGRAM; hotlint exits with PROGRAM's status, or dies of the\n"
          "signal that killed it.\n",
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

/* The signals passed on to the program, as timeout(1) does. */
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
#define N_FORWARDED (sizeof forwarded / sizeof forwarded[0])

static volatile sig_atomic_t g_child; /* the program's pid once it runs */

/* Async-signal-safe: passes the signal on to the program. A signal the
 * kernel sent (a terminal's Ctrl-C, Ctrl-\ or hangup goes to the whole
 * foreground process group) has reached the program already. */
static void forward(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (info && info->si_code == SI_KERNEL)
        return;
    pid_t pid = (pid_t)g_child;
    if (pid > 0) {
        int saved = errno;
        kill(pid, sig);
        errno = saved;
    }
}

/* Dies of sig as the program did, so the shell sees the same death: the
 * default action restored, no core file of our own. Returns only when the
 * signal does not end the process. */
static void die_like(int sig)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

static bool positive_number(const char *s, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && !errno && v > 0 && v <= max;
}

/* Waits for pid, through EINTR. Returns 0 or -1 with errno. */
static int wait_for(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

typedef struct run_opts {
    const char *cpu, *hz, *mem, *mem_rate, *http, *mode;
    bool follow, fork_profiles;
    char **prog; /* the program and its arguments */
} run_opts;

/* Reads the options; returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, run_opts *o)
{
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
        const char **slot = !strcmp(a, "--cpuprofile")        ? &o->cpu
                            : !strcmp(a, "--hz")              ? &o->hz
                            : !strcmp(a, "--memprofile")      ? &o->mem
                            : !strcmp(a, "--memprofile-rate") ? &o->mem_rate
                            : !strcmp(a, "--http")            ? &o->http
                            : !strcmp(a, "--cpuprofile-mode") ? &o->mode
                                                              : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hotlint run: %s needs a value\n", a);
                return 2;
            }
            *slot = argv[++i];
        } else if (!strcmp(a, "--follow-exec")) {
            o->follow = true;
        } else if (!strcmp(a, "--cpuprofile-fork")) {
            o->fork_profiles = true;
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
    o->prog = argv + i;
    if (o->hz && !positive_number(o->hz, 10000)) {
        fprintf(stderr, "hotlint run: --hz %s: give a rate from 1 to 10000\n", o->hz);
        return 2;
    }
    if (o->mem_rate && !positive_number(o->mem_rate, 1L << 40)) {
        fprintf(stderr, "hotlint run: --memprofile-rate %s: give a positive number of bytes\n",
                o->mem_rate);
        return 2;
    }
    if (hl_outside_wanted(o->mode) == -2) {
        fprintf(stderr, "hotlint run: CPU profile mode %s: use outside, perf or timer\n",
                o->mode ? o->mode : getenv("HOTLINT_CPUPROFILE_MODE"));
        return 2;
    }
    if (!o->cpu && !o->mem && !o->http)
        fprintf(stderr, "hotlint run: no --cpuprofile, --memprofile or --http given: the program "
                        "runs unprofiled\n");
    return -1;
}

/* In the child: the environment for the runtime, then the program. The
 * runtime is preloaded only when it has work (the heap profiler, the HTTP
 * endpoint, or a CPU profile that is not taken from outside). */
static void exec_program(const run_opts *o, const char *rt, const char *cpu_abs,
                         const char *mem_abs, bool cpu_inside)
{
    if (cpu_inside || mem_abs || o->http) {
        const char *pre = getenv("LD_PRELOAD");
        size_t n = strlen(rt) + (pre ? strlen(pre) : 0) + 2;
        char *preload = malloc(n);
        if (!preload)
            _exit(127);
        snprintf(preload, n, "%s%s%s", rt, pre && *pre ? ":" : "", pre && *pre ? pre : "");
        setenv("LD_PRELOAD", preload, 1);
    }
    char pidbuf[32];
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
    if (cpu_abs && cpu_inside) {
        setenv("HOTLINT_CPUPROFILE", cpu_abs, 1);
        setenv("HOTLINT_CPUPROFILE_PID", pidbuf, 1);
        if (o->mode)
            setenv("HOTLINT_CPUPROFILE_MODE", o->mode, 1);
        if (o->hz)
            setenv("HOTLINT_CPUPROFILE_HZ", o->hz, 1);
        if (o->fork_profiles)
            setenv("HOTLINT_CPUPROFILE_FORK", "1", 1);
    }
    if (!cpu_inside)
        unsetenv("HOTLINT_CPUPROFILE_MODE");
    if (mem_abs) {
        setenv("HOTLINT_MEMPROFILE", mem_abs, 1);
        setenv("HOTLINT_MEMPROFILE_PID", pidbuf, 1);
    }
    if (o->mem_rate)
        setenv("HOTLINT_MEMPROFILE_RATE", o->mem_rate, 1);
    if (o->http)
        setenv("HOTLINT_HTTP", o->http, 1);
    if (o->follow)
        setenv("HOTLINT_FOLLOW_EXEC", "1", 1);
    execvp(o->prog[0], o->prog);
    fprintf(stderr, "hotlint run: cannot run %s: %s\n", o->prog[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

/* In the child before its exec: waits for the parent to say whether it samples
 * from outside ('o'); anything else, or the parent's death, means in process. */
static bool outside_granted(int fd)
{
    char c = 0;
    ssize_t n;
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    close(fd);
    if (n == 1 && c == 'x')
        _exit(126); /* outside was demanded and refused: the parent said why */
    return n == 1 && c == 'o';
}

/* In the parent: opens the events on the waiting child and tells it whether
 * it is sampled from outside. NULL means in process (or an error, *fail set,
 * when outside was demanded). */
static hl_outside *outside_begin(const run_opts *o, pid_t pid, int fd, int want, bool have_rt,
                                 bool *fail)
{
    char err[256] = "";
    int hz = o->hz ? atoi(o->hz) : 100;
    hl_outside *out = hl_outside_start(pid, hz, o->fork_profiles, o->follow, err, sizeof err);
    if (!out && want == 1) {
        fprintf(stderr,
                "hotlint run: --cpuprofile-mode outside: %s; perf events are refused here "
                "(see /proc/sys/kernel/perf_event_paranoid, or a seccomp filter)\n",
                err);
        *fail = true;
    } else if (!out && !have_rt) {
        fprintf(stderr,
                "hotlint run: perf events are refused (%s) and libhotlint-rt.so, the in-process "
                "sampler, is not found next to hotlint; build it or set HOTLINT_RT to its path\n",
                err);
        *fail = true;
    } else if (!out) {
        fprintf(stderr,
                "hotlint run: perf events are refused (%s): CPU profile by the in-process "
                "sampler (libhotlint-rt preloaded)\n",
                err);
    }
    char c = out ? 'o' : 'i';
    if (*fail)
        c = 'x';
    while (write(fd, &c, 1) < 0 && errno == EINTR)
        ;
    close(fd);
    return out;
}

/* Says why no CPU profile exists after an in-process run. */
static void explain_missing(const char *cpu, const char *cpu_abs, int status)
{
    struct stat st;
    if (!cpu_abs || stat(cpu_abs, &st) == 0)
        return;
    if (WIFEXITED(status) && WEXITSTATUS(status) < 126)
        fprintf(stderr,
                "hotlint run: %s: no CPU profile was written (a statically linked program, or "
                "one that left with _exit or a signal?)\n",
                cpu);
    else if (WIFSIGNALED(status))
        fprintf(stderr,
                "hotlint run: %s: no CPU profile was written: the program was killed by signal %d "
                "(%s) before it could write it\n",
                cpu, WTERMSIG(status), strsignal(WTERMSIG(status)));
}

int hl_cmd_run(int argc, char **argv)
{
    if (hl_run_repeat_requested(argc, argv))
        return hl_run_repeat(argc, argv);
    run_opts o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char rt[PATH_MAX] = "";
    bool have_rt = find_runtime(rt, sizeof rt);
    int want = o.cpu ? hl_outside_wanted(o.mode) : -1;
    if (!have_rt && (o.mem || o.http || want < 0)) { /* the outside sampler needs no runtime */
        fprintf(stderr,
                "hotlint run: cannot find libhotlint-rt.so next to hotlint; build it or set "
                "HOTLINT_RT to its path\n");
        return 2;
    }
    char *cpu_abs = o.cpu ? absolute(o.cpu) : NULL;
    char *mem_abs = o.mem ? absolute(o.mem) : NULL;
    if ((o.cpu && !cpu_abs) || (o.mem && !mem_abs)) {
        fprintf(stderr, "hotlint run: out of memory\n");
        return 2;
    }
    int sync[2] = {-1, -1};
    if (want >= 0 && pipe2(sync, O_CLOEXEC) < 0)
        want = -1;
    /* The forwarded signals go to the program; they are blocked until its
     * pid is known, and a signal ignored when hotlint started stays ignored
     * (the program inherits that). */
    sigset_t fwd_set, old_mask;
    sigemptyset(&fwd_set);
    for (size_t k = 0; k < N_FORWARDED; k++)
        sigaddset(&fwd_set, forwarded[k]);
    sigprocmask(SIG_BLOCK, &fwd_set, &old_mask);
    struct sigaction old_act[N_FORWARDED];
    for (size_t k = 0; k < N_FORWARDED; k++) {
        sigaction(forwarded[k], NULL, &old_act[k]);
        if (old_act[k].sa_handler == SIG_IGN)
            continue;
        struct sigaction fa;
        memset(&fa, 0, sizeof fa);
        fa.sa_sigaction = forward;
        fa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigfillset(&fa.sa_mask);
        sigaction(forwarded[k], &fa, NULL);
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "hotlint run: cannot start %s: %s\n", o.prog[0], strerror(errno));
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        return 2;
    }
    if (pid == 0) {
        /* If hotlint run is killed (even by SIGKILL) the program goes too,
         * rather than running on as an orphan nobody profiles. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(128 + SIGKILL);
        for (size_t k = 0; k < N_FORWARDED; k++)
            sigaction(forwarded[k], &old_act[k], NULL);
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        bool inside = true;
        if (want >= 0) {
            close(sync[1]);
            inside = !outside_granted(sync[0]);
        }
        exec_program(&o, rt, cpu_abs, mem_abs, o.cpu && inside);
    }
    bool fail = false;
    hl_outside *out = NULL;
    if (want >= 0) {
        close(sync[0]);
        out = outside_begin(&o, pid, sync[1], want, have_rt, &fail);
    }
    g_child = pid;
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    int status;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    if (out ? hl_outside_wait(out, pid, &status, &ru) < 0 : wait_for(pid, &status) < 0) {
        fprintf(stderr, "hotlint run: waiting for %s: %s\n", o.prog[0], strerror(errno));
        return 2;
    }
    g_child = 0; /* reaped: its pid may be reused */
    for (size_t k = 0; k < N_FORWARDED; k++)
        sigaction(forwarded[k], &old_act[k], NULL);
    if (out)
        hl_outside_finish(out, cpu_abs, o.cpu, &ru);
    else
        explain_missing(o.cpu, cpu_abs, status);
    free(cpu_abs);
    free(mem_abs);
    if (fail)
        return 2;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        die_like(WTERMSIG(status));
        return 128 + WTERMSIG(status); /* as a shell reports it */
    }
    return 2;
}
