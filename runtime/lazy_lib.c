/* lazy_lib.c - opens a library on first use and resolves its functions
 * (lazy_lib.h). */
#include <dlfcn.h>
#include <stdio.h>

#include "lazy_lib.h"

bool hl_lazy_load(const char *soname, const char *package, const char *feature,
                  const char *const *names, void **slots, size_t n)
{
    /* RTLD_LOCAL: the library's names stay out of the program's own lookups.
     * The handle is never closed: another part of the process may use it. */
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "hotlint: %s needs %s (%s); install the Debian package %s\n", feature,
                soname, dlerror(), package);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        slots[i] = dlsym(h, names[i]);
        if (!slots[i]) {
            fprintf(stderr, "hotlint: %s has no %s; install a current %s\n", soname, names[i],
                    package);
            return false;
        }
    }
    return true;
}
