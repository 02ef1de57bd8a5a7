/* ring_reader.c - opens per-CPU perf events on a process and copies their
 * records out of the mmap ring buffers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ring_reader.h"

#define DEFAULT_PAGES 512 /* 2 MB per CPU: a few hundred ms of 16 KB samples at 1000 Hz */

typedef struct cpu_ring {
    int fd;
    struct perf_event_mmap_page *meta;
    char *data;
    size_t data_size;
} cpu_ring;

struct hl_ring {
    cpu_ring *cpus;
    size_t n;
    bool kernel;
    char *scratch; /* a record that wraps around the ring's end, made whole */
    size_t scratch_cap;
};

static void fill_attr(struct perf_event_attr *a, const hl_ring_opts *o, bool kernel)
{
    memset(a, 0, sizeof *a);
    a->size = sizeof *a;
    a->type = PERF_TYPE_SOFTWARE;
    a->config = PERF_COUNT_SW_CPU_CLOCK;
    a->sample_period = (uint64_t)(1000000000LL / (o->hz > 0 ? o->hz : 100));
    a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_REGS_USER |
                     PERF_SAMPLE_STACK_USER;
    a->sample_regs_user = HL_RING_REGS_MASK;
    a->sample_stack_user = HL_RING_STACK_BYTES;
    a->disabled = o->enable_exec;
    a->enable_on_exec = o->enable_exec;
    a->inherit = 1;
    a->inherit_thread = !o->forks;
    a->exclude_kernel = !kernel;
    a->exclude_hv = 1;
    a->mmap = 1;
    a->mmap2 = 1;
    a->comm = 1;
    a->comm_exec = 1;
    a->task = 1;
    a->sample_id_all = 1;
    a->watermark = 1;
    a->wakeup_watermark = 0; /* set by the caller once the ring size is known */
}

static int open_on(struct perf_event_attr *a, pid_t pid, int cpu)
{
    return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The online CPUs, from sysconf (the events are per CPU: the kernel does not
 * map a ring of an inherited per-task event). */
static long n_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n > 0 ? n : 1;
}

/* Closes and unmaps every ring opened so far; r stays usable. */
static void close_rings(hl_ring *r)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < r->n; i++) {
        if (r->cpus[i].meta)
            munmap(r->cpus[i].meta, r->cpus[i].data_size + page);
        close(r->cpus[i].fd);
    }
    r->n = 0;
}

/* Opens and maps one event per CPU with rings of pages data pages. Returns
 * 0, or -1 with errno and a message in err (everything closed). */
static int open_rings(hl_ring *r, const hl_ring_opts *o, long ncpu, size_t pages, char *err,
                      size_t errlen)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    struct perf_event_attr a;
    for (long c = 0; c < ncpu; c++) {
        fill_attr(&a, o, r->kernel);
        a.wakeup_watermark = (uint32_t)(pages * page / 4);
        int fd = open_on(&a, o->pid, (int)c);
        if (fd < 0 && (errno == EACCES || errno == EPERM) && r->kernel && c == 0) {
            r->kernel = false; /* perf_event_paranoid 2 still allows user-mode sampling */
            fill_attr(&a, o, false);
            a.wakeup_watermark = (uint32_t)(pages * page / 4);
            fd = open_on(&a, o->pid, (int)c);
        }
        if (fd < 0 && errno == ENODEV)
            continue; /* an offline CPU */
        if (fd < 0) {
            int e = errno;
            snprintf(err, errlen, "perf_event_open: %s", strerror(e));
            close_rings(r);
            errno = e;
            return -1;
        }
        cpu_ring *cr = &r->cpus[r->n++];
        cr->fd = fd;
        cr->meta = NULL;
        void *m = mmap(NULL, (pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) {
            int e = errno;
            snprintf(err, errlen, "mmap of a perf ring of %zu pages: %s", pages, strerror(e));
            close_rings(r);
            errno = e;
            return -1;
        }
        cr->meta = m;
        cr->data = (char *)m + page;
        cr->data_size = pages * page;
    }
    if (r->n == 0) {
        snprintf(err, errlen, "perf_event_open: no CPU accepted the event");
        errno = ENODEV;
        return -1;
    }
    return 0;
}

hl_ring *hl_ring_open(const hl_ring_opts *o, char *err, size_t errlen)
{
    hl_ring *r = calloc(1, sizeof *r);
    long ncpu = n_cpus();
    if (!r || !(r->cpus = calloc((size_t)ncpu, sizeof *r->cpus))) {
        free(r);
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    r->kernel = true;
    /* An unprivileged user may lock only perf_event_mlock_kb (516 KB by
     * default) of rings: smaller rings then, drained more often. */
    for (size_t pages = o->ring_pages ? o->ring_pages : DEFAULT_PAGES;; pages /= 2) {
        if (open_rings(r, o, ncpu, pages, err, errlen) == 0)
            return r;
        if (errno != EPERM && errno != ENOMEM)
            break;
        if (pages <= 8)
            break;
    }
    int e = errno;
    hl_ring_close(r);
    errno = e;
    return NULL;
}

bool hl_ring_kernel_included(const hl_ring *r)
{
    return r->kernel;
}

size_t hl_ring_fds(const hl_ring *r, int *fds, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n && n < max; i++)
        fds[n++] = r->cpus[i].fd;
    return n;
}

static size_t drain_one(hl_ring *r, cpu_ring *cr,
                        void (*fn)(const struct perf_event_header *h, void *ctx), void *ctx)
{
    uint64_t head = __atomic_load_n(&cr->meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t tail = cr->meta->data_tail;
    size_t count = 0;
    while (tail < head) {
        size_t off = (size_t)(tail % cr->data_size);
        struct perf_event_header hdr;
        size_t first = cr->data_size - off;
        if (first >= sizeof hdr) {
            memcpy(&hdr, cr->data + off, sizeof hdr);
        } else {
            memcpy(&hdr, cr->data + off, first);
            memcpy((char *)&hdr + first, cr->data, sizeof hdr - first);
        }
        if (hdr.size < sizeof hdr || tail + hdr.size > head)
            break;
        const struct perf_event_header *rec;
        if (first >= hdr.size) {
            rec = (const struct perf_event_header *)(cr->data + off);
        } else {
            if (r->scratch_cap < hdr.size) {
                char *ns = realloc(r->scratch, hdr.size);
                if (!ns)
                    break;
                r->scratch = ns;
                r->scratch_cap = hdr.size;
            }
            memcpy(r->scratch, cr->data + off, first);
            memcpy(r->scratch + first, cr->data, hdr.size - first);
            rec = (const struct perf_event_header *)r->scratch;
        }
        fn(rec, ctx);
        count++;
        tail += hdr.size;
    }
    __atomic_store_n(&cr->meta->data_tail, tail, __ATOMIC_RELEASE);
    return count;
}

size_t hl_ring_drain(hl_ring *r, void (*fn)(const struct perf_event_header *h, void *ctx),
                     void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += drain_one(r, &r->cpus[i], fn, ctx);
    return n;
}

void hl_ring_close(hl_ring *r)
{
    if (!r)
        return;
    close_rings(r);
    free(r->cpus);
    free(r->scratch);
    free(r);
}
