#include "core/mem.h"

#include <stdlib.h>

void mem_free_each(void *const *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i]);
}
