/* match.h - pairing the findings of two lint runs across an edit by their
 * baseline fingerprint (rule, relative path, function, normalised line
 * text; lint/baseline.h), so a finding whose line moved is the same one. */
#ifndef HL_COMPARE_MATCH_H
#define HL_COMPARE_MATCH_H

#include <stddef.h>

#include "../lint/baseline.h"

typedef struct hl_finding_pair {
    long before, after; /* indices into each side's findings; -1 when absent */
    char fingerprint[HL_FINGERPRINT_LEN];
} hl_finding_pair;

/* Every after finding paired with the first unpaired before finding of the
 * same fingerprint (in order, so duplicates pair one to one), then the before
 * findings left over. Either side may be NULL. Returns the pairs (malloc'ed,
 * *n of them), or NULL when out of memory. */
hl_finding_pair *hl_match_findings(const hl_findings *before, const char *before_root,
                                   const hl_findings *after, const char *after_root, size_t *n);

#endif
