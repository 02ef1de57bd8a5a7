/* lazy_lib.h - what lazy_dw.c and lazy_mhd.c share: opening a library by its
 * soname when its feature is first used, and resolving its functions, with
 * one message on stderr that names the library and its Debian package when
 * that fails. */
#ifndef HL_LAZY_LIB_H
#define HL_LAZY_LIB_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

/* dlopen(soname), its names kept local to it, then names[i] resolved into
 * slots[i] for i < n (function pointers stored as void *, as dlsym gives
 * them). False when the library or one of its functions is missing, said on
 * stderr with the feature that needs it and the Debian package to install.
 * Not async-signal-safe. */
bool hl_lazy_load(const char *soname, const char *package, const char *feature,
                  const char *const *names, void **slots, size_t n);

#pragma GCC visibility pop

#endif
