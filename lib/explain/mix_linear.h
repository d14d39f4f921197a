/* mix_linear: KernelSHAP's coalitions for a logistic regression without
 * building the mixed rows (a shap_mixer, see shap.h).
 *
 * The decision of a mixed row is a sum over the groups of columns:
 * coef . z + intercept = sum_g coef_g . z_g + intercept, and z_g is the
 * query's or the background row's. So each background row's group sums are
 * computed once (lin_mix_new), the query's once (lin_mix_row), and a
 * coalition costs, per background row, one addition per group of the
 * coalition: no pass over the columns, no mixed row. Then the calibration,
 * or the probability (sklearn's expit) without one, as the pipeline gives
 * it. The values equal the pipeline's on the mixed rows up to rounding (the
 * columns summed group by group: a relative difference of a few 1e-16).
 *
 * lin_mix_values: n coalitions, take (n x ng) non-zero for each one's groups:
 * out[k * nb + b] = the probability of coalition k's mixed row for
 * background row b. The model, the calibration and group must outlive the
 * mixer. */
#ifndef OC_MIX_LINEAR_H
#define OC_MIX_LINEAR_H

#include <stddef.h>

#include "core/err.h"
#include "models/calib.h"
#include "models/logreg.h"

struct lin_mix;
int lin_mix_new(const struct logreg *m, const struct calib *cal, const double *B, size_t nb, const size_t *group,
                size_t ng, struct lin_mix **out, struct err *e);
void lin_mix_row(struct lin_mix *x, const double *q);
void lin_mix_values(const struct lin_mix *x, const unsigned char *take, size_t n, double *out);
void lin_mix_free(struct lin_mix *x);

#endif
