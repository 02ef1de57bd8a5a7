/* lazy_mhd.c - loads libmicrohttpd by its soname when the endpoint starts
 * and resolves the functions of hl_mhd_api (lazy_mhd.h). */
#include <pthread.h>
#include <string.h>

#include "lazy_lib.h"
#include "lazy_mhd.h"

/* The symbol of each member of hl_mhd_api, in the members' order. */
static const char *const g_names[] = {
    "MHD_start_daemon",
    "MHD_stop_daemon",
    "MHD_create_response_from_buffer",
    "MHD_add_response_header",
    "MHD_queue_response",
    "MHD_destroy_response",
    "MHD_lookup_connection_value",
    "MHD_get_connection_values",
    "MHD_get_connection_info",
};
#define N_NAMES (sizeof g_names / sizeof g_names[0])
_Static_assert(sizeof(hl_mhd_api) == N_NAMES * sizeof(void *), "one name per member");

static hl_mhd_api g_api;
static const hl_mhd_api *g_loaded;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *slots[N_NAMES];
    if (!hl_lazy_load(HL_MHD_SONAME, HL_MHD_PACKAGE, "serving /debug/pprof/", g_names, slots,
                      N_NAMES))
        return;
    memcpy(&g_api, slots, sizeof g_api); /* dlsym gives functions as void * */
    g_loaded = &g_api;
}

const hl_mhd_api *hl_mhd(void)
{
    pthread_once(&g_once, load);
    return g_loaded;
}
