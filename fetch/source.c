/* source.c - opens a profile from a file path (URLs come with the HTTP work). */
#include <stdio.h>
#include <string.h>

#include "source.h"

hl_profile *hl_profile_open(const char *source, const char *token, char *err, size_t errlen)
{
    (void)token;
    if (!strncmp(source, "http://", 7) || !strncmp(source, "https://", 8)) {
        snprintf(err, errlen, "%s: fetching profiles by URL is not supported by this build",
                 source);
        return NULL;
    }
    return hl_profile_read_file(source, err, errlen);
}
