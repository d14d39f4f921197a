/* pipeline_model: logreg and svc inside a pipeline (see pipeline_model.h).
 *
 * liblinear's l1 solver draws its coordinate order with rand(), which
 * logreg_fit seeds with srand(seed) just before: two threads doing that at
 * once would interleave their draws, so those fits take a lock and the result
 * depends on the seed alone, not on the scheduling. libsvm's Platt scaling
 * (svc with probability, only at refit: the search ranks by decision values)
 * shuffles with rand() after srand(seed) the same way and takes the same lock. */
#include "models/pipeline_model.h"

#include <pthread.h>
#include <string.h>

#include "models/logreg.h"
#include "models/svc.h"

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

static int fit_svc(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
                   struct err *e)
{
    struct svc_params prm;
    svc_params_default(&prm);
    /* lib/pipeline's enums follow libsvm's order, as lib/svc's do. */
    prm.kernel = (enum svc_kernel)p->cfg.svc.kernel;
    prm.C = p->cfg.svc.C;
    prm.gamma_mode = (enum svc_gamma)p->cfg.svc.gamma_mode;
    prm.gamma = p->cfg.svc.gamma;
    prm.degree = p->cfg.svc.degree;
    prm.coef0 = p->cfg.svc.coef0;
    prm.class_weight_balanced = p->cfg.svc.balanced;
    prm.probability = probability;
    prm.seed = p->cfg.seed;
    struct svc *sv = NULL;
    if (probability)
        pthread_mutex_lock(&rand_lock);
    int rc = svc_fit(X, y, n, m, &prm, &sv, e);
    if (probability)
        pthread_mutex_unlock(&rand_lock);
    p->svc = sv;
    p->probability = probability;
    return rc;
}

int pipe_model_fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
                   struct err *e)
{
    switch (p->cfg.family) {
    case PIPE_LOGREG:
        return fit_logreg(p, X, y, n, m, e);
    case PIPE_SVC:
        return fit_svc(p, X, y, n, m, probability, e);
    default:
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
    case PIPE_SVC:
        return kind ? svc_decision(p->svc, X, n, out, e) : svc_predict_proba(p->svc, X, n, out, e);
    default:
        return absent(p, e);
    }
}

void pipe_model_free(struct pipeline *p)
{
    if (p->cfg.family == PIPE_LOGREG)
        logreg_free(p->logreg);
    if (p->cfg.family == PIPE_SVC)
        svc_free(p->svc);
    p->logreg = NULL;
    p->svc = NULL;
}

int pipe_model_write(const struct pipeline *p, FILE *fp, struct err *e)
{
    switch (p->cfg.family) {
    case PIPE_LOGREG:
        return logreg_write(p->logreg, fp, e);
    case PIPE_SVC:
        return svc_write(p->svc, fp, e);
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
    case PIPE_SVC: {
        struct svc *sv = NULL;
        int rc = svc_read(fp, name, NULL, &sv, e);
        p->svc = sv;
        p->probability = sv && sv->params.probability;
        return rc;
    }
    default:
        return absent(p, e);
    }
}
