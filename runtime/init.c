/* init.c - the runtime's start-up when preloaded or linked: starts the CPU
 * profiler from HOTLINT_CPUPROFILE / HOTLINT_CPUPROFILE_HZ, and (unless
 * HOTLINT_FOLLOW_EXEC=1) removes the runtime and HOTLINT_* from the
 * environment so that programs this one executes run unprofiled.
 *
 * This constructor must run after the heap and HTTP constructors have read
 * their variables: it is unprioritized and init.c links after heap_*.c and
 * http_*.c (runtime/CMakeLists.txt globs in name order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_internal.h"
#include "hotlint/profiler.h"

void hl_cpu_set_fork_profiles(bool on);

static bool env_true(const char *name)
{
    const char *v = getenv(name);
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

/* Drops every LD_PRELOAD entry naming libhotlint-rt. */
static void scrub_preload(void)
{
    const char *pre = getenv("LD_PRELOAD");
    if (!pre)
        return;
    size_t n = strlen(pre);
    char *copy = strdup(pre), *out = malloc(n + 1);
    if (!copy || !out) {
        free(copy);
        free(out);
        return;
    }
    out[0] = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " :", &save); tok; tok = strtok_r(NULL, " :", &save)) {
        const char *base = strrchr(tok, '/');
        base = base ? base + 1 : tok;
        if (!strncmp(base, "libhotlint-rt", 13))
            continue;
        if (out[0])
            strcat(out, ":");
        strcat(out, tok);
    }
    if (out[0])
        setenv("LD_PRELOAD", out, 1);
    else
        unsetenv("LD_PRELOAD");
    free(copy);
    free(out);
}

static void scrub_env(void)
{
    scrub_preload();
    extern char **environ;
    for (;;) {
        bool again = false;
        for (char **e = environ; e && *e; e++) {
            if (!strncmp(*e, "HOTLINT_", 8)) {
                const char *eq = strchr(*e, '=');
                size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
                char name[128];
                if (len >= sizeof name)
                    continue;
                memcpy(name, *e, len);
                name[len] = 0;
                unsetenv(name);
                again = true;
                break;
            }
        }
        if (!again)
            break;
    }
}

__attribute__((constructor)) static void hl_rt_init(void)
{
    const char *path = getenv("HOTLINT_CPUPROFILE");
    const char *hz_s = getenv("HOTLINT_CPUPROFILE_HZ");
    const char *orig_pid = getenv("HOTLINT_CPUPROFILE_PID");
    bool follow = env_true("HOTLINT_FOLLOW_EXEC");
    hl_cpu_set_fork_profiles(env_true("HOTLINT_CPUPROFILE_FORK"));
    hl_cpu_set_forced_mode(getenv("HOTLINT_CPUPROFILE_MODE"));
    char *mine = NULL;
    int hz = 0;
    if (path && *path) {
        if (hz_s && *hz_s) {
            char *end;
            long v = strtol(hz_s, &end, 10);
            if (*end || v <= 0 || v > HL_CPU_MAX_HZ)
                fprintf(stderr,
                        "hotlint: HOTLINT_CPUPROFILE_HZ=%s: not a rate in 1..%d; using %d\n", hz_s,
                        HL_CPU_MAX_HZ, HL_CPU_DEFAULT_HZ);
            else
                hz = (int)v;
        }
        /* A program reached by exec under --follow-exec writes a profile of
         * its own unless it is the process that was started. */
        if (orig_pid && atoi(orig_pid) != (int)getpid()) {
            size_t n = strlen(path) + 32;
            if ((mine = malloc(n)))
                snprintf(mine, n, "%s.%d", path, (int)getpid());
        } else {
            mine = strdup(path);
        }
    }
    if (!follow)
        scrub_env();
    if (mine)
        hotlint_cpu_start(mine, hz);
    free(mine);
}
