/* run_repeat.c - `hotlint run --repeat N`: runs the program N times under
 * `hotlint run`, each run's profile in a private directory beside the output,
 * measures each run's CPU (getrusage of the run and the program it waited
 * for) and wall time, and has the runs merged into one profile, every sample
 * labelled by its run. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "run_repeat.h"

#define MAX_REPEAT 10000

/* The options of `hotlint run` that take a value. */
static bool takes_value(const char *a)
{
    static const char *const with_value[] = {"--cpuprofile",      "--hz",   "--memprofile",
                                             "--memprofile-rate", "--http", "--repeat"};
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (!strcmp(a, with_value[i]))
            return true;
    return false;
}

/* Index of --repeat among the options, or 0. */
static int repeat_index(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--repeat") || !strncmp(argv[i], "--repeat=", 9))
            return i;
        if (takes_value(argv[i]))
            i++;
    }
    return 0;
}

bool hl_run_repeat_requested(int argc, char **argv)
{
    return repeat_index(argc, argv) > 0;
}

static volatile sig_atomic_t g_run_child, g_stop_signal;

/* Passes a termination signal on to the run in progress (a terminal's
 * signal reached it already) and stops the repetition. */
static void on_signal(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    g_stop_signal = sig;
    pid_t pid = (pid_t)g_run_child;
    if (pid > 0 && !(info && info->si_code == SI_KERNEL)) {
        int saved = errno;
        kill(pid, sig);
        errno = saved;
    }
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_STOP (sizeof stop_signals / sizeof stop_signals[0])

static int64_t ns_of(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

typedef struct run_result {
    char profile[PATH_MAX + 32];
    int64_t cpu_ns, wall_ns;
    char status[32];
    int code; /* as a shell reports it: the exit status, or 128 + signal */
} run_result;

/* One run: `hotlint run` in a child of ours with the run's profile path. */
static int run_once(int argc, char **args, run_result *r)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "hotlint run: cannot fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        for (size_t k = 0; k < N_STOP; k++)
            signal(stop_signals[k], SIG_DFL);
        exit(hl_cmd_run(argc, args));
    }
    g_run_child = pid;
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "hotlint run: waiting for a run: %s\n", strerror(errno));
            return -1;
        }
    g_run_child = 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->wall_ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
    r->cpu_ns = ns_of(ru.ru_utime) + ns_of(ru.ru_stime);
    if (WIFSIGNALED(status)) {
        snprintf(r->status, sizeof r->status, "signal:%d", WTERMSIG(status));
        r->code = 128 + WTERMSIG(status);
    } else {
        snprintf(r->status, sizeof r->status, "exit:%d", WEXITSTATUS(status));
        r->code = WEXITSTATUS(status);
    }
    if (access(r->profile, R_OK) != 0)
        r->profile[0] = 0;
    return 0;
}

/* Says which runs ended how when they did not all end alike:
 * "the runs ended differently: exit:0 (runs 1, 3), exit:3 (run 2)". */
static void report_statuses(const run_result *runs, int n)
{
    int k = 1;
    while (k < n && !strcmp(runs[k].status, runs[0].status))
        k++;
    if (k == n)
        return;
    fputs("hotlint run: the runs ended differently:", stderr);
    for (int i = 0, groups = 0; i < n; i++) {
        bool first = true;
        for (int j = 0; j < i && first; j++)
            first = strcmp(runs[j].status, runs[i].status) != 0;
        if (!first)
            continue;
        int count = 0;
        for (int j = i; j < n; j++)
            count += !strcmp(runs[j].status, runs[i].status);
        fprintf(stderr, "%s %s (run%s", groups++ ? "," : "", runs[i].status, count > 1 ? "s" : "");
        for (int j = i, shown = 0; j < n; j++)
            if (!strcmp(runs[j].status, runs[i].status))
                fprintf(stderr, "%s %d", shown++ ? "," : "", j + 1);
        fputc(')', stderr);
    }
    fputc('\n', stderr);
}

/* Removes the runs' directory and everything in it. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[PATH_MAX + 256];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

#ifdef HL_FRONT
/* Runs the analyzer's __merge-runs (next to this executable, else where it
 * is installed) and waits for it. */
static int merge(char **args)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *analyzer = HL_ANALYZER_INSTALLED;
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(path, sizeof path, "%s/" HL_ANALYZER_NAME, exe);
            if (access(path, X_OK) == 0)
                analyzer = path;
        }
    }
    args[0] = (char *)analyzer;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execv(analyzer, args);
        fprintf(stderr, "hotlint run: cannot run the analyzer %s to merge the runs: %s\n", analyzer,
                strerror(errno));
        _exit(2);
    }
    int status;
    if (pid < 0)
        return 2;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
#else
static int merge(char **args)
{
    int n = 0;
    while (args[n])
        n++;
    return hl_cmd_merge_runs(n, args);
}
#endif

/* The parsed command line of a repeated run. */
typedef struct repeat_args {
    int n;         /* runs */
    int cpu_value; /* index of --cpuprofile's value in args */
    const char *out;
    char **args; /* argv without --repeat N; args[cpu_value] is set per run */
    int argc;
} repeat_args;

static int parse_repeat(int argc, char **argv, repeat_args *ra)
{
    int ri = repeat_index(argc, argv);
    bool joined = argv[ri][8] == '=';
    const char *val = joined ? argv[ri] + 9 : ri + 1 < argc ? argv[ri + 1] : NULL;
    char *end;
    long n = val ? strtol(val, &end, 10) : 0;
    if (!val || !*val || *end || n < 1 || n > MAX_REPEAT) {
        fprintf(stderr, "hotlint run: --repeat %s: give a number of runs from 1 to %d\n",
                val ? val : "", MAX_REPEAT);
        return -1;
    }
    ra->n = (int)n;
    ra->args = calloc((size_t)argc + 1, sizeof *ra->args);
    if (!ra->args)
        return -1;
    bool options = true;
    for (int i = 0; i < argc; i++) {
        if (i == ri) {
            i += joined ? 0 : 1;
            continue;
        }
        const char *a = argv[i];
        ra->args[ra->argc++] = argv[i];
        if (!options || i == 0)
            continue;
        if (!strcmp(a, "--") || a[0] != '-') {
            options = false;
        } else if (!strcmp(a, "--memprofile") || !strcmp(a, "--http")) {
            fprintf(stderr, "hotlint run: %s cannot go with --repeat: give it to a single run\n",
                    a);
            return -1;
        } else if (!strcmp(a, "--cpuprofile") && i + 1 < argc) {
            ra->out = argv[i + 1];
            ra->cpu_value = ra->argc;
        }
        if (options && takes_value(a) && i + 1 < argc)
            ra->args[ra->argc++] = argv[++i];
    }
    if (!ra->out) {
        fputs("hotlint run: --repeat needs --cpuprofile FILE, the profile that will hold every "
              "run\n",
              stderr);
        return -1;
    }
    return 0;
}

/* A private directory for the runs' profiles beside out. */
static int runs_dir(const char *out, char *dir, size_t n)
{
    const char *slash = strrchr(out, '/');
    int len = slash ? (int)(slash - out) : 1;
    snprintf(dir, n, "%.*s/.hotlint-runs.XXXXXX", len, slash ? out : ".");
    if (slash == out)
        snprintf(dir, n, "/.hotlint-runs.XXXXXX");
    if (!mkdtemp(dir)) {
        fprintf(stderr,
                "hotlint run: cannot make a directory for the runs' profiles beside %s: "
                "%s; write the profile to a directory you can write to\n",
                out, strerror(errno));
        return -1;
    }
    return 0;
}

/* Merges the runs into out. Returns 0, or the analyzer's status. */
static int merge_runs(const char *out, const run_result *runs, int n)
{
    char **args = calloc((size_t)n * 4 + 4, sizeof *args);
    char(*nums)[2][24] = calloc((size_t)n + 1, sizeof *nums);
    int rc = 2;
    if (args && nums) {
        int k = 0;
        args[k++] = NULL; /* the analyzer */
        args[k++] = "__merge-runs";
        args[k++] = (char *)out;
        for (int i = 0; i < n; i++) {
            snprintf(nums[i][0], sizeof nums[i][0], "%lld", (long long)runs[i].cpu_ns);
            snprintf(nums[i][1], sizeof nums[i][1], "%lld", (long long)runs[i].wall_ns);
            args[k++] = runs[i].profile[0] ? (char *)runs[i].profile : "-";
            args[k++] = nums[i][0];
            args[k++] = nums[i][1];
            args[k++] = (char *)runs[i].status;
        }
        rc = merge(args);
    }
    free(args);
    free(nums);
    return rc;
}

int hl_run_repeat(int argc, char **argv)
{
    repeat_args ra = {0};
    run_result *runs = NULL;
    char dir[PATH_MAX];
    int rc = 2, done = 0;
    if (parse_repeat(argc, argv, &ra) < 0 || runs_dir(ra.out, dir, sizeof dir) < 0 ||
        !(runs = calloc((size_t)ra.n, sizeof *runs))) {
        free(ra.args);
        return 2;
    }
    struct sigaction old[N_STOP];
    for (size_t k = 0; k < N_STOP; k++) {
        sigaction(stop_signals[k], NULL, &old[k]);
        if (old[k].sa_handler == SIG_IGN)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigaction(stop_signals[k], &sa, NULL);
    }
    for (; done < ra.n && !g_stop_signal; done++) {
        snprintf(runs[done].profile, sizeof runs[done].profile, "%s/run-%d.prof", dir, done + 1);
        ra.args[ra.cpu_value] = runs[done].profile;
        if (run_once(ra.argc, ra.args, &runs[done]) < 0)
            break;
    }
    if (done == ra.n) {
        report_statuses(runs, ra.n);
        rc = merge_runs(ra.out, runs, ra.n);
        if (rc == 0) {
            rc = runs[0].code;
            for (int i = 0; i < ra.n && !rc; i++)
                rc = runs[i].code;
        }
    }
    remove_dir(dir);
    for (size_t k = 0; k < N_STOP; k++)
        sigaction(stop_signals[k], &old[k], NULL);
    free(runs);
    free(ra.args);
    if (g_stop_signal) {
        fprintf(stderr,
                "hotlint run: stopped by signal %d after %d of %d runs; no profile "
                "written\n",
                (int)g_stop_signal, done, ra.n);
        signal(g_stop_signal, SIG_DFL);
        raise(g_stop_signal);
        return 128 + g_stop_signal;
    }
    return rc;
}

#ifndef HL_FRONT
#include "../compare/label_runs.h"
#include "escape.h"

int hl_cmd_merge_runs(int argc, char **argv)
{
    if (argc < 6 || (argc - 2) % 4) {
        fputs("hotlint __merge-runs: internal command of hotlint run --repeat: OUT "
              "(FILE|- CPU_NS WALL_NS STATUS)...\n",
              stderr);
        return 2;
    }
    size_t n = (size_t)(argc - 2) / 4;
    hl_run_record *recs = calloc(n, sizeof *recs);
    int rc = 2;
    char err[1024] = "";
    if (!recs)
        return 2;
    for (size_t i = 0; i < n; i++) {
        char **a = argv + 2 + 4 * i;
        recs[i].cpu_ns = strtoll(a[1], NULL, 10);
        recs[i].wall_ns = strtoll(a[2], NULL, 10);
        snprintf(recs[i].status, sizeof recs[i].status, "%s", a[3]);
        if (strcmp(a[0], "-") && !(recs[i].profile = hl_profile_read_file(a[0], err, sizeof err))) {
            fprintf(stderr, "hotlint run: run %zu: %s\n", i + 1, hl_esc(err));
            goto out;
        }
        if (!recs[i].profile)
            fprintf(stderr, "hotlint run: run %zu (%s) wrote no profile\n", i + 1, a[3]);
    }
    hl_profile *merged = hl_label_runs(recs, n, err, sizeof err);
    if (!merged) {
        fprintf(stderr, "hotlint run: merging the runs: %s\n", hl_esc(err));
        goto out;
    }
    if (hl_profile_write_file(merged, argv[1]) < 0)
        fprintf(stderr, "hotlint run: %s: cannot write the profile: %s\n", hl_esc(argv[1]),
                strerror(errno));
    else
        rc = 0;
    hl_profile_free(merged);
out:
    for (size_t i = 0; i < n; i++)
        hl_profile_free((hl_profile *)recs[i].profile);
    free(recs);
    return rc;
}
#endif
