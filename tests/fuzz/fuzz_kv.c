/* Fuzz kv_read. What it accepts must follow the format (valid keys, no tab,
 * CR or LF in values, keys unique), write back to the same bytes modulo a
 * final newline, and the numeric getters must agree with strtod/strtol. */
#include <math.h>

#include "fuzz_util.h"
#include "io/kv.h"

static int key_ok(const char *k)
{
    if (!*k)
        return 0;
    for (const char *p = k; *p; p++) {
        int c = (unsigned char)*p;
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!alnum && (p == k || (c != '.' && c != '-')))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("in.kv", data, size);
    struct kv *kv = NULL;
    struct err e = {0};
    int rc = kv_read(path, &kv, &e);
    if (FUZZ_FAILED(rc, e, kv))
        return 0;
    for (size_t i = 0; i < kv->n; i++) {
        FUZZ_CHECK(key_ok(kv->keys[i]));
        FUZZ_CHECK(!strpbrk(kv->vals[i], "\t\r\n"));
        FUZZ_CHECK(kv_get(kv, kv->keys[i]) == kv->vals[i]);
        double d;
        long l;
        if ((rc = kv_get_double(kv, kv->keys[i], &d, &e)))
            FUZZ_CHECK_ERR(rc, e);
        if ((rc = kv_get_long(kv, kv->keys[i], &l, &e)))
            FUZZ_CHECK_ERR(rc, e);
        else
            FUZZ_CHECK(kv_get_double(kv, kv->keys[i], &d, &e) == 0 && d == (double)l);
    }
    /* Written back, the file is the input with a final newline. */
    const char *out = fuzz_path(1, "out.kv");
    if ((rc = kv_write(kv, out, &e)))
        abort();
    FILE *f = fopen(out, "rb");
    FUZZ_CHECK(f);
    char *back = malloc(size + 2);
    size_t n = fread(back, 1, size + 2, f);
    fclose(f);
    int nl = size == 0 || data[size - 1] == '\n';
    FUZZ_CHECK(n == size + !nl && memcmp(back, data, size) == 0);
    free(back);
    struct kv *again = NULL;
    FUZZ_CHECK(kv_read(out, &again, &e) == 0 && again->n == kv->n);
    kv_free(again);
    kv_free(kv);
    return 0;
}
