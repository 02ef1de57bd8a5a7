/* units.c - profile values in human units (see units.h). */
#include "units.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *hl_units_format(int64_t v, const char *unit, char *buf, size_t len)
{
    double d = (double)v, a = d < 0 ? -d : d;
    if (unit && !strcmp(unit, "nanoseconds")) {
        if (a >= 1e9)
            snprintf(buf, len, "%.2fs", d / 1e9);
        else if (a >= 1e6)
            snprintf(buf, len, "%.2fms", d / 1e6);
        else if (a >= 1e3)
            snprintf(buf, len, "%.2fus", d / 1e3);
        else
            snprintf(buf, len, "%" PRId64 "ns", v);
    } else if (unit && !strcmp(unit, "bytes")) {
        if (a >= 1024.0 * 1024 * 1024)
            snprintf(buf, len, "%.2fGB", d / (1024.0 * 1024 * 1024));
        else if (a >= 1024.0 * 1024)
            snprintf(buf, len, "%.2fMB", d / (1024.0 * 1024));
        else if (a >= 1024.0)
            snprintf(buf, len, "%.2fkB", d / 1024.0);
        else
            snprintf(buf, len, "%" PRId64 "B", v);
    } else {
        snprintf(buf, len, "%" PRId64, v);
    }
    return buf;
}

const char *hl_units_format_short(int64_t v, const char *unit, char *buf, size_t len)
{
    double d = (double)v, a = d < 0 ? -d : d;
    if (v == 0)
        snprintf(buf, len, "0");
    else if (!unit || strcmp(unit, "nanoseconds") || a >= 1e9 || a < 1e3)
        return hl_units_format(v, unit, buf, len);
    else if (a >= 1e6)
        snprintf(buf, len, "%.0fms", d / 1e6);
    else
        snprintf(buf, len, "%.0fus", d / 1e3);
    return buf;
}
