/* ring_replay.c - keeps the records of a sampling session and replays them in
 * time order: mappings, execs and forks shape each process's address space,
 * samples are unwound in it and summed into its profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"
#include "ring_reader.h"
#include "ring_replay.h"
#include "ring_space.h"

#define MAX_FRAMES 256

typedef struct {
    uint64_t time;
    size_t off;
} kept;

typedef struct {
    pid_t pid;
    hl_ring_space *space;
    size_t profile; /* index into profiles */
} proc;

typedef struct {
    pid_t pid;
    hl_rp *rp;
} profile_slot;

struct hl_ring_session {
    pid_t root;
    int64_t period;
    bool per_process, follow_exec;
    char *buf;
    size_t len, cap;
    kept *recs;
    size_t n_recs, cap_recs;
    proc *procs;
    size_t n_procs, cap_procs;
    profile_slot *profiles;
    size_t n_profiles, cap_profiles;
    uint64_t next_space_id;
    hl_ring_stats st;
    pid_t writers[64]; /* threads named HL_WRITER_COMM right now */
    size_t n_writers;
    uint64_t pcs[MAX_FRAMES];
};

/* A sample's fixed part: header, ip, pid/tid, time, abi, the registers, the
 * stack's size field. */
#define SAMPLE_PREFIX (8 + 8 + 8 + 8 + 8 + 8 * HL_RING_NREGS + 8)

hl_ring_session *hl_rsess_new(pid_t root, int64_t period_ns, bool per_process, bool follow_exec)
{
    hl_ring_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->root = root;
    s->period = period_ns;
    s->per_process = per_process;
    s->follow_exec = follow_exec;
    return s;
}

static uint64_t record_time(const struct perf_event_header *h)
{
    uint64_t t = 0;
    if (h->type == PERF_RECORD_SAMPLE && h->size >= 32)
        memcpy(&t, (const char *)h + 24, 8);
    else if (h->type != PERF_RECORD_SAMPLE && h->size >= 16)
        memcpy(&t, (const char *)h + h->size - 8, 8); /* sample_id_all: tid, time */
    return t;
}

static int append(hl_ring_session *s, const void *data, size_t n)
{
    if (hl_grow_to((void **)&s->buf, &s->cap, s->len + n, 1, NULL) < 0)
        return -1;
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    return 0;
}

void hl_rsess_keep(const struct perf_event_header *h, void *ctx)
{
    hl_ring_session *s = ctx;
    if (HL_GROW(s->recs, s->n_recs, s->cap_recs) < 0) {
        s->st.dropped_oom += h->type == PERF_RECORD_SAMPLE;
        return;
    }
    size_t off = s->len;
    int rc;
    uint64_t abi = 0;
    if (h->type == PERF_RECORD_SAMPLE && h->size >= 40)
        memcpy(&abi, (const char *)h + 32, 8);
    if (h->type == PERF_RECORD_SAMPLE && (abi == 0 || h->size < SAMPLE_PREFIX + 8))
        return; /* no user registers: nothing to unwind */
    if (h->type == PERF_RECORD_SAMPLE) {
        /* Keep only the part of the stack copy that the kernel filled. */
        const char *r = (const char *)h;
        uint64_t size, dyn = 0;
        memcpy(&size, r + SAMPLE_PREFIX - 8, 8);
        if (size && SAMPLE_PREFIX + size + 8 <= h->size)
            memcpy(&dyn, r + SAMPLE_PREFIX + size, 8);
        if (dyn > size)
            dyn = 0;
        uint64_t total = SAMPLE_PREFIX + dyn;
        rc = append(s, &total, sizeof total);
        rc = rc < 0 ? rc : append(s, r, SAMPLE_PREFIX - 8);
        rc = rc < 0 ? rc : append(s, &dyn, 8);
        rc = rc < 0 ? rc : append(s, r + SAMPLE_PREFIX, dyn);
    } else {
        uint64_t total = h->size;
        rc = append(s, &total, sizeof total);
        rc = rc < 0 ? rc : append(s, h, h->size);
    }
    if (rc < 0) {
        s->len = off;
        s->st.dropped_oom += h->type == PERF_RECORD_SAMPLE;
        return;
    }
    s->recs[s->n_recs++] = (kept){record_time(h), off};
}

size_t hl_rsess_pending(const hl_ring_session *s)
{
    return s->len;
}

static int by_time(const void *a, const void *b)
{
    const kept *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

static proc *find_proc(hl_ring_session *s, pid_t pid)
{
    for (size_t i = 0; i < s->n_procs; i++)
        if (s->procs[i].pid == pid)
            return &s->procs[i];
    return NULL;
}

/* The profile index for a new process pid (the root's, unless each process
 * gets its own); (size_t)-1 on ENOMEM. */
static size_t profile_for(hl_ring_session *s, pid_t pid)
{
    if ((!s->per_process || pid == s->root) && s->n_profiles > 0)
        return 0;
    if (HL_GROW(s->profiles, s->n_profiles, s->cap_profiles) < 0)
        return (size_t)-1;
    hl_rp *rp = hl_rp_new(s->period);
    if (!rp)
        return (size_t)-1;
    s->profiles[s->n_profiles] = (profile_slot){pid, rp};
    return s->n_profiles++;
}

static proc *add_proc(hl_ring_session *s, pid_t pid, const hl_ring_space *parent)
{
    if (HL_GROW(s->procs, s->n_procs, s->cap_procs) < 0)
        return NULL;
    uint64_t id = ++s->next_space_id;
    hl_ring_space *sp = parent ? hl_rs_fork(parent, pid, id) : hl_rs_new(pid, id);
    size_t prof = sp ? profile_for(s, pid) : (size_t)-1;
    if (prof == (size_t)-1) {
        hl_rs_free(sp);
        return NULL;
    }
    s->procs[s->n_procs] = (proc){pid, sp, prof};
    return &s->procs[s->n_procs++];
}

static void on_mmap2(hl_ring_session *s, const char *r)
{
    uint32_t pid, prot;
    uint64_t addr, len, pgoff;
    memcpy(&pid, r + 8, 4);
    memcpy(&addr, r + 16, 8);
    memcpy(&len, r + 24, 8);
    memcpy(&pgoff, r + 32, 8);
    memcpy(&prot, r + 64, 4);
    if (!(prot & 4)) /* PROT_EXEC */
        return;
    proc *p = find_proc(s, (pid_t)pid);
    if (!p)
        p = add_proc(s, (pid_t)pid, NULL);
    if (p)
        hl_rs_add_map(p->space, addr, len, pgoff, r + 72);
}

static void on_exec(hl_ring_session *s, pid_t pid)
{
    proc *p = find_proc(s, pid);
    if (!p) {
        p = add_proc(s, pid, NULL);
        if (!p)
            return;
    }
    unsigned execs = p->space->execs + 1;
    hl_ring_space *fresh = hl_rs_new(pid, ++s->next_space_id);
    if (!fresh)
        return;
    fresh->execs = execs;
    hl_rs_free(p->space);
    p->space = fresh;
}

static void on_fork(hl_ring_session *s, const char *r)
{
    uint32_t pid, ppid;
    memcpy(&pid, r + 8, 4);
    memcpy(&ppid, r + 12, 4);
    if (pid == ppid || find_proc(s, (pid_t)pid))
        return; /* a new thread, or a process seen already */
    proc *parent = find_proc(s, (pid_t)ppid);
    /* add_proc may move procs: copy the parent's space pointer first. */
    hl_ring_space *ps = parent ? parent->space : NULL;
    proc *child = add_proc(s, (pid_t)pid, ps);
    if (child && ps)
        child->space->execs = ps->execs;
}

/* A thread renamed: into HL_WRITER_COMM (the runtime writing a profile) or
 * out of it. */
static void on_rename(hl_ring_session *s, const char *r, uint64_t total)
{
    uint32_t tid;
    memcpy(&tid, r + 12, 4);
    const char *comm = r + 16;
    bool writing = strnlen(comm, total - 16) < total - 16 && !strcmp(comm, HL_WRITER_COMM);
    for (size_t i = 0; i < s->n_writers; i++)
        if (s->writers[i] == (pid_t)tid) {
            if (!writing)
                s->writers[i] = s->writers[--s->n_writers];
            return;
        }
    if (writing && s->n_writers < sizeof s->writers / sizeof s->writers[0])
        s->writers[s->n_writers++] = (pid_t)tid;
}

static bool is_writer(const hl_ring_session *s, pid_t tid)
{
    for (size_t i = 0; i < s->n_writers; i++)
        if (s->writers[i] == tid)
            return true;
    return false;
}

/* True when a frame is a function of the profiler's own in libhotlint-rt
 * (preloaded beside the outside CPU profile for the heap profile or the HTTP
 * endpoint): an hl_* function, such as the heap sampler or the heap profile
 * written at exit, is not the program's work. The interposers the program
 * calls (malloc, free, pthread_create, ...) are, and stay. */
static bool in_runtime(hl_ring_space *sp, const uint64_t *pcs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const hl_rs_map *m = hl_rs_map_at(sp, pcs[i]);
        const char *base = m ? strrchr(m->path, '/') : NULL;
        if (!base || strncmp(base + 1, "libhotlint-rt.so", 16))
            continue;
        uint64_t pc = i > 0 ? pcs[i] - 1 : pcs[i];
        Dwfl_Module *mod = hl_rs_module(sp, pc);
        const char *name = mod ? dwfl_module_addrname(mod, pc) : NULL;
        if (name && !strncmp(name, "hl_", 3))
            return true;
    }
    return false;
}

static void on_sample(hl_ring_session *s, const char *r, uint64_t total)
{
    uint32_t pid, tid;
    uint64_t abi, dyn;
    memcpy(&pid, r + 16, 4);
    memcpy(&tid, r + 20, 4);
    memcpy(&abi, r + 32, 8);
    memcpy(&dyn, r + SAMPLE_PREFIX - 8, 8);
    if (abi == 0 || SAMPLE_PREFIX + dyn > total)
        return; /* no user registers: a kernel thread's sample */
    proc *p = find_proc(s, (pid_t)pid);
    if (!p) {
        s->st.unknown_pid++;
        return;
    }
    if (is_writer(s, (pid_t)tid)) {
        s->st.runtime_own++;
        return;
    }
    if (p->space->execs > 1 && !s->follow_exec) {
        s->st.after_exec++;
        return;
    }
    uint64_t regs[HL_RING_NREGS];
    memcpy(regs, r + 40, sizeof regs);
    size_t n = hl_rs_unwind(p->space, (pid_t)tid, regs, r + SAMPLE_PREFIX, dyn, s->pcs, MAX_FRAMES);
    if (in_runtime(p->space, s->pcs, n)) {
        s->st.runtime_own++;
        return;
    }
    if (n == 1)
        s->st.leaf_only++;
    if (hl_rp_add(s->profiles[p->profile].rp, p->space, s->pcs, n) < 0)
        s->st.dropped_oom++;
    else
        s->st.samples++;
}

static void replay_one(hl_ring_session *s, const char *r, uint64_t total)
{
    struct perf_event_header h;
    memcpy(&h, r, sizeof h);
    switch (h.type) {
    case PERF_RECORD_SAMPLE:
        on_sample(s, r, total);
        break;
    case PERF_RECORD_MMAP2:
        if (total >= 80)
            on_mmap2(s, r);
        break;
    case PERF_RECORD_COMM:
        if (h.misc & PERF_RECORD_MISC_COMM_EXEC) {
            uint32_t pid;
            memcpy(&pid, r + 8, 4);
            on_exec(s, (pid_t)pid);
        } else if (total > 16) {
            on_rename(s, r, total);
        }
        break;
    case PERF_RECORD_FORK:
        on_fork(s, r);
        break;
    case PERF_RECORD_LOST: {
        uint64_t lost;
        memcpy(&lost, r + 16, 8);
        s->st.lost += lost;
        break;
    }
    default:
        break;
    }
}

int hl_rsess_replay(hl_ring_session *s)
{
    qsort(s->recs, s->n_recs, sizeof *s->recs, by_time);
    if (s->n_profiles == 0 && profile_for(s, s->root) == (size_t)-1)
        return -1;
    for (size_t i = 0; i < s->n_recs; i++) {
        uint64_t total;
        memcpy(&total, s->buf + s->recs[i].off, 8);
        replay_one(s, s->buf + s->recs[i].off + 8, total);
    }
    s->n_recs = 0;
    s->len = 0;
    return 0;
}

hl_ring_stats hl_rsess_stats(const hl_ring_session *s)
{
    return s->st;
}

hl_rp *hl_rsess_take(hl_ring_session *s, size_t i, pid_t *pid)
{
    if (i >= s->n_profiles)
        return NULL;
    hl_rp *rp = s->profiles[i].rp;
    s->profiles[i].rp = NULL;
    *pid = s->profiles[i].pid;
    return rp;
}

void hl_rsess_free(hl_ring_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_procs; i++)
        hl_rs_free(s->procs[i].space);
    for (size_t i = 0; i < s->n_profiles; i++)
        hl_rp_free(s->profiles[i].rp);
    free(s->procs);
    free(s->profiles);
    free(s->recs);
    free(s->buf);
    free(s);
}
