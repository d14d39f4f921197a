/* mem: FREE_ALL(a, b, c) frees each pointer listed, in order: a struct's
 * arrays and then the struct, in one line instead of a free() each. */
#ifndef OC_MEM_H
#define OC_MEM_H

#include <stddef.h>

#define FREE_ALL(...) mem_free_each((void *[]){__VA_ARGS__}, sizeof((void *[]){__VA_ARGS__}) / sizeof(void *))

void mem_free_each(void *const *p, size_t n);

#endif
