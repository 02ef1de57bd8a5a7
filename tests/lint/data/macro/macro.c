/* Calls from a macro are reported where the macro is expanded. */
#include "log.h"

void f(int n)
{
    char buf[32];
    for (int i = 0; i < n; i++)
        LOG_KEY(buf, i); // expect: HL001
    LOG_KEY(buf, n);     // silent: not in a loop
}
