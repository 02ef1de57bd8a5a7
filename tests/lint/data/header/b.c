#include "shared.h"
void b(char *b)
{
    shared_format(b, 5);
}
