/* A command-line program's main file: main loops over its arguments, so
 * the loops of this file run per argument, per file or per command. */
#include <stdio.h>
#include <string.h>

void use(const char *s);

static void list_file(const char *name, int lines)
{
    char line[64];
    for (int i = 0; i < lines; i++) {
        snprintf(line, sizeof line, "%s:%d", name, i); // expect: HL001 cold "every iteration"
        use(line);
    }
}

int main(int argc, char **argv)
{
    int lines = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n")) // expect: HL003 cold "every iteration"
            lines = 20;
        else
            list_file(argv[i], lines);
    }
    char total[32];
    for (int r = 0; r < lines; r++) {
        snprintf(total, sizeof total, "%d", r); // expect: HL001 cold "every iteration"
        use(total);
    }
    return 0;
}
/* silent: every finding here is reported; their heat is what the fixture checks */
