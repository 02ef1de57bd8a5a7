/* list_text.h - hotlint list: the annotated source of matching functions, like
 * pprof -list, with flat and cum per line and the findings marked. */
#ifndef HL_REPORT_LIST_TEXT_H
#define HL_REPORT_LIST_TEXT_H

#include <regex.h>
#include <stdio.h>

#include "../profile/profile.h"
#include "../verify/verify.h"

typedef struct hl_list_options {
    size_t sample_index;
    const char *const *trim_paths; /* --trim-path prefixes */
    size_t n_trim_paths;
    const char *source_root;    /* relative profile paths are under it; may be NULL */
    const hl_verify_result *vr; /* findings to mark, with verdicts; may be NULL */
    size_t max_lines;           /* longest listing shown whole; 0: 400 */
} hl_list_options;

/* Writes one listing per function whose name matches re, by cum descending.
 * Returns the number of functions listed (0: none matched), or -1 when memory
 * or writing fails. */
int hl_list_write_text(FILE *out, const hl_profile *p, const regex_t *re, const hl_list_options *o);

#endif
