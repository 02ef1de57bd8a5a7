/* Suppression comments: each silent line is suppressed, each expect line is not. */
#include <stdio.h>
#include <stdlib.h>

void f(char *buf, int n)
{
    for (int i = 0; i < n; i++) {
        snprintf(buf, 16, "%d", i); // hotlint: ignore HL001 built once per key; silent: ignore
        // hotlint: ignore-next-line HL001
        snprintf(buf, 16, "%d", i); // silent: ignore-next-line on the line before
        snprintf(buf, 16, "%d", i); // NOLINT(hotlint-HL001) silent: NOLINT by id
        snprintf(buf, 16, "%d", i); // NOLINT(hotlint-format-in-loop) silent: NOLINT by name
        // NOLINTNEXTLINE(hotlint-*)
        snprintf(buf, 16, "%d", i); // silent: NOLINTNEXTLINE with a wildcard
        snprintf(buf, 16, "%d", i); /* hotlint: ignore HL002,HL001 two ids; silent: a list */
        snprintf(buf, 16, "%d", i); // hotlint: ignore HL002 wrong rule; expect: HL001
        snprintf(buf, 16, "%d", i); // NOLINT(bugprone-foo) another tool's; expect: HL001
        // hotlint: ignore-next-line HL001
        free(malloc(8)); // expect: HL002
    }
}
