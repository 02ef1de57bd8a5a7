/* Nothing to report. */
#include <string.h>

size_t count_commas(const char *s)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len; i++)
        n += s[i] == ',';
    return n;
}
