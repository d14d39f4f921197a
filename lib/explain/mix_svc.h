/* mix_svc: KernelSHAP's coalitions for an RBF SVC without building the mixed
 * rows (a shap_mixer, see shap.h).
 *
 * The RBF kernel of a mixed row is a product over the groups of columns:
 * exp(-gamma |z - sv|^2) = prod_g exp(-gamma |z_g - sv_g|^2), and z_g is the
 * query's or the background row's. So the group factors of the nb background
 * rows are computed once (svc_mix_new) and those of each query once
 * (svc_mix_row); the groups are cut into chunks of up to four, and for each
 * background row and chunk the products of every subset of the chunk are
 * tabulated per support vector. A coalition then costs, per support vector
 * and background row, one product of a table entry per chunk, with no exp
 * and no pass over the columns: about 20 times less than libsvm on the mixed
 * rows. The values equal svc_decision (then the calibration) on the mixed
 * rows up to rounding: the factors are multiplied instead of the squared
 * distances summed (a relative difference of a few 1e-16).
 *
 * svc_mix_bytes: the memory of the tables (SIZE_MAX on overflow).
 * svc_mix_values: n coalitions, take (n x ng) non-zero for each one's groups:
 * out[k * nb + b] = the calibrated probability (the decision value without a
 * calibration) of coalition k's mixed row for background row b. The
 * calibration, B and group must outlive the mixer. */
#ifndef OC_MIX_SVC_H
#define OC_MIX_SVC_H

#include <stddef.h>

#include "core/err.h"
#include "models/calib.h"
#include "models/svc.h"

struct svc_mix;
size_t svc_mix_bytes(const struct svc *m, size_t nb, size_t ng);
int svc_mix_new(const struct svc *m, const struct calib *cal, const double *B, size_t nb, const size_t *group,
                size_t ng, struct svc_mix **out, struct err *e);
int svc_mix_row(struct svc_mix *x, const double *q, struct err *e);
void svc_mix_values(struct svc_mix *x, const unsigned char *take, size_t n, double *out);
void svc_mix_free(struct svc_mix *x);

#endif
