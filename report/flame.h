/* flame.h - a self-contained interactive SVG flame graph of a profile: hover
 * tooltip (function, file:line, flat, cum), click to zoom, search box, reset, and
 * frames that carry a confirmed finding in their own colour. */
#ifndef HL_REPORT_FLAME_H
#define HL_REPORT_FLAME_H

#include <stddef.h>
#include <stdio.h>

#include "../profile/profile.h"

/* A site whose frames get highlighted: a confirmed finding. */
typedef struct hl_flame_mark {
    const char *function;           /* the enclosing function's name */
    const char *file;               /* its source path, matched by path suffix; may be NULL */
    unsigned first_line, last_line; /* the lines that carry it (the loop, or the line) */
    const char *label;              /* tooltip text, e.g. "HL002 alloc-in-loop: ..." */
} hl_flame_mark;

typedef struct hl_flame_options {
    size_t sample_index;
    const char *title;    /* NULL: "Flame graph" */
    const char *subtitle; /* NULL: the sample type and total */
    const hl_flame_mark *marks;
    size_t n_marks;
    int width;        /* pixels; 0: 1200 */
    double min_width; /* frames narrower (pixels) are left out; 0: 0.1 */
} hl_flame_options;

/* Writes the flame graph of p's samples at o->sample_index (root at the
 * bottom, one frame per function per stack position, inlined frames
 * included). The SVG needs nothing outside itself (script and style inline).
 * Returns 0, or -1 with a message in err (bad sample index, empty profile,
 * out of memory, write error). */
int hl_flame_write_svg(FILE *out, const hl_profile *p, const hl_flame_options *o, char *err,
                       size_t errlen);

#endif
