/* Includes a header that does not exist: a diagnostic, not a crash; the rest still counts. */
#include <no_such_header_hotlint.h>
#include <stdio.h>

void f(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        snprintf(buf, 8, "%d", i);
}
