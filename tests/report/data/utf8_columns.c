/* Columns after multi-byte UTF-8 characters: SARIF counts code points, the caret display columns. */
#include <stdio.h>
void f(char *b, int n)
{
    for (int i = 0; i < n; i++) {
        /* ééé */ snprintf(b, 8, "%d", i);
        /* 日本 */ snprintf(b, 8, "%x", i);
    }
}
