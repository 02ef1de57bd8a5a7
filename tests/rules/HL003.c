/* HL003 string-compare: compares in loops and long if/else-if chains. */
#include <string.h>
#include <strings.h>

int find(const char **keys, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0) // expect: HL003 "every iteration"
            return i;
    for (int i = 0; i < n; i++) {
        if (!strncmp(keys[i], key, 4)) // expect: HL003
            return i;
        if (!strcasecmp(keys[i], key)) // expect: HL003
            return i;
        if (!strncasecmp(keys[i], key, 2)) // expect: HL003
            return i;
        if (!memcmp(keys[i], key, 3)) // expect: HL003
            return i;
    }
    return -1;
}

int dispatch(const char *cmd)
{
    if (strcmp(cmd, "get") == 0) // expect: HL003 "4 literals"
        return 1;
    else if (strcmp(cmd, "set") == 0) // silent: part of the chain reported above
        return 2;
    else if (!strcmp(cmd, "del")) // silent: part of the chain reported above
        return 3;
    else if (!strcmp("incr", cmd)) // silent: part of the chain reported above
        return 4;
    return 0;
}

int dispatch_loop(const char **cmds, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(cmds[i], "alpha")) // expect: HL003 "5 literals"
            total += 1;
        else if (!strcmp(cmds[i], "beta")) // silent: in the chain reported above
            total += 2;
        else if (!strcmp(cmds[i], "gamma")) // silent: in the chain reported above
            total += 3;
        else if (!strcmp(cmds[i], "delta")) // silent: in the chain reported above
            total += 4;
        else if (!strcmp(cmds[i], "epsilon")) // silent: in the chain reported above
            total += 5;
    }
    return total;
}

int main(int argc, char **argv)
{
    int verbose = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-v")) // expect: HL003 cold "every iteration"
            verbose++;
    return verbose;
}

int short_chain_in_loop(const char **words, int n)
{
    int t = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(words[i], "yes") || // expect: HL003
            !strcmp(words[i], "true"))  // silent: same subject, same condition as the line above
            t++;
    for (int i = 0; i < n; i++) {
        if (!strcmp(words[i], "on")) // expect: HL003 "every iteration"
            t++;
        else if (!strcmp(words[i], "off")) // silent: one finding per chain in a loop
            t--;
    }
    return t;
}

int negatives(const char *a, const char *b, const char **keys, int n)
{
    if (strcmp(a, "x") == 0) // silent: a chain of 3 is below the threshold of 4
        return 1;
    else if (strcmp(a, "y") == 0) // silent: short chain
        return 2;
    else if (strcmp(a, "z") == 0) // silent: short chain
        return 3;
    if (!strcmp(a, "one")) // silent: the subjects differ (a, b, a, b): 2 each
        return 1;
    else if (!strcmp(b, "two")) // silent: different subject
        return 2;
    else if (!strcmp(a, "three")) // silent: different subject
        return 3;
    else if (!strcmp(b, "four")) // silent: different subject
        return 4;
    int r = strcmp(a, b);                  // silent: not in a loop
    for (int i = strcmp(a, b); i < n; i++) // silent: the for-init runs once
        r += keys[i][0];
    return r;
}
