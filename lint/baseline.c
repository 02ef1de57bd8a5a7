/* baseline.c - fingerprints of findings and the baseline file that records them. */
#include "baseline.h"
#include "../base/atomic_file.h"
#include "../base/utf8.h"
#include "finding_fields.h"
#include "lint_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASELINE_MAX_BYTES ((size_t)1 << 30) /* a larger "baseline" is not one */

static const char *strip_dot_slash(const char *p)
{
    while (p[0] == '.' && p[1] == '/') {
        p += 2;
        while (*p == '/')
            p++;
    }
    return p;
}

void hl_finding_rel_path(const hl_finding *f, const char *root, char *out, size_t outlen)
{
    char cwd[PATH_MAX];
    const char *base = root;
    if (outlen == 0)
        return;
    if (!base && getcwd(cwd, sizeof cwd))
        base = cwd;
    if (base && f->abs_file && f->abs_file[0] == '/') {
        size_t n = strlen(base);
        while (n > 1 && base[n - 1] == '/')
            n--;
        if (n == 1 && base[0] == '/') {
            snprintf(out, outlen, "%s", f->abs_file + 1);
            return;
        }
        if (!strncmp(f->abs_file, base, n) && f->abs_file[n] == '/') {
            snprintf(out, outlen, "%s", f->abs_file + n + 1);
            return;
        }
    }
    snprintf(out, outlen, "%s", strip_dot_slash(f->file ? f->file : ""));
}

void hl_normalize_code(const char *line, char *out, size_t outlen)
{
    size_t o = 0;
    int pending_space = 0;
    if (outlen == 0)
        return;
    for (const char *p = line ? line : ""; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\v' || *p == '\f') {
            pending_space = o > 0;
            continue;
        }
        if (pending_space && o + 1 < outlen)
            out[o++] = ' ';
        pending_space = 0;
        if (o + 1 < outlen)
            out[o++] = *p;
    }
    out[o] = '\0';
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void hl_finding_fingerprint(const hl_finding *f, const char *root, char out[HL_FINGERPRINT_LEN])
{
    char path[PATH_MAX], code[4096];
    const char *id = f->rule && f->rule->id ? f->rule->id : "";
    const char *fn = f->function ? f->function : "";
    uint64_t h = 14695981039346656037ULL;
    hl_finding_rel_path(f, root, path, sizeof path);
    hl_normalize_code(f->source_line, code, sizeof code);
    h = fnv1a(h, id, strlen(id) + 1);
    h = fnv1a(h, path, strlen(path) + 1);
    h = fnv1a(h, fn, strlen(fn) + 1);
    h = fnv1a(h, code, strlen(code));
    snprintf(out, HL_FINGERPRINT_LEN, "%016llx", (unsigned long long)h);
}

/* The absolute directory holding path, in out. Returns 0 or -1. */
static int baseline_root(const char *path, char *out, size_t outlen)
{
    char tmp[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return getcwd(out, outlen) ? 0 : -1;
    if ((size_t)(slash - path) >= sizeof tmp)
        return -1;
    memcpy(tmp, path, (size_t)(slash - path));
    tmp[slash - path] = '\0';
    if (slash == path)
        snprintf(tmp, sizeof tmp, "/");
    if (!realpath(tmp, out))
        return -1;
    (void)outlen;
    return 0;
}

/* A JSON string of s, with each byte that is not UTF-8 written as "\\xNN". */
static json_t *utf8_string(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t len = strlen(s);
    char *out = malloc(4 * len + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *u = (const unsigned char *)s; *u;) {
        unsigned cp;
        size_t n = hl_utf8_seq(u, &cp);
        if (n) {
            memcpy(o, u, n);
            o += n;
            u += n;
        } else {
            o += sprintf(o, "\\x%02X", *u++);
        }
    }
    *o = '\0';
    j = json_string(out);
    free(out);
    return j;
}

/* A baseline entry: the fields of the table (finding_fields.c) a baseline
 * carries. Text is written as JSON strings; bytes that are not UTF-8 become
 * "\\xNN", as the fingerprint is taken from the raw bytes. */
static json_t *entry_json(const hl_finding *x, const char *root)
{
    char text[4096], fp[HL_FINGERPRINT_LEN];
    json_t *e = json_object();
    for (size_t k = 0; e && k < hl_n_finding_fields; k++) {
        const hl_finding_field *fd = &hl_finding_fields[k];
        json_t *v = NULL;
        if (!(fd->in & HL_FIELD_IN_BASELINE))
            continue;
        switch (fd->kind) {
        case HL_FIELD_FINGERPRINT:
            hl_finding_fingerprint(x, root, fp);
            v = json_string(fp);
            break;
        case HL_FIELD_RULE:
            v = utf8_string(x->rule && x->rule->id ? x->rule->id : "");
            break;
        case HL_FIELD_PATH:
            hl_finding_rel_path(x, root, text, sizeof text);
            v = utf8_string(text);
            break;
        case HL_FIELD_STR:
            v = utf8_string(hl_field_cstr(x, fd) ? hl_field_cstr(x, fd) : "");
            break;
        case HL_FIELD_UINT:
            v = json_integer(hl_field_cuint(x, fd));
            break;
        case HL_FIELD_CODE:
            hl_normalize_code(x->source_line, text, sizeof text);
            v = utf8_string(text);
            break;
        default:
            v = json_null();
            break;
        }
        if (!v || json_object_set_new(e, fd->name, v) < 0) {
            json_decref(e);
            return NULL;
        }
    }
    return e;
}

int hl_baseline_write(const hl_findings *f, const char *path, char *err, size_t errlen)
{
    char root[PATH_MAX];
    json_t *doc = NULL, *arr = NULL;
    hl_afile af;
    FILE *stream;
    if (baseline_root(path, root, sizeof root) < 0) {
        snprintf(err, errlen, "%s: cannot resolve the baseline's directory: %s", path,
                 strerror(errno));
        return -1;
    }
    doc = json_object();
    arr = json_array();
    if (!doc || !arr)
        goto oom;
    json_object_set_new(doc, "version", json_integer(1));
    json_object_set_new(doc, "tool", json_string("hotlint"));
    for (size_t i = 0; i < f->n; i++) {
        const hl_finding *x = &f->items[i];
        json_t *e = entry_json(x, root);
        if (!e || json_array_append_new(arr, e) < 0)
            goto oom;
    }
    json_object_set_new(doc, "findings", arr);
    arr = NULL;
    if (hl_afile_begin(&af, AT_FDCWD, path, 0666) < 0 || !(stream = hl_afile_stream(&af)) ||
        json_dumpf(doc, stream, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
        hl_afile_commit(&af) < 0) {
        int e = errno;
        hl_afile_abort(&af);
        snprintf(err, errlen,
                 "%s: cannot write the baseline: %s (check the directory exists and is writable)",
                 path, strerror(e));
        goto fail;
    }
    json_decref(doc);
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
fail:
    json_decref(arr);
    json_decref(doc);
    return -1;
}

struct fp_count {
    char fp[HL_FINGERPRINT_LEN];
    size_t count;
};

static int fp_cmp(const void *a, const void *b)
{
    return strcmp(((const struct fp_count *)a)->fp, ((const struct fp_count *)b)->fp);
}

int hl_baseline_filter(hl_findings *f, const char *path, size_t *n_suppressed, char *err,
                       size_t errlen)
{
    char root[PATH_MAX], fp[HL_FINGERPRINT_LEN];
    json_error_t jerr;
    json_t *doc, *arr;
    struct fp_count *fps = NULL;
    size_t nfps = 0, keep = 0, gone = 0, len = 0;
    char *text = NULL;

    *n_suppressed = 0;
    if (hl_file_read_all(AT_FDCWD, path, 0, BASELINE_MAX_BYTES, &text, &len) < 0) {
        snprintf(err, errlen, "%s: cannot read the baseline: %s", path,
                 errno == EINVAL ? "not a regular file" : strerror(errno));
        return -1;
    }
    doc = json_loadb(text, len, 0, &jerr);
    free(text);
    if (!doc) {
        if (jerr.line > 0)
            snprintf(err, errlen,
                     "%s:%d: baseline is not valid JSON: %s (rewrite it with --write-baseline)",
                     path, jerr.line, jerr.text);
        else
            snprintf(err, errlen, "%s: cannot read the baseline: %s", path, jerr.text);
        return -1;
    }
    arr = json_object_get(doc, "findings");
    if (!json_is_array(arr)) {
        snprintf(
            err, errlen,
            "%s: not a hotlint baseline (no \"findings\" array); write one with --write-baseline",
            path);
        json_decref(doc);
        return -1;
    }
    if (baseline_root(path, root, sizeof root) < 0) {
        snprintf(err, errlen, "%s: cannot resolve the baseline's directory: %s", path,
                 strerror(errno));
        json_decref(doc);
        return -1;
    }
    fps = calloc(json_array_size(arr) + 1, sizeof *fps);
    if (!fps) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_object_get(json_array_get(arr, i), "fingerprint"));
        if (!s || strlen(s) != HL_FINGERPRINT_LEN - 1) {
            snprintf(err, errlen,
                     "%s: entry %zu has no valid \"fingerprint\"; rewrite the baseline with "
                     "--write-baseline",
                     path, i + 1);
            goto fail;
        }
        memcpy(fps[nfps].fp, s, HL_FINGERPRINT_LEN);
        fps[nfps++].count = 1;
    }
    qsort(fps, nfps, sizeof *fps, fp_cmp);
    for (size_t i = 0; i < f->n; i++) {
        struct fp_count key, *hit;
        hl_finding_fingerprint(&f->items[i], root, fp);
        memcpy(key.fp, fp, sizeof fp);
        hit = bsearch(&key, fps, nfps, sizeof *fps, fp_cmp);
        /* Equal fingerprints sit together: take the first one still unused. */
        while (hit && hit > fps && !strcmp(hit[-1].fp, fp))
            hit--;
        while (hit && hit < fps + nfps && !strcmp(hit->fp, fp) && hit->count == 0)
            hit++;
        if (hit && hit < fps + nfps && !strcmp(hit->fp, fp)) {
            hit->count = 0;
            hl_finding_clear(&f->items[i]);
            gone++;
        } else {
            f->items[keep++] = f->items[i];
        }
    }
    f->n = keep;
    *n_suppressed = gone;
    free(fps);
    json_decref(doc);
    return 0;
fail:
    free(fps);
    json_decref(doc);
    return -1;
}
