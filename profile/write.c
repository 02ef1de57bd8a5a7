/* write.c - encodes the model as pprof protobuf (gzip-compressed) and writes
 * it atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "atomic_file.h"
#include "codec.h"
#include "internal.h"

typedef struct {
    hl_hashmap ix;
    char **strs; /* borrowed from the model */
    size_t n, cap;
} strtab;

/* Index of s in the table, adding it when new; -1 on ENOMEM. */
static int64_t intern(strtab *t, const char *s)
{
    if (!s)
        s = "";
    size_t v = t->n;
    int rc = hl_hashmap_get_or_put(&t->ix, s, strlen(s), &v);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return (int64_t)v;
    if (HL_GROW_WITH(t->strs, t->n, t->cap, &hl_profile_allocator) < 0)
        return -1;
    t->strs[t->n++] = (char *)s;
    return (int64_t)v;
}

#define STR(dst, s)                                                                                \
    do {                                                                                           \
        int64_t ix_ = intern(&st, (s));                                                            \
        if (ix_ < 0)                                                                               \
            goto err;                                                                              \
        (dst) = ix_;                                                                               \
    } while (0)

/* Encodes p as plain protobuf into a libc-malloc'ed buffer. */
static int encode_plain(const hl_profile *p, uint8_t **out, size_t *out_len)
{
    Perftools__Profiles__Profile pb = PERFTOOLS__PROFILES__PROFILE__INIT;
    Perftools__Profiles__ValueType *vts = NULL, **vtp = NULL, period_type;
    Perftools__Profiles__Mapping *ms = NULL, **mp = NULL;
    Perftools__Profiles__Function *fs = NULL, **fp = NULL;
    Perftools__Profiles__Location *ls = NULL, **lp = NULL;
    Perftools__Profiles__Line *lines = NULL, **linep = NULL;
    Perftools__Profiles__Sample *ss = NULL, **sp = NULL;
    Perftools__Profiles__Label *labels = NULL, **labelp = NULL;
    uint64_t *locids = NULL;
    int64_t *comments = NULL;
    strtab st = {.ix = HL_PMAP_INIT};
    size_t n_lines = 0, n_locids = 0, n_labels = 0;
    int ret = -1;

    intern(&st, "");
    if (st.n != 1)
        goto err;
    for (size_t i = 0; i < p->n_locations; i++)
        n_lines += p->locations[i].n_lines;
    for (size_t i = 0; i < p->n_samples; i++) {
        n_locids += p->samples[i].n_locs;
        n_labels += p->samples[i].n_labels;
    }
    vts = hl_pcalloc(p->n_sample_types, sizeof *vts);
    vtp = hl_pcalloc(p->n_sample_types, sizeof *vtp);
    ms = hl_pcalloc(p->n_mappings, sizeof *ms);
    mp = hl_pcalloc(p->n_mappings, sizeof *mp);
    fs = hl_pcalloc(p->n_functions, sizeof *fs);
    fp = hl_pcalloc(p->n_functions, sizeof *fp);
    ls = hl_pcalloc(p->n_locations, sizeof *ls);
    lp = hl_pcalloc(p->n_locations, sizeof *lp);
    lines = hl_pcalloc(n_lines, sizeof *lines);
    linep = hl_pcalloc(n_lines, sizeof *linep);
    ss = hl_pcalloc(p->n_samples, sizeof *ss);
    sp = hl_pcalloc(p->n_samples, sizeof *sp);
    labels = hl_pcalloc(n_labels, sizeof *labels);
    labelp = hl_pcalloc(n_labels, sizeof *labelp);
    locids = hl_pcalloc(n_locids, sizeof *locids);
    comments = hl_pcalloc(p->n_comments, sizeof *comments);
    if (!vts || !vtp || !ms || !mp || !fs || !fp || !ls || !lp || !lines || !linep || !ss || !sp ||
        !labels || !labelp || !locids || !comments)
        goto err;

    for (size_t i = 0; i < p->n_sample_types; i++) {
        perftools__profiles__value_type__init(&vts[i]);
        STR(vts[i].type, p->sample_types[i].type);
        STR(vts[i].unit, p->sample_types[i].unit);
        vtp[i] = &vts[i];
    }
    pb.n_sample_type = p->n_sample_types;
    pb.sample_type = vtp;
    if (p->n_sample_types && p->default_sample_index < p->n_sample_types &&
        p->default_sample_index != p->n_sample_types - 1)
        pb.default_sample_type = vts[p->default_sample_index].type;

    for (size_t i = 0; i < p->n_mappings; i++) {
        const hl_prof_mapping *m = &p->mappings[i];
        perftools__profiles__mapping__init(&ms[i]);
        ms[i].id = i + 1;
        ms[i].memory_start = m->memory_start;
        ms[i].memory_limit = m->memory_limit;
        ms[i].file_offset = m->file_offset;
        STR(ms[i].filename, m->filename);
        STR(ms[i].build_id, m->build_id);
        ms[i].has_functions = m->has_functions;
        ms[i].has_filenames = m->has_filenames;
        ms[i].has_line_numbers = m->has_line_numbers;
        ms[i].has_inline_frames = m->has_inline_frames;
        mp[i] = &ms[i];
    }
    pb.n_mapping = p->n_mappings;
    pb.mapping = mp;

    for (size_t i = 0; i < p->n_functions; i++) {
        const hl_prof_function *f = &p->functions[i];
        perftools__profiles__function__init(&fs[i]);
        fs[i].id = i + 1;
        STR(fs[i].name, f->name);
        STR(fs[i].system_name, f->system_name && *f->system_name ? f->system_name : f->name);
        STR(fs[i].filename, f->filename);
        fs[i].start_line = f->start_line;
        fp[i] = &fs[i];
    }
    pb.n_function = p->n_functions;
    pb.function = fp;

    size_t li = 0;
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *l = &p->locations[i];
        perftools__profiles__location__init(&ls[i]);
        ls[i].id = i + 1;
        ls[i].address = l->address;
        if (l->mapping) {
            size_t k = (size_t)(l->mapping - p->mappings);
            if (l->mapping < p->mappings || k >= p->n_mappings)
                goto einval;
            ls[i].mapping_id = k + 1;
        }
        ls[i].line = &linep[li];
        ls[i].n_line = l->n_lines;
        for (size_t j = 0; j < l->n_lines; j++, li++) {
            perftools__profiles__line__init(&lines[li]);
            const hl_prof_function *f = l->lines[j].function;
            size_t k = (size_t)(f - p->functions);
            if (!f || f < p->functions || k >= p->n_functions)
                goto einval;
            lines[li].function_id = k + 1;
            lines[li].line = l->lines[j].line;
            linep[li] = &lines[li];
        }
        lp[i] = &ls[i];
    }
    pb.n_location = p->n_locations;
    pb.location = lp;

    size_t ki = 0, bi = 0;
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        perftools__profiles__sample__init(&ss[i]);
        ss[i].location_id = &locids[ki];
        ss[i].n_location_id = s->n_locs;
        for (size_t j = 0; j < s->n_locs; j++, ki++) {
            size_t k = (size_t)(s->locs[j] - p->locations);
            if (s->locs[j] < p->locations || k >= p->n_locations)
                goto einval;
            locids[ki] = k + 1;
        }
        ss[i].value = s->values;
        ss[i].n_value = p->n_sample_types;
        ss[i].label = &labelp[bi];
        ss[i].n_label = s->n_labels;
        for (size_t j = 0; j < s->n_labels; j++, bi++) {
            const hl_prof_label *lb = &s->labels[j];
            perftools__profiles__label__init(&labels[bi]);
            STR(labels[bi].key, lb->key);
            if (lb->str)
                STR(labels[bi].str, lb->str);
            else {
                labels[bi].num = lb->num;
                if (lb->num_unit)
                    STR(labels[bi].num_unit, lb->num_unit);
            }
            labelp[bi] = &labels[bi];
        }
        sp[i] = &ss[i];
    }
    pb.n_sample = p->n_samples;
    pb.sample = sp;

    for (size_t i = 0; i < p->n_comments; i++)
        STR(comments[i], p->comments[i]);
    pb.n_comment = p->n_comments;
    pb.comment = comments;

    perftools__profiles__value_type__init(&period_type);
    STR(period_type.type, p->period_type.type);
    STR(period_type.unit, p->period_type.unit);
    pb.period_type = &period_type;
    pb.period = p->period;
    pb.time_nanos = p->time_nanos;
    pb.duration_nanos = p->duration_nanos;
    pb.n_string_table = st.n;
    pb.string_table = st.strs;

    size_t len = perftools__profiles__profile__get_packed_size(&pb);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        goto err;
    perftools__profiles__profile__pack(&pb, buf);
    *out = buf;
    *out_len = len;
    ret = 0;
    goto out;
einval:
    errno = EINVAL;
    goto out;
err:
    errno = ENOMEM;
out:
    hl_pfree(vts);
    hl_pfree(vtp);
    hl_pfree(ms);
    hl_pfree(mp);
    hl_pfree(fs);
    hl_pfree(fp);
    hl_pfree(ls);
    hl_pfree(lp);
    hl_pfree(lines);
    hl_pfree(linep);
    hl_pfree(ss);
    hl_pfree(sp);
    hl_pfree(labels);
    hl_pfree(labelp);
    hl_pfree(locids);
    hl_pfree(comments);
    hl_pfree(st.strs);
    hl_hashmap_free(&st.ix);
    return ret;
}

int hl_profile_encode_ex(const hl_profile *p, bool gzip, void **out, size_t *out_len)
{
    uint8_t *plain;
    size_t plain_len;
    if (encode_plain(p, &plain, &plain_len) < 0)
        return -1;
    if (!gzip) {
        *out = plain;
        *out_len = plain_len;
        return 0;
    }
    int rc = hl_gzip(plain, plain_len, out, out_len);
    int e = errno;
    free(plain);
    errno = e;
    return rc;
}

int hl_profile_encode(const hl_profile *p, void **out, size_t *out_len)
{
    return hl_profile_encode_ex(p, true, out, out_len);
}

int hl_profile_write_file(const hl_profile *p, const char *path)
{
    void *buf = NULL;
    size_t len = 0;
    if (hl_profile_encode(p, &buf, &len) < 0)
        return -1;
    int rc = hl_file_write_atomic(AT_FDCWD, path, buf, len, 0666), e = errno;
    free(buf);
    errno = e;
    return rc;
}
