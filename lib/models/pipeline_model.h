/* pipeline_model: the glue between lib/pipeline and the two families that wrap
 * external solvers (logreg over liblinear, svc over libsvm). Internal to the
 * pipeline module. */
#ifndef OC_PIPELINE_MODEL_H
#define OC_PIPELINE_MODEL_H

#include <stdio.h>

#include "models/pipeline.h"

/* Fit p->cfg's family (logreg or svc) on X (n x m) and y into p. */
int pipe_model_fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
                   struct err *e);
/* kind 0: P(y = 1); kind 1: the decision function. */
int pipe_model_score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e);
void pipe_model_free(struct pipeline *p);
int pipe_model_write(const struct pipeline *p, FILE *fp, struct err *e);
int pipe_model_read(struct pipeline *p, FILE *fp, const char *name, struct err *e);

#endif
