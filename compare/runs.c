/* runs.c - splitting a profile into its runs by the "run" label. */
#include "runs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"

void hl_run_comment(char *out, size_t outlen, const char *label, int64_t cpu_ns, int64_t wall_ns,
                    const char *status)
{
    snprintf(out, outlen, HL_RUN_COMMENT " run=%s cpu_ns=%" PRId64 " wall_ns=%" PRId64 " status=%s",
             label, cpu_ns, wall_ns, status);
}

bool hl_run_comment_parse(const char *comment, char *label, size_t labellen, int64_t *cpu_ns,
                          int64_t *wall_ns, char *status, size_t statuslen)
{
    char l[64], st[32];
    long long c, w;
    if (sscanf(comment, HL_RUN_COMMENT " run=%63s cpu_ns=%lld wall_ns=%lld status=%31s", l, &c, &w,
               st) != 4)
        return false;
    snprintf(label, labellen, "%s", l);
    snprintf(status, statuslen, "%s", st);
    *cpu_ns = c;
    *wall_ns = w;
    return true;
}

/* The value of sample s's run label as text, or NULL. */
static const char *run_label(const hl_prof_sample *s, char *buf, size_t buflen)
{
    for (size_t i = 0; i < s->n_labels; i++) {
        const hl_prof_label *lb = &s->labels[i];
        if (strcmp(lb->key, HL_RUN_LABEL))
            continue;
        if (lb->str)
            return lb->str;
        snprintf(buf, buflen, "%" PRId64, lb->num);
        return buf;
    }
    return NULL;
}

static int add_run(hl_side *s, const hl_profile *p, const char *source, const char *label)
{
    if (HL_GROW(s->runs, s->n_runs, s->cap_runs) < 0)
        return -1;
    hl_run *r = &s->runs[s->n_runs];
    memset(r, 0, sizeof *r);
    r->view = *p;
    r->view.samples = NULL;
    r->view.n_samples = 0;
    r->view.bulk = NULL;
    r->source = source;
    snprintf(r->label, sizeof r->label, "%s", label);
    for (size_t i = 0; i < p->n_comments; i++) {
        char l[64];
        if (hl_run_comment_parse(p->comments[i], l, sizeof l, &r->cpu_ns, &r->wall_ns, r->status,
                                 sizeof r->status) &&
            (!strcmp(l, label) || !*label)) {
            r->has_measured = true;
            break;
        }
    }
    s->n_runs++;
    return 0;
}

/* Index of the run labelled label among runs [first, n_runs), or -1. */
static long find_run(const hl_side *s, size_t first, const char *label)
{
    for (size_t i = first; i < s->n_runs; i++)
        if (!strcmp(s->runs[i].label, label))
            return (long)i;
    return -1;
}

static int fill_samples(hl_side *s, const hl_profile *p, size_t first)
{
    size_t *count = calloc(s->n_runs - first, sizeof *count);
    if (!count)
        return -1;
    char buf[32];
    for (size_t i = 0; i < p->n_samples; i++) {
        const char *l = run_label(&p->samples[i], buf, sizeof buf);
        long r = l ? find_run(s, first, l)
                   : (s->n_runs - first == 1 && !*s->runs[first].label ? (long)first : -1);
        if (r >= 0)
            count[r - (long)first]++;
    }
    int rc = 0;
    for (size_t r = first; r < s->n_runs && !rc; r++) {
        s->runs[r].view.samples = malloc((count[r - first] + 1) * sizeof(hl_prof_sample));
        if (!s->runs[r].view.samples)
            rc = -1;
    }
    for (size_t i = 0; i < p->n_samples && !rc; i++) {
        const char *l = run_label(&p->samples[i], buf, sizeof buf);
        long r = l ? find_run(s, first, l)
                   : (s->n_runs - first == 1 && !*s->runs[first].label ? (long)first : -1);
        if (r < 0) {
            s->n_unlabelled++;
            continue;
        }
        hl_profile *v = &s->runs[r].view;
        v->samples[v->n_samples++] = p->samples[i];
    }
    free(count);
    return rc;
}

int hl_side_add(hl_side *s, hl_profile *p, const char *source, char *err, size_t errlen)
{
    if (HL_GROW(s->profiles, s->n_profiles, s->cap_profiles) < 0) {
        hl_profile_free(p);
        snprintf(err, errlen, "out of memory reading %s", source);
        return -1;
    }
    s->profiles[s->n_profiles++] = p;
    size_t first = s->n_runs;
    char buf[32];
    for (size_t i = 0; i < p->n_samples; i++) {
        const char *l = run_label(&p->samples[i], buf, sizeof buf);
        if (l && find_run(s, first, l) < 0 && add_run(s, p, source, l) < 0)
            goto oom;
    }
    if (s->n_runs == first && add_run(s, p, source, "") < 0)
        goto oom;
    if (fill_samples(s, p, first) < 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory splitting %s into runs", source);
    return -1;
}

int hl_side_finish(hl_side *s, char *err, size_t errlen)
{
    if (s->n_profiles == 1) {
        s->merged = s->profiles[0];
        return 0;
    }
    s->merged = hl_profile_merge(s->profiles, s->n_profiles, err, errlen);
    s->merged_owned = s->merged != NULL;
    return s->merged ? 0 : -1;
}

void hl_side_free(hl_side *s)
{
    for (size_t i = 0; i < s->n_runs; i++)
        free(s->runs[i].view.samples);
    free(s->runs);
    if (s->merged_owned)
        hl_profile_free(s->merged);
    for (size_t i = 0; i < s->n_profiles; i++)
        hl_profile_free(s->profiles[i]);
    free(s->profiles);
    memset(s, 0, sizeof *s);
}
