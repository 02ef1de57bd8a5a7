/* Calls on and off error paths: each call of interest is marked on its line
 * with "error-path" or "main-path" (tests/lint/test_flow.c checks every mark). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define C_OK         0
#define C_ERR        -1
#define SQLITE_ERROR 1

_Noreturn void die(const char *msg);
int backend_fail(void);
int luaL_error(void *L, const char *fmt, ...);

struct ctx {
    char err[64];
    int verbose;
};

int parse(struct ctx *c, char **v, int n)
{
    char buf[32];
    for (int i = 0; i < n; i++) {
        if (!v[i]) {
            snprintf(c->err, sizeof c->err, "null at %d", i); /* error-path: return -1 */
            return -1;
        }
        if (v[i][0] == '-') {
            if (c->verbose)
                snprintf(buf, sizeof buf, "%s", v[i]); /* error-path: return C_ERR after the if */
            return C_ERR;
        }
        if (v[i][0] == '+') {
            snprintf(buf, sizeof buf, "found %d", i); /* main-path: a break is no error */
            break;
        }
        if (snprintf(buf, sizeof buf, "%d", i) < 0) /* main-path: the condition runs always */
            return -1;
        snprintf(buf, sizeof buf, "%d", i); /* main-path: the loop's body */
    }
    return C_OK;
}

int count_long(char **v, int n, int verbose)
{
    char buf[32];
    for (int i = 0; i < n; i++) {
        if (verbose)
            snprintf(buf, sizeof buf, "%d", i); /* main-path: its branch ends before the return */
    }
    return -1;
}

int check_args(void *L, char **v, int n)
{
    char buf[16];
    for (int i = 0; i < n; i++) {
        if (!v[i]) {
            snprintf(buf, sizeof buf, "#%d", i); /* error-path: returns luaL_error(...) */
            return luaL_error(L, "bad argument %s", buf);
        }
    }
    return 0;
}

char *lookup(char **v, int n, const char *key)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(v[i], key))  /* main-path: the search itself */
            return strdup(v[i]); /* main-path: returns the found value */
        if (v[i][0] == 0) {
            char *msg = strdup("empty"); /* error-path: return NULL */
            free(msg);                   /* error-path */
            return NULL;
        }
    }
    return strdup(""); /* main-path: not in a branch */
}

int load(const char *path, int fd)
{
    char *buf = malloc(64); /* main-path */
    if (!buf)
        goto err;
    switch (path[0]) {
    case '/':
        strcat(buf, path); /* main-path: falls out of the switch */
        break;
    case '~':
        strcat(buf, path); /* error-path: return -EINVAL */
        return -EINVAL;
    case '!':
        strcat(buf, path); /* error-path: goto out */
        goto out;
    case '?':
        strcat(buf, path); /* main-path: goto next is no error label */
        goto next;
    }
next:
    if (fd < 0) {
        for (int i = 0; i < 3; i++)
            write(2, "retry\n", 6); /* error-path: exit() after the loop */
        exit(1);
    }
    if (fd == 0) {
        snprintf(buf, 64, "fd %d", fd); /* error-path: die() is _Noreturn */
        die(buf);
    }
    if (fd == 1) {
        snprintf(buf, 64, "nomem"); /* error-path: an error code by name */
        return SQLITE_ERROR;
    }
    if (fd == 2) {
        snprintf(buf, 64, "ok"); /* main-path: return 0 */
        free(buf);               /* main-path: before return 0 */
        return 0;
    }
    free(buf); /* main-path */
    return backend_fail();
out:
    free(buf); /* main-path: the label's own code is not in a branch */
err:
    return -1;
}
