/* svc_model: the memory of a struct svm_model owned by lib/svc, and the
 * helpers svc.c and svc_io.c share (svc_model.c). Internal to the svc module.
 *
 * Layout (libsvm's own for loaded models, free_sv = 1): one block of
 * svm_nodes starting at SV[0] for all support vectors, one sv_coef row,
 * rho[1], label[2], nSV[2], probA/probB[1] or NULL, no sv_indices. */
#ifndef OC_SVC_MODEL_H
#define OC_SVC_MODEL_H

#include <stddef.h>

#include "models/svc.h"

/* A binary model with l support vectors holding nnodes svm_nodes in all
 * (terminators included), with probA/probB when probability. NULL when out of memory. */
struct svm_model *svc_model_alloc(size_t l, size_t nnodes, int probability);
/* A deep copy of a binary model from svm_train; NULL when out of memory. */
struct svm_model *svc_model_copy(const struct svm_model *src);
void svc_model_free(struct svm_model *m);
/* +1 when libsvm's first label is class 1, else -1 (decision values are
 * multiplied by it so that > 0 means class 1). */
double svc_model_flip(const struct svc *m);
/* Fill m->n_support and m->intercept from m->model. */
void svc_model_summary(struct svc *m);

#endif
