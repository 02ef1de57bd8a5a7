/* HL003 string-compare and control flow: a tokenizer's switch, a linear
 * search that returns at the match, compares inside assert(). */
#include <assert.h>
#include <string.h>

struct token {
    int type;
    const char *text;
};
enum { T_IDENT, T_NUMBER, T_END };
struct entry {
    const char *name;
    int value;
};

/* jq's lexer style: keywords are checked in the identifier case only. */
int count_keywords(const struct token *toks)
{
    int n = 0;
    for (const struct token *t = toks; t->type != T_END; t++) {
        switch (t->type) {
        case T_IDENT:
            if (!strcmp(t->text, "def")) // silent: only identifier tokens compare
                n++;
            break;
        case T_NUMBER:
            break;
        }
    }
    return n;
}

/* The point of the rule: one compare per entry until the key is found. */
int lookup(const struct entry *tab, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(tab[i].name, key)) // expect: HL003 "every iteration"
            return tab[i].value;
    return -1;
}

/* assert() compares on every iteration unless NDEBUG. */
void check_sorted(const struct entry *tab, int n)
{
    for (int i = 1; i < n; i++)
        assert(strcmp(tab[i - 1].name, tab[i].name) < 0); // expect: HL003
}

/* A switch on a flag the loop does not change: the same case every time. */
int count_matches(const struct entry *tab, int n, const char *key, int mode)
{
    int hits = 0;
    for (int i = 0; i < n; i++) {
        switch (mode) {
        case 1:
            hits += !strcasecmp(tab[i].name, key); // expect: HL003
            break;
        default:
            hits += tab[i].value == 0;
        }
    }
    return hits;
}
