/* lazy_dw.c - loads libdw by its soname on first use and resolves the
 * functions of hl_dw_api (lazy_dw.h). */
#include <pthread.h>
#include <string.h>

#include "lazy_dw.h"
#include "lazy_lib.h"

/* The symbol of each member of hl_dw_api, in the members' order. */
static const char *const g_names[] = {
    "dwfl_begin",
    "dwfl_end",
    "dwfl_errmsg",
    "dwfl_report_begin",
    "dwfl_report_begin_add",
    "dwfl_report_end",
    "dwfl_report_elf",
    "dwfl_linux_proc_report",
    "dwfl_linux_proc_find_elf",
    "dwfl_build_id_find_elf",
    "dwfl_build_id_find_debuginfo",
    "dwfl_addrmodule",
    "dwfl_module_info",
    "dwfl_module_addrname",
    "dwfl_module_addrinfo",
    "dwfl_module_getelf",
    "dwfl_module_build_id",
    "dwfl_module_addrdie",
    "dwfl_module_getsrc",
    "dwfl_lineinfo",
    "dwarf_attr",
    "dwarf_attr_integrate",
    "dwarf_formstring",
    "dwarf_formudata",
    "dwarf_getscopes",
    "dwarf_getscopes_die",
    "dwarf_tag",
    "dwarf_decl_line",
    "dwarf_decl_file",
    "dwarf_getsrcfiles",
    "dwarf_filesrc",
};
#define N_NAMES (sizeof g_names / sizeof g_names[0])
_Static_assert(sizeof(hl_dw_api) == N_NAMES * sizeof(void *), "one name per member");

static hl_dw_api g_api;
static const hl_dw_api *g_loaded;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *slots[N_NAMES];
    if (!hl_lazy_load(HL_DW_SONAME, HL_DW_PACKAGE, "naming functions in profiles", g_names, slots,
                      N_NAMES))
        return;
    memcpy(&g_api, slots, sizeof g_api); /* dlsym gives functions as void * */
    g_loaded = &g_api;
}

const hl_dw_api *hl_dw(void)
{
    pthread_once(&g_once, load);
    return g_loaded;
}
