/* hashset: string keys mapped to a row index, for id look-ups and duplicate
 * detection in O(1) per row (open addressing, FNV-1a). */
#ifndef OC_HASHSET_H
#define OC_HASHSET_H

#include <stddef.h>

struct hashset;

struct hashset *hashset_alloc(size_t expected);
void hashset_free(struct hashset *h);
/* Insert key -> value. Returns 0 if new, 1 if present (*first = its value), -1 on allocation failure. */
int hashset_insert(struct hashset *h, const char *key, size_t value, size_t *first);
/* 1 and *value if present, else 0. */
int hashset_find(const struct hashset *h, const char *key, size_t *value);
size_t hashset_size(const struct hashset *h);
/* The i-th key in insertion order (i < hashset_size). */
const char *hashset_key(const struct hashset *h, size_t i);

#endif
