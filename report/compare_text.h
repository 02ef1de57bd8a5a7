/* compare_text.h - hotlint compare's text report: the total, then the
 * findings and the functions, biggest significant change first. */
#ifndef HL_REPORT_COMPARE_TEXT_H
#define HL_REPORT_COMPARE_TEXT_H

#include <stdio.h>

#include "../compare/compare.h"

/* before_name and after_name describe the sides ("a.prof, 10 runs"). Returns
 * 0, or -1 when writing fails. */
int hl_compare_write_text(FILE *out, const hl_compare_result *r, const char *before_name,
                          const char *after_name);

#endif
