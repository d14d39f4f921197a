/* utf8: strict UTF-8, hand-checked byte sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <string.h>

#include "core/utf8.h"

static int seq(const char *s, size_t n)
{
    return utf8_seq((const unsigned char *)s, n);
}

TEST(test_seq)
{
    assert_int_equal(seq("a", 1), 1);
    assert_int_equal(seq("\xD1\x91", 2), 2);         /* ё U+0451 */
    assert_int_equal(seq("\xE2\x80\xAF", 3), 3);     /* narrow no-break space U+202F */
    assert_int_equal(seq("\xF0\x9F\x98\x80", 4), 4); /* U+1F600 */
    assert_int_equal(seq("\xC0\xAF", 2), 0);         /* overlong '/' */
    assert_int_equal(seq("\xC1\xBF", 2), 0);         /* overlong */
    assert_int_equal(seq("\xE0\x80\xAF", 3), 0);     /* overlong three-byte */
    assert_int_equal(seq("\xED\xA0\x80", 3), 0);     /* surrogate U+D800 */
    assert_int_equal(seq("\xED\x9F\xBF", 3), 3);     /* U+D7FF, just below */
    assert_int_equal(seq("\xF0\x8F\xBF\xBF", 4), 0); /* overlong four-byte */
    assert_int_equal(seq("\xF4\x90\x80\x80", 4), 0); /* U+110000 */
    assert_int_equal(seq("\xF4\x8F\xBF\xBF", 4), 4); /* U+10FFFF */
    assert_int_equal(seq("\xF5\x80\x80\x80", 4), 0);
    assert_int_equal(seq("\x80", 1), 0);             /* a lone continuation byte */
    assert_int_equal(seq("\xD1\x41", 2), 0);         /* a lead byte, then ASCII */
    assert_int_equal(seq("\xD1", 1), -1);            /* incomplete: wait for more */
    assert_int_equal(seq("\xE2\x80", 2), -1);
    assert_int_equal(seq("\xE0\x80", 2), 0);         /* already wrong: no need to wait */
}

TEST(test_valid_and_count)
{
    assert_true(utf8_valid(""));
    assert_true(utf8_valid("Прибыль, тыс. руб."));
    assert_false(utf8_valid("\xCF\xF0\xE8\xE1\xFB\xEB\xFC")); /* «Прибыль» in Windows-1251 */
    assert_false(utf8_valid("ok\xD1"));
    const char *s = "Ёжик 42";
    assert_int_equal(utf8_count(s, strlen(s)), 7);
    assert_int_equal(utf8_count(s, 2), 1);  /* «Ё» */
    assert_int_equal(utf8_count(s, 3), 2);  /* and the lead byte of «ж» */
    assert_int_equal(utf8_count(s, 100), 7); /* stops at the end of the string */
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_seq), cmocka_unit_test(test_valid_and_count))
