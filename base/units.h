/* units.h - the formatter of profile values, in pprof's two styles: top's
 * (nanoseconds as s, ms, us or ns and bytes as GB, MB, kB or B, with two
 * decimals) and list's (shorter); other units as plain integers.
 *
 * Async-signal-safe only as far as snprintf is (not guaranteed): call it from
 * ordinary code. */
#ifndef HL_BASE_UNITS_H
#define HL_BASE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Writes v in unit ("nanoseconds", "bytes", anything else) into buf and
 * returns buf. */
const char *hl_units_format(int64_t v, const char *unit, char *buf, size_t len);

/* The shorter form of pprof's list and weblist views: "0" for zero, whole
 * milliseconds and microseconds, seconds with two decimals, bytes as above.
 * Returns buf. */
const char *hl_units_format_short(int64_t v, const char *unit, char *buf, size_t len);

#endif
