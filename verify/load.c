/* load.c - opens the profiles given to verify and list, and merges several into one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fetch/fetch.h"
#include "../fetch/source.h"
#include "verify.h"

/* Writes "type/unit, type/unit" of p into buf. */
static const char *describe_types(const hl_profile *p, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_sample_types && at < len; i++) {
        int n = snprintf(buf + at, len - at, "%s%s/%s", i ? ", " : "",
                         p->sample_types[i].type ? p->sample_types[i].type : "?",
                         p->sample_types[i].unit ? p->sample_types[i].unit : "?");
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return buf;
}

static bool same_types(const hl_profile *a, const hl_profile *b)
{
    if (a->n_sample_types != b->n_sample_types)
        return false;
    for (size_t i = 0; i < a->n_sample_types; i++) {
        const hl_prof_value_type *x = &a->sample_types[i], *y = &b->sample_types[i];
        if (strcmp(x->type ? x->type : "", y->type ? y->type : "") ||
            strcmp(x->unit ? x->unit : "", y->unit ? y->unit : ""))
            return false;
    }
    return true;
}

hl_profile *hl_verify_open_profiles(const char *const *sources, size_t n, const char *token,
                                    char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "no profile given");
        return NULL;
    }
    hl_profile **ps = calloc(n, sizeof *ps);
    hl_profile *merged = NULL;
    if (!ps) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(ps[i] = hl_profile_open(sources[i], token, err, errlen)))
            goto done;
        if (i > 0 && !same_types(ps[0], ps[i])) {
            char a[256], b[256], na[512], nb[512];
            snprintf(err, errlen,
                     "%s: sample types [%s] differ from those of %s [%s]; verify profiles of "
                     "one kind together (all CPU or all heap)",
                     hl_fetch_redact(sources[i], nb, sizeof nb), describe_types(ps[i], b, sizeof b),
                     hl_fetch_redact(sources[0], na, sizeof na),
                     describe_types(ps[0], a, sizeof a));
            goto done;
        }
    }
    if (n == 1) {
        merged = ps[0];
        ps[0] = NULL;
    } else {
        merged = hl_profile_merge(ps, n, err, errlen);
    }
    /* Values scaled to keep their sums in range (hl_profile_fit_values)
     * change the totals shown: said on stderr, whatever the output format. */
    for (size_t i = 0; merged && i < merged->n_comments; i++)
        if (!strncmp(merged->comments[i], "hotlint: ", 9))
            fprintf(stderr, "hotlint: note: %s\n", merged->comments[i] + 9);
done:
    for (size_t i = 0; i < n; i++)
        if (ps[i])
            hl_profile_free(ps[i]);
    free(ps);
    return merged;
}
