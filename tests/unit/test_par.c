/* par_run: every task runs once whatever the threads; the error is the
 * failing task's with the lowest index; no task, one thread, more threads
 * than tasks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "test_main.h"
#include "core/par.h"

struct tasks {
    int ran[64];
    size_t fail_from; /* tasks at or after this fail */
};

static int square(void *ctx, size_t i, struct err *e)
{
    struct tasks *t = ctx;
    t->ran[i] += (int)(i * i) + 1;
    if (i >= t->fail_from)
        return err_set(e, i % 2 ? ERR_NUM : ERR_DATA, "task %zu failed", i);
    return 0;
}

TEST(test_every_task_once)
{
    static const int threads[] = {1, 2, 3, 100};
    for (size_t k = 0; k < 4; k++) {
        struct tasks t = {.fail_from = 64};
        struct err e = {0};
        assert_int_equal(par_run(64, threads[k], square, &t, &e), 0);
        for (size_t i = 0; i < 64; i++)
            assert_int_equal(t.ran[i], (int)(i * i) + 1);
    }
    struct tasks t = {.fail_from = 0};
    struct err e = {0};
    assert_int_equal(par_run(0, 2, square, &t, &e), 0);
    assert_int_equal(t.ran[0], 0);
}

TEST(test_lowest_failure)
{
    for (int threads = 1; threads <= 4; threads++) {
        struct tasks t = {.fail_from = 37};
        struct err e = {0};
        /* Tasks 37..63 fail: 37's code (odd: ERR_NUM) and message, every task run. */
        assert_int_equal(par_run(64, threads, square, &t, &e), ERR_NUM);
        assert_string_equal(e.msg, "task 37 failed");
        for (size_t i = 0; i < 64; i++)
            assert_int_equal(t.ran[i], (int)(i * i) + 1);
    }
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_every_task_once), cmocka_unit_test(test_lowest_failure))
