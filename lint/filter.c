/* filter.c - the ordered list of filters after the parse (filter.h). */
#include "filter.h"

#include <string.h>

#include "baseline.h"
#include "config.h"
#include "diff.h"

static void add(hl_filters *fl, const char *name, hl_filter_fn apply)
{
    if (fl->n < HL_FILTER_MAX_STEPS)
        fl->step[fl->n++] = (hl_filter_step){.name = name, .apply = apply};
}

static int by_config(const hl_filters *fl, hl_findings *f, size_t *dropped, char *err,
                     size_t errlen)
{
    size_t before = f->n;
    if (hl_configs_apply(fl->configs, f, err, errlen) < 0)
        return -1;
    *dropped = before - f->n;
    return 0;
}

static int by_diff(const hl_filters *fl, hl_findings *f, size_t *dropped, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *dropped = hl_diff_filter(fl->diff, f);
    return 0;
}

static int by_baseline(const hl_filters *fl, hl_findings *f, size_t *dropped, char *err,
                       size_t errlen)
{
    if (fl->write_baseline && hl_baseline_write(f, fl->baseline_path, err, errlen) < 0)
        return -1;
    return hl_baseline_filter(f, fl->baseline_path, dropped, err, errlen);
}

static int by_heat(const hl_filters *fl, hl_findings *f, size_t *dropped, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *dropped = hl_findings_keep_heat(f, fl->min_heat);
    return 0;
}

void hl_filters_add_config(hl_filters *fl, struct hl_configs *cs)
{
    if (!cs || cs->n_cfgs == 0)
        return;
    fl->configs = cs;
    add(fl, "config", by_config);
}

void hl_filters_add_diff(hl_filters *fl, const struct hl_diff *d)
{
    if (!d)
        return;
    fl->diff = d;
    add(fl, "diff", by_diff);
}

void hl_filters_add_baseline(hl_filters *fl, const char *path, bool write)
{
    if (!path || !*path)
        return;
    fl->baseline_path = path;
    fl->write_baseline = write;
    add(fl, "baseline", by_baseline);
}

void hl_filters_add_heat(hl_filters *fl, hl_heat min)
{
    if (!min)
        return;
    fl->min_heat = min;
    add(fl, "heat", by_heat);
}

int hl_filters_run(hl_filters *fl, hl_findings *f, char *err, size_t errlen)
{
    for (size_t i = 0; i < fl->n; i++) {
        hl_filter_step *s = &fl->step[i];
        s->dropped = 0;
        if (s->apply(fl, f, &s->dropped, err, errlen) < 0)
            return -1;
    }
    return 0;
}

size_t hl_filters_dropped(const hl_filters *fl, const char *name)
{
    for (size_t i = 0; i < fl->n; i++)
        if (!strcmp(fl->step[i].name, name))
            return fl->step[i].dropped;
    return 0;
}
