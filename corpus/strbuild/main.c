/* strbuild - renders report rows into strings: a growable string builder and
 * a fixed-buffer row formatter. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sb {
    char *data;
    size_t len, cap;
};

/* Appends s, growing the buffer by a fixed step when it is full. */
__attribute__((noinline)) static void sb_append(struct sb *b, const char *s, size_t n)
{
    while (b->len + n + 1 > b->cap) {
        b->cap += 32;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static const char *const cells[] = {"alpha", "beta", "gamma", "delta", "epsilon",
                                    "zeta",  "eta",  "theta", "iota",  "kappa"};

/* Hot: one row of cells joined with '|', via strcat into a fixed buffer. */
__attribute__((noinline)) static size_t render_row(char *row, size_t row_no)
{
    row[0] = '\0';
    for (size_t c = 0; c < 24; c++) {
        strcat(row, cells[(row_no + c) % 10]);
        strcat(row, "|");
    }
    return strlen(row);
}

/* Start-up banner: a few words, once. */
__attribute__((noinline)) static void print_banner(const char *const *words, int n)
{
    char banner[256] = "";
    for (int i = 0; i < n; i++) {
        strcat(banner, words[i]);
        strcat(banner, " ");
    }
    puts(banner);
}

/* Reads the column names: a handful, once. */
__attribute__((noinline)) static char *load_header(const char *const *names, int n)
{
    char *h = NULL;
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        h = realloc(h, len + l + 2);
        memcpy(h + len, names[i], l);
        len += l;
        h[len++] = ',';
        h[len] = '\0';
    }
    return h;
}

int main(int argc, char **argv)
{
    size_t rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 500000;
    static const char *const words[] = {"strbuild", "report", "renderer", "v1"};
    print_banner(words, 4);
    char *header = load_header(cells, 10);
    char row[1024];
    unsigned long sum = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t n = render_row(row, r);
        struct sb b = {0};
        for (size_t k = 0; k < 8; k++)
            sb_append(&b, row, n);
        sum += b.len + (unsigned char)b.data[r % b.len];
        free(b.data);
    }
    printf("strbuild: %zu rows, %lu bytes, header %s\n", rows, sum, header);
    free(header);
    return 0;
}
