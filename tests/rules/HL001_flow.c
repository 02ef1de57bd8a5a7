/* HL001 format-in-loop and control flow: code that always leaves the loop,
 * one case of a dispatch switch, grow-and-retry and probe loops. */
#include <assert.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn {
    int fd;
    char err[128];
};

_Noreturn void fatal(const char *msg);
void panic_at(const char *file, int line) __attribute__((noreturn));
void log_line(const char *s);

/* redis-style parsing: the error is formatted once, just before returning. */
int parse_args(struct conn *c, char **argv, int n)
{
    char buf[64];
    for (int i = 0; i < n; i++) {
        if (argv[i][0] == '\0') {
            snprintf(c->err, sizeof c->err, "empty argument %d", i); // silent: the block returns
            return -1;
        }
        if (argv[i][0] == '-') {
            fprintf(stderr, "bad option %s\n", argv[i]);
            snprintf(buf, sizeof buf, "%s", argv[i]); // silent: exit() follows in the same block
            exit(1);
        }
        if (argv[i][0] == '!') {
            snprintf(buf, sizeof buf, "fatal %d", i); // silent: fatal() is _Noreturn
            fatal(buf);
        }
        if (argv[i][0] == '?') {
            snprintf(buf, sizeof buf, "at %d", i); // silent: panic_at() is noreturn
            panic_at(__FILE__, __LINE__);
        }
        if (argv[i][0] == '=') {
            snprintf(buf, sizeof buf, "stop at %d", i); // silent: then leaves the loop
            log_line(buf);
            goto done;
        }
        snprintf(buf, sizeof buf, "arg %d", i); // expect: HL001 "every iteration"
        log_line(buf);
    }
done:
    return 0;
}

/* lua's ldo.c style: an error unwinds with longjmp. */
void check_all(jmp_buf env, const int *v, int n, char *msg, size_t len)
{
    for (int i = 0; i < n; i++) {
        if (v[i] < 0) {
            snprintf(msg, len, "negative at %d", i); // silent: longjmp() does not come back
            longjmp(env, 1);
        }
        snprintf(msg, len, "%d", v[i]); // expect: HL001 (assert's failure call is conditional)
        assert(v[i] < 1000);
    }
}

/* Leaving the block is not enough when something before can go round again. */
int scan_lines(char **lines, int n)
{
    char buf[64];
    for (int i = 0; i < n; i++) {
        if (lines[i][0] == '#') {
            snprintf(buf, sizeof buf, "comment %d", i); // expect: HL001 (continue comes first)
            if (lines[i][1] == '#')
                continue;
            return i;
        }
    retry:
        if (lines[i][0] == ' ') {
            snprintf(buf, sizeof buf, "blank %d", i); // expect: HL001 (the goto stays in the loop)
            lines[i]++;
            goto retry;
        }
    }
    return -1;
}

/* lua's lvm.c / jq's execute loop: one case per instruction. */
enum op { OP_MOVE, OP_PRINT, OP_CONCAT, OP_HALT };

int execute(const unsigned char *code, char *out, size_t outlen)
{
    const unsigned char *pc = code;
    for (;;) {
        unsigned char insn = *pc++;
        switch (insn & 0x7f) {
        case OP_MOVE:
            break;
        case OP_PRINT:
            snprintf(out, outlen, "%d", pc[0]); // silent: only OP_PRINT instructions format
            pc++;
            break;
        case OP_CONCAT: {
            char tmp[16];
            snprintf(tmp, sizeof tmp, "%d%d", pc[0], pc[1]); // silent: one case of the dispatch
            strncpy(out, tmp, outlen);
            pc += 2;
            break;
        }
        case OP_HALT:
            return 0;
        }
    }
}

/* A switch on a value the loop never changes picks the same case every time. */
void render(char *out, size_t outlen, int mode, const int *v, int n)
{
    for (int i = 0; i < n; i++) {
        switch (mode) {
        case 0:
            snprintf(out, outlen, "%d", v[i]); // expect: HL001 (mode is the same each time)
            break;
        default:
            snprintf(out, outlen, "%x", v[i]); // expect: HL001
            break;
        }
    }
}

/* Grow and retry: vsnprintf runs once when the buffer is big enough. */
char *format_alloc(const char *fmt, va_list ap)
{
    size_t cap = 64;
    char *buf = malloc(cap);
    for (;;) {
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(buf, cap, fmt, aq); // silent: retried only until it fits
        va_end(aq);
        if (n >= 0 && (size_t)n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    return buf;
}

/* Probe for a free name: the first name that can be created ends the loop. */
int create_unique(const char *base, char *path, size_t len)
{
    for (int i = 0;; i++) {
        snprintf(path, len, "%s.%d", base, i); // silent: probes until open() succeeds
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd >= 0)
            return fd;
    }
}

/* The result is checked for failure only: every iteration formats. */
int write_keys(char *buf, size_t len, int n)
{
    for (int i = 0; i < n; i++) {
        int w = snprintf(buf, len, "key:%d", i); // expect: HL001 (leaving on failure is no retry)
        if (w < 0 || (size_t)w >= len)
            return -1;
        log_line(buf);
    }
    return 0;
}
