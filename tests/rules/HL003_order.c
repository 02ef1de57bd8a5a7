/* HL003: compares that order or that run only after a cheap test failed. */
#include <string.h>

struct rec {
    const char *key;
    size_t n;
};

int sort_records(struct rec *v, size_t n)
{
    int swaps = 0;
    for (size_t i = 1; i < n; i++) {
        int rc = memcmp(v[i - 1].key, v[i].key, v[i].n); // silent: an ordering, not a lookup
        if (rc > 0)
            swaps++;
    }
    return swaps;
}

int find_term(const struct rec *v, size_t n, const char *term, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].n != len ||
            memcmp(v[i].key, term, len)) // silent: reached only when the lengths match
            continue;
        else
            return (int)i;
    return -1;
}

size_t scan_prefix(const char *in, size_t mx, const char *init, size_t n_init)
{
    size_t i = 0;
    while (i + n_init <= mx &&
           (in[i] != init[0] ||
            strncmp(in + i, init, n_init) != 0)) // silent: after a first-character mismatch test
        i++;
    return i;
}

int count_key(const struct rec *v, size_t n, const char *key)
{
    int hits = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].key, key) == 0) // expect: HL003 "every iteration"
            hits++;
    return hits;
}
