/* HL006 linear-realloc: growth by the data flow of the size expression. A
 * size computed from a count that grows by steps is linear even when it is
 * multiplied by constants; it is geometric when a variable of the size is
 * multiplied by itself in the loop, directly or through one variable, or when
 * the buffer, once full, is re-sized to a multiple of what it holds. */
#include <stdlib.h>
#include <string.h>

struct row {
    char **cells;
    size_t n;
};

struct table {
    struct row *rows;
    size_t nrows, cap;
    char *text;
    size_t len;
};

void linear(struct table *t, char **fields, size_t n)
{
    size_t nrows = 0;
    for (size_t i = 0; i < n; i++) {
        t->rows = realloc(t->rows, (nrows + 1) * 2 * sizeof *t->rows); // expect: HL006
        nrows++;
    }
    for (size_t i = 0; i < n; i++) {
        size_t need = (t->nrows + 1) * sizeof *t->rows;
        t->rows = realloc(t->rows, need); // expect: HL006 "grows the buffer by a constant"
        t->nrows += 1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t add = strlen(fields[i]);
        t->text = realloc(t->text, t->len + add + 1); // expect: HL006
        memcpy(t->text + t->len, fields[i], add + 1);
        t->len = t->len + add;
    }
    for (size_t i = 0; i < n; i++)
        fields = realloc(fields, (i + 2) * sizeof *fields); // expect: HL006
    size_t used = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t add = strlen(fields[i]);
        if (used + add + 1 >= alloc) {
            alloc = used + add + 64;
            t->text = realloc(t->text, alloc); // expect: HL006
        }
        memcpy(t->text + used, fields[i], add + 1);
        used += add;
    }
}

void geometric(struct table *t, char **fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t->nrows == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 8;
            t->rows = realloc(t->rows, t->cap * sizeof *t->rows); // silent: cap doubles
        }
        t->nrows++;
    }
    size_t cap = 16, newcap;
    for (size_t i = 0; i < n; i++) {
        newcap = cap * 2;
        fields = realloc(fields, newcap * sizeof *fields); // silent: doubles through newcap
        cap = newcap;
    }
    for (size_t i = 0; i < n; i++) {
        cap = cap + cap / 2;
        fields = realloc(fields, cap * sizeof *fields); // silent: grows by half
    }
    for (size_t i = 0; i < n; i++) {
        cap *= 2;
        fields = realloc(fields, (cap + 1) * sizeof *fields); // silent: cap *= 2, plus one
    }
    for (size_t i = 0; i < n; i++) {
        if (t->len >= t->cap) {
            t->cap += t->cap >> 1;
            t->text = realloc(t->text, t->cap); // silent: grows by half
        }
        t->len++;
    }
    size_t used = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t add = strlen(fields[i]);
        if (used + add + 2 >= alloc) {
            alloc = used + (used >> 1) + add + 100;
            t->text = realloc(t->text, alloc); // silent: half again of what it holds, when full
        }
        memcpy(t->text + used, fields[i], add + 1);
        used += add;
    }
    for (size_t i = 0; i < n; i++) {
        if (t->nrows >= t->cap) {
            t->cap = t->nrows * 2 + 1;
            t->rows =
                realloc(t->rows, t->cap * sizeof *t->rows); // silent: twice the count, when full
        }
        t->nrows++;
    }
}

void no_growth(char **fields, size_t n, size_t width)
{
    char *line = NULL;
    for (size_t i = 0; i < n; i++) {
        line = realloc(line, width + 1); // expect: HL002
        memcpy(line, fields[i], width);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(fields[i]);
        size_t want = len * 2 + 1;
        line = realloc(line, want); // expect: HL002
        memcpy(line, fields[i], len + 1);
    }
    free(line);
}
