/* parse.c - a small CSV reader: splits a line into owned field strings. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"

size_t csv_split(const char *line, char **fields, size_t max)
{
    size_t n = 0;
    const char *p = line;
    while (n < max) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        fields[n++] = strndup(p, len);
        if (!end)
            break;
        p = end + 1;
    }
    return n;
}

void csv_free_fields(char **fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(fields[i]);
}
