/* mix_svc: an RBF SVC's coalition values from tabulated kernel factors
 * against svc_decision (and the calibration) on the mixed rows built by
 * hand, and KernelSHAP with the mixer against KernelSHAP on mixed rows. */
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

#include "explain/mix_svc.h"
#include "explain/shap.h"
#include "models/calib.h"
#include "models/svc.h"
#include "fixture.h"

/* 11 columns in 6 groups (two chunks: 4 groups, then 2), one of them a
 * 3-column one-hot block, so that a group spans several columns. */
enum { N = 120, P = 11, G = 6, NB = 3, NQ = 4 };
static const size_t group[P] = {0, 1, 1, 1, 2, 3, 3, 4, 5, 5, 5};

struct fitted {
    double X[N * P], B[NB * P], Q[NQ * P];
    int y[N];
    struct svc *m;
    struct calib *cal;
};

static void fitted_make(struct fitted *w, int calibrated)
{
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
    w->cal = NULL;
    if (calibrated) {
        double dec[N];
        assert_int_equal(svc_decision(w->m, w->X, N, dec, &e), 0);
        assert_int_equal(calib_fit(CALIB_SIGMOID, dec, w->y, N, &w->cal, &e), 0);
    }
}

static void fitted_free(struct fitted *w)
{
    svc_free(w->m);
    calib_free(w->cal);
}

/* The model's output on rows, as the pipeline gives it: the calibrated
 * probability, or the decision value without a calibration. */
static int model_out(void *ctx, const double *X, size_t n, size_t p, double *out, struct err *e)
{
    (void)p;
    const struct fitted *w = ctx;
    int rc = svc_decision(w->m, X, n, out, e);
    for (size_t i = 0; !rc && w->cal && i < n; i++)
        out[i] = calib_apply(w->cal, out[i]);
    return rc;
}

/* Every coalition of the 6 groups, each query, each background row. */
static void check_values(int calibrated)
{
    struct fitted w;
    fitted_make(&w, calibrated);
    struct svc_mix *mx;
    struct err e = {0};
    assert_int_equal(svc_mix_new(w.m, w.cal, w.B, NB, group, G, &mx, &e), 0);
    double worst = 0;
    for (size_t i = 0; i < NQ; i++) {
        const double *q = w.Q + i * P;
        assert_int_equal(svc_mix_row(mx, q, &e), 0);
        for (unsigned s = 0; s < 1u << G; s++) {
            unsigned char take[G];
            for (size_t g = 0; g < G; g++)
                take[g] = (s >> g) & 1;
            double got[NB], z[NB * P], want[NB];
            svc_mix_values(mx, take, 1, got);
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
    print_message("mix_svc (%s): %zu support vectors, max relative difference %.3g\n",
                  calibrated ? "calibrated" : "decision", w.m->n_support, worst);
    svc_mix_free(mx);
    fitted_free(&w);
}

TEST(test_values_calibrated)
{
    check_values(1);
}

TEST(test_values_decision)
{
    check_values(0);
}

struct mix_ctx {
    struct svc_mix *mx;
};

static int mrow(void *ctx, const double *x, struct err *e)
{
    return svc_mix_row(((struct mix_ctx *)ctx)->mx, x, e);
}

static int mvalues(void *ctx, const unsigned char *take, size_t n, double *out, struct err *e)
{
    (void)e;
    svc_mix_values(((struct mix_ctx *)ctx)->mx, take, n, out);
    return 0;
}

/* KernelSHAP (every coalition of 6 groups fits the budget; and a sampled
 * budget) with the mixer equals KernelSHAP on the mixed rows. */
TEST(test_shap_same)
{
    struct fitted w;
    fitted_make(&w, 1);
    const double bw[NB] = {0.5, 0.3, 0.2};
    struct err e = {0};
    struct mix_ctx c;
    assert_int_equal(svc_mix_new(w.m, w.cal, w.B, NB, group, G, &c.mx, &e), 0);
    struct shap_mixer mix = {mrow, mvalues, &c};
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
    svc_mix_free(c.mx);
    fitted_free(&w);
}

TEST(test_errors)
{
    struct fitted w;
    fitted_make(&w, 0);
    struct svc_mix *mx = (struct svc_mix *)1;
    struct err e = {0};
    assert_int_equal(svc_mix_new(w.m, NULL, w.B, NB, group, 0, &mx, &e), ERR_PARAMS);
    assert_null(mx);
    w.m->params.kernel = SVC_LINEAR;
    assert_int_equal(svc_mix_new(w.m, NULL, w.B, NB, group, G, &mx, &e), ERR_PARAMS);
    assert_null(mx);
    w.m->params.kernel = SVC_RBF;
    fitted_free(&w);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_values_calibrated), cmocka_unit_test(test_values_decision),
          cmocka_unit_test(test_shap_same), cmocka_unit_test(test_errors))
