/* HL005 strcat-in-loop: appending with strcat/strncat in a loop. */
#include <string.h>

void positives(char *dst, const char **words, int n)
{
    dst[0] = '\0';
    for (int i = 0; i < n; i++) {
        strcat(dst, words[i]); // expect: HL005 "rescans the destination"
        strncat(dst, " ", 2);  // expect: HL005
    }
}

void negatives(char *dst, const char **words, int n)
{
    strcpy(dst, words[0]);
    strcat(dst, ":"); // silent: not in a loop
    char *end = dst + strlen(dst);
    for (int i = 1; i < n; i++) { // silent: appends at a tracked end with memcpy
        size_t l = strlen(words[i]);
        memcpy(end, words[i], l);
        end += l;
    }
    *end = '\0';
    for (int i = 0; i < 3; i++)
        strcat(dst, "!"); // silent: constant trip count of 3
}
