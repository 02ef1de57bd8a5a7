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
#include "rt_internal.h"

void hl_cpu_set_fork_profiles(bool on);

static bool env_true(const char *name)
{
    const char *v = getenv(name);
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

/* Drops every LD_PRELOAD entry naming libhotlint-rt. Edits the variable's
 * string in place: no allocation, so the heap profiler (already running)
 * never records the runtime's own start-up. */
static void scrub_preload(void)
{
    char *value = getenv("LD_PRELOAD");
    if (!value)
        return;
    char *out = value;
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == ':')
            p++;
        const char *tok = p;
        while (*p && *p != ' ' && *p != ':')
            p++;
        size_t len = (size_t)(p - tok);
        if (len == 0)
            break;
        const char *base = memrchr(tok, '/', len);
        base = base ? base + 1 : tok;
        if ((size_t)(p - base) >= 13 && !strncmp(base, "libhotlint-rt", 13))
            continue;
        if (out != value)
            *out++ = ':';
        memmove(out, tok, len);
        out += len;
    }
    *out = '\0';
}

/* Removes HOTLINT_* and an emptied LD_PRELOAD from environ itself, closing up
 * the array in place. Not through unsetenv: a program may export its own
 * (bash does, and it never edits environ), and the constructor runs before
 * the program could care. */
static void scrub_env(void)
{
    scrub_preload();
    extern char **environ;
    if (!environ)
        return;
    char **out = environ;
    for (char **e = environ; *e; e++) {
        if (!strncmp(*e, "HOTLINT_", 8) || !strcmp(*e, "LD_PRELOAD="))
            continue;
        *out++ = *e;
    }
    *out = NULL;
}

__attribute__((constructor)) static void hl_rt_init(void)
{
    int own = hl_rt_own_begin(); /* the runtime's start-up is not the program's heap use */
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
    hl_rt_own_end(own);
}
