/* pipeline_model: logreg and svc inside a pipeline (see pipeline_model.h).
 *
 * liblinear's l1 solver draws its coordinate order with rand(), which
 * logreg_fit seeds with srand(seed) just before: two threads doing that at
 * once would interleave their draws, so those fits take a lock and the result
 * depends on the seed alone, not on the scheduling. */
#include "pipeline_model.h"

#include <pthread.h>
#include <string.h>

#include "logreg.h"

static pthread_mutex_t rand_lock = PTHREAD_MUTEX_INITIALIZER;

static int absent(const struct pipeline *p, struct err *e)
{
    return err_set(e, ERR_PARAMS, "family %s: not available in this build", pipeline_family_names[p->cfg.family]);
}

static int fit_logreg(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, struct err *e)
{
    struct logreg_params prm;
    logreg_params_default(&prm);
    prm.penalty = p->cfg.logreg.l1 ? LOGREG_L1 : LOGREG_L2;
    prm.C = p->cfg.logreg.C;
    prm.class_weight_balanced = p->cfg.logreg.balanced;
    prm.seed = p->cfg.seed;
    struct logreg *lr = NULL;
    if (prm.penalty == LOGREG_L1)
        pthread_mutex_lock(&rand_lock);
    int rc = logreg_fit(X, y, n, m, &prm, &lr, e);
    if (prm.penalty == LOGREG_L1)
        pthread_mutex_unlock(&rand_lock);
    p->logreg = lr;
    return rc;
}

int pipe_model_fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
                   struct err *e)
{
    switch (p->cfg.family) {
    case PIPE_LOGREG:
        return fit_logreg(p, X, y, n, m, e);
    default:
        (void)probability;
        return absent(p, e);
    }
}

int pipe_model_score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    switch (p->cfg.family) {
    case PIPE_LOGREG:
        if (kind)
            logreg_decision(p->logreg, X, n, out);
        else
            logreg_predict_proba(p->logreg, X, n, out);
        return 0;
    default:
        return absent(p, e);
    }
}

void pipe_model_free(struct pipeline *p)
{
    if (p->cfg.family == PIPE_LOGREG)
        logreg_free(p->logreg);
    p->logreg = NULL;
}

int pipe_model_write(const struct pipeline *p, FILE *fp, struct err *e)
{
    switch (p->cfg.family) {
    case PIPE_LOGREG:
        return logreg_write(p->logreg, fp, e);
    default:
        return absent(p, e);
    }
}

int pipe_model_read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    switch (p->cfg.family) {
    case PIPE_LOGREG: {
        struct logreg *lr = NULL;
        int rc = logreg_read(fp, name, NULL, &lr, e);
        p->logreg = lr;
        return rc;
    }
    default:
        return absent(p, e);
    }
}
