/* model.c - creation, release and simple queries of the profile model. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

hl_profile *hl_profile_new(void)
{
    return hl_pcalloc(1, sizeof(hl_profile));
}

void hl_profile_free(hl_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_sample_types && p->sample_types; i++) {
        hl_pfree(p->sample_types[i].type);
        hl_pfree(p->sample_types[i].unit);
    }
    hl_pfree(p->sample_types);
    for (size_t i = 0; i < p->n_samples && p->samples; i++) {
        hl_prof_sample *s = &p->samples[i];
        if (!p->bulk) {
            hl_pfree(s->locs);
            hl_pfree(s->values);
        }
        for (size_t j = 0; j < s->n_labels && s->labels; j++) {
            hl_pfree(s->labels[j].key);
            hl_pfree(s->labels[j].str);
            hl_pfree(s->labels[j].num_unit);
        }
        hl_pfree(s->labels);
    }
    hl_pfree(p->samples);
    for (size_t i = 0; i < p->n_locations && p->locations && !p->bulk; i++)
        hl_pfree(p->locations[i].lines);
    hl_arena_free_chunks(p->bulk);
    hl_pfree(p->locations);
    for (size_t i = 0; i < p->n_functions && p->functions; i++) {
        hl_pfree(p->functions[i].name);
        hl_pfree(p->functions[i].system_name);
        hl_pfree(p->functions[i].filename);
    }
    hl_pfree(p->functions);
    for (size_t i = 0; i < p->n_mappings && p->mappings; i++) {
        hl_pfree(p->mappings[i].filename);
        hl_pfree(p->mappings[i].build_id);
    }
    hl_pfree(p->mappings);
    for (size_t i = 0; i < p->n_comments && p->comments; i++)
        hl_pfree(p->comments[i]);
    hl_pfree(p->comments);
    hl_pfree(p->period_type.type);
    hl_pfree(p->period_type.unit);
    hl_pfree(p);
}

int hl_profile_sample_index(const hl_profile *p, const char *type)
{
    for (size_t i = 0; i < p->n_sample_types; i++)
        if (p->sample_types[i].type && !strcmp(p->sample_types[i].type, type))
            return (int)i;
    return -1;
}

bool hl_profile_has_lines(const hl_profile *p)
{
    for (size_t i = 0; i < p->n_locations; i++)
        for (size_t j = 0; j < p->locations[i].n_lines; j++)
            if (p->locations[i].lines[j].line > 0)
                return true;
    return false;
}

int64_t hl_profile_scale_value(int64_t v, unsigned k)
{
    if (k == 0)
        return v;
    if (k >= 63)
        return k == 63 && v == INT64_MIN ? -1 : 0;
    return v / ((int64_t)1 << k); /* toward zero: |result| <= |v| / 2^k */
}

/* |v| without overflow (|INT64_MIN| is 2^63). */
static uint64_t mag(int64_t v)
{
    return v < 0 ? (uint64_t) - (v + 1) + 1 : (uint64_t)v;
}

unsigned hl_profile_shift_for(hl_u128 sum)
{
    unsigned k = 0;
    while ((sum >> k) > (hl_u128)INT64_MAX)
        k++;
    return k;
}

int hl_profile_note_scaled(hl_profile *p, size_t column, unsigned k)
{
    char buf[320];
    const char *t = p->sample_types[column].type ? p->sample_types[column].type : "?";
    snprintf(buf, sizeof buf,
             "hotlint: the %s values sum past INT64_MAX; every %s value is divided by 2^%u here "
             "(shares are exact to rounding, totals are not)",
             t, t, k);
    char *c = hl_pstrdup(buf);
    char **nc = c ? hl_prealloc(p->comments, (p->n_comments + 1) * sizeof *nc) : NULL;
    if (!nc) {
        hl_pfree(c);
        return -1;
    }
    nc[p->n_comments++] = c;
    p->comments = nc;
    return 0;
}

int hl_profile_fit_values(hl_profile *p)
{
    int scaled = 0;
    for (size_t j = 0; j < p->n_sample_types; j++) {
        hl_u128 sum = 0;
        for (size_t i = 0; i < p->n_samples; i++)
            sum += mag(p->samples[i].values[j]);
        unsigned k = hl_profile_shift_for(sum);
        if (!k)
            continue;
        for (size_t i = 0; i < p->n_samples; i++)
            p->samples[i].values[j] = hl_profile_scale_value(p->samples[i].values[j], k);
        if (hl_profile_note_scaled(p, j, k) < 0)
            return -1;
        scaled++;
    }
    return scaled;
}
