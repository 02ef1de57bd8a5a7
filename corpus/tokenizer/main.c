/* tokenizer - splits source-like text into tokens and classifies keywords,
 * like the front of a small expression language. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { T_IDENT, T_KEYWORD, T_NUMBER, T_PUNCT };

static const char *const keywords[] = {"while",    "return", "function", "struct",
                                       "unsigned", "const",  "static",   "extern"};
#define N_KEYWORDS (sizeof keywords / sizeof keywords[0])

struct token {
    enum kind kind;
    char text[32];
};

/* Error path: points at the offending column. Runs only on bad input. */
__attribute__((noinline)) static void report_error(const char *line, size_t col)
{
    char marker[128];
    size_t i;
    for (i = 0; i < strlen(line) && i < sizeof marker - 1; i++)
        marker[i] = i == col ? '^' : ' ';
    marker[i] = '\0';
    fprintf(stderr, "syntax error:\n%s\n%s\n", line, marker);
}

__attribute__((noinline)) static enum kind classify(const char *word)
{
    for (size_t k = 0; k < N_KEYWORDS; k++)
        if (strcmp(word, keywords[k]) == 0)
            return T_KEYWORD;
    return T_IDENT;
}

/* The hot path: tokens of one line into out; returns how many. */
__attribute__((noinline)) static size_t tokenize(const char *line, struct token *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < strlen(line) && n < max) {
        char c = line[i];
        if (c == ' ') {
            i++;
            continue;
        }
        struct token *t = &out[n++];
        size_t len = 0;
        if ((c >= 'a' && c <= 'z') || c == '_') {
            while (((line[i] >= 'a' && line[i] <= 'z') || line[i] == '_') && len < 31)
                t->text[len++] = line[i++];
            t->text[len] = '\0';
            t->kind = classify(t->text);
        } else if (c >= '0' && c <= '9') {
            while (line[i] >= '0' && line[i] <= '9' && len < 31)
                t->text[len++] = line[i++];
            t->text[len] = '\0';
            t->kind = T_NUMBER;
        } else {
            t->text[0] = c;
            t->text[1] = '\0';
            t->kind = T_PUNCT;
            i++;
        }
    }
    return n;
}

static const char *const program[] = {
    "static unsigned count = 0 ; while ( count < limit ) count = count + step ;",
    "function parse_value ( const struct buffer * in , unsigned flags ) { return in ; }",
    "extern const char * names [ 128 ] ; static struct entry table [ 4096 ] ;",
    "while ( index < total ) { sum = sum + weights [ index ] * values [ index ] ; }",
};

int main(int argc, char **argv)
{
    size_t rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 1300000;
    struct token toks[128];
    size_t total = 0, keywords_seen = 0;
    for (size_t r = 0; r < rounds; r++) {
        const char *line = program[r % 4];
        size_t n = tokenize(line, toks, 128);
        total += n;
        for (size_t k = 0; k < n; k++)
            keywords_seen += toks[k].kind == T_KEYWORD;
    }
    if (total == 0)
        report_error(program[0], 3);
    printf("tokenizer: %zu tokens, %zu keywords\n", total, keywords_seen);
    return 0;
}
