/* pipeline_model: logreg and svc inside a pipeline (see pipeline_model.h).
 * Until lib/logreg and lib/svc land, the two families report that they are
 * not available. */
#include "pipeline_model.h"

static int absent(const struct pipeline *p, struct err *e)
{
    return err_set(e, ERR_PARAMS, "family %s: not available in this build", pipeline_family_names[p->cfg.family]);
}

int pipe_model_fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
                   struct err *e)
{
    (void)X, (void)y, (void)n, (void)m, (void)probability;
    return absent(p, e);
}

int pipe_model_score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    (void)X, (void)n, (void)kind, (void)out;
    return absent(p, e);
}

void pipe_model_free(struct pipeline *p)
{
    (void)p;
}

int pipe_model_write(const struct pipeline *p, FILE *fp, struct err *e)
{
    (void)fp;
    return absent(p, e);
}

int pipe_model_read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    (void)fp, (void)name;
    return absent(p, e);
}
