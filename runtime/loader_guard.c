/* loader_guard.c - marks the threads that are inside the dynamic loader
 * (dl_iterate_phdr, dlclose), so that a signal handler does not unwind them:
 * libunwind would walk the same lists (unwind.c keeps the leaf only). */
#include <dlfcn.h>
#include <link.h>

#include "cpu_internal.h"

/* Interposed: a thread walking the loader's lists must not be unwound from
 * the handler (libunwind would walk the same lists). */
__attribute__((visibility("default"))) int
dl_iterate_phdr(int (*cb)(struct dl_phdr_info *, size_t, void *), void *data)
{
    static int (*real)(int (*)(struct dl_phdr_info *, size_t, void *), void *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "dl_iterate_phdr");
    hl_cpu_in_loader++;
    int rc = real(cb, data);
    hl_cpu_in_loader--;
    return rc;
}

__attribute__((visibility("default"))) int dlclose(void *h)
{
    static int (*real)(void *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "dlclose");
    hl_cpu_in_loader++;
    int rc = real(h);
    hl_cpu_in_loader--;
    return rc;
}
