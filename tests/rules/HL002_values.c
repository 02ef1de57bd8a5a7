/* HL002 alloc-in-loop: trip counts and capacity checks. A loop of at most 4
 * constant iterations is not hot (macros, enum constants, sizeof arithmetic,
 * counting down); an allocation behind a capacity check is amortised growth;
 * a loop over a small table still allocates on each of its iterations. */
#include <stdlib.h>
#include <string.h>

#define NBUCKETS      4
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void use(void *p);

enum { STAGE_PARSE, STAGE_CHECK, STAGE_EMIT, STAGE_COUNT };

static const char *const stage_names[] = {"parse", "check", "emit"};
static const char *const keywords[] = {"and", "break", "do",  "else", "end",
                                       "for", "if",    "not", "or",   "while"};

struct buf {
    char *data;
    size_t len, alloc;
};

struct vec {
    void **items;
    size_t n, cap;
};

void constant_trips(char **slots)
{
    for (int i = 0; i < NBUCKETS; i++)
        slots[i] = malloc(64); // silent: NBUCKETS (4) iterations
    for (int i = 0; i < STAGE_COUNT; i++)
        slots[i] = strdup(stage_names[i]); // silent: enum constant, 3 iterations
    for (size_t i = 0; i < sizeof stage_names / sizeof stage_names[0]; i++)
        use(strdup(stage_names[i])); // silent: sizeof arithmetic, 3 iterations
    for (int i = NBUCKETS - 1; i >= 0; i--)
        free(slots[i]); // silent: not an allocation
    for (int i = 3; i > 0; --i)
        use(malloc(16)); // silent: counting down, 3 iterations
    for (int i = 0; i <= 12; i += 4)
        use(calloc(1, 8)); // silent: 0, 4, 8, 12
    for (int i = 0; i != 8; i += 2)
        use(malloc(32)); // silent: 4 iterations with !=
    for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
        use(strdup(keywords[i])); // expect: HL002
    for (int i = 0; i < 5; i++)
        use(malloc(8)); // expect: HL002
    for (int i = 0; i <= NBUCKETS; i++)
        use(malloc(8)); // expect: HL002
}

void capacity_checks(struct buf *b, struct vec *v, const char *s, size_t n)
{
    size_t len = 0, cap = 0;
    char **lines = NULL;
    for (size_t i = 0; i < n; i++) {
        if (len == cap) {
            cap = cap ? 2 * cap : 16;
            lines = realloc(lines, cap * sizeof *lines); // silent: behind the capacity check
        }
        lines[len++] = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (b->len + 1 >= b->alloc) {
            size_t want = b->alloc * 2 + 1;
            char *p = malloc(want); // silent: grows only when b->alloc is reached
            memcpy(p, b->data, b->len);
            free(b->data);
            b->data = p;
            b->alloc = want;
        }
        b->data[b->len++] = s[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (v->n >= v->cap) {
            v->cap += v->cap / 2 + 8;
            v->items = realloc(v->items, v->cap * sizeof *v->items); // silent: cap grows by half
        }
        v->items[v->n++] = NULL;
    }
    use(lines);
}

void not_capacity_checks(const char **words, size_t n, size_t limit, char **seen)
{
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nseen && strcmp(seen[k], words[i]) != 0) // expect: HL003
            k++;
        if (k == nseen && nseen < 64)
            seen[nseen++] = strdup(words[i]); // expect: HL002
        if (k == nseen)
            seen[nseen++] = malloc(16); // expect: HL002
    }
    for (size_t i = 0; i < n; i++) {
        if (n > 0)
            use(malloc(n)); // expect: HL002
        if (words[i] != NULL)
            use(strdup(words[i])); // expect: HL002
        if (i == limit)
            use(malloc(64)); // expect: HL002
    }
}

void geometric(char **out, size_t n)
{
    size_t cap = 8, newcap;
    char *p = NULL;
    for (size_t i = 0; i < n; i++) {
        newcap = cap * 2;
        p = realloc(p, newcap); // silent: doubles through newcap
        cap = newcap;
    }
    size_t size = 16;
    for (size_t i = 0; i < n; i++) {
        size <<= 1;
        p = realloc(p, size); // silent: size <<= 1
    }
    for (size_t i = 0; i < n; i++) {
        size += size >> 1;
        p = realloc(p, size); // silent: grows by half
    }
    for (size_t i = 0; i < n; i++) {
        p = realloc(p, strlen(out[i]) + 1); // expect: HL002
        strcpy(p, out[i]);
    }
    *out = p;
}
