/* test_logreg: lib/logreg against scikit-learn 1.2's LogisticRegression(solver='liblinear')
 * (fixtures from tests/oracle/linear_svm.py) and against hand-solved tiny cases. */
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

#include "models/logreg.h"
#include "fixture.h"

/* The standardized real data. */
#define DATA FIX "logreg_data.tsv"

/* The fixture's X is the real market_file.csv standardized with the
 * logged mean and std: re-derive it when the real data is at hand (skipped
 * without it; the file has no quoted fields and CRLF line ends). */
TEST(test_fixture_provenance)
{
    const char *base = getenv("ONECLICK_REAL");
    char path[1024];
    snprintf(path, sizeof path, "%s/market_file.csv", base ? base : "data/raw");
    FILE *fp = fopen(path, "r");
    if (!fp) {
        print_message("skipped: %s not found\n", path);
        return;
    }
    struct tsv *sc = tsv_read(FIX "logreg_scaling.tsv");
    double *X;
    int *y;
    size_t n, p;
    tsv_read_xy(DATA, &X, &y, &n, &p);
    assert_int_equal(sc->nrows, p);
    char *buf = NULL;
    size_t cap = 0, nf, where[16], target = SIZE_MAX, row = 0;
    ssize_t len = getline(&buf, &cap, fp);
    assert_true(len > 0);
    buf[strcspn(buf, "\r\n")] = '\0';
    for (char *c = buf; *c; c++)
        if (*c == ',')
            *c = '\t';
    char **head = tsv_split(buf, &nf);
    for (size_t j = 0; j < p; j++) {
        where[j] = SIZE_MAX;
        for (size_t f = 0; f < nf; f++)
            if (strcmp(head[f], sc->cell[j][0]) == 0)
                where[j] = f;
        assert_true(where[j] != SIZE_MAX);
    }
    for (size_t f = 0; f < nf; f++)
        if (strcmp(head[f], "Покупательская активность") == 0)
            target = f;
    assert_true(target != SIZE_MAX);
    double worst = 0;
    while ((len = getline(&buf, &cap, fp)) > 0) {
        buf[strcspn(buf, "\r\n")] = '\0';
        for (char *c = buf; *c; c++)
            if (*c == ',')
                *c = '\t';
        size_t k;
        char **v = tsv_split(buf, &k);
        assert_int_equal(k, nf);
        assert_true(row < n);
        assert_int_equal(y[row], strcmp(v[target], "Снизилась") == 0);
        for (size_t j = 0; j < p; j++) {
            double z = (strtod(v[where[j]], NULL) - strtod(sc->cell[j][1], NULL)) / strtod(sc->cell[j][2], NULL);
            double d = fabs(z - X[row * p + j]);
            if (d > worst)
                worst = d;
        }
        tsv_split_free(v, k);
        row++;
    }
    assert_int_equal(row, n);
    assert_true(worst < 1e-12);
    tsv_split_free(head, nf);
    free(buf);
    fclose(fp);
    tsv_free(sc);
    free(X);
    free(y);
}

/* ---- known answers from scikit-learn ------------------------------------ */

TEST(test_sklearn_cases)
{
    double *X;
    int *y;
    size_t n, p;
    tsv_read_xy(DATA, &X, &y, &n, &p);
    assert_int_equal(n, 1300);
    assert_int_equal(p, 8);
    struct tsv *cases = tsv_read(FIX "logreg_cases.tsv");
    struct tsv *proba = tsv_read(FIX "logreg_proba.tsv");
    assert_int_equal(cases->nrows, 8);
    double worst_coef = 0, worst_p = 0, worst_opt = 0;
    for (size_t k = 0; k < cases->nrows; k++) {
        struct logreg_params prm;
        logreg_params_default(&prm);
        prm.penalty = strcmp(cases->cell[k][tsv_col(cases, "penalty")], "l1") == 0 ? LOGREG_L1 : LOGREG_L2;
        prm.C = tsv_num(cases, k, "C");
        prm.class_weight_balanced = strcmp(cases->cell[k][tsv_col(cases, "class_weight")], "balanced") == 0;
        struct logreg *m;
        struct err e = {0};
        assert_int_equal(logreg_fit(X, y, n, p, &prm, &m, &e), 0);
        assert_int_equal(m->p, p);
        for (size_t j = 0; j < p; j++) {
            char name[32];
            snprintf(name, sizeof name, "coef%zu", j);
            double want = tsv_num(cases, k, name), d = fabs(m->coef[j] - want);
            if (d > worst_coef)
                worst_coef = d;
            /* sklearn stops at |g| <= 1e-4 |g0| (its own distance to the
             * optimum, gap_to_optimum, is up to 4.6e-5); liblinear 2.3 goes
             * further, so 1e-4 bounds the two stopping points' distance. */
            assert_true(d < 1e-4);
            snprintf(name, sizeof name, "opt_coef%zu", j);
            double dopt = fabs(m->coef[j] - tsv_num(cases, k, name));
            if (dopt > worst_opt)
                worst_opt = dopt;
            /* The optimum itself (sklearn at tol 1e-10): both solvers stop
             * within ~6e-5 of it at tol 1e-4, on different sides. */
            assert_true(dopt < 1e-4);
            /* l1 zeros must be the same zeros. */
            if (want == 0.0)
                assert_true(m->coef[j] == 0.0);
        }
        double d = fabs(m->intercept - tsv_num(cases, k, "intercept"));
        if (d > worst_coef)
            worst_coef = d;
        assert_true(d < 1e-4);
        d = fabs(m->intercept - tsv_num(cases, k, "opt_intercept"));
        if (d > worst_opt)
            worst_opt = d;
        assert_true(d < 1e-4);

        double pr[40];
        logreg_predict_proba(m, X, 40, pr);
        size_t seen = 0;
        for (size_t i = 0; i < proba->nrows; i++) {
            if ((size_t)atoi(proba->cell[i][0]) != k)
                continue;
            size_t row = (size_t)atoi(proba->cell[i][1]);
            double dp = fabs(pr[row] - tsv_num(proba, i, "p1"));
            if (dp > worst_p)
                worst_p = dp;
            assert_true(dp < 1e-4);
            seen++;
        }
        assert_int_equal(seen, 40);
        logreg_free(m);
    }
    print_message("logreg vs sklearn: max |coef/intercept diff| %.3g (to the optimum %.3g), max |proba diff| %.3g\n",
                  worst_coef, worst_opt, worst_p);
    tsv_free(cases);
    tsv_free(proba);
    free(X);
    free(y);
}

/* ---- hand-made cases ---------------------------------------------------- */

/* x = -2, -1, 1, 2 with y = 0, 0, 1, 1: separable, symmetric under (x, y) -> (-x, 1 - y). */
static const double SEP_X[4] = {-2, -1, 1, 2};
static const int SEP_Y[4] = {0, 0, 1, 1};

/* x = -2, -1, 1, 2 with y = 0, 0, 1, 1, l2, C = 1, intercept on. The data is
 * symmetric under (x, y) -> (-x, 1 - y), so the intercept is 0 and the
 * gradient condition is w = 2 (1 s(-w) + 2 s(-2w)), s the logistic function;
 * solved here by bisection. */
TEST(test_separable_1d)
{
    const double *X = SEP_X;
    const int *y = SEP_Y;
    double lo = 0, hi = 10;
    for (int it = 0; it < 200; it++) {
        double w = 0.5 * (lo + hi);
        double f = w - 2 * (1 / (1 + exp(w)) + 2 / (1 + exp(2 * w)));
        if (f > 0)
            hi = w;
        else
            lo = w;
    }
    struct logreg_params prm;
    logreg_params_default(&prm);
    struct logreg *m;
    struct err e = {0};
    assert_int_equal(logreg_fit(X, y, 4, 1, &prm, &m, &e), 0);
    assert_true(m->coef[0] > 0);
    assert_true(fabs(m->coef[0] - lo) < 1e-4);
    assert_true(fabs(m->intercept) < 1e-6);
    double pr[4], dec[4];
    logreg_predict_proba(m, X, 4, pr);
    logreg_decision(m, X, 4, dec);
    for (int i = 0; i < 4; i++) {
        assert_true(pr[i] > 0 && pr[i] < 1);
        assert_true((pr[i] > 0.5) == (y[i] == 1));
        assert_true(fabs(pr[i] - 1 / (1 + exp(-dec[i]))) < 1e-15);
    }
    logreg_free(m);

    /* Swapping the labels flips every sign (the positive class is y = 1,
     * whichever comes first in the data). */
    const int yneg[4] = {1, 1, 0, 0};
    assert_int_equal(logreg_fit(X, yneg, 4, 1, &prm, &m, &e), 0);
    assert_true(fabs(m->coef[0] + lo) < 1e-4);
    logreg_free(m);

    /* l1 with a small C: the penalty wins and every weight is exactly 0,
     * which gives P = 0.5 everywhere. */
    prm.penalty = LOGREG_L1;
    prm.C = 0.01;
    assert_int_equal(logreg_fit(X, y, 4, 1, &prm, &m, &e), 0);
    assert_true(m->coef[0] == 0.0 && m->intercept == 0.0);
    logreg_predict_proba(m, X, 4, pr);
    assert_true(pr[0] == 0.5);
    logreg_free(m);
}

/* Balanced weights on 1-D data whose classes differ in size: with 1 positive
 * and 3 negatives the positive gets weight 4/(2*1) = 2 and the negatives 4/6.
 * Without an intercept, w solves w = sum_i C_i y_i x_i s(-y_i w x_i) with y in
 * {-1, +1}; all four points at x = 1 reduce that to w = 2 s(-w) - 3 (2/3) s(w). */
TEST(test_balanced_by_hand)
{
    const double X[4] = {1, 1, 1, 1};
    const int y[4] = {0, 1, 0, 0};
    double lo = -10, hi = 10;
    for (int it = 0; it < 200; it++) {
        double w = 0.5 * (lo + hi);
        double sm = 1 / (1 + exp(w)), sp = 1 / (1 + exp(-w));
        double f = w - (2 * sm - 2 * sp);
        if (f > 0)
            hi = w;
        else
            lo = w;
    }
    struct logreg_params prm;
    logreg_params_default(&prm);
    prm.fit_intercept = 0;
    prm.class_weight_balanced = 1;
    prm.tol = 1e-8;
    struct logreg *m;
    struct err e = {0};
    assert_int_equal(logreg_fit(X, y, 4, 1, &prm, &m, &e), 0);
    assert_true(fabs(m->coef[0] - lo) < 1e-6);
    assert_true(fabs(lo) < 1e-12); /* balanced: both classes pull equally, w = 0 */
    assert_true(m->intercept == 0.0);
    logreg_free(m);
    /* Unweighted, the majority (negative) class wins: w < 0, and
     * w = s(-w) - 3 s(w). */
    prm.class_weight_balanced = 0;
    lo = -10, hi = 10;
    for (int it = 0; it < 200; it++) {
        double w = 0.5 * (lo + hi);
        double f = w - (1 / (1 + exp(w)) - 3 / (1 + exp(-w)));
        if (f > 0)
            hi = w;
        else
            lo = w;
    }
    assert_int_equal(logreg_fit(X, y, 4, 1, &prm, &m, &e), 0);
    assert_true(lo < 0);
    assert_true(fabs(m->coef[0] - lo) < 1e-6);
    logreg_free(m);
}

TEST(test_save_load)
{
    double *X;
    int *y;
    size_t n, p;
    tsv_read_xy(DATA, &X, &y, &n, &p);
    struct logreg_params prm;
    logreg_params_default(&prm);
    prm.penalty = LOGREG_L1;
    prm.C = 0.3;
    prm.seed = 42;
    struct logreg *m, *r;
    struct err e = {0};
    assert_int_equal(logreg_fit(X, y, n, p, &prm, &m, &e), 0);
    char path[] = "/tmp/test_logreg_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(logreg_save(m, path, &e), 0);
    assert_int_equal(logreg_load(path, &r, &e), 0);
    assert_int_equal(r->p, p);
    assert_true(r->params.penalty == LOGREG_L1 && r->params.C == 0.3 && r->params.seed == 42);
    double *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2);
    logreg_predict_proba(m, X, n, d1);
    logreg_predict_proba(r, X, n, d2);
    assert_memory_equal(d1, d2, n * sizeof *d1);
    logreg_decision(m, X, n, d1);
    logreg_decision(r, X, n, d2);
    assert_memory_equal(d1, d2, n * sizeof *d1);
    logreg_free(r);

    /* The same seed gives the same l1 fit, bit for bit. */
    assert_int_equal(logreg_fit(X, y, n, p, &prm, &r, &e), 0);
    assert_memory_equal(m->coef, r->coef, p * sizeof *m->coef);
    logreg_free(r);

    /* A corrupted file: the message names the line and what was expected. */
    FILE *fp = fopen(path, "w");
    fputs("logreg\t1\npenalty\tl2\nC\tabc\n", fp);
    fclose(fp);
    assert_int_equal(logreg_load(path, &r, &e), ERR_DATA);
    assert_null(r);
    assert_non_null(strstr(e.msg, ":3:3: expected a number, found \"abc\""));
    fp = fopen(path, "w");
    fputs("logreg\t1\npenalty\tl2\n", fp);
    fclose(fp);
    assert_int_equal(logreg_load(path, &r, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected \"C\", found the end of the file"));
    unlink(path);
    assert_int_equal(logreg_load(path, &r, &e), ERR_IO);

    /* Embedded in a stream: read stops after "end" and counts lines. */
    fp = tmpfile();
    fputs("header\n", fp);
    assert_int_equal(logreg_write(m, fp, &e), 0);
    fputs("after\n", fp);
    rewind(fp);
    char buf[16];
    assert_non_null(fgets(buf, sizeof buf, fp));
    size_t line = 1;
    assert_int_equal(logreg_read(fp, "pipe", &line, &r, &e), 0);
    assert_int_equal(line, 13);
    assert_non_null(fgets(buf, sizeof buf, fp));
    assert_string_equal(buf, "after\n");
    fclose(fp);
    assert_memory_equal(m->coef, r->coef, p * sizeof *m->coef);
    logreg_free(r);

    logreg_free(m);
    free(d1);
    free(d2);
    free(X);
    free(y);
}

/* An l2 fit draws nothing from the C generator, so it must not reseed it:
 * the search fits l2 models while an l1 fit draws in another thread. */
TEST(test_l2_leaves_rand_alone)
{
    const double *X = SEP_X;
    const int *y = SEP_Y;
    struct logreg_params prm;
    logreg_params_default(&prm);
    prm.seed = 7;
    struct logreg *m;
    struct err e = {0};
    srand(12345);
    int expect = rand();
    srand(12345);
    assert_int_equal(logreg_fit(X, y, 4, 1, &prm, &m, &e), 0);
    assert_int_equal(rand(), expect);
    logreg_free(m);
}

TEST(test_errors)
{
    const double *X = SEP_X;
    const int one[4] = {1, 1, 1, 1}, bad[4] = {0, 2, 1, 1}, *y = SEP_Y;
    struct logreg_params prm;
    logreg_params_default(&prm);
    struct logreg *m = (struct logreg *)1;
    struct err e = {0};
    assert_int_equal(logreg_fit(X, one, 4, 1, &prm, &m, &e), ERR_DATA);
    assert_null(m);
    assert_non_null(strstr(e.msg, "both classes"));
    assert_int_equal(logreg_fit(X, bad, 4, 1, &prm, &m, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "row 1: expected label 0 or 1, found 2"));
    const double Xn[4] = {-2, NAN, 1, 2};
    assert_int_equal(logreg_fit(Xn, y, 4, 1, &prm, &m, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "row 1, column 0: expected a finite number"));
    prm.C = 0;
    assert_int_equal(logreg_fit(X, y, 4, 1, &prm, &m, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "expected C > 0"));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_fixture_provenance), cmocka_unit_test(test_sklearn_cases),
          cmocka_unit_test(test_separable_1d), cmocka_unit_test(test_balanced_by_hand),
          cmocka_unit_test(test_save_load), cmocka_unit_test(test_errors), cmocka_unit_test(test_l2_leaves_rand_alone))
