/* test_svc: lib/svc against scikit-learn 1.2's SVC (fixtures from
 * tests/oracle/linear_svm.py) and against hand-solved tiny cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_main.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/svc.h"
#include "fixture.h"

/* The standardized real data. */
#define DATA FIX "logreg_data.tsv"

/* ---- gamma='scale' ---------------------------------------------------- */

/* The same double as numpy's 1 / (p * X.var()), on shapes that exercise the
 * pairwise summation's blocks (< 8, <= 128, split) and numpy's 8192 buffer. */
TEST(test_gamma_scale)
{
    struct tsv *t = tsv_read(FIX "svc_gamma.tsv");
    assert_true(t->nrows >= 9);
    for (size_t k = 0; k < t->nrows; k++) {
        size_t n = (size_t)atol(t->cell[k][0]), p = (size_t)atol(t->cell[k][1]);
        double *X = malloc(n * p * sizeof *X);
        char *s = t->cell[k][tsv_col(t, "values")];
        for (size_t i = 0; i < n * p; i++) {
            X[i] = strtod(s, &s);
            if (*s == '|')
                s++;
        }
        assert_true(*s == '\0');
        double want = tsv_num(t, k, "gamma");
        double got = svc_gamma_scale(X, n, p);
        if (got != want)
            fail_msg("gamma scale %zu x %zu: %.17g, sklearn %.17g", n, p, got, want);
        free(X);
    }
    tsv_free(t);
    /* A constant matrix has no variance: sklearn falls back to 1. */
    const double c[3] = {2, 2, 2};
    assert_true(svc_gamma_scale(c, 3, 1) == 1.0);
}

/* ---- known answers from scikit-learn ------------------------------------ */

static void case_params(const struct tsv *c, size_t k, struct svc_params *prm)
{
    static const char *kern[] = {"linear", "poly", "rbf", "sigmoid"};
    svc_params_default(prm);
    for (int j = 0; j < 4; j++)
        if (strcmp(c->cell[k][tsv_col(c, "kernel")], kern[j]) == 0)
            prm->kernel = (enum svc_kernel)j;
    prm->C = tsv_num(c, k, "C");
    const char *g = c->cell[k][tsv_col(c, "gamma_spec")];
    if (strcmp(g, "scale") == 0)
        prm->gamma_mode = SVC_GAMMA_SCALE;
    else if (strcmp(g, "auto") == 0)
        prm->gamma_mode = SVC_GAMMA_AUTO;
    else {
        prm->gamma_mode = SVC_GAMMA_VALUE;
        prm->gamma = strtod(g, NULL);
    }
    prm->degree = atoi(c->cell[k][tsv_col(c, "degree")]);
    prm->coef0 = tsv_num(c, k, "coef0");
    prm->class_weight_balanced = strcmp(c->cell[k][tsv_col(c, "class_weight")], "balanced") == 0;
    prm->probability = atoi(c->cell[k][tsv_col(c, "probability")]);
}

TEST(test_sklearn_cases)
{
    double *X;
    int *y;
    size_t n, p;
    tsv_read_xy(DATA, &X, &y, &n, &p);
    struct tsv *cases = tsv_read(FIX "svc_cases.tsv");
    struct tsv *dec = tsv_read(FIX "svc_decision.tsv");
    assert_int_equal(cases->nrows, 9);
    double worst_dec = 0, worst_b = 0, worst_p = 0;
    long worst_nsv = 0;
    for (size_t k = 0; k < cases->nrows; k++) {
        struct svc_params prm;
        case_params(cases, k, &prm);
        struct svc *m;
        struct err e = {0};
        assert_int_equal(svc_fit(X, y, n, p, &prm, &m, &e), 0);
        /* The resolved gamma is sklearn's _gamma, to the bit. */
        assert_true(m->gamma == tsv_num(cases, k, "gamma"));
        double db = fabs(m->intercept - tsv_num(cases, k, "intercept"));
        if (db > worst_b)
            worst_b = db;
        assert_true(db < 1e-3);
        long dn = labs((long)m->n_support - atol(cases->cell[k][tsv_col(cases, "n_support")]));
        if (dn > worst_nsv)
            worst_nsv = dn;
        assert_true(dn <= 2);

        double d[40], pr[40];
        assert_int_equal(svc_decision(m, X, 40, d, &e), 0);
        if (prm.probability)
            assert_int_equal(svc_predict_proba(m, X, 40, pr, &e), 0);
        else
            assert_int_equal(svc_predict_proba(m, X, 40, pr, &e), ERR_PARAMS);
        size_t seen = 0;
        for (size_t i = 0; i < dec->nrows; i++) {
            if ((size_t)atoi(dec->cell[i][0]) != k)
                continue;
            size_t row = (size_t)atoi(dec->cell[i][1]);
            double dd = fabs(d[row] - tsv_num(dec, i, "decision"));
            if (dd > worst_dec)
                worst_dec = dd;
            assert_true(dd < 1e-3);
            if (prm.probability) {
                double dp = fabs(pr[row] - tsv_num(dec, i, "p1"));
                if (dp > worst_p)
                    worst_p = dp;
                /* Platt's CV folds come from rand(), not sklearn's generator. */
                assert_true(dp < 0.05);
                assert_true(pr[row] > 0 && pr[row] < 1);
                assert_true((pr[row] > 0.5) == (d[row] > 0) || fabs(d[row]) < 0.3);
            }
            seen++;
        }
        assert_int_equal(seen, 40);
        svc_free(m);
    }
    print_message("svc vs sklearn: max |decision diff| %.3g, |intercept diff| %.3g, |n_support diff| %ld, "
                  "|P(y=1) diff| %.3g\n",
                  worst_dec, worst_b, worst_nsv, worst_p);
    tsv_free(cases);
    tsv_free(dec);
    free(X);
    free(y);
}

/* ---- hand-made cases ---------------------------------------------------- */

/* x = -10..-1, 1..10 with y = [x > 0], and a linear SVC's default settings. */
static struct svc_params separable_1d(double X[20], int y[20])
{
    for (int i = 0; i < 20; i++) {
        X[i] = i < 10 ? i - 10 : i - 9;
        y[i] = X[i] > 0;
    }
    struct svc_params prm;
    svc_params_default(&prm);
    prm.kernel = SVC_LINEAR;
    return prm;
}

/* x = -10..-1, 1..10, y = [x > 0]: the maximal margin is between -1 and 1,
 * so the linear SVC (C = 1 > the 0.5 each of the two support vectors needs)
 * has w = 1, b = 0: decision(x) = x. */
TEST(test_separable_1d)
{
    double X[20];
    int y[20];
    struct svc_params prm = separable_1d(X, y);
    prm.probability = 1;
    struct svc *m;
    struct err e = {0};
    assert_int_equal(svc_fit(X, y, 20, 1, &prm, &m, &e), 0);
    assert_int_equal(m->n_support, 2);
    const double q[5] = {-3, -0.5, 0, 0.25, 7};
    double d[5], pr[5];
    assert_int_equal(svc_decision(m, q, 5, d, &e), 0);
    for (int i = 0; i < 5; i++)
        assert_true(fabs(d[i] - q[i]) < 1e-3);
    assert_true(fabs(m->intercept) < 1e-3);
    assert_int_equal(svc_predict_proba(m, q, 5, pr, &e), 0);
    for (int i = 0; i < 5; i++) {
        assert_true(pr[i] > 0 && pr[i] < 1);
        if (i)
            assert_true(pr[i] > pr[i - 1]);
    }
    assert_true(pr[0] < 0.5 && pr[4] > 0.5);
    svc_free(m);

    /* Flipping the labels flips the decision: the sign is sklearn's whatever
     * the labels' order in the data. */
    for (int i = 0; i < 20; i++)
        y[i] = !y[i];
    prm.probability = 0;
    assert_int_equal(svc_fit(X, y, 20, 1, &prm, &m, &e), 0);
    assert_int_equal(svc_decision(m, q, 5, d, &e), 0);
    for (int i = 0; i < 5; i++)
        assert_true(fabs(d[i] + q[i]) < 1e-3);
    svc_free(m);
}

/* The solver sees the same problem whichever class comes first in the rows
 * (class 0 is always libsvm's first label, its rows first), so moving a
 * class-1 row to the front changes nothing, to the bit. */
TEST(test_row_order)
{
    double *X;
    int *y;
    size_t n, p;
    tsv_read_xy(DATA, &X, &y, &n, &p);
    assert_int_equal(y[0], 1);
    size_t z = 0;
    while (y[z] == 1)
        z++;
    /* X2: the first class-0 row moved to the front. */
    double *X2 = malloc(n * p * sizeof *X2);
    int *y2 = malloc(n * sizeof *y2);
    memcpy(X2, X + z * p, p * sizeof *X);
    y2[0] = 0;
    for (size_t i = 0, k = 1; i < n; i++)
        if (i != z) {
            memcpy(X2 + k * p, X + i * p, p * sizeof *X);
            y2[k++] = y[i];
        }
    struct svc_params prm;
    svc_params_default(&prm);
    struct svc *a, *b;
    struct err e = {0};
    assert_int_equal(svc_fit(X, y, n, p, &prm, &a, &e), 0);
    assert_int_equal(svc_fit(X2, y2, n, p, &prm, &b, &e), 0);
    double da[50], db[50];
    assert_int_equal(svc_decision(a, X, 50, da, &e), 0);
    assert_int_equal(svc_decision(b, X, 50, db, &e), 0);
    assert_memory_equal(da, db, sizeof da);
    svc_free(a);
    svc_free(b);
    free(X2);
    free(y2);
    free(X);
    free(y);
}

/* m written inside a stream: read stops after "end" and counts the lines. */
static void check_embedded(const struct svc *m)
{
    struct svc *r;
    struct err e = {0};
    /* 20 header lines, one per support vector, "end". */
    FILE *fp = tmpfile();
    fputs("header\n", fp);
    assert_int_equal(svc_write(m, fp, &e), 0);
    fputs("after\n", fp);
    rewind(fp);
    char buf[16];
    assert_non_null(fgets(buf, sizeof buf, fp));
    size_t line = 1;
    assert_int_equal(svc_read(fp, "pipe", &line, &r, &e), 0);
    assert_int_equal(line, 1 + 20 + m->n_support + 1);
    assert_non_null(fgets(buf, sizeof buf, fp));
    assert_string_equal(buf, "after\n");
    fclose(fp);
    svc_free(r);
}

/* Corrupted files at path: the message names the line, the column and what
 * was expected; then the file is removed. */
static void check_corrupt(const struct svc *m, const char *path)
{
    struct svc *r;
    struct err e = {0};
    FILE *fp = fopen(path, "w");
    fputs("svc\t1\nkernel\tlaplace\n", fp);
    fclose(fp);
    assert_int_equal(svc_load(path, &r, &e), ERR_DATA);
    assert_null(r);
    assert_non_null(strstr(e.msg, ":2:8: expected a kernel name, found \"laplace\""));
    fp = fopen(path, "w");
    assert_int_equal(svc_write(m, fp, &e), 0);
    fclose(fp);
    /* Truncate inside the support vectors. */
    fp = fopen(path, "r+");
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fclose(fp);
    assert_int_equal(truncate(path, size / 2), 0);
    assert_int_equal(svc_load(path, &r, &e), ERR_DATA);
    unlink(path);
    assert_int_equal(svc_load(path, &r, &e), ERR_IO);
}

TEST(test_save_load)
{
    double *X;
    int *y;
    size_t n, p;
    tsv_read_xy(DATA, &X, &y, &n, &p);
    /* Every third row: both classes (the file is sorted by the target), and
     * quick under valgrind. */
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3, k++) {
        memmove(X + k * p, X + i * p, p * sizeof *X);
        y[k] = y[i];
    }
    n = k;
    struct svc_params prm;
    svc_params_default(&prm);
    prm.kernel = SVC_POLY;
    prm.coef0 = 0.5;
    prm.probability = 1;
    prm.seed = 3;
    struct svc *m, *r;
    struct err e = {0};
    assert_int_equal(svc_fit(X, y, n, p, &prm, &m, &e), 0);
    /* Same seed, same Platt folds: the same probabilities, bit for bit. */
    assert_int_equal(svc_fit(X, y, n, p, &prm, &r, &e), 0);
    double *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2);
    assert_int_equal(svc_predict_proba(m, X, n, d1, &e), 0);
    assert_int_equal(svc_predict_proba(r, X, n, d2, &e), 0);
    assert_memory_equal(d1, d2, n * sizeof *d1);
    svc_free(r);

    char path[] = "/tmp/test_svc_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(svc_save(m, path, &e), 0);
    assert_int_equal(svc_load(path, &r, &e), 0);
    assert_int_equal(r->p, p);
    assert_int_equal(r->n_support, m->n_support);
    assert_true(r->gamma == m->gamma && r->intercept == m->intercept);
    assert_true(r->params.kernel == SVC_POLY && r->params.coef0 == 0.5 && r->params.seed == 3);
    assert_int_equal(svc_decision(m, X, n, d1, &e), 0);
    assert_int_equal(svc_decision(r, X, n, d2, &e), 0);
    assert_memory_equal(d1, d2, n * sizeof *d1);
    assert_int_equal(svc_predict_proba(m, X, n, d1, &e), 0);
    assert_int_equal(svc_predict_proba(r, X, n, d2, &e), 0);
    assert_memory_equal(d1, d2, n * sizeof *d1);
    svc_free(r);

    check_embedded(m);
    check_corrupt(m, path);

    svc_free(m);
    free(d1);
    free(d2);
    free(X);
    free(y);
}

TEST(test_errors)
{
    const double X[4] = {-2, -1, 1, 2};
    const int one[4] = {0, 0, 0, 0}, y[4] = {0, 0, 1, 1};
    struct svc_params prm;
    svc_params_default(&prm);
    struct svc *m = (struct svc *)1;
    struct err e = {0};
    assert_int_equal(svc_fit(X, one, 4, 1, &prm, &m, &e), ERR_DATA);
    assert_null(m);
    assert_non_null(strstr(e.msg, "both classes"));
    const double Xi[4] = {-2, INFINITY, 1, 2};
    assert_int_equal(svc_fit(Xi, y, 4, 1, &prm, &m, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "row 1, column 0: expected a finite number"));
    prm.gamma_mode = SVC_GAMMA_VALUE;
    prm.gamma = -1;
    assert_int_equal(svc_fit(X, y, 4, 1, &prm, &m, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "expected gamma > 0"));
}

/* A fit without probabilities draws nothing from the C generator, so it must
 * not reseed it: the search fits those while another thread may be drawing. */
TEST(test_no_probability_leaves_rand_alone)
{
    double X[20];
    int y[20];
    struct svc_params prm = separable_1d(X, y);
    prm.seed = 7;
    struct svc *m;
    struct err e = {0};
    srand(12345);
    int expect = rand();
    srand(12345);
    assert_int_equal(svc_fit(X, y, 20, 1, &prm, &m, &e), 0);
    assert_int_equal(rand(), expect);
    svc_free(m);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_gamma_scale), cmocka_unit_test(test_sklearn_cases),
          cmocka_unit_test(test_separable_1d), cmocka_unit_test(test_row_order), cmocka_unit_test(test_save_load),
          cmocka_unit_test(test_errors), cmocka_unit_test(test_no_probability_leaves_rand_alone))
