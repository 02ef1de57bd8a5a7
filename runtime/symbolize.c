/* symbolize.c - symbolization against ELF and DWARF with libdw (dwfl), shared
 * by the in-process profile builder and the one that hotlint run uses for a
 * program sampled from outside: functions, files, lines and inlined frames
 * from DWARF, the ELF symbol table as a fallback, debug files found locally
 * only, GNU build ids. */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../profile/palloc.h"
#include "lazy_dw.h"
#include "symbolize.h"

static const char *die_name(const hl_dw_api *dw, Dwarf_Die *die)
{
    Dwarf_Attribute a;
    const char *n = NULL;
    if (dw->dwarf_attr_integrate(die, DW_AT_name, &a))
        n = dw->dwarf_formstring(&a);
    if (!n && (dw->dwarf_attr_integrate(die, DW_AT_linkage_name, &a) ||
               dw->dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a)))
        n = dw->dwarf_formstring(&a);
    return n;
}

size_t hl_sym_dwarf_frames(Dwfl_Module *mod, Dwarf_Addr addr, hl_sym_frame *out, size_t max)
{
    const hl_dw_api *dw = hl_dw();
    if (!dw)
        return 0;
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dw->dwfl_module_addrdie(mod, addr, &bias);
    if (!cu)
        return 0;
    const char *file = NULL;
    int line = 0;
    Dwfl_Line *dl = dw->dwfl_module_getsrc(mod, addr);
    if (dl)
        file = dw->dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);
    Dwarf_Die *scopes = NULL;
    int ns = dw->dwarf_getscopes(cu, addr - bias, &scopes);
    if (ns > 0) {
        /* For an inlined instance the scopes above are those of the abstract
         * definition; the physical nesting comes from the innermost DIE. */
        Dwarf_Die inner = scopes[0];
        free(scopes);
        scopes = NULL;
        ns = dw->dwarf_getscopes_die(&inner, &scopes);
    }
    size_t n = 0;
    Dwarf_Files *files = NULL;
    size_t nfiles = 0;
    for (int i = 0; i < ns && n < max; i++) {
        Dwarf_Die *d = &scopes[i];
        int tag = dw->dwarf_tag(d);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
            continue;
        const char *name = die_name(dw, d);
        int decl = 0;
        dw->dwarf_decl_line(d, &decl);
        const char *dfile = dw->dwarf_decl_file(d);
        out[n].name = name ? name : "";
        out[n].file = file ? file : (dfile ? dfile : "");
        out[n].line = line;
        out[n].start_line = decl;
        n++;
        if (tag == DW_TAG_subprogram)
            break;
        /* The caller's position is where this inlined body was called. */
        Dwarf_Attribute a;
        Dwarf_Word w = 0;
        line = 0;
        if (dw->dwarf_attr(d, DW_AT_call_line, &a) && dw->dwarf_formudata(&a, &w) == 0)
            line = (int)w;
        file = NULL;
        if (dw->dwarf_attr(d, DW_AT_call_file, &a) && dw->dwarf_formudata(&a, &w) == 0) {
            if (!files)
                dw->dwarf_getsrcfiles(cu, &files, &nfiles);
            if (files && w < nfiles)
                file = dw->dwarf_filesrc(files, w, NULL, NULL);
        }
    }
    free(scopes);
    return n;
}

/* True when the file open on fd has the CRC-32 a .gnu_debuglink asks for. */
static bool debuglink_crc_matches(int fd, GElf_Word want)
{
    unsigned char buf[65536];
    uLong crc = crc32(0, Z_NULL, 0);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            break;
        crc = crc32(crc, buf, (uInt)n);
    }
    return lseek(fd, 0, SEEK_SET) == 0 && (GElf_Word)crc == want;
}

int hl_sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                          const char *file_name, const char *debuglink_file,
                          GElf_Word debuglink_crc, char **debuginfo_file_name)
{
    const hl_dw_api *dw = hl_dw();
    if (!dw)
        return -1;
    int fd = dw->dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name,
                                              debuglink_file, debuglink_crc, debuginfo_file_name);
    if (fd >= 0 || !debuglink_file || !*debuglink_file || !file_name || file_name[0] != '/' ||
        strchr(debuglink_file, '/'))
        return fd;
    struct stat self;
    if (stat(file_name, &self) < 0)
        return -1;
    const char *slash = strrchr(file_name, '/');
    int dirlen = (int)(slash - file_name);
    static const char *const forms[] = {"%.*s/%s", "%.*s/.debug/%s", "/usr/lib/debug%.*s/%s"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char path[4096];
        int n = snprintf(path, sizeof path, forms[i], dirlen, file_name, debuglink_file);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        bool same = fstat(fd, &st) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino;
        if (!same && (!debuglink_crc || debuglink_crc_matches(fd, debuglink_crc))) {
            *debuginfo_file_name = strdup(path);
            return fd;
        }
        close(fd);
    }
    return -1;
}

char *hl_sym_build_id(Dwfl_Module *mod)
{
    const unsigned char *bits = NULL;
    GElf_Addr vaddr;
    Dwarf_Addr bias;
    const hl_dw_api *dw = mod ? hl_dw() : NULL;
    if (!dw)
        mod = NULL;
    if (mod)
        dw->dwfl_module_getelf(mod, &bias); /* the build id is read with the ELF file */
    int len = mod ? dw->dwfl_module_build_id(mod, &bits, &vaddr) : 0;
    if (len <= 0)
        return hl_pstrdup("");
    char *s = hl_pmalloc((size_t)len * 2 + 1);
    if (!s)
        return NULL;
    for (int i = 0; i < len; i++)
        snprintf(s + 2 * i, 3, "%02x", bits[i]);
    return s;
}

size_t hl_sym_frames(Dwfl_Module *mod, Dwarf_Addr addr, hl_sym_frame *out, size_t max)
{
    const hl_dw_api *dw = mod ? hl_dw() : NULL;
    if (!dw || max == 0)
        return 0;
    size_t nf = hl_sym_dwarf_frames(mod, addr, out, max);
    if (nf)
        return nf;
    GElf_Off off;
    GElf_Sym sym;
    const char *name = dw->dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
    if (!name)
        return 0;
    out[0] = (hl_sym_frame){name, "", 0, 0};
    return 1;
}

/* The callbacks of a report of this process, filled once libdw is loaded
 * (they must outlive every Dwfl that uses them). */
static Dwfl_Callbacks g_self_callbacks;
static char *g_no_debuginfo_path; /* none: local debug files only */

static void fill_self_callbacks(void)
{
    g_self_callbacks.find_elf = hl_dw()->dwfl_linux_proc_find_elf;
    g_self_callbacks.find_debuginfo = hl_sym_find_debuginfo;
    g_self_callbacks.debuginfo_path = &g_no_debuginfo_path;
}

Dwfl *hl_sym_report_self(const char **why)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const hl_dw_api *dw = hl_dw();
    *why = HL_DW_SONAME " could not be loaded";
    if (!dw)
        return NULL;
    pthread_once(&once, fill_self_callbacks);
    Dwfl *dwfl = dw->dwfl_begin(&g_self_callbacks);
    if (dwfl) {
        dw->dwfl_report_begin(dwfl);
        if (dw->dwfl_linux_proc_report(dwfl, getpid()) == 0 &&
            dw->dwfl_report_end(dwfl, NULL, NULL) == 0)
            return dwfl;
        dw->dwfl_end(dwfl);
    }
    *why = dw->dwfl_errmsg(-1);
    return NULL;
}

Dwfl_Module *hl_sym_module(Dwfl *dwfl, uint64_t addr)
{
    return dwfl ? hl_dw()->dwfl_addrmodule(dwfl, (Dwarf_Addr)addr) : NULL;
}

const char *hl_sym_symbol_name(Dwfl_Module *mod, uint64_t addr)
{
    return mod ? hl_dw()->dwfl_module_addrname(mod, (GElf_Addr)addr) : NULL;
}

void hl_sym_end(Dwfl *dwfl)
{
    if (dwfl)
        hl_dw()->dwfl_end(dwfl);
}
