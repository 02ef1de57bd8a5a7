/* finding_fields.c - the table of a finding's fields (finding_fields.h). */
#include "finding_fields.h"

#define CACHE      HL_FIELD_IN_CACHE
#define JSON       HL_FIELD_IN_JSON
#define BASELINE   HL_FIELD_IN_BASELINE
#define AT(member) offsetof(hl_finding, member)

const hl_finding_field hl_finding_fields[] = {
    {"fingerprint", HL_FIELD_FINGERPRINT, 0, BASELINE},
    {"rule", HL_FIELD_RULE, 0, CACHE | JSON | BASELINE},
    {"name", HL_FIELD_RULE_NAME, 0, JSON},
    {"severity", HL_FIELD_SEVERITY, 0, JSON},
    {"file", HL_FIELD_PATH, 0, JSON | BASELINE},
    {"abs_file", HL_FIELD_STR, AT(abs_file), CACHE}, /* the cache shows it through the scope */
    {"line", HL_FIELD_UINT, AT(line), CACHE | JSON | BASELINE},
    {"column", HL_FIELD_UINT, AT(column), CACHE | JSON},
    {"end_line", HL_FIELD_UINT, AT(end_line), CACHE | JSON},
    {"end_column", HL_FIELD_UINT, AT(end_column), CACHE | JSON},
    {"function", HL_FIELD_STR, AT(function), CACHE | JSON | BASELINE},
    {"function_start_line", HL_FIELD_UINT, AT(function_start_line), CACHE},
    {"function_end_line", HL_FIELD_UINT, AT(function_end_line), CACHE},
    {"loop", HL_FIELD_LOOP, 0, CACHE | JSON},
    {"callee", HL_FIELD_STR, AT(callee), CACHE | JSON},
    {"message", HL_FIELD_STR, AT(message), CACHE | JSON},
    {"fix", HL_FIELD_RULE_FIX, 0, JSON},
    {"family", HL_FIELD_RULE_FAMILY, 0, JSON},
    {"heat", HL_FIELD_HEAT, 0, CACHE | JSON},
    {"heat_reasons", HL_FIELD_HEAT_REASONS, 0, CACHE | JSON},
    {"notes", HL_FIELD_NOTES, 0, CACHE | JSON},
    {"code", HL_FIELD_CODE, 0, BASELINE},
};

const size_t hl_n_finding_fields = sizeof hl_finding_fields / sizeof hl_finding_fields[0];
