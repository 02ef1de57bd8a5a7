/* Heat: how often a finding's code runs, from evidence in the code. Every
 * finding here is reported (JSON lists all); the heat is what differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void use(const char *s);
int verbose;

static void usage(const char **names, int n)
{
    char line[64];
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "  -%s", names[i]); // expect: HL001 cold "every iteration"
        use(line);
    }
}

/* Called in a loop below: its own loop is hot. */
static void render(char *out, const int *v, int n)
{
    for (int i = 0; i < n; i++)
        sprintf(out + 8 * i, "%7d", v[i]); // expect: HL001 hot "every iteration"
}

static void report_failure(const char **what, int n)
{
    char line[64];
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "failed: %s", what[i]); // expect: HL001 cold "every iteration"
        use(line);
    }
}

int process(char *out, const int *rows, int n_rows, int width, const char **what)
{
    for (int r = 0; r < n_rows; r++)
        render(out, rows + r * width, width);
    if (n_rows < 0) {
        report_failure(what, -n_rows);
        return -1;
    }
    char buf[128];
    for (int i = 0; i < n_rows; i++) {
        if (verbose > 2) {
            snprintf(buf, sizeof buf, "row %d", i); // expect: HL001 cold "every iteration"
            use(buf);
        }
        for (int k = 0; k < width; k++)
            use(strdup(what[k])); // expect: HL002 hot "every iteration"
    }
    return 0;
}

void lines(FILE *in)
{
    char line[256], key[300];
    while (fgets(line, sizeof line, in)) {
        snprintf(key, sizeof key, "k:%s", line); // expect: HL001 warm "every iteration"
        use(key);
    }
}

void chunks(int fd)
{
    char buf[4096], msg[64];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        snprintf(msg, sizeof msg, "%zd bytes", n); // expect: HL001 cold "every iteration"
        use(msg);
    }
}

void poll_loop(const int *flag)
{
    char msg[64];
    while (!*flag) {
        sleep(1);
        snprintf(msg, sizeof msg, "waiting %d", *flag); // expect: HL001 cold "every iteration"
        use(msg);
    }
}

static int parse_options(int count, char **args)
{
    int seen = 0;
    for (int i = 1; i < count; i++)
        if (!strcmp(args[i], "-q")) // expect: HL003 cold "every iteration"
            seen++;
    return seen;
}

static void help_flags(int argc, char **argv)
{
    static const char *names[] = {"q", "v"};
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h")) // expect: HL003 cold "every iteration"
            usage(names, 2);
}

int main(int argc, char **argv)
{
    help_flags(argc, argv);
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
    char name[32];
    for (long i = 0; i < rounds; i++) {
        snprintf(name, sizeof name, "r%ld", i); // expect: HL001 warm "every iteration"
        use(name);
    }
    return parse_options(argc, argv);
}
/* silent: nothing here is silent; the fixture checks heat, and every case above says why */

void report_unknown(char *out, size_t cap, const char **names, int n)
{
    for (int i = 0; i < n; i++)
        snprintf(out, cap, "error: %s is not defined", names[i]); // expect: HL001 cold "every iteration"
}
