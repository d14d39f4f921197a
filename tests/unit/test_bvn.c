/* Tests for lib/bvn: closed forms and scipy's mvnun (Genz) reference values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"

#include "stats/bvn.h"

#define PI 3.14159265358979323846

/* cmocka's float assertions work in single precision: compare doubles here. */
#define assert_double_equal(got, want, tol) assert_close_at((got), (want), (tol), __FILE__, __LINE__)
static void assert_close_at(double got, double want, double tol, const char *file, int line)
{
    if (!(fabs(got - want) <= tol) && !(got == want))
        fail_msg("%s:%d: got %.17g, want %.17g (tol %g)", file, line, got, want, tol);
}

static double phi(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* Phi2(0, 0; rho) = 1/4 + asin(rho) / (2 pi) (Sheppard). */
TEST(test_origin_closed_form)
{
    const double rhos[] = {-1.0, -0.999, -0.95, -0.9, -0.5, -0.2, 0.0, 0.2, 0.5, 0.8, 0.93, 0.99, 0.9999, 1.0};
    for (size_t i = 0; i < sizeof rhos / sizeof rhos[0]; i++) {
        double want = 0.25 + asin(rhos[i]) / (2 * PI);
        assert_double_equal(bvn_cdf(0, 0, rhos[i]), want, 1e-15);
        assert_double_equal(bvn_upper(0, 0, rhos[i]), want, 1e-15);
    }
}

/* rho = 0 factorizes; rho = +-1 is the line. */
TEST(test_independent_and_degenerate)
{
    const double v[] = {-4.0, -1.3, 0.0, 0.7, 2.9};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            double h = v[i], k = v[j];
            assert_double_equal(bvn_cdf(h, k, 0.0), phi(h) * phi(k), 1e-16);
            assert_double_equal(bvn_cdf(h, k, 1.0), phi(fmin(h, k)), 1e-16);
            assert_double_equal(bvn_cdf(h, k, -1.0), fmax(0.0, phi(h) - phi(-k)), 1e-16);
            assert_double_equal(bvn_rect(h, h + 1.0, k, k + 0.5, 1.0),
                                fmax(0.0, phi(fmin(h + 1.0, k + 0.5)) - phi(fmax(h, k))), 1e-16);
        }
}

TEST(test_infinities_and_edges)
{
    assert_double_equal(bvn_rect(-INFINITY, INFINITY, -INFINITY, INFINITY, 0.7), 1.0, 1e-16);
    assert_double_equal(bvn_rect(-INFINITY, INFINITY, -1.0, 2.0, 0.7), phi(2) - phi(-1), 1e-16);
    assert_double_equal(bvn_rect(1.0, 1.0, -1.0, 2.0, 0.3), 0.0, 0.0);
    assert_double_equal(bvn_rect(2.0, 1.0, -1.0, 2.0, 0.3), 0.0, 0.0);
    assert_double_equal(bvn_upper(INFINITY, 0.0, 0.3), 0.0, 0.0);
    assert_double_equal(bvn_upper(-INFINITY, -INFINITY, 0.3), 1.0, 0.0);
    assert_double_equal(bvn_upper(-INFINITY, 1.0, 0.3), phi(-1.0), 1e-16);
    assert_true(isnan(bvn_cdf(NAN, 0, 0.5)));
    assert_true(isnan(bvn_cdf(0, 0, 1.5)));
    /* the rectangle of the whole plane split in four sums to one */
    double s = bvn_rect(-INFINITY, 0.3, -INFINITY, -0.2, -0.6) + bvn_rect(0.3, INFINITY, -INFINITY, -0.2, -0.6) +
               bvn_rect(-INFINITY, 0.3, -0.2, INFINITY, -0.6) + bvn_rect(0.3, INFINITY, -0.2, INFINITY, -0.6);
    assert_double_equal(s, 1.0, 1e-15);
}

/* Every row of the scipy fixture: rectangles, CDF grid, phik's cells. */
TEST(test_scipy_fixture)
{
    FILE *f = fopen("tests/oracle/fixtures/bvn_rect.tsv", "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    size_t nrows = 0;
    double maxdiff = 0.0;
    while (fgets(line, sizeof line, f)) {
        double v[6];
        char *p = line, *end;
        for (int i = 0; i < 6; i++) {
            v[i] = strtod(p, &end);
            assert_true(end != p);
            p = end;
        }
        double got = bvn_rect(v[0], v[1], v[2], v[3], v[4]);
        double d = fabs(got - v[5]);
        if (d > maxdiff)
            maxdiff = d;
        if (d > 2e-15)
            fail_msg("rect(%g,%g,%g,%g; %g) = %.17g, scipy %.17g", v[0], v[1], v[2], v[3], v[4], got, v[5]);
        nrows++;
    }
    fclose(f);
    assert_true(nrows > 3000);
    print_message("bvn: %zu scipy rows, max |diff| %.3g\n", nrows, maxdiff);
}

TEST_MAIN_NAMED("bvn", NULL, NULL, cmocka_unit_test(test_origin_closed_form),
          cmocka_unit_test(test_independent_and_degenerate), cmocka_unit_test(test_infinities_and_edges),
          cmocka_unit_test(test_scipy_fixture))
