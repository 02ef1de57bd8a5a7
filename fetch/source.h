/* source.h - opens a profile from a file path or an http(s) URL. */
#ifndef HL_PROFILE_SOURCE_H
#define HL_PROFILE_SOURCE_H

#include "../profile/profile.h"

/* Reads the profile at source: a local path, or an http:// or https:// URL
 * (fetched with libcurl; token, when not NULL, is sent as a bearer token).
 * NULL on error with a message in err naming the source. */
hl_profile *hl_profile_open(const char *source, const char *token, char *err, size_t errlen);

#endif
