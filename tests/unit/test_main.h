/* The frame of a cmocka test file. TEST(name): a test's signature;
 * TEST_MAIN: the file's main(), the tests listed after setup and teardown
 * (each a cmocka_unit_test...(...)), run as the group "tests";
 * TEST_MAIN_NAMED gives the group a name. Include <cmocka.h> first. */
#ifndef OC_TEST_MAIN_H
#define OC_TEST_MAIN_H

#define TEST_MAIN_NAMED(name, setup, teardown, ...)                        \
    int main(void)                                                         \
    {                                                                      \
        const struct CMUnitTest tests[] = {__VA_ARGS__};                   \
        return cmocka_run_group_tests_name(name, tests, setup, teardown);  \
    }
#define TEST_MAIN(setup, teardown, ...) TEST_MAIN_NAMED("tests", setup, teardown, __VA_ARGS__)

/* TEST(name) { ... }: a cmocka test that does not use its state. */
#define TEST(name)                                                         \
    static void name##_body(void);                                         \
    static void name(void **state)                                         \
    {                                                                      \
        (void)state;                                                       \
        name##_body();                                                     \
    }                                                                      \
    static void name##_body(void)

#endif
