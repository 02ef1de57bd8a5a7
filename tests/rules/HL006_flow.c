/* HL006 linear-realloc and control flow: a grow-and-retry loop stops at the
 * first size that is big enough. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

char *vformat(const char *fmt, va_list ap)
{
    size_t cap = 0;
    char *buf = NULL;
    for (;;) {
        cap += 256;
        buf = realloc(buf, cap); // silent: retried only until the text fits
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(buf, cap, fmt, aq); // silent: in the same retry loop (HL001)
        va_end(aq);
        if (n >= 0 && (size_t)n < cap)
            return buf;
    }
}

int *append_all(const int *v, size_t n)
{
    int *items = NULL;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int *grown = realloc(items, (len + 1) * sizeof *items); // expect: HL006
        if (grown == NULL) {
            free(items);
            return NULL;
        }
        items = grown;
        items[len++] = v[i];
    }
    return items;
}
