/* HL007 unbuffered-io-in-loop and control flow: error blocks and one case of a switch. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A terminal writer: only newlines take the write of "\r". */
void put_text(int fd, const char *s, size_t n, char *line, size_t *len)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\n':
            write(fd, "\r", 1); // silent: only for newline characters
            /* fall through */
        default:
            line[(*len)++] = s[i];
        }
    }
}

int copy_all(int in, int out)
{
    char c;
    for (;;) {
        ssize_t n = read(in, &c, 1); // expect: HL007 "1-byte"
        if (n <= 0)
            return (int)n;
        if (c == 0) {
            write(2, "nul\n", 4); // silent: exit() follows
            exit(2);
        }
        write(out, &c, 1); // expect: HL007
    }
}
