/* shared.h - included by two files: its finding is reported once. */
#include <stdio.h>

static inline void shared_format(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        snprintf(buf, 16, "%d", i);
}
