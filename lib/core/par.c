/* par: a shared counter hands out task numbers under a lock (see par.h). */
#include "core/par.h"

#include <pthread.h>
#include <stdlib.h>

struct par_job {
    size_t n, next, failed; /* failed: the lowest failing task, n if none */
    int rc;                 /* its code */
    par_task_fn task;
    void *ctx;
    struct err e;
    pthread_mutex_t lock;
};

static void *worker(void *arg)
{
    struct par_job *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->n)
            return NULL;
        struct err e = {0};
        int rc = j->task(j->ctx, i, &e);
        if (rc) {
            pthread_mutex_lock(&j->lock);
            if (i < j->failed) {
                j->failed = i;
                j->rc = rc;
                j->e = e;
            }
            pthread_mutex_unlock(&j->lock);
        }
    }
}

int par_run(size_t n, int threads, par_task_fn task, void *ctx, struct err *e)
{
    struct par_job j = {.n = n, .failed = n, .task = task, .ctx = ctx};
    size_t nt = threads > 1 ? (size_t)threads : 1;
    nt = nt < n ? nt : (n ? n : 1);
    pthread_t *th = nt > 1 ? malloc((nt - 1) * sizeof *th) : NULL;
    size_t started = 0;
    pthread_mutex_init(&j.lock, NULL);
    while (th && started < nt - 1 && pthread_create(&th[started], NULL, worker, &j) == 0)
        started++;
    worker(&j);
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    free(th);
    pthread_mutex_destroy(&j.lock);
    if (j.failed < n)
        *e = j.e;
    return j.failed < n ? j.rc : ERR_OK;
}
