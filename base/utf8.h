/* utf8.h - UTF-8 sequences, for the writers that must tell text from bytes
 * (JSON strings, escaped terminal output). No allocation. */
#ifndef HL_BASE_UTF8_H
#define HL_BASE_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (its code point in *cp), or 0 when the byte
 * at s does not start one (RFC 3629: no overlongs, no surrogates, nothing past
 * U+10FFFF). s is NUL-terminated, so a truncated sequence stops at the NUL. */
size_t hl_utf8_seq(const unsigned char *s, unsigned *cp);

#endif
