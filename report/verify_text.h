/* verify_text.h - the text report of hotlint --verify: diagnosis, verdict table,
 * evidence, and the hot code no rule explains. */
#ifndef HL_REPORT_VERIFY_TEXT_H
#define HL_REPORT_VERIFY_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../verify/verify.h"

/* Shortens an absolute path under the working directory to a relative one.
 * Returns a pointer into path; can't fail. */
const char *hl_display_path(const char *path);

/* Writes the report, with the verdicts coloured for a terminal when color is
 * true. profile_name names the profile(s) in the header (may be NULL).
 * Returns 0, or -1 when writing fails. */
int hl_verify_write_text(FILE *out, const hl_verify_result *r, const char *profile_name,
                         bool color);
/* The same; all lists the not-exercised findings too (else they are one count). */
int hl_verify_write_text_ex(FILE *out, const hl_verify_result *r, const char *profile_name,
                            bool color, bool all);

#endif
