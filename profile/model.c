/* model.c - creation, release and simple queries of the profile model. */
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
