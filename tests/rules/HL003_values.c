/* HL003 string-compare: what the values say about a compare's cost. Small
 * constant tables, emptiness tests, fixed-size memcmp, and compares that run
 * only after a hash or length match are not string compares on every
 * iteration; the same shapes over data of unbounded size are. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define N_MODES       3
#define KEYLEN        16

struct option {
    const char *name;
    int flag;
};

static const struct option options[] = {{"verbose", 1}, {"quiet", 2},  {"debug", 4},
                                        {"trace", 8},   {"color", 16}, {NULL, 0}};
static const char *const modes[N_MODES] = {"r", "w", "a"};
enum { LEVEL_COUNT = 6 };
static const char *const levels[LEVEL_COUNT] = {"trace", "debug", "info", "warn", "error", "fatal"};

/* option lookups over a static table, as getopt-style parsers write them */
int option_flag(const char *name)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (options[i].name && !strcmp(options[i].name, name)) // silent: 6 entries, a fixed scan
            return options[i].flag;
    for (const struct option *o = options; o->name; o++)
        if (!strcasecmp(o->name, name)) // silent: a sentinel walk over a 6-entry const table
            return o->flag;
    for (int i = 0; options[i].name != NULL; i++)
        if (!strcmp(options[i].name, name)) // silent: indexed walk over the same table
            return options[i].flag;
    return 0;
}

int mode_index(const char *m)
{
    for (int i = 0; i < N_MODES; i++)
        if (!strcmp(modes[i], m)) // silent: N_MODES (3) iterations
            return i;
    for (int i = LEVEL_COUNT - 1; i >= 0; i--)
        if (!strcmp(levels[i], m)) // silent: counting down over an enum-sized table
            return i;
    for (size_t i = 0; i < ARRAY_SIZE(levels); i += 2)
        if (!strcmp(levels[i], m)) // silent: ARRAY_SIZE in steps of 2
            return (int)i;
    return -1;
}

/* a keyword table scanned once per token: the scan is small, but the
 * function doing it is called in a loop of this file */
static const char *const reserved[] = {"while", "return", "struct", "const", "static", "extern"};

static int is_reserved(const char *word)
{
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
        if (strcmp(word, reserved[k]) == 0) // expect: HL003
            return 1;
    return 0;
}

size_t count_reserved(const char **words, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (size_t)is_reserved(words[i]);
    return c;
}

/* the same compare over a table whose size is not known here */
int lookup(const struct option *table, size_t n, const char **words, size_t nwords)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(table[i].name, words[0])) // expect: HL003 "every iteration"
            return (int)i;
    for (const struct option *o = table; o->name; o++)
        if (!strcmp(o->name, words[0])) // expect: HL003
            return o->flag;
    static const char *big[100];
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        if (big[i] && !strcmp(big[i], words[0])) // expect: HL003
            return (int)i;
    int empty = 0;
    for (size_t i = 0; i < nwords; i++) {
        if (strcmp(words[i], "") == 0) // silent: an emptiness test
            empty++;
        if (!strcmp("", words[i])) // silent: an emptiness test, literal first
            empty++;
        if (!strcmp(words[i], "-")) // expect: HL003
            empty--;
    }
    return empty;
}

/* an emptiness test does not count towards an if/else-if chain */
int kind(const char *s)
{
    if (!strcmp(s, "")) // silent: emptiness test, not one of the chain's compares
        return 0;
    else if (!strcmp(s, "int")) // silent: a chain of 3 literals is below the threshold
        return 1;
    else if (!strcmp(s, "str")) // silent: short chain
        return 2;
    else if (!strcmp(s, "list")) // silent: short chain
        return 3;
    return -1;
}

struct entry {
    struct entry *next;
    unsigned hash;
    size_t len;
    unsigned char id[KEYLEN];
    char *key;
};

/* fixed-size binary compares: a few word compares each */
struct entry *find_id(struct entry *e, const unsigned char *id, const char *tag)
{
    for (; e; e = e->next) {
        if (memcmp(e->id, id, KEYLEN) == 0) // silent: 16 bytes through a macro
            return e;
        if (!memcmp(e->id, id, sizeof e->id)) // silent: sizeof of a fixed array
            return e;
        if (!strncmp(e->key, tag, 4)) // silent: at most 4 bytes
            return e;
        if (!memcmp(e->key, tag, 128)) // expect: HL003
            return e;
    }
    return NULL;
}

/* hash tables: the key compare runs only when the hash and length matched
 * (a chained dict's bucket walk, an interned-string table) */
struct entry *dict_find(struct entry *he, unsigned h, const char *key, size_t len)
{
    while (he) {
        if (he->hash == h && he->len == len &&
            memcmp(he->key, key, len) == 0) // silent: after match
            return he;
        he = he->next;
    }
    return NULL;
}

unsigned entry_hash(const struct entry *e);

struct entry *cache_find(struct entry *e, unsigned h, const char *key)
{
    for (; e; e = e->next)
        if (entry_hash(e) == h && !strcmp(e->key, key)) // silent: after a hash match
            return e;
    return NULL;
}

struct entry *intern_find(struct entry **buckets, unsigned h, const char *str, size_t l)
{
    for (struct entry *ts = buckets[h & 63]; ts != NULL; ts = ts->next) {
        if (l == ts->len) {
            if (memcmp(str, ts->key, l * sizeof(char)) == 0) // silent: only when the length matched
                return ts;
        }
    }
    return NULL;
}

struct entry *guard_not_a_match(struct entry *e, const char *key, int type)
{
    for (; e; e = e->next) {
        if (e->key != NULL && strcmp(e->key, key) == 0) // expect: HL003
            return e;
        if (type == 3 && !strcmp(e->key, key)) // expect: HL003
            return e;
        if (e->hash != 0 || !strcmp(e->key, key)) // expect: HL003
            return e;
    }
    return NULL;
}
