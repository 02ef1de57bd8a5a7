/* dl_alloc.c - loads a library, allocates through it, unloads it, loads it
 * again and allocates again, while heap profiling samples every allocation.
 * Usage: dl_alloc LIBRARY. Prints the figures the test compares. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *volatile sink;

__attribute__((noinline)) void main_alloc(int n)
{
    for (int i = 0; i < n; i++) {
        sink = malloc(200);
        free(sink);
    }
}

static int call_lib(const char *path, int n, int unload)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "dl_alloc: %s\n", dlerror());
        return -1;
    }
    void (*fn)(int) = (void (*)(int))dlsym(h, "lib_alloc");
    if (fn == NULL)
        return -1;
    fn(n);
    return unload ? dlclose(h) : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dl_alloc LIBRARY\n");
        return 2;
    }
    main_alloc(50);
    if (call_lib(argv[1], 100, 1) != 0 || call_lib(argv[1], 100, 0) != 0)
        return 1;
    main_alloc(50);
    printf("main_alloc 100 20000\nlib_alloc 200 60000\n");
    return 0;
}
