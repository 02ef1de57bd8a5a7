/* HL005 strcat-in-loop and control flow: error blocks and dispatch switches. */
#include <stdio.h>
#include <string.h>

/* An error message built once, on the way out. */
int check_names(const char **names, int n, char *msg)
{
    for (int i = 0; i < n; i++) {
        if (strchr(names[i], '/')) {
            strcpy(msg, "bad name: ");
            strcat(msg, names[i]); // silent: the block returns
            return -1;
        }
    }
    return 0;
}

/* A shell-quoting loop: only a quote character takes the strcat branch. */
void quote(const char *s, char *out)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '\'':
            strcat(out, "'\\''"); // silent: only for quote characters
            break;
        default:
            strncat(out, p, 1); // silent: the default case of a switch on *p
            break;
        }
    }
}

/* Appending every word is the rule's case. */
void join(const char **words, int n, char *out)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, ",");  // expect: HL005
        strcat(out, words[i]); // expect: HL005 "rescans the destination"
    }
}
