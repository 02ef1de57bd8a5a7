/* wordcount - counts word frequencies in generated text with an open-addressing
 * hash table; the time goes to hashing, which no rule explains. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE 4096

struct entry {
    const char *word;
    size_t len;
    unsigned long hash; /* 64-bit: equal hash and length means the same word here */
    unsigned long count;
};

static struct entry table[TABLE];

/* A byte-at-a-time mixing hash: the measured hotspot. */
__attribute__((noinline)) static unsigned long hash_bytes(const char *s, size_t n)
{
    unsigned long h = 0x9e3779b97f4a7c15UL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 29;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 32;
    }
    return h;
}

__attribute__((noinline)) static void count_word(const char *w, size_t len)
{
    unsigned long h = hash_bytes(w, len);
    for (size_t i = h % TABLE;; i = (i + 1) % TABLE) {
        struct entry *e = &table[i];
        if (!e->word) {
            e->word = w;
            e->len = len;
            e->hash = h;
            e->count = 1;
            return;
        }
        if (e->hash == h && e->len == len) {
            e->count++;
            return;
        }
    }
}

/* Start-up: the words not to count. */
__attribute__((noinline)) static size_t load_stopwords(char **out, const char *list)
{
    char buf[128];
    size_t n = 0;
    strncpy(buf, list, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " "))
        out[n++] = strdup(w);
    return n;
}

/* Report: the first entries of the table, flushed line by line; runs once. */
__attribute__((noinline)) static void print_top(size_t limit)
{
    size_t shown = 0;
    for (size_t i = 0; i < TABLE && shown < limit; i++) {
        if (!table[i].word)
            continue;
        printf("%.*s %lu\n", (int)table[i].len, table[i].word, table[i].count);
        fflush(stdout);
        shown++;
    }
}

static const char *const vocabulary[] = {"performance", "hotspot",     "profile",     "sampling",
                                         "allocation",  "formatting",  "comparison",  "buffer",
                                         "iteration",   "translation", "unexplained", "interval"};

static char text[64][40];

/* Start-up: the compound words the generated text is made of. */
__attribute__((noinline)) static void make_text(void)
{
    for (int i = 0; i < 64; i++)
        snprintf(text[i], sizeof text[i], "%s-%s", vocabulary[i % 12], vocabulary[(i * 7) % 12]);
}

int main(int argc, char **argv)
{
    size_t n_words = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
    char *stop[16];
    size_t n_stop = load_stopwords(stop, "the a of and to in");
    make_text();
    for (size_t i = 0; i < n_words; i++) {
        const char *w = text[(i * 2654435761u) % 64];
        count_word(w, strlen(w));
    }
    print_top(3);
    printf("wordcount: %zu words, %zu stopwords\n", n_words, n_stop);
    for (size_t i = 0; i < n_stop; i++)
        free(stop[i]);
    return 0;
}
