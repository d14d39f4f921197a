/* svc_model: the memory of the libsvm model lib/models/svc owns, shared by
 * svc.c (fit, predict) and svc_io.c (text form), so that neither needs the
 * other (see svc_model.h). */
#include <libsvm/svm.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "models/svc_model.h"

void svc_model_free(struct svm_model *m)
{
    if (!m)
        return;
    if (m->l > 0 && m->SV)
        free(m->SV[0]);
    free(m->SV);
    if (m->sv_coef)
        free(m->sv_coef[0]);
    FREE_ALL(m->sv_coef, m->rho, m->label, m->nSV, m->probA, m->probB, m->sv_indices, m);
}

struct svm_model *svc_model_alloc(size_t l, size_t nnodes, int probability)
{
    struct svm_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->nr_class = 2;
    m->l = (int)l;
    m->free_sv = 1;
    m->SV = calloc(l ? l : 1, sizeof *m->SV);
    m->sv_coef = calloc(1, sizeof *m->sv_coef);
    m->rho = calloc(1, sizeof *m->rho);
    m->label = calloc(2, sizeof *m->label);
    m->nSV = calloc(2, sizeof *m->nSV);
    int ok = m->SV && m->sv_coef && m->rho && m->label && m->nSV;
    if (ok) {
        m->sv_coef[0] = calloc(l ? l : 1, sizeof **m->sv_coef);
        ok = m->sv_coef[0] != NULL;
    }
    if (ok && l) {
        m->SV[0] = malloc(nnodes * sizeof **m->SV);
        ok = m->SV[0] != NULL;
    }
    if (ok && probability) {
        m->probA = calloc(1, sizeof *m->probA);
        m->probB = calloc(1, sizeof *m->probB);
        ok = m->probA && m->probB;
    }
    if (!ok) {
        svc_model_free(m);
        return NULL;
    }
    return m;
}

struct svm_model *svc_model_copy(const struct svm_model *src)
{
    size_t l = (size_t)src->l, nnodes = 0;
    for (size_t i = 0; i < l; i++) {
        const struct svm_node *s = src->SV[i];
        while (s->index != -1)
            s++, nnodes++;
        nnodes++;
    }
    struct svm_model *m = svc_model_alloc(l, nnodes, src->probA && src->probB);
    if (!m)
        return NULL;
    m->param = src->param;
    /* The weights pointed into the caller's arrays; they only matter to training. */
    m->param.nr_weight = 0;
    m->param.weight_label = NULL;
    m->param.weight = NULL;
    struct svm_node *nd = l ? m->SV[0] : NULL;
    for (size_t i = 0; i < l; i++) {
        m->SV[i] = nd;
        const struct svm_node *s = src->SV[i];
        while (s->index != -1)
            *nd++ = *s++;
        *nd++ = *s;
        m->sv_coef[0][i] = src->sv_coef[0][i];
    }
    m->rho[0] = src->rho[0];
    for (int k = 0; k < 2; k++) {
        m->label[k] = src->label[k];
        m->nSV[k] = src->nSV[k];
    }
    if (m->probA) {
        m->probA[0] = src->probA[0];
        m->probB[0] = src->probB[0];
    }
    return m;
}

/* +1 when libsvm's first label is class 1, else -1: decision values are
 * multiplied by it so that > 0 means class 1. */
double svc_model_flip(const struct svc *m)
{
    return m->model->label[0] == -1 ? 1.0 : -1.0;
}

void svc_model_summary(struct svc *m)
{
    m->n_support = (size_t)m->model->l;
    /* libsvm's value is sum coef K - rho; sklearn's intercept_ is that
     * constant in its own sign convention. */
    m->intercept = -svc_model_flip(m) * m->model->rho[0];
}

