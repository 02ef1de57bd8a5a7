/* HL004 strlen-in-condition: strlen of an unchanged string in a loop condition. */
#include <string.h>
#include <wchar.h>

int positives(const char *s, char *out, const wchar_t *w)
{
    int n = 0;
    for (size_t i = 0; i < strlen(s); i++) // expect: HL004 "loop condition"
        out[i] = s[i];
    size_t j = 0;
    while (j < strlen(s)) // expect: HL004
        out[j++] = '-';
    do
        n++;
    while ((size_t)n < strlen(out));       // expect: HL004
    for (size_t i = 0; i < wcslen(w); i++) // expect: HL004
        n++;
    return n;
}

int negatives(const char *s, char *out)
{
    int n = 0;
    for (size_t i = 0, len = strlen(s); i < len; i++) // silent: the for-init runs once
        out[i] = s[i];
    while (strlen(s) > 0) // silent: s changes in the loop
        s++;
    for (const char *p = s; strlen(p) > 2; p += 2) // silent: p advances in the loop
        n++;
    size_t len = strlen(s); // silent: before the loop
    for (size_t i = 0; i < len; i++)
        n += (int)strlen(out); // silent: in the body, not the condition (no rule for this)
    return n;
}
