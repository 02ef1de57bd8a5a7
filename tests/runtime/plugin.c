/* plugin.c - a shared library that the robustness program dlopens: one copy
 * stays loaded (its CPU time must be symbolized), one is loaded and unloaded
 * in a loop while the process is being profiled. */
static volatile unsigned long plugin_sink;

__attribute__((noinline)) unsigned long plugin_burn(unsigned long n)
{
    unsigned long x = n;
    for (unsigned long i = 0; i < n; i++)
        x = x * 2862933555777941757UL + 3037000493UL;
    plugin_sink = x;
    return x & 0xff;
}
