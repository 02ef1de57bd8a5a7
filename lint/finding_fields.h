/* finding_fields.h - one table of a finding's fields, read by every place that
 * writes findings out: the result cache (cache_codec.c), the baseline
 * (baseline.c) and JSON (report/lint_json.c). A new field of hl_finding gets a
 * row here, and each output it belongs to carries it. */
#ifndef HL_FINDING_FIELDS_H
#define HL_FINDING_FIELDS_H

#include <stddef.h>

#include "finding.h"

typedef enum hl_field_kind {
    HL_FIELD_RULE,      /* the rule's id (the cache and the baseline find the rule by it) */
    HL_FIELD_RULE_NAME, /* the rule's name, fix and family: from the catalog */
    HL_FIELD_RULE_FIX,
    HL_FIELD_RULE_FAMILY,
    HL_FIELD_SEVERITY,     /* hl_finding_severity */
    HL_FIELD_PATH,         /* file: as named (JSON), relative to the baseline's root there */
    HL_FIELD_STR,          /* a char * at offset; NULL allowed unless the output needs one */
    HL_FIELD_UINT,         /* an unsigned at offset */
    HL_FIELD_LOOP,         /* loop_start_line, loop_end_line, loop_depth */
    HL_FIELD_HEAT,         /* hl_heat */
    HL_FIELD_HEAT_REASONS, /* heat_reasons[n_heat_reasons] */
    HL_FIELD_NOTES,        /* notes[n_notes] */
    HL_FIELD_CODE,         /* source_line, blanks normalised (hl_normalize_code) */
    HL_FIELD_FINGERPRINT,  /* hl_finding_fingerprint */
} hl_field_kind;

/* The outputs a field is written to. */
enum { HL_FIELD_IN_CACHE = 1, HL_FIELD_IN_JSON = 2, HL_FIELD_IN_BASELINE = 4 };

typedef struct hl_finding_field {
    const char *name; /* the JSON key */
    hl_field_kind kind;
    size_t offset; /* HL_FIELD_STR and HL_FIELD_UINT: where in hl_finding */
    unsigned in;   /* HL_FIELD_IN_* */
} hl_finding_field;

/* In the order JSON shows them. */
extern const hl_finding_field hl_finding_fields[];
extern const size_t hl_n_finding_fields;

static inline char **hl_field_str(hl_finding *x, const hl_finding_field *f)
{
    return (char **)((char *)x + f->offset);
}

static inline const char *hl_field_cstr(const hl_finding *x, const hl_finding_field *f)
{
    return *(char *const *)((const char *)x + f->offset);
}

static inline unsigned *hl_field_uint(hl_finding *x, const hl_finding_field *f)
{
    return (unsigned *)((char *)x + f->offset);
}

static inline unsigned hl_field_cuint(const hl_finding *x, const hl_finding_field *f)
{
    return *(const unsigned *)((const char *)x + f->offset);
}

#endif
