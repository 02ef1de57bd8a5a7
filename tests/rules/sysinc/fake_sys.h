/* fake_sys.h - stands in for a system header: findings here are never reported. */
#include <stdio.h>

static inline void fake_sys_format(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        snprintf(buf, 16, "%d", i);
}
