/* suppress.h - source text and suppression comments (suppress.c), the first
 * filter of lint (filter.h lists the rest). Private to lint/. An hl_texts is
 * one thread's: hl_suppress_results gives each worker its own. */
#ifndef HL_LINT_SUPPRESS_H
#define HL_LINT_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "rule.h"

struct hl_file_result;

/* A file's text, split into lines. */
typedef struct hl_text {
    char *abs;
    char *buf;
    size_t *line_off; /* start offset of each line */
    size_t n_lines;
} hl_text;

typedef struct hl_texts {
    hl_text *v;
    size_t n, cap;
} hl_texts;

/* The text of abs (read on first use), or NULL when it cannot be read. */
hl_text *hl_text_get(hl_texts *ts, const char *abs);
/* Line n (1-based) as a new string without its newline, or NULL. */
char *hl_text_line(const hl_text *t, unsigned n);
void hl_texts_free(hl_texts *ts);
/* True when line n, or the line above it, carries a comment that suppresses
 * rule r there. */
bool hl_suppressed(const hl_text *t, unsigned line, const hl_rule *r);

/* For every finding of the n results, on up to jobs threads: drops the sites
 * suppressed by a comment (a finding with none left gets rule NULL) and sets
 * source_line. Returns 0. */
int hl_suppress_results(struct hl_file_result *results, size_t n, size_t jobs);

#endif
