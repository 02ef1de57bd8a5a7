/* HL001 format-in-loop: positive and negative cases. */
// hotlint-test-flags: -isystem sysinc -D_GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <fake_sys.h>

#define FORMAT_ID(buf, v) snprintf(buf, sizeof buf, "id-%d", v)

void positives(int n, va_list ap)
{
    char buf[64];
    for (int i = 0; i < n; i++)
        snprintf(buf, sizeof buf, "%d", i); // expect: HL001 "every iteration"
    int i = 0;
    while (i++ < n)
        sprintf(buf, "%d", i); // expect: HL001
    do {
        vsnprintf(buf, sizeof buf, "%d", ap); // expect: HL001
    } while (--n > 0);
    for (int k = 0; k < n; k++) {
        for (int j = 0; j < 2; j++) /* a short inner loop inside a real one */
            FORMAT_ID(buf, j);      // expect: HL001
    }
    for (int k = 0; k < n; k++) {
        char *s;
        if (asprintf(&s, "%d", k) > 0) // expect: HL001
            free(s);
    }
    while (n-- > 0) {
        char *s;
        if (vasprintf(&s, "%d", ap) > 0) // expect: HL001
            free(s);
        vsprintf(buf, "%d", ap); // expect: HL001
    }
}

void negatives(char *out, int n)
{
    char buf[64];
    snprintf(buf, sizeof buf, "before %d", n); // silent: before the loop
    for (int i = 0; i < n; i++)
        out[i] = (char)i;
    snprintf(buf, sizeof buf, "after %d", n);           // silent: after the loop
    for (snprintf(buf, sizeof buf, "init"); n > 0; n--) // silent: the for-init runs once
        out[n] = 0;
    for (int i = 0; i < 4; i++)
        snprintf(buf, sizeof buf, "%d", i); // silent: constant trip count of 4
    for (int i = 1; i <= 3; i++)
        snprintf(buf, sizeof buf, "%d", i); // silent: constant trip count of 3
    do {
        snprintf(buf, sizeof buf, "once"); // silent: do/while (0) runs once
    } while (0);
    for (int i = 0; i < n; i++)
        printf("%d\n", i);   // silent: printf writes to a stream, not a string (not HL001)
    fake_sys_format(buf, n); // silent: the loop is in a system header
}

int exits(int n, char *buf)
{
    for (int i = 0; i < n; i++) {
        if (buf[i] == 0) {
            snprintf(buf, 8, "bad %d", i); // silent: the branch returns: once per call
            return -1;
        }
        if (buf[i] == 1) {
            snprintf(buf, 8, "stop %d", i); // silent: the branch breaks out of the loop
            break;
        }
        if (buf[i] == 2)
            exit(snprintf(buf, 8, "%d", i)); // silent: exit() does not come back
        switch (buf[i]) {
        case 3:
            snprintf(buf, 8, "%d", i); // silent: only for case 3 of a switch on buf[i]
            break;
        }
        if (buf[i] == 4) {
            snprintf(buf, 8, "%d", i); // expect: HL001
        } else {
            snprintf(buf, 8, "x%d", i); // silent: the else branch leaves through goto
            goto out;
        }
        for (int j = 0; j < n; j++) {
            if (j == 5) {
                snprintf(buf, 8, "%d", j); // expect: HL001 (leaves the inner loop only)
                break;
            }
        }
    }
out:
    return 0;
}
