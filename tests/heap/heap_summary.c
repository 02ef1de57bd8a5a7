/* heap_summary.c - prints a heap profile's period, sample types and values
 * summed by allocating function (the leaf, the caller of malloc and its
 * kin) and by the allocation function called (the sample's "function"
 * label), and how many locations are the profiler's own (a function of
 * runtime/heap_alloc.c or named hl_*: there must be none), for the heap tests
 * to compare with known figures. Exit 2 when unreadable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#define MAX_SITES 4096

typedef struct {
    const char *leaf, *site;
    int64_t v[8];
    int64_t bytes_mismatch; /* samples whose alloc_space != alloc_objects * bytes */
} site_sum;

static const char *frame_name(const hl_prof_location *l)
{
    if (l->n_lines == 0 || l->lines[0].function == NULL || l->lines[0].function->name == NULL ||
        l->lines[0].function->name[0] == '\0')
        return "?";
    return l->lines[0].function->name;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: heap_summary PROFILE\n");
        return 2;
    }
    char err[512];
    hl_profile *p = hl_profile_read_file(argv[1], err, sizeof err);
    if (p == NULL) {
        fprintf(stderr, "heap_summary: %s\n", err);
        return 2;
    }
    static site_sum sums[MAX_SITES];
    size_t n_sums = 0;
    size_t nt = p->n_sample_types < 8 ? p->n_sample_types : 8;
    printf("period %s %s %lld\n", p->period_type.type ? p->period_type.type : "",
           p->period_type.unit ? p->period_type.unit : "", (long long)p->period);
    printf("types");
    for (size_t i = 0; i < p->n_sample_types; i++)
        printf(" %s/%s", p->sample_types[i].type, p->sample_types[i].unit);
    printf("\ndefault %s\n", p->sample_types[p->default_sample_index].type);
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        const char *leaf = "?";
        for (size_t l = 0; l < s->n_labels; l++)
            if (s->labels[l].key && strcmp(s->labels[l].key, "function") == 0 && s->labels[l].str)
                leaf = s->labels[l].str;
        const char *site = s->n_locs > 0 ? frame_name(s->locs[0]) : "?";
        size_t k = 0;
        while (k < n_sums && (strcmp(sums[k].leaf, leaf) != 0 || strcmp(sums[k].site, site) != 0))
            k++;
        if (k == n_sums) {
            if (n_sums == MAX_SITES)
                continue;
            sums[n_sums].leaf = leaf;
            sums[n_sums].site = site;
            n_sums++;
        }
        for (size_t t = 0; t < nt; t++)
            sums[k].v[t] += s->values[t];
        int64_t bytes = -1;
        for (size_t l = 0; l < s->n_labels; l++)
            if (s->labels[l].key && strcmp(s->labels[l].key, "bytes") == 0 && !s->labels[l].str)
                bytes = s->labels[l].num;
        if (p->period <= 1 && nt >= 2 && bytes >= 0 && s->values[1] != s->values[0] * bytes)
            sums[k].bytes_mismatch++;
    }
    size_t own = 0;
    for (size_t i = 0; i < p->n_locations; i++)
        for (size_t k = 0; k < p->locations[i].n_lines; k++) {
            const hl_prof_function *f = p->locations[i].lines[k].function;
            size_t fl = f && f->filename ? strlen(f->filename) : 0;
            if (f && ((f->name && strncmp(f->name, "hl_", 3) == 0) ||
                      (fl >= 12 && strcmp(f->filename + fl - 12, "heap_alloc.c") == 0)))
                own++;
        }
    printf("own %zu\n", own);
    for (size_t k = 0; k < n_sums; k++) {
        printf("site %s %s", sums[k].site, sums[k].leaf);
        for (size_t t = 0; t < nt; t++)
            printf(" %lld", (long long)sums[k].v[t]);
        printf(" mismatch %lld\n", (long long)sums[k].bytes_mismatch);
    }
    hl_profile_free(p);
    return 0;
}
