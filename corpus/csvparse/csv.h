/* csv.h - the CSV reader's interface. */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

/* Splits line at commas into newly allocated strings; returns how many. */
size_t csv_split(const char *line, char **fields, size_t max);
void csv_free_fields(char **fields, size_t n);

#endif
