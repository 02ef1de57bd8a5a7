/* label_runs.c - labelling each run's samples and merging the runs. */
#include "label_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"

/* A shallow copy of p whose samples carry one more label and whose comments
 * hold one more line; the arrays made here are released by view_free. */
typedef struct view {
    hl_profile p;
    hl_prof_sample *samples;
    hl_prof_label *labels;
    char **comments;
} view;

static void view_free(view *v)
{
    free(v->samples);
    free(v->labels);
    free(v->comments);
}

static int view_make(view *v, const hl_profile *src, char *label, char *comment)
{
    memset(v, 0, sizeof *v);
    v->p = *src;
    v->p.bulk = NULL;
    size_t nl = 0;
    for (size_t i = 0; i < src->n_samples; i++)
        nl += src->samples[i].n_labels + 1;
    v->samples = malloc((src->n_samples + 1) * sizeof *v->samples);
    v->labels = malloc((nl + 1) * sizeof *v->labels);
    v->comments = malloc((src->n_comments + 1) * sizeof *v->comments);
    if (!v->samples || !v->labels || !v->comments)
        return -1;
    hl_prof_label *lb = v->labels;
    for (size_t i = 0; i < src->n_samples; i++) {
        const hl_prof_sample *s = &src->samples[i];
        v->samples[i] = *s;
        v->samples[i].labels = lb;
        for (size_t j = 0; j < s->n_labels; j++)
            if (strcmp(s->labels[j].key, HL_RUN_LABEL))
                *lb++ = s->labels[j];
        *lb++ = (hl_prof_label){.key = HL_RUN_LABEL, .str = label, .num_unit = ""};
        v->samples[i].n_labels = (size_t)(lb - v->samples[i].labels);
    }
    if (src->n_comments)
        memcpy(v->comments, src->comments, src->n_comments * sizeof *v->comments);
    v->comments[src->n_comments] = comment;
    v->p.samples = v->samples;
    v->p.comments = v->comments;
    v->p.n_comments = src->n_comments + 1;
    return 0;
}

hl_profile *hl_label_runs(const hl_run_record *runs, size_t n, char *err, size_t errlen)
{
    view *views = calloc(n + 1, sizeof *views);
    hl_profile **ps = calloc(n + 1, sizeof *ps);
    char(*labels)[24] = calloc(n + 1, sizeof *labels);
    char(*comments)[160] = calloc(n + 1, sizeof *comments);
    hl_profile *out = NULL, *empty = NULL;
    size_t nv = 0;
    if (!views || !ps || !labels || !comments)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        snprintf(labels[i], sizeof labels[i], "%zu", i + 1);
        hl_run_comment(comments[i], sizeof comments[i], labels[i], runs[i].cpu_ns, runs[i].wall_ns,
                       runs[i].status);
    }
    const hl_profile *shape = NULL; /* a run that wrote a profile */
    for (size_t i = 0; i < n && !shape; i++)
        shape = runs[i].profile;
    if (!shape) {
        snprintf(err, errlen, "no run wrote a profile");
        goto fail;
    }
    /* A run without a profile still leaves its comment: an empty profile of
     * the same sample types carries it. */
    if (!(empty = hl_profile_new()))
        goto oom;
    empty->sample_types = shape->sample_types;
    empty->n_sample_types = shape->n_sample_types;
    empty->period_type = shape->period_type;
    for (size_t i = 0; i < n; i++) {
        const hl_profile *src = runs[i].profile ? runs[i].profile : empty;
        if (view_make(&views[nv], src, labels[i], comments[i]) < 0) {
            nv++;
            goto oom;
        }
        ps[nv] = &views[nv].p;
        nv++;
    }
    out = hl_profile_merge(ps, nv, err, errlen);
    goto done;
oom:
    snprintf(err, errlen, "out of memory merging the runs' profiles");
fail:
done:
    for (size_t i = 0; i < nv; i++)
        view_free(&views[i]);
    if (empty) { /* its type strings were borrowed */
        empty->sample_types = NULL;
        empty->n_sample_types = 0;
        empty->period_type = (hl_prof_value_type){0};
        hl_profile_free(empty);
    }
    free(views);
    free(ps);
    free(labels);
    free(comments);
    return out;
}
