/* sarif.h - SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers). */
#ifndef HL_REPORT_SARIF_H
#define HL_REPORT_SARIF_H

#include <stdio.h>

#include "../lint/finding.h"
#include "../lint/rule.h"
#include "../verify/verify.h"

/* Writes one SARIF log with one run: tool.driver lists every rule of cat (id,
 * name, descriptions, help with the fix, default level), results carry the
 * rule, message, region, logical location (function) and
 * partialFingerprints.primaryLocationLineHash. With vr, each result's
 * properties hold the verdict and flat/cum figures, and its level is error for
 * confirmed and note for dismissed. Paths under the working directory are
 * relative to %SRCROOT%. version may be NULL. Returns 0, or -1 when memory or
 * writing fails. */
int hl_report_sarif(FILE *out, const hl_findings *f, const hl_catalog *cat,
                    const hl_verify_result *vr, const char *version);

#endif
