/* match.c - fingerprint pairing of findings across an edit. */
#include "match.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../base/hashmap.h"

typedef struct keyed {
    char fp[HL_FINGERPRINT_LEN];
    size_t index;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->fp, y->fp);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

hl_finding_pair *hl_match_findings(const hl_findings *before, const char *before_root,
                                   const hl_findings *after, const char *after_root, size_t *n)
{
    size_t nb = before ? before->n : 0, na = after ? after->n : 0;
    hl_finding_pair *out = calloc(nb + na + 1, sizeof *out);
    keyed *sorted = calloc(nb + 1, sizeof *sorted); /* by fingerprint, then index */
    bool *used = calloc(nb + 1, sizeof *used);      /* by sorted position */
    bool *taken = calloc(nb + 1, sizeof *taken);    /* by before index */
    hl_hashmap first = {0};                         /* fingerprint -> first sorted position */
    if (!out || !sorted || !used || !taken)
        goto oom;
    for (size_t i = 0; i < nb; i++) {
        hl_finding_fingerprint(&before->items[i], before_root, sorted[i].fp);
        sorted[i].index = i;
    }
    qsort(sorted, nb, sizeof *sorted, cmp_keyed);
    for (size_t s = 0; s < nb; s++) {
        size_t v = s;
        if (hl_hashmap_get_or_put(&first, sorted[s].fp, HL_FINGERPRINT_LEN - 1, &v) < 0)
            goto oom;
    }
    size_t k = 0;
    for (size_t j = 0; j < na; j++) {
        hl_finding_pair *p = &out[k++];
        hl_finding_fingerprint(&after->items[j], after_root, p->fingerprint);
        p->after = (long)j;
        p->before = -1;
        size_t s;
        if (!hl_hashmap_find(&first, p->fingerprint, HL_FINGERPRINT_LEN - 1, &s))
            continue;
        while (s < nb && used[s] && !strcmp(sorted[s].fp, p->fingerprint))
            s++;
        if (s < nb && !used[s] && !strcmp(sorted[s].fp, p->fingerprint)) {
            used[s] = true;
            taken[sorted[s].index] = true;
            p->before = (long)sorted[s].index;
        }
    }
    for (size_t i = 0; i < nb; i++) /* leftovers, in the before order */
        if (!taken[i]) {
            out[k] = (hl_finding_pair){.before = (long)i, .after = -1};
            hl_finding_fingerprint(&before->items[i], before_root, out[k].fingerprint);
            k++;
        }
    *n = k;
    goto done;
oom:
    free(out);
    out = NULL;
done:
    free(sorted);
    free(used);
    free(taken);
    hl_hashmap_free(&first);
    return out;
}
