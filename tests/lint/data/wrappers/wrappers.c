/* Wrappers: a call in a loop to a function that allocates or formats on
 * every call is a finding at the call, with the chain in notes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void use(void *p);

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        abort();
    return p;
}

static char *dup_name(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* Both branches allocate: every call does. */
static char *make_object(const char *s, size_t len)
{
    if (len <= 44)
        return dup_name(s);
    else
        return xmalloc(len + 1);
}

/* Allocates only when the buffer is full: not on every call. */
static char *grow_if_full(char *p, size_t *cap, size_t len)
{
    if (len + 1 > *cap) {
        *cap = *cap ? *cap * 2 : 16;
        p = realloc(p, *cap);
    }
    return p;
}

/* Returns early below the log level: formatting is not on every call. */
int log_level;
static void log_at(int level, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    if (level < log_level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    use(msg);
}

static void append_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
}

/* Declared elsewhere, known by its attributes only. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *arena_alloc(size_t n) __attribute__((malloc, alloc_size(1)));
/* Declared in .hotlint.yaml (allocators: [pool_get]). */
void *pool_get(size_t n);

void rows(const char **names, const size_t *lens, int n, char *out, size_t cap)
{
    char *buf = NULL;
    size_t bcap = 0;
    for (int i = 0; i < n; i++) {
        use(dup_name(names[i]));               // expect: HL002 "dup_name allocates on every iteration"
        use(make_object(names[i], lens[i]));   // expect: HL002 "make_object allocates"
        buf = grow_if_full(buf, &bcap, lens[i]); // silent: allocates only when full
        log_at(1, "row %d", i);                // silent: returns early below the log level
        append_fmt(out, cap, "%d,", i);        // expect: HL001 "append_fmt formats"
        use(str_printf("%d", i));              // expect: HL001 "str_printf formats"
        use(arena_alloc(lens[i]));             // expect: HL002 "arena_alloc allocates"
        use(pool_get(lens[i]));                // expect: HL002 "pool_get allocates"
    }
    use(dup_name("once")); // silent: not in a loop
    use(buf);
}
