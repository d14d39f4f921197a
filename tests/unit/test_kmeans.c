/* Tests for lib/kmeans: separated blobs recovered exactly, degenerate inputs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"

#include "stats/kmeans.h"

#define assert_double_equal(got, want, tol) assert_close_at((got), (want), (tol), __FILE__, __LINE__)
static void assert_close_at(double got, double want, double tol, const char *file, int line)
{
    if (!(fabs(got - want) <= tol) && !(got == want))
        fail_msg("%s:%d: got %.17g, want %.17g (tol %g)", file, line, got, want, tol);
}

/* Three blobs: A = rows 0-3 around (0.5, 0.5), B = rows 4-6 around
 * (31/3, 32/3), C = rows 7-8 around (-9.5, 5). */
static const double BLOBS[9 * 2] = {
    0, 0, 1, 0, 0, 1, 1, 1, 10, 10, 11, 10, 10, 12, -10, 5, -9, 5,
};

TEST(test_blobs)
{
    for (unsigned long seed = 1; seed <= 50; seed++) {
        struct kmeans *km;
        struct err e = {0};
        assert_int_equal(kmeans_fit(BLOBS, 9, 2, 3, 100, seed, &km, &e), 0);
        assert_int_equal(km->k, 3);
        assert_int_equal(km->n, 9);
        size_t a = km->label[0], b = km->label[4], c = km->label[7];
        assert_true(a != b && b != c && a != c);
        for (size_t i = 0; i < 9; i++)
            assert_int_equal(km->label[i], i < 4 ? a : i < 7 ? b : c);
        assert_double_equal(km->centers[a * 2], 0.5, 1e-15);
        assert_double_equal(km->centers[a * 2 + 1], 0.5, 1e-15);
        assert_double_equal(km->centers[b * 2], 31.0 / 3.0, 1e-14);
        assert_double_equal(km->centers[b * 2 + 1], 32.0 / 3.0, 1e-14);
        assert_double_equal(km->centers[c * 2], -9.5, 1e-15);
        assert_double_equal(km->centers[c * 2 + 1], 5.0, 1e-15);
        assert_double_equal(km->weights[a], 4.0, 0.0);
        assert_double_equal(km->weights[b], 3.0, 0.0);
        assert_double_equal(km->weights[c], 2.0, 0.0);
        /* 4 * 0.5 + (5 + 8 + 17) / 9 + 2 * 0.25 */
        assert_double_equal(km->inertia, 35.0 / 6.0, 1e-13);
        assert_true(km->n_iter >= 1);
        kmeans_free(km);
    }
}

TEST(test_deterministic)
{
    enum { N = 200, P = 3 };
    double *X = malloc(N * P * sizeof *X);
    /* A fixed pseudo-random cloud (LCG, so the test needs no generator). */
    unsigned long s = 12345;
    for (size_t i = 0; i < N * P; i++) {
        s = (s * 6364136223846793005UL + 1442695040888963407UL);
        X[i] = (double)(s >> 11) / 9007199254740992.0;
    }
    struct kmeans *k1, *k2, *k3;
    struct err e = {0};
    assert_int_equal(kmeans_fit(X, N, P, 10, 300, 7, &k1, &e), 0);
    assert_int_equal(kmeans_fit(X, N, P, 10, 300, 7, &k2, &e), 0);
    assert_int_equal(kmeans_fit(X, N, P, 10, 300, 8, &k3, &e), 0);
    assert_int_equal(k1->k, 10);
    assert_memory_equal(k1->centers, k2->centers, 10 * P * sizeof(double));
    assert_memory_equal(k1->label, k2->label, N * sizeof(size_t));
    /* Weights are cluster sizes, centers are their means, and each row sits
     * at its nearest center (Lloyd converged). */
    double wsum = 0.0, inertia = 0.0;
    for (size_t c = 0; c < k1->k; c++) {
        wsum += k1->weights[c];
        double mean[P] = {0}, cnt = 0;
        for (size_t i = 0; i < N; i++)
            if (k1->label[i] == c) {
                cnt++;
                for (size_t j = 0; j < P; j++)
                    mean[j] += X[i * P + j];
            }
        assert_double_equal(k1->weights[c], cnt, 0.0);
        for (size_t j = 0; j < P; j++)
            assert_double_equal(k1->centers[c * P + j], mean[j] / cnt, 1e-14);
    }
    assert_double_equal(wsum, N, 0.0);
    for (size_t i = 0; i < N; i++) {
        double best = INFINITY;
        for (size_t c = 0; c < k1->k; c++) {
            double d = 0.0;
            for (size_t j = 0; j < P; j++)
                d += (X[i * P + j] - k1->centers[c * P + j]) * (X[i * P + j] - k1->centers[c * P + j]);
            if (d < best)
                best = d;
        }
        double own = 0.0;
        for (size_t j = 0; j < P; j++)
            own += (X[i * P + j] - k1->centers[k1->label[i] * P + j]) *
                   (X[i * P + j] - k1->centers[k1->label[i] * P + j]);
        assert_double_equal(own, best, 1e-15);
        inertia += own;
    }
    assert_double_equal(k1->inertia, inertia, 1e-12);
    /* Another seed is another local optimum, but not a worse-than-silly one. */
    assert_true(k3->inertia < 2.0 * k1->inertia && k1->inertia < 2.0 * k3->inertia);
    kmeans_free(k1);
    kmeans_free(k2);
    kmeans_free(k3);
    free(X);
}

TEST(test_k_at_least_n)
{
    struct kmeans *km;
    struct err e = {0};
    assert_int_equal(kmeans_fit(BLOBS, 9, 2, 20, 10, 1, &km, &e), 0);
    assert_int_equal(km->k, 9);
    assert_memory_equal(km->centers, BLOBS, sizeof BLOBS);
    for (size_t i = 0; i < 9; i++) {
        assert_double_equal(km->weights[i], 1.0, 0.0);
        assert_int_equal(km->label[i], i);
    }
    assert_double_equal(km->inertia, 0.0, 0.0);
    kmeans_free(km);
}

/* Two distinct rows asked for three clusters: the duplicate seed's empty
 * cluster is dropped. */
TEST(test_duplicates)
{
    const double X[6] = {1, 1, 1, 5, 5, 1};
    struct kmeans *km;
    struct err e = {0};
    assert_int_equal(kmeans_fit(X, 6, 1, 3, 50, 3, &km, &e), 0);
    assert_int_equal(km->k, 2);
    double w1 = km->centers[0] == 1.0 ? km->weights[0] : km->weights[1];
    assert_double_equal(w1, 4.0, 0.0);
    assert_double_equal(km->weights[0] + km->weights[1], 6.0, 0.0);
    assert_double_equal(km->inertia, 0.0, 0.0);
    for (size_t i = 0; i < 6; i++)
        assert_double_equal(km->centers[km->label[i]], X[i], 0.0);
    kmeans_free(km);
}

TEST(test_round)
{
    /* Column 1 is one-hot-like: a mean of 0.25 rounds to 0, 0.75 to 1. */
    const double X[8 * 2] = {0, 0, 0.2, 1, 0.1, 0, 0.3, 0, 10, 1, 10.4, 1, 10.2, 0, 9.9, 1};
    struct kmeans *km;
    struct err e = {0};
    assert_int_equal(kmeans_fit(X, 8, 2, 2, 50, 1, &km, &e), 0);
    assert_int_equal(km->k, 2);
    size_t lo = km->label[0], hi = km->label[4];
    assert_double_equal(km->centers[lo * 2], 0.15, 1e-15);
    assert_double_equal(km->centers[lo * 2 + 1], 0.25, 0.0);
    assert_double_equal(km->centers[hi * 2 + 1], 0.75, 0.0);
    kmeans_round(km, X, 8);
    /* 0.15 is as near 0.1 as 0.2 (to rounding); whichever, a data value. */
    assert_true(km->centers[lo * 2] == 0.1 || km->centers[lo * 2] == 0.2);
    assert_double_equal(km->centers[lo * 2 + 1], 0.0, 0.0);
    /* 10.125 is nearer 10.2 than 10. */
    assert_double_equal(km->centers[hi * 2], 10.2, 0.0);
    assert_double_equal(km->centers[hi * 2 + 1], 1.0, 0.0);
    kmeans_free(km);
}

TEST(test_errors)
{
    double X[4] = {1, 2, NAN, 4};
    struct kmeans *km = (struct kmeans *)&km;
    struct err e = {0};
    assert_int_equal(kmeans_fit(X, 2, 2, 1, 10, 1, &km, &e), ERR_DATA);
    assert_null(km);
    assert_non_null(strstr(e.msg, "row 1 column 0"));
    assert_int_equal(kmeans_fit(X, 2, 2, 0, 10, 1, &km, &e), ERR_PARAMS);
    assert_int_equal(kmeans_fit(X, 0, 2, 2, 10, 1, &km, &e), ERR_PARAMS);
    kmeans_free(NULL);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_blobs), cmocka_unit_test(test_deterministic),
          cmocka_unit_test(test_k_at_least_n), cmocka_unit_test(test_duplicates), cmocka_unit_test(test_round),
          cmocka_unit_test(test_errors))
