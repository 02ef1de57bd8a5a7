/* csvparse - sums the numeric columns of an access log exported as CSV.
 * Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define MAX_FIELDS 16

struct schema {
    char *names[MAX_FIELDS];
    size_t n;
};

/* The header row: column names, once per file. */
__attribute__((noinline)) static void load_schema(struct schema *s, const char *header)
{
    char buf[256];
    size_t n = 0;
    strncpy(buf, header, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *tok = strtok(buf, ","); tok && n < MAX_FIELDS; tok = strtok(NULL, ","))
        s->names[n++] = strdup(tok);
    s->n = n;
}

static const char *const rows[] = {
    "2024-03-01T10:00:01,10.0.0.12,GET,/index.html,200,5120,0.012",
    "2024-03-01T10:00:02,10.0.0.99,POST,/api/v1/orders,201,312,0.140",
    "2024-03-01T10:00:02,192.168.1.7,GET,/static/app.js,304,0,0.002",
    "2024-03-01T10:00:03,10.0.0.12,GET,/api/v1/orders/1234,200,1877,0.034",
};

int main(int argc, char **argv)
{
    size_t n_rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 2800000;
    struct schema s;
    load_schema(&s, "time,client,method,path,status,bytes,seconds");
    char *fields[MAX_FIELDS];
    long bytes = 0, errors = 0;
    for (size_t r = 0; r < n_rows; r++) {
        size_t n = csv_split(rows[r % 4], fields, MAX_FIELDS);
        if (n >= 7) {
            bytes += strtol(fields[5], NULL, 10);
            errors += fields[4][0] >= '4';
        }
        csv_free_fields(fields, n);
    }
    printf("csvparse: %zu rows, %ld bytes, %ld errors, %zu columns (%s..%s)\n", n_rows, bytes,
           errors, s.n, s.names[0], s.names[s.n - 1]);
    for (size_t i = 0; i < s.n; i++)
        free(s.names[i]);
    return 0;
}
