/* strobj: a tokenizer that makes one string object per token through a
 * helper that allocates (str_new -> xmalloc -> malloc). The allocation is
 * not in the loop's own text: only the call graph shows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct str {
    size_t len;
    char data[];
} str;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        perror("strobj: malloc");
        exit(1);
    }
    return p;
}

__attribute__((noinline)) static str *str_new(const char *s, size_t len)
{
    str *o = xmalloc(sizeof *o + len + 1);
    o->len = len;
    memcpy(o->data, s, len);
    o->data[len] = '\0';
    return o;
}

__attribute__((noinline)) static size_t tokenize(const char *line, str **out, size_t max)
{
    size_t n = 0;
    const char *p = line;
    while (*p && n < max) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if (p > start)
            out[n++] = str_new(start, (size_t)(p - start));
    }
    return n;
}

static const char *const lines[] = {
    "GET /index.html HTTP/1.1 host example.org accept text/html",
    "SET user:1001 name alice age 31 city paris",
    "ZADD board 10 alice 20 bob 30 carol 40 dave",
    "LPUSH queue job-1 job-2 job-3 job-4 job-5 job-6",
};

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1500000;
    str *toks[32];
    unsigned long sum = 0;
    for (long r = 0; r < rounds; r++) {
        size_t n = tokenize(lines[r % 4], toks, 32);
        for (size_t i = 0; i < n; i++) {
            sum += toks[i]->len + (unsigned char)toks[i]->data[0];
            free(toks[i]);
        }
    }
    printf("strobj: %lu\n", sum);
    return 0;
}
