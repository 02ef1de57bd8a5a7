/* Columns after UTF-8 characters (SARIF: code points; the caret: display columns); two findings. */
#include <stdio.h>
void f(char *b, int n)
{
    for (int i = 0; i < n; i++) {
        /* ééé */ snprintf(b, 8, "%d", i);
        /* 日本 */ sprintf(b + 0, "%x", i);
    }
}
