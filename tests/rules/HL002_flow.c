/* HL002 alloc-in-loop and control flow: retry loops, error blocks, and when
 * "freed in the same iteration" holds. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct node {
    struct node *next;
    char *key;
};
struct queue;
void queue_push(struct queue *q, void *item);
void listAddNodeTail(struct node *list, void *value);
void consume(const char *s);
void *worker(void *arg);

/* zstd / sqlite style: wait for memory rather than fail. */
void *alloc_retry(size_t n)
{
    void *p;
    while ((p = malloc(n)) == NULL) // silent: goes round only while malloc fails
        sleep(1);
    return p;
}

void *alloc_retry_for(size_t n)
{
    for (;;) {
        void *p = calloc(1, n); // silent: returns at the first success
        if (p != NULL)
            return p;
        sleep(1);
    }
}

void *alloc_retry_continue(size_t n)
{
    void *p;
    for (;;) {
        p = malloc(n); // silent: continues only when malloc failed
        if (!p) {
            sleep(1);
            continue;
        }
        break;
    }
    return p;
}

/* Checking for failure is what every loop does: still one block per item. */
int copy_keys(struct node *list, char **out)
{
    int i = 0;
    for (struct node *n = list; n; n = n->next) {
        char *k = strdup(n->key); // expect: HL002
        if (!k)
            return -1;
        out[i++] = k;
    }
    return i;
}

/* zstd's programs/util.c: the check is a macro around "if (!(c)) exit(1)". */
#define CONTROL(c)                                                                                 \
    {                                                                                              \
        if (!(c))                                                                                  \
            exit(1);                                                                               \
    }

void copy_names(const char **in, unsigned n, char **out)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; ++i) {
        char *name = strdup(in[i]); // expect: HL002 (a failure check inside a macro)
        CONTROL(name != NULL);
        out[k++] = name;
    }
    for (unsigned i = 0; i < n; ++i) {
        char *name = strdup(in[i]); // expect: HL002 (the same check, written out)
        if (!(name != NULL))
            exit(1);
        out[k++] = name;
    }
}

/* The allocation in a block that ends in an error return runs once. */
int load(struct node *list, char **err)
{
    for (struct node *n = list; n; n = n->next) {
        if (!n->key) {
            *err = strdup("missing key"); // silent: the block returns
            return -1;
        }
    }
    return 0;
}

int isLink(const char *path);
unsigned long store_key(const char *key, size_t len);

void freed(struct node *list, struct queue *q, struct node *keep)
{
    for (struct node *n = list; n; n = n->next) {
        char *path = malloc(64); // expect: HL002 "freed in the same iteration"
        if (isLink(path))        /* a question about the block, not a new owner */
            consume(path);
        free(path);
    }
    for (struct node *n = list; n; n = n->next) {
        char *key = malloc(64); // expect: HL002 "freed in the same iteration"
        store_key(key, 64);     /* takes a const char *: reads the key, keeps nothing */
        free(key);
    }
    for (struct node *n = list; n; n = n->next) {
        char *tmp = malloc(64); // expect: HL002 "freed in the same iteration"
        consume(tmp);
        free(tmp);
    }
    for (struct node *n = list; n; n = n->next) {
        char *tmp = malloc(64); // expect: HL002 "freed in the same iteration"
        if (n->key)
            consume(tmp);
        {
            free(tmp);
        }
    }
    for (struct node *n = list; n; n = n->next) {
        char *tmp = malloc(64); // expect: HL002 !"freed in the same iteration"
        consume(tmp);
        if (n->key[0] == '\0')
            free(tmp); /* only sometimes: not "freed in the same iteration" */
    }
    for (struct node *n = list; n; n = n->next) {
        char *item = strdup(n->key); // expect: HL002 !"freed in the same iteration"
        queue_push(q, item);
        free(item); /* handed to the queue first */
    }
    for (struct node *n = list; n; n = n->next) {
        char *v = malloc(16); // expect: HL002 !"freed in the same iteration"
        listAddNodeTail(keep, v);
        free(v);
    }
    for (struct node *n = list; n; n = n->next) {
        pthread_t t;
        char *arg = strdup(n->key); // expect: HL002 !"freed in the same iteration"
        pthread_create(&t, NULL, worker, arg);
        free(arg);
    }
    char *last = NULL;
    for (struct node *n = list; n; n = n->next) {
        char *k = strdup(n->key); // expect: HL002 !"freed in the same iteration"
        n->key = k;
        last = k;
        free(k);
    }
    consume(last);
}
