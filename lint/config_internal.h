/* config_internal.h - what config.c and config_tree.c share. Private to
 * lint/. */
#ifndef HL_LINT_CONFIG_INTERNAL_H
#define HL_LINT_CONFIG_INTERNAL_H

#include <stddef.h>

#include "config.h"

struct hl_config_dir {
    char *dir;
    hl_config *cfg; /* NULL: none up to / */
};

/* Frees n strings and the array. */
void hl_cfg_free_strv(char **v, size_t n);
/* Appends a copy of s to (*v, *n). Returns 0, or -1 when out of memory. */
int hl_cfg_push_str(char ***v, size_t *n, const char *s);

#endif
