/* calib: Platt and isotonic calibration against scikit-learn 1.2's
 * CalibratedClassifierCV (tests/oracle/calib.py -> fixtures/calib_*.tsv),
 * a hand case, and the pipeline file's calibration block. */
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

#include "fixture.h"
#include "models/calib.h"

TEST(test_against_sklearn)
{
    struct tsv *fit = tsv_read(FIX "calib_fit.tsv"), *ex = tsv_read(FIX "calib_expected.tsv");
    const char *cases[] = {"smooth", "ties", "small"};
    size_t checked = 0;
    for (size_t c = 0; c < 3; c++) {
        double *s = malloc(fit->nrows * sizeof *s);
        int *y = malloc(fit->nrows * sizeof *y);
        size_t n = 0;
        for (size_t r = 0; r < fit->nrows; r++)
            if (strcmp(tsv_cell(fit, r, 0), cases[c]) == 0) {
                s[n] = tsv_num(fit, r, "score");
                y[n++] = (int)tsv_num(fit, r, "y");
            }
        for (int m = CALIB_SIGMOID; m <= CALIB_ISOTONIC; m++) {
            struct calib *cal;
            struct err e = {0};
            assert_int_equal(calib_fit((enum calib_method)m, s, y, n, &cal, &e), 0);
            for (size_t r = 0; r < ex->nrows; r++) {
                if (strcmp(tsv_cell(ex, r, 0), cases[c]) || strcmp(tsv_cell(ex, r, 1), calib_method_names[m]))
                    continue;
                double got = calib_apply(cal, tsv_num(ex, r, "score")), want = tsv_num(ex, r, "probability");
                if (fabs(got - want) > 1e-6)
                    fail_msg("%s %s at %s: %.17g, sklearn %.17g", cases[c], calib_method_names[m], tsv_cell(ex, r, 2),
                             got, want);
                checked++;
            }
            calib_free(cal);
        }
        free(s);
        free(y);
    }
    assert_int_equal(checked, ex->nrows);
    tsv_free(fit);
    tsv_free(ex);
}

/* Isotonic by hand: scores 1..6, labels 0 1 0 1 1 1: PAV pools (1, 0) at 2-3
 * into 0.5; the kept points are 1:0, 2:0.5, 3:0.5, 4:1, 6:1 (5 is inside a
 * flat run); between them, linear; beyond, clipped. */
TEST(test_isotonic_hand)
{
    const double s[] = {3, 1, 2, 5, 4, 6};
    const int y[] = {0, 0, 1, 1, 1, 1};
    struct calib *c;
    struct err e = {0};
    assert_int_equal(calib_fit(CALIB_ISOTONIC, s, y, 6, &c, &e), 0);
    assert_int_equal(c->n, 5);
    const double want_x[] = {1, 2, 3, 4, 6}, want_y[] = {0, 0.5, 0.5, 1, 1};
    for (size_t i = 0; i < 5; i++) {
        assert_true(c->x[i] == want_x[i]);
        assert_true(c->y[i] == want_y[i]);
    }
    assert_true(calib_apply(c, 0) == 0);
    assert_true(calib_apply(c, 1.5) == 0.25);
    assert_true(calib_apply(c, 3.5) == 0.75);
    assert_true(calib_apply(c, 9) == 1);
    calib_free(c);
}

/* The block in the pipeline file: written, read back bit for bit; a bad one
 * is an error naming the file. */
TEST(test_write_read)
{
    const double s[] = {0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.55, 0.6};
    const int y[] = {0, 0, 1, 1, 0, 1, 0, 1};
    for (int m = CALIB_SIGMOID; m <= CALIB_ISOTONIC; m++) {
        struct calib *c, *back = NULL;
        struct err e = {0};
        assert_int_equal(calib_fit((enum calib_method)m, s, y, 8, &c, &e), 0);
        FILE *fp = tmpfile();
        assert_int_equal(calib_write(c, fp, &e), 0);
        rewind(fp);
        char line[256];
        assert_non_null(fgets(line, sizeof line, fp));
        assert_int_equal(strncmp(line, "calibration\t", 12), 0);
        assert_int_equal(calib_read(line + 12, fp, "x.pipeline", &back, &e), 0);
        for (double t = -1; t <= 2; t += 0.05)
            assert_true(calib_apply(c, t) == calib_apply(back, t));
        fclose(fp);
        calib_free(c);
        calib_free(back);
    }
    struct calib *bad = NULL;
    struct err e = {0};
    FILE *fp = tmpfile();
    fputs("0.5\t0.2\n0.4\t0.3\n", fp); /* scores not increasing */
    rewind(fp);
    assert_int_equal(calib_read("isotonic\t2\n", fp, "x.pipeline", &bad, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "x.pipeline: calibration isotonic point 2 of 2: expected an increasing score"));
    assert_int_equal(calib_read("platt\t1\t2\n", fp, "x.pipeline", &bad, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected none, sigmoid or isotonic, found \"platt\""));
    assert_null(bad);
    fclose(fp);
}

/* The calibrated log-odds are affine in the score without a calibration and
 * under a sigmoid, p = 1 / (1 + exp(a s + b)): -(a s + b); not under isotonic. */
TEST(test_logit_affine)
{
    double a, b;
    assert_int_equal(calib_logit_affine(NULL, &a, &b), 1);
    assert_true(a == 1.0 && b == 0.0);
    struct calib c = {.method = CALIB_SIGMOID, .a = 2.0, .b = -0.5};
    assert_int_equal(calib_logit_affine(&c, &a, &b), 1);
    assert_true(a == -2.0 && b == 0.5);
    double s = 0.3, p = calib_apply(&c, s);
    assert_true(fabs(log(p / (1 - p)) - (a * s + b)) < 1e-15);
    c.method = CALIB_ISOTONIC;
    assert_int_equal(calib_logit_affine(&c, &a, &b), 0);
    assert_true(a == 1.0 && b == 0.0);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_against_sklearn), cmocka_unit_test(test_isotonic_hand),
          cmocka_unit_test(test_logit_affine), cmocka_unit_test(test_write_read))
