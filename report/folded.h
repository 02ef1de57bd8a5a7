/* folded.h - folded stacks ("main;parse;strlen 123"), the input of flamegraph.pl,
 * speedscope, inferno and other flame graph tools. */
#ifndef HL_REPORT_FOLDED_H
#define HL_REPORT_FOLDED_H

#include <stddef.h>
#include <stdio.h>

#include "../profile/profile.h"

/* The name a frame gets in folded stacks and flame graphs: the function's name (control
 * characters escaped, hl_esc, so no name can break a line of folded stacks),
 * else "0x<address>" (with the mapping's file name when known). Writes at most
 * outlen bytes; can't fail. */
void hl_frame_name(const hl_prof_location *loc, size_t line_index, char *out, size_t outlen);

/* Writes one line per distinct stack, root first, frames joined by ';' (a ';'
 * inside a name becomes ':'), then a space and the summed value at
 * sample_index. Inlined frames count as frames. Lines are sorted. Samples
 * whose value is 0 are left out. Returns 0, or -1 with a message in err
 * (bad sample index, out of memory, write error). */
int hl_folded_write(FILE *out, const hl_profile *p, size_t sample_index, char *err, size_t errlen);

#endif
