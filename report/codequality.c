/* codequality.c - GitLab Code Quality writer (jansson). */
#include "codequality.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lint/baseline.h"
#include "github.h"

static const char *severity_of(const hl_finding *x, const hl_verified *v)
{
    const char *sev = x->rule && x->rule->severity ? x->rule->severity : "warning";
    if (v && v->verdict == HL_VERDICT_CONFIRMED)
        return "critical";
    if (v && v->verdict == HL_VERDICT_DISMISSED)
        return "info";
    if (!strcmp(sev, "error"))
        return "critical";
    if (!strcmp(sev, "note"))
        return "info";
    return "major";
}

int hl_report_codequality(FILE *out, const hl_findings *f, const hl_verify_result *vr)
{
    const hl_verified **v = NULL;
    size_t *idx = hl_report_order(f, vr, &v);
    json_t *arr = json_array();
    char cwd[PATH_MAX], rel[PATH_MAX], fp[HL_FINGERPRINT_LEN], uniq[64], desc[8192];
    char **seen = calloc(f->n + 1, sizeof *seen);
    size_t nseen = 0;
    int rc = -1;

    if (!idx || !arr || !seen)
        goto out;
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    for (size_t k = 0; k < f->n; k++) {
        const hl_finding *x = &f->items[idx[k]];
        const hl_verified *e = v[idx[k]];
        const char *id = x->rule && x->rule->id ? x->rule->id : "HL";
        const char *name = x->rule && x->rule->name ? x->rule->name : "";
        size_t occ = 1;
        json_t *issue;
        hl_finding_rel_path(x, cwd, rel, sizeof rel);
        hl_finding_fingerprint(x, cwd, fp);
        /* GitLab wants unique fingerprints: number repeats of the same code. */
        for (size_t s = 0; s < nseen; s++)
            if (!strcmp(seen[s], fp))
                occ++;
        seen[nseen++] = strdup(fp);
        if (occ > 1)
            snprintf(uniq, sizeof uniq, "%s-%zu", fp, occ);
        else
            snprintf(uniq, sizeof uniq, "%s", fp);
        if (e)
            snprintf(desc, sizeof desc, "%s [%s %s; %s, cum %.1f%%]", x->message ? x->message : "",
                     id, name,
                     e->verdict == HL_VERDICT_CONFIRMED       ? "confirmed"
                     : e->verdict == HL_VERDICT_DISMISSED     ? "dismissed"
                     : e->verdict == HL_VERDICT_NOT_EXERCISED ? "not exercised"
                                                              : "inconclusive",
                     100.0 * e->cum_share);
        else
            snprintf(desc, sizeof desc, "%s [%s %s]", x->message ? x->message : "", id, name);
        issue = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:{s:I, s:I}}}", "type",
                          "issue", "description", desc, "check_name", id, "fingerprint", uniq,
                          "severity", severity_of(x, e), "categories", "Performance", "location",
                          "path", rel, "lines", "begin", (json_int_t)x->line, "end",
                          (json_int_t)(x->end_line >= x->line ? x->end_line : x->line));
        if (!issue || json_array_append_new(arr, issue) < 0)
            goto out;
        if (x->rule && x->rule->fix)
            json_object_set_new(issue, "content", json_pack("{s:s}", "body", x->rule->fix));
    }
    if (json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF)
        rc = 0;
out:
    json_decref(arr);
    for (size_t s = 0; s < nseen; s++)
        free(seen[s]);
    free(seen);
    free(idx);
    free(v);
    return rc;
}
