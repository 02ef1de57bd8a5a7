/* HL002 alloc-in-loop: positive and negative cases. */
#include <stdlib.h>
#include <string.h>

void use(void *p);

void positives(const char **names, int n)
{
    for (int i = 0; i < n; i++) {
        char *buf = malloc(64); // expect: HL002 "freed in the same iteration"
        use(buf);
        free(buf);
    }
    for (int i = 0; i < n; i++)
        use(calloc(4, 16)); // expect: HL002
    while (n-- > 0) {
        char *copy = strdup(names[n]); // expect: HL002
        use(copy);
    }
    for (int i = 0; i < n; i++) {
        use(strndup(names[i], 8));   // expect: HL002
        use(aligned_alloc(64, 128)); // expect: HL002
        void *p;
        if (posix_memalign(&p, 64, 256) == 0) // expect: HL002
            use(p);
    }
    char *grow = NULL;
    for (int i = 0; i < n; i++) {
        grow = realloc(grow, (size_t)n); // expect: HL002
        use(grow);
    }
}

void negatives(const char **names, int n)
{
    char *buf = malloc(64); // silent: before the loop
    for (int i = 0; i < n; i++)
        use(buf);
    free(buf);
    for (char *p = malloc(16); n > 0; n--) // silent: the for-init runs once
        use(p);
    for (int i = 0; i < 2; i++)
        use(strdup(names[i])); // silent: constant trip count of 2
    size_t cap = 0, len = 0;
    char *items = NULL;
    for (int i = 0; i < n; i++) {
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            items = realloc(items, cap); // silent: geometric growth is the fix
        }
        items[len++] = 'x';
    }
    use(items);
}
