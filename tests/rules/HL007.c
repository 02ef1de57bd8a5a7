/* HL007 unbuffered-io-in-loop: a system call or flush per small piece of data. */
#include <stdio.h>
#include <unistd.h>

static FILE *trace;

void setup(void)
{
    setvbuf(trace, NULL, _IONBF, 0);
}

void positives(int fd, const char *s, int n, FILE *out)
{
    for (int i = 0; i < n; i++) {
        fprintf(out, "%d\n", i);
        fflush(out); // expect: HL007
    }
    for (const char *p = s; *p; p++)
        write(fd, p, 1); // expect: HL007 "1-byte"
    char c;
    while (read(fd, &c, sizeof c) == 1) // expect: HL007
        n++;
    for (int i = 0; i < n; i++)
        fputc('x', stderr); // expect: HL007 "unbuffered stderr"
    for (int i = 0; i < n; i++)
        putc(s[i], trace); // expect: HL007 "unbuffered trace"
}

void negatives(int fd, const char *s, int n, FILE *out)
{
    char block[4096];
    for (int i = 0; i < n; i++)
        fprintf(out, "%d\n", i);
    fflush(out);                              // silent: after the loop
    while (read(fd, block, sizeof block) > 0) // silent: reads in 4 KiB blocks
        n++;
    for (int i = 0; i < n; i++)
        write(fd, s, (size_t)n); // silent: the size is not a small constant
    for (int i = 0; i < n; i++)
        fputc(s[i], out); // silent: out is buffered
    for (int i = 0; i < n; i++)
        putchar(s[i]); // silent: stdout is buffered here
}
