/* ring_space.c - a sampled process's executable mappings and the dwfl session
 * that unwinds its copied stacks and symbolizes its addresses. */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../base/grow.h"
#include "ring_reader.h"
#include "ring_space.h"
#include "symbolize.h"

/* perf_regs order of HL_RING_REGS_MASK's bits, as they appear in a sample. */
enum {
    R_AX,
    R_BX,
    R_CX,
    R_DX,
    R_SI,
    R_DI,
    R_BP,
    R_SP,
    R_IP,
    R_8,
    R_9,
    R_10,
    R_11,
    R_12,
    R_13,
    R_14,
    R_15
};

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = hl_sym_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

hl_ring_space *hl_rs_new(pid_t pid, uint64_t id)
{
    hl_ring_space *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pid = pid;
    s->id = id;
    return s;
}

hl_ring_space *hl_rs_fork(const hl_ring_space *parent, pid_t pid, uint64_t id)
{
    hl_ring_space *s = hl_rs_new(pid, id);
    if (!s)
        return NULL;
    s->main_start = parent->main_start;
    for (size_t i = 0; i < parent->n_maps; i++) {
        const hl_rs_map *m = &parent->maps[i];
        if (hl_rs_add_map(s, m->start, m->limit - m->start, m->pgoff, m->path) < 0) {
            hl_rs_free(s);
            return NULL;
        }
    }
    return s;
}

static void drop_dwfl(hl_ring_space *s)
{
    if (s->dwfl)
        dwfl_end(s->dwfl);
    s->dwfl = NULL;
    s->attached = false;
    for (size_t i = 0; i < s->n_maps; i++)
        s->maps[i].reported = false;
    s->dirty = true;
}

int hl_rs_add_map(hl_ring_space *s, uint64_t start, uint64_t len, uint64_t pgoff, const char *path)
{
    uint64_t limit = start + len;
    /* A mapping over an older one (dlclose, then dlopen at the same place):
     * the old is gone, and dwfl cannot forget a module, so it starts over. */
    for (size_t i = 0; i < s->n_maps;) {
        hl_rs_map *m = &s->maps[i];
        if (m->start < limit && start < m->limit) {
            if (m->reported)
                drop_dwfl(s);
            free(m->path);
            s->maps[i] = s->maps[--s->n_maps];
            continue;
        }
        i++;
    }
    if (HL_GROW(s->maps, s->n_maps, s->cap_maps) < 0)
        return -1;
    char *p = strdup(path ? path : "");
    if (!p)
        return -1;
    if (!s->main_start)
        s->main_start = start;
    s->maps[s->n_maps++] = (hl_rs_map){start, limit, pgoff, p, false};
    s->dirty = true;
    return 0;
}

const hl_rs_map *hl_rs_map_at(const hl_ring_space *s, uint64_t addr)
{
    for (size_t i = 0; i < s->n_maps; i++)
        if (addr >= s->maps[i].start && addr < s->maps[i].limit)
            return &s->maps[i];
    return NULL;
}

/* The address dwfl_report_elf wants for a mapping of file at start with file
 * offset pgoff: where the file's first loadable segment lands (the load bias
 * plus that segment's aligned address). Returns false for a file that is not
 * an ELF file whose loadable segments contain pgoff. */
static bool report_base(const char *path, uint64_t start, uint64_t pgoff, uint64_t *base)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    bool ok = false;
    size_t n = 0;
    GElf_Ehdr eh;
    if (elf && gelf_getehdr(elf, &eh) && elf_getphdrnum(elf, &n) == 0) {
        uint64_t first = UINT64_MAX, bias = 0;
        bool found = false;
        for (size_t i = 0; i < n; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
                continue;
            uint64_t align = ph.p_align > 1 ? ph.p_align : 1;
            uint64_t vstart = ph.p_vaddr & ~(align - 1);
            if (first == UINT64_MAX)
                first = vstart;
            uint64_t page_off = ph.p_offset & ~(uint64_t)4095;
            if (!found && pgoff >= page_off && pgoff < ph.p_offset + ph.p_filesz + 4096) {
                bias = start - ((ph.p_vaddr & ~(uint64_t)4095) + (pgoff - page_off));
                found = true;
            }
        }
        if (found && first != UINT64_MAX) {
            *base = eh.e_type == ET_EXEC ? first : bias + first;
            ok = true;
        }
    }
    if (elf)
        elf_end(elf);
    close(fd);
    return ok;
}

/* A readable copy of the kernel's vDSO (the same image in every process of
 * this kernel): "/proc/self/fd/N" of a memfd holding ours, made once; "" when
 * it cannot be made. Its unwind tables let samples in clock_gettime and the
 * like keep their callers. */
static const char *vdso_copy(void)
{
    static char path[64];
    static bool tried;
    if (tried)
        return path;
    tried = true;
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return path;
    char line[512];
    unsigned long long lo = 0, hi = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "[vdso]") && sscanf(line, "%llx-%llx", &lo, &hi) == 2)
            break;
    fclose(f);
    int fd = hi > lo ? memfd_create("hotlint-vdso", MFD_CLOEXEC) : -1;
    if (fd < 0)
        return path;
    size_t len = (size_t)(hi - lo);
    if (write(fd, (const void *)(uintptr_t)lo, len) == (ssize_t)len)
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    else
        close(fd);
    return path;
}

static void report_maps(hl_ring_space *s)
{
    if (!s->dwfl) {
        s->dwfl = dwfl_begin(&dwfl_callbacks);
        if (!s->dwfl)
            return;
    }
    dwfl_report_begin_add(s->dwfl);
    for (size_t i = 0; i < s->n_maps; i++) {
        hl_rs_map *m = &s->maps[i];
        if (m->reported)
            continue;
        m->reported = true;
        const char *file = !strcmp(m->path, "[vdso]") ? vdso_copy() : m->path;
        if (file[0] != '/')
            continue; /* anonymous code: nothing to read */
        if (dwfl_addrmodule(s->dwfl, m->start))
            continue; /* another segment of a file already reported */
        uint64_t base;
        if (!report_base(file, m->start, m->pgoff, &base))
            continue;
        const char *name = file == m->path ? strrchr(m->path, '/') : NULL;
        dwfl_report_elf(s->dwfl, name ? name + 1 : m->path, file, -1, base, false);
    }
    dwfl_report_end(s->dwfl, NULL, NULL);
    s->dirty = false;
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
    (void)dwfl;
    hl_ring_space *s = arg;
    if (*thread_argp)
        return 0;
    *thread_argp = s;
    return s->cur_tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
    (void)dwfl;
    (void)tid;
    *thread_argp = arg;
    return true;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
    (void)dwfl;
    hl_ring_space *s = arg;
    if (addr < s->cur_sp || addr + sizeof *result > s->cur_sp + s->cur_stack_len)
        return false;
    memcpy(result, s->cur_stack + (addr - s->cur_sp), sizeof *result);
    return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
    hl_ring_space *s = arg;
    const uint64_t *r = s->cur_regs;
    /* DWARF numbering on x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip. */
    Dwarf_Word d[17] = {r[R_AX], r[R_DX], r[R_CX], r[R_BX], r[R_SI], r[R_DI],
                        r[R_BP], r[R_SP], r[R_8],  r[R_9],  r[R_10], r[R_11],
                        r[R_12], r[R_13], r[R_14], r[R_15], r[R_IP]};
    return dwfl_thread_state_registers(thread, 0, 17, d);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
    .next_thread = next_thread,
    .get_thread = get_thread,
    .memory_read = memory_read,
    .set_initial_registers = set_initial_registers,
};

typedef struct {
    uint64_t *pcs;
    size_t n, max;
} frame_sink;

static int on_frame(Dwfl_Frame *state, void *arg)
{
    frame_sink *k = arg;
    Dwarf_Addr pc;
    bool activation;
    if (!dwfl_frame_pc(state, &pc, &activation) || pc == 0)
        return DWARF_CB_ABORT;
    (void)activation; /* return addresses: the model builder looks at pc - 1 */
    k->pcs[k->n++] = pc;
    return k->n < k->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

size_t hl_rs_unwind(hl_ring_space *s, pid_t tid, const uint64_t *regs, const char *stack,
                    uint64_t stack_len, uint64_t *pcs, size_t max)
{
    if (max == 0)
        return 0;
    if (s->dirty || !s->dwfl)
        report_maps(s);
    if (s->dwfl && !s->attached)
        s->attached = dwfl_attach_state(s->dwfl, NULL, s->pid, &thread_callbacks, s);
    s->cur_regs = regs;
    s->cur_stack = stack;
    s->cur_stack_len = stack_len;
    s->cur_sp = regs[R_SP];
    s->cur_tid = tid;
    frame_sink k = {pcs, 0, max};
    if (s->attached)
        dwfl_getthread_frames(s->dwfl, tid, on_frame, &k);
    if (k.n == 0 && regs[R_IP])
        pcs[k.n++] = regs[R_IP];
    return k.n;
}

Dwfl_Module *hl_rs_module(hl_ring_space *s, uint64_t addr)
{
    if (s->dirty || !s->dwfl)
        report_maps(s);
    return s->dwfl ? dwfl_addrmodule(s->dwfl, addr) : NULL;
}

void hl_rs_free(hl_ring_space *s)
{
    if (!s)
        return;
    if (s->dwfl)
        dwfl_end(s->dwfl);
    for (size_t i = 0; i < s->n_maps; i++)
        free(s->maps[i].path);
    free(s->maps);
    free(s);
}
