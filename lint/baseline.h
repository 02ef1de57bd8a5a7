/* baseline.h - finding fingerprints that survive unrelated edits, and the baseline file
 * that lets legacy code report only new findings. */
#ifndef HL_BASELINE_H
#define HL_BASELINE_H

#include <stddef.h>
#include "finding.h"

#define HL_FINGERPRINT_LEN 17 /* 16 hex digits and the terminator */

/* The path as fingerprints and baselines record it: relative to root when the
 * finding's absolute path lies under root (root NULL: the working directory),
 * else the path as the user named it, without "./" prefixes. Writes at most
 * outlen bytes; can't fail. */
void hl_finding_rel_path(const hl_finding *f, const char *root, char *out, size_t outlen);

/* The code of a line with leading and trailing blanks dropped and inner runs of
 * blanks collapsed to one space. Writes at most outlen bytes; can't fail. */
void hl_normalize_code(const char *line, char *out, size_t outlen);

/* 64-bit FNV-1a of rule id, relative path, function and normalized code, as 16
 * lower-case hex digits. The line number is not part of it, so an edit that
 * shifts lines keeps every fingerprint. Can't fail. */
void hl_finding_fingerprint(const hl_finding *f, const char *root, char out[HL_FINGERPRINT_LEN]);

/* Writes the findings' fingerprints to path (JSON, written to a temporary file
 * and renamed). Paths are recorded relative to the baseline's directory.
 * Returns 0, or -1 with a message naming the file in err. */
int hl_baseline_write(const hl_findings *f, const char *path, char *err, size_t errlen);

/* Moves every finding recorded in the baseline at path out of f (each baseline
 * entry absorbs one finding with the same fingerprint), keeping the order of
 * the rest; n_suppressed receives how many went. Returns 0, or -1 with a
 * message naming the file in err and f unchanged. */
int hl_baseline_filter(hl_findings *f, const char *path, size_t *n_suppressed, char *err,
                       size_t errlen);

#endif
