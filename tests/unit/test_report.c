/* Tests for the report's own mechanics: Russian plural forms, sentence
 * templates over a kvset, SHA-256 against FIPS 180-4 / sha256sum vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/kv.h"
#include "out/report_sha256.h"
#include "out/report_text.h"

TEST(test_plural)
{
    static const long n[] = {0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 1296, 1301, -1, -3};
    static const int want[] = {2, 0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2, 2, 2, 0, 0, 1};
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        assert_int_equal(report_plural(n[i]), want[i]);
}

static struct kvset *ctx(void)
{
    struct err e = {0};
    struct kvset *s = kvset_alloc();
    struct kv *kv = kv_alloc();
    assert_int_equal(kv_set_str(kv, "n", "1296", &e), 0);
    assert_int_equal(kv_set_str(kv, "one", "21", &e), 0);
    assert_int_equal(kv_set_str(kv, "zero", "0", &e), 0);
    assert_int_equal(kv_set_str(kv, "share", "0.38117283950617287", &e), 0);
    assert_int_equal(kv_set_str(kv, "auc", "0.92415968935808757", &e), 0);
    assert_int_equal(kvset_add(s, "m", kv, &e), 0);
    return s;
}

TEST(test_fill)
{
    struct kvset *s = ctx();
    struct err e = {0};
    char *out = NULL;
    assert_int_equal(report_fill("{m.n~клиент~клиента~клиентов}, {m.one~клиент~клиента~клиентов}: {m.share|pct}, "
                                 "AUC {m.auc|%.3f}, raw {m.zero}.",
                                 kvset_lookup, s, "t", &out, &e),
                     0);
    assert_string_equal(out, "1\xE2\x80\xAF" "296 клиентов, 21 клиент: 38,1\xC2\xA0%, AUC 0,924, raw 0.");
    free(out);
    assert_int_equal(report_fill("{m.nope}", kvset_lookup, s, "params.yaml:3:5", &out, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "params.yaml:3:5"));
    assert_non_null(strstr(e.msg, "{m.nope}"));
    assert_int_equal(report_fill("{m.share~a~b~c}", kvset_lookup, s, "t", &out, &e), ERR_PARAMS);
    assert_int_equal(report_fill("{m.n~a~b}", kvset_lookup, s, "t", &out, &e), ERR_PARAMS);
    assert_int_equal(report_fill("open {m.n", kvset_lookup, s, "t", &out, &e), ERR_PARAMS);
    kvset_free(s);
}

TEST(test_conclusion)
{
    const char *path = "/tmp/test_report_params.yaml";
    FILE *f = fopen(path, "w");
    fputs("c:\n  - \"A {m.n|int}.\"\n  - {if: m.zero, text: \"never\"}\n  - {if: m.one, text: \"B {m.one}.\"}\n"
          "bad:\n  - {if: m.missing, text: x}\n",
          f);
    fclose(f);
    struct params *p = NULL;
    struct err e = {0};
    assert_int_equal(params_load(path, &p, &e), 0);
    struct kvset *s = ctx();
    char *out = NULL;
    assert_int_equal(report_conclusion(params_find(p, NULL, "c"), kvset_lookup, s, &out, &e), 0);
    assert_string_equal(out, "A 1\xE2\x80\xAF" "296. B 21.");
    free(out);
    assert_int_equal(report_conclusion(params_find(p, NULL, "bad"), kvset_lookup, s, &out, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":6:"));
    kvset_free(s);
    params_free(p);
    remove(path);
}

TEST(test_sha256)
{
    static const struct {
        const char *msg;
        const char *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < 3; i++) {
        struct report_sha256 c;
        char hex[65];
        report_sha256_init(&c);
        /* One byte at a time: the block boundary logic, not just one call. */
        for (const char *m = v[i].msg; *m; m++)
            report_sha256_update(&c, m, 1);
        report_sha256_hex(&c, hex);
        assert_string_equal(hex, v[i].hex);
    }
    /* A million 'a' (FIPS 180-4 example), through a file. */
    const char *path = "/tmp/test_report_sha.bin";
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 1000000; i++)
        fputc('a', f);
    fclose(f);
    char hex[65];
    struct err e = {0};
    assert_int_equal(report_sha256_file(path, hex, &e), 0);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    remove(path);
    assert_int_equal(report_sha256_file("/nonexistent/x", hex, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/x"));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_plural), cmocka_unit_test(test_fill), cmocka_unit_test(test_conclusion),
          cmocka_unit_test(test_sha256))
