/* budget.c - how much memory one profile read may take, the sizes the
 * --max-profile-memory option takes, and the reader's error messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "read_internal.h"

/* The memory one profile read may take (see hl_profile_set_max_memory). */
static size_t g_max_memory = HL_PROFILE_DEFAULT_MAX_MEMORY;

void hl_profile_set_max_memory(size_t bytes)
{
    g_max_memory = bytes ? bytes : HL_PROFILE_DEFAULT_MAX_MEMORY;
}

size_t hl_profile_max_memory(void)
{
    return g_max_memory;
}

/* "512K", "3.2M", "2G": n bytes in the units --max-profile-memory takes. */
const char *hl_fmt_size_opt(size_t n, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    if (n < 1024) {
        snprintf(buf, len, "%zu bytes", n);
        return buf;
    }
    double v = (double)n / 1024;
    int u = 0;
    while (v >= 1024 && u < 3)
        v /= 1024, u++;
    if (v == (double)(size_t)v)
        snprintf(buf, len, "%zu%c", (size_t)v, units[u]);
    else if (n < ((size_t)10 << 20))
        snprintf(buf, len, "%zu bytes", n);
    else
        snprintf(buf, len, "%.1f%c", v, units[u]);
    return buf;
}

int hl_profile_parse_size(const char *s, size_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        break;
    case 'm':
    case 'M':
        shift = 20;
        break;
    case 'g':
    case 'G':
        shift = 30;
        break;
    case 't':
    case 'T':
        shift = 40;
        break;
    }
    if (shift) {
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
    } else if (*end == 'B' || *end == 'b') {
        end++;
    }
    if (*end || v == 0 || v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)v << shift;
    return 0;
}

void hl_read_err(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    int n = snprintf(err, errlen, "%s: ", name);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The message for a read over the memory limit: what it reached, the limit,
 * and the option that raises it. */
void hl_read_budget_err(char *err, size_t errlen, const char *name, const char *what,
                        size_t reached)
{
    char a[32], b[32];
    hl_read_err(err, errlen, name,
                "%s would take at least %s of memory, over the limit of %s; if the profile is "
                "genuine, raise the limit with --max-profile-memory SIZE",
                what, hl_fmt_size_opt(reached, a, sizeof a),
                hl_fmt_size_opt(g_max_memory, b, sizeof b));
}
