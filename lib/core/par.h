/* par: n independent tasks on up to `threads` pthreads (this thread among
 * them). Each task writes only its own results, so they are the same with
 * any number of threads; the error returned is the failing task's with the
 * lowest index, whatever the scheduling. A thread that cannot start leaves
 * its share to the others: the same result, later. */
#ifndef OC_PAR_H
#define OC_PAR_H

#include <stddef.h>

#include "core/err.h"

typedef int (*par_task_fn)(void *ctx, size_t i, struct err *e);

int par_run(size_t n, int threads, par_task_fn task, void *ctx, struct err *e);

#endif
