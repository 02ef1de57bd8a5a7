/* escape.h - one place for making untrusted text (file names, source lines, rule ids,
 * profile strings) safe to print, to put in JSON, and to measure in columns. */
#ifndef HL_REPORT_ESCAPE_H
#define HL_REPORT_ESCAPE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Human-readable outputs (text lint, verify, top, list, flame text, errors on stderr)
 * show control characters as escapes, so a name or a source line can neither end a
 * line nor drive the terminal:
 *   \n \r \t (named), other C0 bytes and DEL as \xNN, C1 code points (U+0080-U+009F)
 *   as \u0080..\u009f, bytes that are not part of valid UTF-8 as \xNN, and the
 *   bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) as \u202e.
 * Valid UTF-8 otherwise passes. Backslashes are not doubled (source lines are full of
 * them), so the escapes are for reading, not for undoing.
 * GitHub Actions reads workflow commands from a line that starts, after blanks, with
 * "::", and older ones ("##[") anywhere in a line: with HL_ESC_LINE_START the text
 * begins a line and a leading "::" becomes "\x3a:"; "##[" always becomes "##\x5b". */
enum {
    HL_ESC_LINE_START = 1, /* the text starts an output line */
    HL_ESC_KEEP_TAB = 2,   /* pass tabs through (the caller expands them) */
};

/* Writes s escaped to out. s NULL writes nothing. Returns what fputs would: EOF on a
 * stream error. */
int hl_esc_fputs(FILE *out, const char *s, int flags);

/* s escaped, for printf-style call sites. Returns s itself when nothing needs escaping
 * (NULL stays NULL), else a thread-local copy that stays valid for the next 15 calls
 * in the same thread. Never fails: out of memory gives "(out of memory)". */
const char *hl_esc(const char *s);

/* The same, with flags. */
const char *hl_esc_flags(const char *s, int flags);

/* A JSON string for s: s as it is when it is valid UTF-8, else with every byte that is
 * not part of valid UTF-8 written as the four characters \xNN (so the text of names
 * stays distinct and matches the text output). NULL gives JSON null. NULL only when
 * out of memory. */
json_t *hl_json_text(const char *s);

/* 1-based column of byte column byte_col (1-based) of line in Unicode code points, as
 * SARIF's columnKind unicodeCodePoints counts them: a valid UTF-8 sequence is one code
 * point, each invalid byte is one (what a decoder that replaces them sees), and bytes
 * past the end of line (or a NULL line) count one each. */
unsigned hl_codepoint_column(const char *line, unsigned byte_col);

/* 0-based display column at byte offset off of line as hl_fputs_display prints it:
 * tabs advance to the next multiple of 8, a code point is one column (East Asian wide
 * and fullwidth ones two, combining marks none), escapes take their printed width.
 * Offsets past the end of line count one column each. */
unsigned hl_display_column(const char *line, size_t off);

/* Writes line for a terminal: tabs expanded to spaces (multiples of 8, as gcc and
 * clang show source lines), everything else as hl_esc_fputs with HL_ESC_LINE_START. */
int hl_fputs_display(FILE *out, const char *line);

#endif
