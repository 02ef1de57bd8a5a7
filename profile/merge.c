/* merge.c - merges profiles of the same kind into one, deduplicating
 * mappings, functions, locations and equal samples (whose values are summed). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct {
    char *b;
    size_t n, cap;
    bool oom;
} keybuf;

static void kb_put(keybuf *k, const void *data, size_t n)
{
    if (k->oom)
        return;
    if (k->n + n > k->cap) {
        size_t ncap = (k->cap ? k->cap : 128);
        while (ncap < k->n + n)
            ncap *= 2;
        char *nb = hl_prealloc(k->b, ncap);
        if (!nb) {
            k->oom = true;
            return;
        }
        k->b = nb;
        k->cap = ncap;
    }
    memcpy(k->b + k->n, data, n);
    k->n += n;
}

static void kb_str(keybuf *k, const char *s)
{
    if (!s)
        s = "";
    kb_put(k, s, strlen(s) + 1);
}

static void kb_u64(keybuf *k, uint64_t v)
{
    kb_put(k, &v, sizeof v);
}

static void merr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool same_types(const hl_profile *a, const hl_profile *b)
{
    if (a->n_sample_types != b->n_sample_types)
        return false;
    for (size_t i = 0; i < a->n_sample_types; i++)
        if (strcmp(a->sample_types[i].type, b->sample_types[i].type) ||
            strcmp(a->sample_types[i].unit, b->sample_types[i].unit))
            return false;
    return true;
}

/* Finds or appends; returns the index in *idx, 1 when it was new, -1 ENOMEM. */
static int lookup(hl_pindex *ix, keybuf *k, size_t next, size_t *idx)
{
    if (k->oom)
        return -1;
    *idx = next;
    int rc = hl_pindex_get_or_put(ix, k->b, k->n, idx);
    return rc < 0 ? -1 : rc == 0;
}

hl_profile *hl_profile_merge(hl_profile *const *profiles, size_t n, char *err, size_t errlen)
{
    hl_profile *r = NULL;
    hl_pindex mix = {0}, fix = {0}, lix = {0}, six = {0}, cix = {0};
    keybuf k = {0};
    size_t *mmap = NULL, *fmap = NULL, *lmap = NULL;
    unsigned *shift = NULL;
    size_t max_m = 0, max_f = 0, max_l = 0, max_s = 0, max_c = 0, max_per = 0;

    if (n == 0) {
        merr(err, errlen, "no profiles to merge");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!same_types(profiles[0], profiles[i])) {
            merr(err, errlen,
                 "cannot merge profiles of different kinds (profile %zu has other sample types "
                 "than profile 1)",
                 i + 1);
            return NULL;
        }
        const hl_profile *p = profiles[i];
        max_m += p->n_mappings;
        max_f += p->n_functions;
        max_l += p->n_locations;
        max_s += p->n_samples;
        max_c += p->n_comments;
        size_t m = p->n_mappings;
        if (p->n_functions > m)
            m = p->n_functions;
        if (p->n_locations > m)
            m = p->n_locations;
        if (m > max_per)
            max_per = m;
    }
    const hl_profile *p0 = profiles[0];
    r = hl_profile_new();
    if (!r)
        goto oom;
    /* Upper-bound sized arrays: pointers into them stay valid while filling. */
    r->sample_types = hl_pcalloc(p0->n_sample_types, sizeof *r->sample_types);
    r->mappings = hl_pcalloc(max_m, sizeof *r->mappings);
    r->functions = hl_pcalloc(max_f, sizeof *r->functions);
    r->locations = hl_pcalloc(max_l, sizeof *r->locations);
    r->samples = hl_pcalloc(max_s, sizeof *r->samples);
    r->comments = hl_pcalloc(max_c, sizeof *r->comments);
    mmap = hl_pcalloc(max_per, sizeof *mmap);
    fmap = hl_pcalloc(max_per, sizeof *fmap);
    lmap = hl_pcalloc(max_per, sizeof *lmap);
    if (!r->sample_types || !r->mappings || !r->functions || !r->locations || !r->samples ||
        !r->comments || !mmap || !fmap || !lmap)
        goto oom;
    for (size_t i = 0; i < p0->n_sample_types; i++) {
        r->n_sample_types = i + 1;
        r->sample_types[i].type = hl_pstrdup(p0->sample_types[i].type);
        r->sample_types[i].unit = hl_pstrdup(p0->sample_types[i].unit);
        if (!r->sample_types[i].type || !r->sample_types[i].unit)
            goto oom;
    }
    r->default_sample_index = p0->default_sample_index;
    r->period_type.type = hl_pstrdup(p0->period_type.type);
    r->period_type.unit = hl_pstrdup(p0->period_type.unit);
    if (!r->period_type.type || !r->period_type.unit)
        goto oom;

    /* The merged values of each type must sum to at most INT64_MAX (see
     * internal.h): when the inputs together go past it, each value is
     * divided by a power of two as it is added. */
    if (!(shift = hl_pcalloc(r->n_sample_types, sizeof *shift)))
        goto oom;
    for (size_t j = 0; j < r->n_sample_types; j++) {
        hl_u128 sum = 0;
        for (size_t pi = 0; pi < n; pi++)
            for (size_t i = 0; i < profiles[pi]->n_samples; i++) {
                int64_t v = profiles[pi]->samples[i].values[j];
                sum += v < 0 ? (uint64_t) - (v + 1) + 1 : (uint64_t)v;
            }
        shift[j] = hl_profile_shift_for(sum);
    }
    for (size_t pi = 0; pi < n; pi++) {
        const hl_profile *p = profiles[pi];
        if (p->period > r->period)
            r->period = p->period;
        if (p->time_nanos && (!r->time_nanos || p->time_nanos < r->time_nanos))
            r->time_nanos = p->time_nanos;
        if (__builtin_add_overflow(r->duration_nanos, p->duration_nanos, &r->duration_nanos))
            r->duration_nanos = INT64_MAX;
        for (size_t i = 0; i < p->n_comments; i++) {
            size_t idx;
            k.n = 0;
            kb_str(&k, p->comments[i]);
            int rc = lookup(&cix, &k, r->n_comments, &idx);
            if (rc < 0)
                goto oom;
            if (rc == 1) {
                if (!(r->comments[r->n_comments] = hl_pstrdup(p->comments[i])))
                    goto oom;
                r->n_comments++;
            }
        }
        for (size_t i = 0; i < p->n_mappings; i++) {
            const hl_prof_mapping *m = &p->mappings[i];
            k.n = 0;
            kb_str(&k, m->filename);
            kb_str(&k, m->build_id);
            kb_u64(&k, m->memory_start);
            kb_u64(&k, m->memory_limit);
            kb_u64(&k, m->file_offset);
            int rc = lookup(&mix, &k, r->n_mappings, &mmap[i]);
            if (rc < 0)
                goto oom;
            hl_prof_mapping *o = &r->mappings[mmap[i]];
            if (rc == 1) {
                r->n_mappings++;
                *o = *m;
                o->id = r->n_mappings;
                o->filename = hl_pstrdup(m->filename);
                o->build_id = hl_pstrdup(m->build_id);
                if (!o->filename || !o->build_id)
                    goto oom;
            } else {
                o->has_functions &= m->has_functions;
                o->has_filenames &= m->has_filenames;
                o->has_line_numbers &= m->has_line_numbers;
                o->has_inline_frames &= m->has_inline_frames;
            }
        }
        for (size_t i = 0; i < p->n_functions; i++) {
            const hl_prof_function *f = &p->functions[i];
            k.n = 0;
            kb_str(&k, f->name);
            kb_str(&k, f->system_name);
            kb_str(&k, f->filename);
            kb_u64(&k, (uint64_t)f->start_line);
            int rc = lookup(&fix, &k, r->n_functions, &fmap[i]);
            if (rc < 0)
                goto oom;
            if (rc == 1) {
                hl_prof_function *o = &r->functions[r->n_functions++];
                o->id = r->n_functions;
                o->start_line = f->start_line;
                o->name = hl_pstrdup(f->name);
                o->system_name = hl_pstrdup(f->system_name);
                o->filename = hl_pstrdup(f->filename);
                if (!o->name || !o->system_name || !o->filename)
                    goto oom;
            }
        }
        for (size_t i = 0; i < p->n_locations; i++) {
            const hl_prof_location *l = &p->locations[i];
            size_t mi = l->mapping ? mmap[l->mapping - p->mappings] : (size_t)-1;
            k.n = 0;
            kb_u64(&k, mi);
            kb_u64(&k, l->address);
            for (size_t j = 0; j < l->n_lines; j++) {
                kb_u64(&k, fmap[l->lines[j].function - p->functions]);
                kb_u64(&k, (uint64_t)l->lines[j].line);
            }
            int rc = lookup(&lix, &k, r->n_locations, &lmap[i]);
            if (rc < 0)
                goto oom;
            if (rc == 1) {
                hl_prof_location *o = &r->locations[r->n_locations++];
                o->id = r->n_locations;
                o->address = l->address;
                o->mapping = l->mapping ? &r->mappings[mi] : NULL;
                if (l->n_lines && !(o->lines = hl_pcalloc(l->n_lines, sizeof *o->lines)))
                    goto oom;
                o->n_lines = l->n_lines;
                for (size_t j = 0; j < l->n_lines; j++) {
                    o->lines[j].function = &r->functions[fmap[l->lines[j].function - p->functions]];
                    o->lines[j].line = l->lines[j].line;
                }
            }
        }
        for (size_t i = 0; i < p->n_samples; i++) {
            const hl_prof_sample *s = &p->samples[i];
            k.n = 0;
            kb_u64(&k, s->n_locs);
            for (size_t j = 0; j < s->n_locs; j++)
                kb_u64(&k, lmap[s->locs[j] - p->locations]);
            for (size_t j = 0; j < s->n_labels; j++) {
                kb_str(&k, s->labels[j].key);
                kb_str(&k, s->labels[j].str ? s->labels[j].str : "\x01");
                kb_u64(&k, (uint64_t)s->labels[j].num);
                kb_str(&k, s->labels[j].num_unit);
            }
            size_t si;
            int rc = lookup(&six, &k, r->n_samples, &si);
            if (rc < 0)
                goto oom;
            hl_prof_sample *o = &r->samples[si];
            if (rc == 0) {
                for (size_t j = 0; j < r->n_sample_types; j++)
                    o->values[j] += hl_profile_scale_value(s->values[j], shift[j]);
                continue;
            }
            r->n_samples++;
            o->values = hl_pcalloc(r->n_sample_types, sizeof *o->values);
            if (!o->values)
                goto oom;
            for (size_t j = 0; j < r->n_sample_types; j++)
                o->values[j] = hl_profile_scale_value(s->values[j], shift[j]);
            if (s->n_locs && !(o->locs = hl_pcalloc(s->n_locs, sizeof *o->locs)))
                goto oom;
            o->n_locs = s->n_locs;
            for (size_t j = 0; j < s->n_locs; j++)
                o->locs[j] = &r->locations[lmap[s->locs[j] - p->locations]];
            if (s->n_labels && !(o->labels = hl_pcalloc(s->n_labels, sizeof *o->labels)))
                goto oom;
            o->n_labels = s->n_labels;
            for (size_t j = 0; j < s->n_labels; j++) {
                const hl_prof_label *lb = &s->labels[j];
                o->labels[j].num = lb->num;
                if (!(o->labels[j].key = hl_pstrdup(lb->key)))
                    goto oom;
                if (lb->str && !(o->labels[j].str = hl_pstrdup(lb->str)))
                    goto oom;
                if (lb->num_unit && !(o->labels[j].num_unit = hl_pstrdup(lb->num_unit)))
                    goto oom;
            }
        }
    }
    for (size_t j = 0; j < r->n_sample_types; j++)
        if (shift[j] && hl_profile_note_scaled(r, j, shift[j]) < 0)
            goto oom;
    goto out;
oom:
    merr(err, errlen, "out of memory while merging profiles");
    hl_profile_free(r);
    r = NULL;
out:
    hl_pfree(k.b);
    hl_pfree(shift);
    hl_pfree(mmap);
    hl_pfree(fmap);
    hl_pfree(lmap);
    hl_pindex_free(&mix);
    hl_pindex_free(&fix);
    hl_pindex_free(&lix);
    hl_pindex_free(&six);
    hl_pindex_free(&cix);
    return r;
}
