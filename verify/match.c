/* match.c - the small pieces of matching a profile to sources: paths, names, statistics. */
#include <math.h>
#include <string.h>

#include "verify.h"

void hl_wilson_share(double p, int64_t n, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    if (!(p > 0.0))
        p = 0.0;
    if (p > 1.0)
        p = 1.0;
    const double z = 1.959963984540054; /* two-sided 95% */
    double nn = (double)n, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double center = (p + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    double l = center - half, h = center + half;
    /* The bounds are exact at the edges; keep rounding from crossing them. */
    *lo = p == 0.0 ? 0.0 : (l < 0.0 ? 0.0 : l);
    *hi = p == 1.0 ? 1.0 : (h > 1.0 ? 1.0 : h);
}

void hl_wilson_interval(int64_t x, int64_t n, double *lo, double *hi)
{
    if (x < 0)
        x = 0;
    if (n > 0 && x > n)
        x = n;
    hl_wilson_share(n > 0 ? (double)x / (double)n : 0.0, n, lo, hi);
}

/* Steps back over one path component ending before end; returns its start and
 * length, skipping empty and "." components. Returns NULL when none is left. */
static const char *prev_component(const char *start, const char **end, size_t *len)
{
    for (;;) {
        const char *e = *end;
        while (e > start && e[-1] == '/')
            e--;
        if (e == start)
            return NULL;
        const char *b = e;
        while (b > start && b[-1] != '/')
            b--;
        *end = b;
        *len = (size_t)(e - b);
        if (!(*len == 1 && b[0] == '.'))
            return b;
    }
}

size_t hl_path_common_suffix(const char *a, const char *b)
{
    const char *ea = a + strlen(a), *eb = b + strlen(b);
    size_t n = 0;
    for (;;) {
        size_t la, lb;
        const char *ca = prev_component(a, &ea, &la);
        const char *cb = prev_component(b, &eb, &lb);
        if (!ca || !cb || la != lb || memcmp(ca, cb, la) != 0)
            return n;
        n++;
    }
}

const char *hl_path_trim(const char *path, const char *const *trims, size_t n_trims)
{
    for (size_t i = 0; i < n_trims; i++) {
        size_t len = strlen(trims[i]);
        while (len > 1 && trims[i][len - 1] == '/')
            len--;
        if (len && !strncmp(path, trims[i], len) &&
            (path[len] == '/' || path[len] == '\0' || trims[i][len - 1] == '/')) {
            const char *p = path + len;
            while (*p == '/')
                p++;
            return p;
        }
    }
    return path;
}

size_t hl_function_name_len(const char *name)
{
    size_t n = strcspn(name, "@");
    /* GCC clones: foo.constprop.0, foo.isra.0, foo.part.0, foo.cold, foo.lto_priv.0 */
    const char *dot = memchr(name, '.', n);
    if (dot && dot != name)
        n = (size_t)(dot - name);
    return n;
}

bool hl_cost_symbol_match(const char *symbol, const char *name)
{
    size_t ls = strlen(symbol), ln = hl_function_name_len(name);
    if (ls && symbol[ls - 1] == '*')
        return ln >= ls - 1 && !memcmp(name, symbol, ls - 1);
    return ln == ls && !memcmp(name, symbol, ls);
}
