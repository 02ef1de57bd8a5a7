/* One finding, at a known place. */
#include <stdlib.h>

void f(int n)
{
    for (int i = 0; i < n; i++)
        free(malloc(16));
}
