/* diag.h - a diagnostic as data: where (path, line, column), what kind, and
 * the message. Errors travel in this form from the stage that finds them to
 * the writers, which print or annotate them without parsing text back.
 *
 * Not async-signal-safe (it allocates). */
#ifndef HL_BASE_DIAG_H
#define HL_BASE_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum hl_diag_kind {
    HL_DIAG_COMPILE,       /* the compiler's error at a place in the source */
    HL_DIAG_FATAL,         /* the compiler's fatal error (a missing #include, ...) */
    HL_DIAG_NOT_PARSED,    /* the parser could not read the file at all */
    HL_DIAG_NOT_ANALYSED,  /* no usable compile command (a header no unit includes) */
    HL_DIAG_INPUT,         /* unreadable, binary, not C, not a regular file */
    HL_DIAG_OUT_OF_MEMORY, /* the file's analysis ran out of memory */
    HL_DIAG_MORE,          /* "N more errors not shown" */
} hl_diag_kind;

typedef struct hl_diag {
    char *path;            /* as the user named it; never NULL */
    unsigned line, column; /* 1-based; 0 when the diagnostic is about the whole file */
    hl_diag_kind kind;
    char *message; /* without the path and the "error:" tag; never NULL */
} hl_diag;

typedef struct hl_diags {
    hl_diag *v;
    size_t n, cap;
} hl_diags;

/* Appends a diagnostic (path and message copied). Returns 0 or -1 (ENOMEM). */
int hl_diags_add(hl_diags *d, hl_diag_kind kind, const char *path, unsigned line, unsigned column,
                 const char *message);
/* Appends a copy of x. Returns 0 or -1. */
int hl_diags_add_copy(hl_diags *d, const hl_diag *x);
/* Moves src's diagnostics to the end of dst (src is empty afterwards). */
int hl_diags_take(hl_diags *dst, hl_diags *src);
/* Releases one diagnostic's strings, or every diagnostic and the array. */
void hl_diag_clear(hl_diag *x);
void hl_diags_free(hl_diags *d);

/* True when a and b say the same thing at the same place. */
bool hl_diag_equal(const hl_diag *a, const hl_diag *b);
/* True for a compiler diagnostic with a place ("path:line:col: error: ..."). */
bool hl_diag_has_place(const hl_diag *x);
/* "error" or "fatal error" for compiler diagnostics, NULL for the others. */
const char *hl_diag_tag(const hl_diag *x);
/* The one-line form compilers use: "path:line:col: error: message" for a
 * compiler diagnostic, "path: message" for the others. Returns buf. */
const char *hl_diag_format(const hl_diag *x, char *buf, size_t len);

#endif
