/* HL006 linear-realloc: realloc growing by a constant inside a loop (not also HL002). */
#include <stdlib.h>

struct vec {
    int *v;
    size_t n, cap;
};

int *positives(int *items, size_t n, struct vec *vv)
{
    size_t cap = 0;
    char *buf = NULL;
    for (size_t i = 0; i < n; i++) {
        cap += 16;
        buf = realloc(buf, cap); // expect: HL006 "grows the buffer by a constant"
        buf[0] = 0;
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        items = realloc(items, (len + 1) * sizeof *items); // expect: HL006
        items[len++] = (int)i;
    }
    while (n--) {
        if (vv->n == vv->cap) {
            vv->cap += 8;
            vv->v = realloc(vv->v, vv->cap * sizeof *vv->v); // expect: HL006
        }
        vv->v[vv->n++] = 1;
    }
    free(buf);
    return items;
}

int *negatives(int *items, size_t n)
{
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < n; i++) {
        if (len == cap) {
            cap *= 2;
            items = realloc(items, cap * sizeof *items); // silent: geometric growth
        }
        items[len++] = 0;
    }
    items = realloc(items, (len + 1) * sizeof *items); // silent: not in a loop
    return items;
}
