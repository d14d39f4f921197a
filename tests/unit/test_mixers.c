/* The KernelSHAP mixers: an RBF SVC's coalition values from tabulated kernel
 * factors (mix_svc) and a logistic regression's from group sums (mix_linear)
 * against the model (and the calibration) on the mixed rows built by hand,
 * and KernelSHAP with the mixer against KernelSHAP on mixed rows. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "test_main.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "explain/mix_linear.h"
#include "explain/mix_svc.h"
#include "explain/shap.h"
#include "models/calib.h"
#include "models/logreg.h"
#include "models/svc.h"
#include "fixture.h"

/* 11 columns in 6 groups (two chunks: 4 groups, then 2), one of them a
 * 3-column one-hot block, so that a group spans several columns. */
enum { N = 120, P = 11, G = 6, NB = 3, NQ = 4 };
static const size_t group[P] = {0, 1, 1, 1, 2, 3, 3, 4, 5, 5, 5};

/* The model the mixer stands for: an SVC, or a logistic regression. */
enum kind { SVC_MIX, LIN_MIX };

struct fitted {
    double X[N * P], B[NB * P], Q[NQ * P];
    int y[N];
    enum kind kind;
    struct svc *m;
    struct logreg *lr;
    struct calib *cal;
    struct svc_mix *sx;
    struct lin_mix *lx;
};

/* The model's output on rows, as the pipeline gives it: the calibrated
 * probability, or without a calibration the SVC's decision value and the
 * logistic regression's probability. */
static int model_out(void *ctx, const double *X, size_t n, size_t p, double *out, struct err *e)
{
    (void)p;
    const struct fitted *w = ctx;
    int rc = 0;
    if (w->kind == SVC_MIX)
        rc = svc_decision(w->m, X, n, out, e);
    else if (w->cal)
        logreg_decision(w->lr, X, n, out);
    else
        logreg_predict_proba(w->lr, X, n, out);
    for (size_t i = 0; !rc && w->cal && i < n; i++)
        out[i] = calib_apply(w->cal, out[i]);
    return rc;
}

static int mix_new(struct fitted *w, struct err *e)
{
    if (w->kind == SVC_MIX)
        return svc_mix_new(w->m, w->cal, w->B, NB, group, G, &w->sx, e);
    return lin_mix_new(w->lr, w->cal, w->B, NB, group, G, &w->lx, e);
}

static int mrow(void *ctx, const double *x, struct err *e)
{
    struct fitted *w = ctx;
    if (w->kind == SVC_MIX)
        return svc_mix_row(w->sx, x, e);
    lin_mix_row(w->lx, x);
    return 0;
}

static int mvalues(void *ctx, const unsigned char *take, size_t n, double *out, struct err *e)
{
    (void)e;
    struct fitted *w = ctx;
    if (w->kind == SVC_MIX)
        svc_mix_values(w->sx, take, n, out);
    else
        lin_mix_values(w->lx, take, n, out);
    return 0;
}

static void fitted_make(struct fitted *w, enum kind kind, int calibrated)
{
    w->kind = kind;
    w->sx = NULL;
    w->lx = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    for (size_t i = 0; i < N + NB + NQ; i++) {
        double *row = i < N ? w->X + i * P : i < N + NB ? w->B + (i - N) * P : w->Q + (i - N - NB) * P;
        size_t hot = gsl_rng_uniform_int(r, 3);
        for (size_t j = 0; j < P; j++)
            row[j] = group[j] == 1 ? (double)(j - 1 == hot) : gsl_rng_uniform(r) * 3.0 - 1.5;
        if (i < N)
            w->y[i] = row[0] + row[4] - row[7] + 0.5 * gsl_ran_ugaussian(r) > 0;
    }
    gsl_rng_free(r);
    struct svc_params prm;
    svc_params_default(&prm);
    prm.C = 2.0;
    struct err e = {0};
    assert_int_equal(svc_fit(w->X, w->y, N, P, &prm, &w->m, &e), 0);
    assert_true(w->m->n_support > 10);
    struct logreg_params lp;
    logreg_params_default(&lp);
    assert_int_equal(logreg_fit(w->X, w->y, N, P, &lp, &w->lr, &e), 0);
    w->cal = NULL;
    if (calibrated) {
        double dec[N];
        if (kind == SVC_MIX)
            assert_int_equal(svc_decision(w->m, w->X, N, dec, &e), 0);
        else
            logreg_decision(w->lr, w->X, N, dec);
        assert_int_equal(calib_fit(CALIB_SIGMOID, dec, w->y, N, &w->cal, &e), 0);
    }
}

static void fitted_free(struct fitted *w)
{
    svc_mix_free(w->sx);
    lin_mix_free(w->lx);
    svc_free(w->m);
    logreg_free(w->lr);
    calib_free(w->cal);
}

/* Every coalition of the 6 groups, each query, each background row. */
static void check_values(enum kind kind, int calibrated)
{
    struct fitted w;
    fitted_make(&w, kind, calibrated);
    struct err e = {0};
    assert_int_equal(mix_new(&w, &e), 0);
    double worst = 0;
    for (size_t i = 0; i < NQ; i++) {
        const double *q = w.Q + i * P;
        assert_int_equal(mrow(&w, q, &e), 0);
        for (unsigned s = 0; s < 1u << G; s++) {
            unsigned char take[G];
            for (size_t g = 0; g < G; g++)
                take[g] = (s >> g) & 1;
            double got[NB], z[NB * P], want[NB];
            assert_int_equal(mvalues(&w, take, 1, got, &e), 0);
            for (size_t b = 0; b < NB; b++)
                for (size_t j = 0; j < P; j++)
                    z[b * P + j] = take[group[j]] ? q[j] : w.B[b * P + j];
            assert_int_equal(model_out(&w, z, NB, P, want, &e), 0);
            for (size_t b = 0; b < NB; b++) {
                double d = fabs(got[b] - want[b]) / fmax(1.0, fabs(want[b]));
                worst = fmax(worst, d);
                assert_true(d < 1e-13);
            }
        }
    }
    print_message("%s (%s): max relative difference %.3g\n", kind == SVC_MIX ? "mix_svc" : "mix_linear",
                  calibrated ? "calibrated" : "uncalibrated", worst);
    fitted_free(&w);
}

TEST(test_values_calibrated)
{
    check_values(SVC_MIX, 1);
    check_values(LIN_MIX, 1);
}

TEST(test_values_uncalibrated)
{
    check_values(SVC_MIX, 0);
    check_values(LIN_MIX, 0);
}

/* KernelSHAP (every coalition of 6 groups fits the budget; and a sampled
 * budget) with the mixer equals KernelSHAP on the mixed rows. */
static void check_shap_same(enum kind kind)
{
    struct fitted w;
    fitted_make(&w, kind, 1);
    const double bw[NB] = {0.5, 0.3, 0.2};
    struct err e = {0};
    assert_int_equal(mix_new(&w, &e), 0);
    struct shap_mixer mix = {mrow, mvalues, &w};
    static const size_t budgets[] = {62, 20};
    for (size_t t = 0; t < 2; t++) {
        struct shap_kernel_params par = {.budget = budgets[t], .seed = 3};
        double phi[2][NQ * G], base[2], gap[2][NQ];
        for (int k = 0; k < 2; k++)
            assert_int_equal(shap_kernel_mix(model_out, &w, k ? &mix : NULL, w.Q, NQ, P, w.B, bw, NB, group, G, &par,
                                             phi[k], &base[k], gap[k], &e),
                             0);
        assert_true(base[0] == base[1]);
        for (size_t i = 0; i < NQ * G; i++)
            assert_near(phi[1][i], phi[0][i], 1e-12);
        for (size_t i = 0; i < NQ; i++)
            assert_near(gap[1][i], 0.0, 1e-12);
    }
    fitted_free(&w);
}

TEST(test_shap_same)
{
    check_shap_same(SVC_MIX);
    check_shap_same(LIN_MIX);
}

TEST(test_errors)
{
    struct fitted w;
    fitted_make(&w, SVC_MIX, 0);
    struct svc_mix *mx = (struct svc_mix *)1;
    struct lin_mix *lx = (struct lin_mix *)1;
    struct err e = {0};
    assert_int_equal(svc_mix_new(w.m, NULL, w.B, NB, group, 0, &mx, &e), ERR_PARAMS);
    assert_null(mx);
    w.m->params.kernel = SVC_LINEAR;
    assert_int_equal(svc_mix_new(w.m, NULL, w.B, NB, group, G, &mx, &e), ERR_PARAMS);
    assert_null(mx);
    w.m->params.kernel = SVC_RBF;
    assert_int_equal(lin_mix_new(w.lr, NULL, w.B, NB, group, 0, &lx, &e), ERR_PARAMS);
    assert_null(lx);
    assert_int_equal(lin_mix_new(w.lr, NULL, w.B, NB, group, 3, &lx, &e), ERR_PARAMS);
    assert_null(lx);
    fitted_free(&w);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_values_calibrated), cmocka_unit_test(test_values_uncalibrated),
          cmocka_unit_test(test_shap_same), cmocka_unit_test(test_errors))
