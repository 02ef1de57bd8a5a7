/* Uses the compiler's own headers: libclang must find its resource directory. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct s {
    int a;
    double b;
};

size_t where(void)
{
    return offsetof(struct s, b);
}

int sum(int n, ...)
{
    va_list ap;
    int t = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        t += va_arg(ap, int);
    va_end(ap);
    bool ok = t > 0;
    return ok ? (int)(intptr_t)t : 0;
}
