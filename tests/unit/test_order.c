/* order_by: the permutation that sorts, stable, NaN last, both ways
 * (hand-computed cases). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_main.h"

#include "core/order.h"

static void check(const double *v, size_t n, int descending, const size_t *want)
{
    size_t got[16];
    assert_int_equal(order_by(v, n, descending, got), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

TEST(test_ascending_stable)
{
    const double v[] = {3, 1, 2, 1, 3};
    check(v, 5, 0, (const size_t[]){1, 3, 2, 0, 4});
}

TEST(test_descending_stable)
{
    /* Ties keep the data's order in both directions (not reversed). */
    const double v[] = {3, 1, 2, 1, 3};
    check(v, 5, 1, (const size_t[]){0, 4, 2, 1, 3});
}

TEST(test_nan_last)
{
    const double v[] = {NAN, 0.5, -INFINITY, NAN, 2, -0.0, 0.0};
    check(v, 7, 0, (const size_t[]){2, 5, 6, 1, 4, 0, 3});
    check(v, 7, 1, (const size_t[]){4, 1, 5, 6, 2, 0, 3});
}

TEST(test_empty)
{
    size_t out[1] = {42};
    assert_int_equal(order_by(NULL, 0, 0, out), 0);
    assert_int_equal(out[0], 42);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_ascending_stable), cmocka_unit_test(test_descending_stable),
          cmocka_unit_test(test_nan_last), cmocka_unit_test(test_empty))
