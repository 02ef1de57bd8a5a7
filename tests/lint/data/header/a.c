#include "shared.h"
void a(char *b)
{
    shared_format(b, 3);
}
