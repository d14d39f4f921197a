/* order: the permutation that sorts a column of numbers.
 *
 * order_by writes 0..n-1 into out ordered by v (ascending, or descending),
 * ties in index order (a stable sort) and NaN last either way: the order a
 * spreadsheet's sort gives, in n log n (glibc's qsort is a merge sort). */
#ifndef OC_ORDER_H
#define OC_ORDER_H

#include <stddef.h>

/* 0, or -1 when out of memory (out is then untouched). */
int order_by(const double *v, size_t n, int descending, size_t *out);

#endif
