/* calib: probability calibration as scikit-learn 1.2's CalibratedClassifierCV
 * (ensemble=False) does it: a map from the model's score (the decision
 * function where the model has one, else its probability) to a probability,
 * fitted on out-of-fold scores of the training rows.
 *   sigmoid   Platt's p = 1 / (1 + exp(a s + b)), fitted on targets smoothed
 *             towards the prior (_SigmoidCalibration), by Newton's method to
 *             the optimum that sklearn's BFGS approaches;
 *   isotonic  the increasing step function of IsotonicRegression
 *             (out_of_bounds="clip"): equal scores merged, pool adjacent
 *             violators, linear interpolation between the points kept.
 * Oracle: tests/oracle/calib.py (sklearn's classes on fixture scores). */
#ifndef OC_CALIB_H
#define OC_CALIB_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum calib_method { CALIB_NONE, CALIB_SIGMOID, CALIB_ISOTONIC };
/* "none", "sigmoid", "isotonic" (NULL-terminated, pnode_enum-ready). */
extern const char *const calib_method_names[];

struct calib {
    enum calib_method method;
    double a, b;     /* sigmoid */
    size_t n;        /* isotonic: the points kept, x increasing */
    double *x, *y;
};

int calib_fit(enum calib_method m, const double *score, const int *y, size_t n, struct calib **out, struct err *e);
void calib_free(struct calib *c);
/* The calibrated probability of a score. */
double calib_apply(const struct calib *c, double score);
/* Whether the calibrated log-odds are an affine map *a s + *b of the score
 * s: so with none (c NULL or CALIB_NONE: 1, 0) and a sigmoid (-a, -b);
 * not an isotonic one (0, and *a, *b the identity 1, 0). */
int calib_logit_affine(const struct calib *c, double *a, double *b);

/* "calibration<TAB>sigmoid<TAB>a<TAB>b", or "calibration<TAB>isotonic<TAB>n"
 * then n lines "x<TAB>y" (%.17g). */
int calib_write(const struct calib *c, FILE *fp, struct err *e);
/* What calib_write wrote: `head` is the rest of the "calibration" line (after
 * its tab), the isotonic points follow in fp; errors name the file `name`. */
int calib_read(const char *head, FILE *fp, const char *name, struct calib **out, struct err *e);

#endif
