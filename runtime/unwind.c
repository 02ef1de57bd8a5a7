/* unwind.c - in-process stack walking with libunwind's local API, shared by
 * every part of the runtime that takes a stack, with the dynamic-loader
 * guard that signal handlers need. */
#define UNW_LOCAL_ONLY
#include <fcntl.h>
#include <libunwind.h>
#include <link.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "cpu_internal.h"
#include "unwind.h"

/* > 0 while this thread is inside the dynamic loader (dlopen, dl_iterate_phdr
 * called by the runtime). */
__thread int hl_cpu_in_loader __attribute__((tls_model("initial-exec")));

/* The dynamic loader's own r_debug, the one it updates. A program linked with
 * the static runtime that names _r_debug has a copy of its own (a copy
 * relocation) that the loader never updates; DT_DEBUG in the program's
 * dynamic section points at the real one, as debuggers know. Found by
 * hl_unwind_warmup; until then _r_debug. */
static struct r_debug *_Atomic g_rdebug;

static int find_dt_debug(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
            continue;
        for (ElfW(Dyn) *d = (ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
             d->d_tag != DT_NULL; d++)
            if (d->d_tag == DT_DEBUG && d->d_un.d_ptr)
                *(struct r_debug **)arg = (struct r_debug *)d->d_un.d_ptr;
    }
    return 1; /* the first object is the program itself */
}

static bool loader_busy(void)
{
    struct r_debug *r = atomic_load_explicit(&g_rdebug, memory_order_relaxed);
    return hl_cpu_in_loader || (r ? r : &_r_debug)->r_state != RT_CONSISTENT;
}

size_t hl_unwind_signal(void *ucv, uintptr_t *pcs, size_t max, unsigned *flags)
{
    ucontext_t *uc = ucv;
    size_t depth = 0;
    *flags = 0;
    if (max == 0)
        return 0;
    uintptr_t leaf = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    unw_cursor_t cur;
    if (loader_busy() || unw_init_local2(&cur, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME) < 0) {
        pcs[0] = leaf;
        *flags |= HL_UNWIND_LEAF_ONLY;
        return 1;
    }
    for (;;) {
        unw_word_t ip = 0;
        if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || ip == 0)
            break;
        pcs[depth++] = (uintptr_t)ip;
        if (depth == max) {
            if (unw_step(&cur) > 0)
                *flags |= HL_UNWIND_TRUNCATED;
            break;
        }
        if (unw_step(&cur) <= 0)
            break;
    }
    if (depth == 0) {
        pcs[depth++] = leaf;
        *flags |= HL_UNWIND_LEAF_ONLY;
    }
    return depth;
}

__attribute__((noinline)) size_t hl_unwind_here(uintptr_t *pcs, size_t max)
{
    /* unw_backtrace starts with its caller: this function, left out. */
    void *raw[256];
    int d = unw_backtrace(raw, (int)(max + 1 < 256 ? max + 1 : 256));
    size_t n = 0;
    for (int i = 1; i < d; i++)
        pcs[n++] = (uintptr_t)raw[i];
    return n;
}

/* libunwind opens a pipe when it initializes (to probe memory). Placing it
 * above the program's descriptors keeps open() returning the numbers it
 * returns unprofiled: fill the low numbers, initialize, release them. */
static void init_libunwind_high(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < HL_CPU_FD_HIGH + 64) {
        unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
        return;
    }
    static int fillers[HL_CPU_FD_HIGH];
    int n = 0, base = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (base >= 0) {
        fillers[n++] = base;
        while (n < HL_CPU_FD_HIGH) {
            int fd = fcntl(base, F_DUPFD_CLOEXEC, 0);
            if (fd < 0)
                break;
            fillers[n++] = fd;
            if (fd >= HL_CPU_FD_HIGH - 1)
                break;
        }
    }
    /* Per-thread caches: a handler never takes the global cache's lock. */
    unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
    while (n > 0)
        close(fillers[--n]);
}

void hl_unwind_warmup(void)
{
    static _Atomic int initialized;
    if (!atomic_exchange(&initialized, 1)) {
        init_libunwind_high();
        struct r_debug *r = NULL;
        hl_cpu_in_loader++;
        dl_iterate_phdr(find_dt_debug, &r);
        hl_cpu_in_loader--;
        if (r)
            atomic_store(&g_rdebug, r);
    }
    unw_context_t ctx;
    unw_cursor_t cur;
    if (unw_getcontext(&ctx) == 0 && unw_init_local(&cur, &ctx) == 0) {
        int n = 0;
        while (n++ < HL_CPU_MAX_DEPTH && unw_step(&cur) > 0)
            ;
    }
}
