/* escape.c - escaping of untrusted text for terminals, CI logs and JSON; column units. */
#include "escape.h"
#include "../base/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HL_TABSTOP 8

/* Terminal width of a printable code point: 2 for East Asian wide and fullwidth
 * ranges, 0 for common combining marks and zero-width characters, else 1. */
static unsigned cp_width(unsigned cp)
{
    static const unsigned wide[][2] = {
        {0x1100, 0x115f},   {0x2e80, 0x303e},   {0x3041, 0x33ff},   {0x3400, 0x4dbf},
        {0x4e00, 0x9fff},   {0xa000, 0xa4cf},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},
        {0xfe30, 0xfe4f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x1f300, 0x1f64f},
        {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
    };
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
        return 0;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

/* Where the escaping of a leading "::" applies: the index of its first ':' or -1. */
static long line_start_colon(const char *s, int flags)
{
    size_t i = 0;
    if (!(flags & HL_ESC_LINE_START))
        return -1;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    return s[i] == ':' && s[i + 1] == ':' ? (long)i : -1;
}

/* One unit of s at i: its printed form in buf (NUL-terminated), its width in columns
 * at display column col (*width), and the number of input bytes it takes (returned). */
static size_t unit(const char *s, size_t i, long colon, int flags, unsigned col, char buf[16],
                   unsigned *width)
{
    const unsigned char *u = (const unsigned char *)s + i;
    unsigned cp = 0;
    size_t n = hl_utf8_seq(u, &cp);
    if (n == 0) {
        snprintf(buf, 16, "\\x%02X", u[0]);
        *width = 4;
        return 1;
    }
    if (cp == '\t' && (flags & HL_ESC_KEEP_TAB)) {
        unsigned next = (col / HL_TABSTOP + 1) * HL_TABSTOP;
        memset(buf, ' ', next - col);
        buf[next - col] = '\0';
        *width = next - col;
        return 1;
    }
    if (cp < 0x20 || cp == 0x7f) {
        const char *named = cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : cp == '\t' ? "\\t" : NULL;
        if (named)
            snprintf(buf, 16, "%s", named);
        else
            snprintf(buf, 16, "\\x%02X", cp);
        *width = (unsigned)strlen(buf);
        return 1;
    }
    if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069)) {
        snprintf(buf, 16, "\\u%04x", cp);
        *width = 6;
        return n;
    }
    if ((long)i == colon) {
        snprintf(buf, 16, "\\x3A");
        *width = 4;
        return 1;
    }
    if (cp == '[' && i >= 2 && s[i - 1] == '#' && s[i - 2] == '#') {
        snprintf(buf, 16, "\\x5B");
        *width = 4;
        return 1;
    }
    memcpy(buf, u, n);
    buf[n] = '\0';
    *width = cp_width(cp);
    return n;
}

/* Growable output buffer. */
typedef struct {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* Escapes s into b (reset first). Returns false when s needs no escaping (b untouched
 * beyond the reset). */
static bool escape_into(sbuf *b, const char *s, int flags)
{
    long colon = line_start_colon(s, flags);
    unsigned col = 0, w;
    char buf[16];
    bool changed = false;
    b->n = 0;
    for (size_t i = 0; s[i];) {
        size_t adv = unit(s, i, colon, flags, col, buf, &w);
        size_t bl = strlen(buf);
        if (bl != adv || memcmp(buf, s + i, adv))
            changed = true;
        sb_put(b, buf, bl);
        col += w;
        i += adv;
    }
    return changed;
}

int hl_esc_fputs(FILE *out, const char *s, int flags)
{
    sbuf b = {0};
    int rc;
    if (!s)
        return 0;
    if (!escape_into(&b, s, flags))
        rc = fputs(s, out);
    else
        rc = b.oom ? EOF : fputs(b.p, out);
    free(b.p);
    return rc;
}

const char *hl_esc_flags(const char *s, int flags)
{
    static _Thread_local sbuf ring[16];
    static _Thread_local unsigned next;
    sbuf *b;
    if (!s)
        return NULL;
    b = &ring[next++ % 16];
    b->oom = false;
    if (!escape_into(b, s, flags))
        return s;
    return b->oom ? "(out of memory)" : b->p;
}

const char *hl_esc(const char *s)
{
    return hl_esc_flags(s, 0);
}

json_t *hl_json_text(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned cp;
    sbuf b = {0};
    json_t *j;
    size_t i = 0;
    if (!s)
        return json_null();
    while (u[i]) {
        size_t n = hl_utf8_seq(u + i, &cp);
        if (!n)
            break;
        i += n;
    }
    if (!u[i])
        return json_string(s);
    sb_put(&b, s, i);
    while (u[i]) {
        size_t n = hl_utf8_seq(u + i, &cp);
        if (n) {
            sb_put(&b, s + i, n);
            i += n;
        } else {
            char hex[8];
            snprintf(hex, sizeof hex, "\\x%02X", u[i]);
            sb_put(&b, hex, 4);
            i++;
        }
    }
    j = b.oom ? NULL : json_string(b.p);
    free(b.p);
    return j;
}

unsigned hl_codepoint_column(const char *line, unsigned byte_col)
{
    const unsigned char *u = (const unsigned char *)(line ? line : "");
    unsigned cp, col = 1;
    size_t i = 0, target = byte_col ? byte_col - 1 : 0;
    while (i < target) {
        size_t n = u[i] ? hl_utf8_seq(u + i, &cp) : 1;
        if (!u[i]) {
            /* Past the end: one column per byte. */
            col += (unsigned)(target - i);
            break;
        }
        i += n ? n : 1;
        col++;
    }
    return col;
}

unsigned hl_display_column(const char *line, size_t off)
{
    const char *s = line ? line : "";
    long colon = line_start_colon(s, HL_ESC_LINE_START);
    unsigned col = 0, w;
    char buf[16];
    size_t i = 0;
    while (i < off && s[i]) {
        i += unit(s, i, colon, HL_ESC_LINE_START | HL_ESC_KEEP_TAB, col, buf, &w);
        col += w;
    }
    if (i < off && !s[i])
        col += (unsigned)(off - i);
    return col;
}

int hl_fputs_display(FILE *out, const char *line)
{
    return hl_esc_fputs(out, line, HL_ESC_LINE_START | HL_ESC_KEEP_TAB);
}
