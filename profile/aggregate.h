/* aggregate.h - flat and cumulative values of a profile by function or by
 * source line, for one sample index (the numbers behind top, list, verify). */
#ifndef HL_PROFILE_AGGREGATE_H
#define HL_PROFILE_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

typedef enum { HL_AGG_FUNCTION, HL_AGG_LINE } hl_agg_by;

typedef struct hl_agg_row {
    char *function; /* name, or "0x<address>" for unsymbolized frames */
    char *file;     /* source file, or the mapping's file; may be "" */
    int64_t line;   /* 0 when aggregating by function or unknown */
    int64_t flat;   /* value of samples whose leaf frame is this row */
    int64_t cum;    /* value of samples whose stack holds this row (once per sample) */
} hl_agg_row;

typedef struct hl_agg {
    hl_agg_row *rows;
    size_t n_rows;
    int64_t total; /* sum of the chosen value over all samples */
} hl_agg;

/* Aggregates p's samples at sample_index. Every inlined frame counts as a
 * frame of its own (innermost is the leaf), as pprof does. Rows come in no
 * particular order (see hl_agg_sort). NULL on ENOMEM or a bad index. */
hl_agg *hl_agg_build(const hl_profile *p, size_t sample_index, hl_agg_by by);
/* Sorts rows by flat (or cum) descending, then cum/flat, then name. */
void hl_agg_sort(hl_agg *a, bool by_cum);
void hl_agg_free(hl_agg *a);

#endif
