/* stats_cli.c - the Mann-Whitney U test of compare/stats.h on samples read
 * from stdin, for stats_scipy.py: one case a line, "X... | Y...", answered
 * with "U P EXACT" (EXACT 1 or 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int main(void)
{
    char line[65536];
    while (fgets(line, sizeof line, stdin)) {
        double x[1024], y[1024];
        size_t m = 0, n = 0;
        int second = 0;
        for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
            if (!strcmp(tok, "|"))
                second = 1;
            else if (second && n < 1024)
                y[n++] = strtod(tok, NULL);
            else if (!second && m < 1024)
                x[m++] = strtod(tok, NULL);
        }
        hl_mwu t;
        if (hl_mann_whitney(x, m, y, n, &t) < 0) {
            fputs("stats_cli: bad case\n", stderr);
            return 2;
        }
        printf("%.17g %.17g %d\n", t.u, t.p, t.exact ? 1 : 0);
    }
    return 0;
}
