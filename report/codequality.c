/* codequality.c - GitLab Code Quality writer (jansson). */
#include "codequality.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci_order.h"
#include "escape.h"

int hl_report_codequality(FILE *out, const hl_findings *f, const hl_verify_result *vr)
{
    const hl_verified **v = NULL;
    size_t *idx = hl_report_order(f, vr, &v);
    json_t *arr = json_array();
    static const char *const severities[] = {"info", "major", "critical"};
    char cwd[PATH_MAX], rel[PATH_MAX], uniq[64], desc[8192];
    hl_report_fp *fps = NULL;
    int rc = -1;

    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    if (!idx || !arr || !(fps = hl_report_fingerprints(f, idx, cwd)))
        goto out;
    for (size_t k = 0; k < f->n; k++) {
        const hl_finding *x = &f->items[idx[k]];
        const hl_verified *e = v[idx[k]];
        const char *id = x->rule && x->rule->id ? x->rule->id : "HL";
        const char *name = x->rule && x->rule->name ? x->rule->name : "";
        json_t *issue;
        hl_finding_rel_path(x, cwd, rel, sizeof rel);
        /* GitLab wants unique fingerprints: number repeats of the same code. */
        if (fps[k].occurrence > 1)
            snprintf(uniq, sizeof uniq, "%s-%zu", fps[k].fp, fps[k].occurrence);
        else
            snprintf(uniq, sizeof uniq, "%s", fps[k].fp);
        if (e)
            snprintf(desc, sizeof desc, "%s [%s %s; %s, cum %.1f%%]", x->message ? x->message : "",
                     id, name, hl_verdict_name(e->verdict), 100.0 * e->cum_share);
        else
            snprintf(desc, sizeof desc, "%s [%s %s]", x->message ? x->message : "", id, name);
        issue = json_pack(
            "{s:s, s:o, s:o, s:s, s:s, s:[s], s:{s:o, s:{s:I, s:I}}}", "type", "issue",
            "description", hl_json_text(desc), "check_name", hl_json_text(id), "fingerprint", uniq,
            "severity", severities[hl_report_level_of(x, e)], "categories", "Performance",
            "location", "path", hl_json_text(rel), "lines", "begin", (json_int_t)x->line, "end",
            (json_int_t)(x->end_line >= x->line ? x->end_line : x->line));
        if (!issue || json_array_append_new(arr, issue) < 0)
            goto out;
        if (x->rule && x->rule->fix)
            json_object_set_new(issue, "content",
                                json_pack("{s:o}", "body", hl_json_text(x->rule->fix)));
    }
    if (json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF)
        rc = 0;
out:
    json_decref(arr);
    free(fps);
    free(idx);
    free(v);
    return rc;
}
