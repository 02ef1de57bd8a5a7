/* lazy_dw.h - libdw's functions, loaded by dlopen the first time the runtime
 * symbolizes, so that a profiled program does not carry libdw (and libelf)
 * from its start: an extra library changes what the program's own dlopen
 * finds. The libdw headers give the types only. */
#ifndef HL_LAZY_DW_H
#define HL_LAZY_DW_H

#include <elfutils/libdwfl.h>

#pragma GCC visibility push(hidden)

/* The soname loaded, and the Debian package that ships it. */
#define HL_DW_SONAME  "libdw.so.1"
#define HL_DW_PACKAGE "libdw1"

/* Every libdw function the runtime calls, named as libdw names it (only
 * function pointers, in the order of lazy_dw.c's names). */
typedef struct hl_dw_api {
    Dwfl *(*dwfl_begin)(const Dwfl_Callbacks *);
    void (*dwfl_end)(Dwfl *);
    const char *(*dwfl_errmsg)(int);
    void (*dwfl_report_begin)(Dwfl *);
    void (*dwfl_report_begin_add)(Dwfl *);
    int (*dwfl_report_end)(Dwfl *, int (*)(Dwfl_Module *, void *, const char *, Dwarf_Addr, void *),
                           void *);
    Dwfl_Module *(*dwfl_report_elf)(Dwfl *, const char *, const char *, int, GElf_Addr, bool);
    int (*dwfl_linux_proc_report)(Dwfl *, pid_t);
    int (*dwfl_linux_proc_find_elf)(Dwfl_Module *, void **, const char *, Dwarf_Addr, char **,
                                    Elf **);
    int (*dwfl_build_id_find_elf)(Dwfl_Module *, void **, const char *, Dwarf_Addr, char **,
                                  Elf **);
    int (*dwfl_build_id_find_debuginfo)(Dwfl_Module *, void **, const char *, Dwarf_Addr,
                                        const char *, const char *, GElf_Word, char **);
    Dwfl_Module *(*dwfl_addrmodule)(Dwfl *, Dwarf_Addr);
    const char *(*dwfl_module_info)(Dwfl_Module *, void ***, Dwarf_Addr *, Dwarf_Addr *,
                                    Dwarf_Addr *, Dwarf_Addr *, const char **, const char **);
    const char *(*dwfl_module_addrname)(Dwfl_Module *, GElf_Addr);
    const char *(*dwfl_module_addrinfo)(Dwfl_Module *, GElf_Addr, GElf_Off *, GElf_Sym *,
                                        GElf_Word *, Elf **, Dwarf_Addr *);
    Elf *(*dwfl_module_getelf)(Dwfl_Module *, GElf_Addr *);
    int (*dwfl_module_build_id)(Dwfl_Module *, const unsigned char **, GElf_Addr *);
    Dwarf_Die *(*dwfl_module_addrdie)(Dwfl_Module *, Dwarf_Addr, Dwarf_Addr *);
    Dwfl_Line *(*dwfl_module_getsrc)(Dwfl_Module *, Dwarf_Addr);
    const char *(*dwfl_lineinfo)(Dwfl_Line *, Dwarf_Addr *, int *, int *, Dwarf_Word *,
                                 Dwarf_Word *);
    Dwarf_Attribute *(*dwarf_attr)(Dwarf_Die *, unsigned int, Dwarf_Attribute *);
    Dwarf_Attribute *(*dwarf_attr_integrate)(Dwarf_Die *, unsigned int, Dwarf_Attribute *);
    const char *(*dwarf_formstring)(Dwarf_Attribute *);
    int (*dwarf_formudata)(Dwarf_Attribute *, Dwarf_Word *);
    int (*dwarf_getscopes)(Dwarf_Die *, Dwarf_Addr, Dwarf_Die **);
    int (*dwarf_getscopes_die)(Dwarf_Die *, Dwarf_Die **);
    int (*dwarf_tag)(Dwarf_Die *);
    int (*dwarf_decl_line)(Dwarf_Die *, int *);
    const char *(*dwarf_decl_file)(Dwarf_Die *);
    int (*dwarf_getsrcfiles)(Dwarf_Die *, Dwarf_Files **, size_t *);
    const char *(*dwarf_filesrc)(Dwarf_Files *, size_t, Dwarf_Word *, Dwarf_Word *);
} hl_dw_api;

/* libdw, loaded on the first call (any thread; later calls return at once).
 * NULL when it cannot be loaded: said once on stderr, naming the library and
 * its package; the profile then has addresses only. Not async-signal-safe
 * (dlopen). */
const hl_dw_api *hl_dw(void);

#pragma GCC visibility pop

#endif
