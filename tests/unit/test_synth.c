/* synth: the generated export has the real schema, its quirks, the planted
 * target, and is reproducible; failures leave nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_main.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "study/synth.h"

static const char *const NAMES[4] = {"market_file.csv", "market_money.csv", "market_time.csv", "money.csv"};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    assert_non_null(b);
    size_t k;
    while ((k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
            assert_non_null(b);
        }
    }
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

static char *file_in(const char *dir, const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/test_synth.XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n;
}

/* Data lines (header excluded); every line must end in CRLF. */
static size_t crlf_lines(const char *b, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (b[i] == '\n') {
            assert_true(i > 0 && b[i - 1] == '\r');
            n++;
        }
    }
    assert_true(len >= 2 && b[len - 2] == '\r' && b[len - 1] == '\n');
    return n - 1;
}

/* Field k (0-based) of the line at p, copied into out. */
static void field(const char *p, char sep, int k, char *out, size_t cap)
{
    for (int i = 0; i < k; i++) {
        p = strchr(p, sep);
        assert_non_null(p);
        p++;
    }
    const char stop[3] = {sep, '\r', '\0'};
    size_t n = strcspn(p, stop);
    assert_true(n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
}

static const char *next_line(const char *p)
{
    const char *q = strchr(p, '\n');
    return q && q[1] ? q + 1 : NULL;
}

static const char *real_dir(void)
{
    const char *d = getenv("ONECLICK_REAL");
    return d ? d : "data/raw";
}

struct gen {
    char *dir;
    struct synth_summary sum;
    char *data[4];
    size_t len[4];
};

static void gen_run(struct gen *g, size_t n, unsigned long seed)
{
    struct synth_opts o = {.n = n, .seed = seed};
    struct err e = {0};
    g->dir = make_tmpdir();
    int rc = synth_run(&o, g->dir, &g->sum, &e);
    if (rc)
        fail_msg("synth_run: %s", e.msg);
    for (int f = 0; f < 4; f++) {
        g->data[f] = slurp(file_in(g->dir, NAMES[f]), &g->len[f]);
        assert_non_null(g->data[f]);
    }
}

static void gen_free(struct gen *g)
{
    for (int f = 0; f < 4; f++)
        free(g->data[f]);
    remove_dir(g->dir);
    free(g->dir);
}

TEST(test_counts_and_headers)
{
    struct gen g;
    gen_run(&g, 1000, 42);
    const size_t want[4] = {1000, 3000, 2000, 1000};
    for (int f = 0; f < 4; f++)
        assert_int_equal(crlf_lines(g.data[f], g.len[f]), want[f]);
    /* Nothing but the four files: no temporary file survives a success. */
    assert_int_equal(dir_entries(g.dir), 4);

    int compared = 0;
    for (int f = 0; f < 4; f++) {
        char *real = slurp(file_in(real_dir(), NAMES[f]), NULL);
        if (!real)
            continue;
        size_t h = (size_t)(strchr(real, '\n') - real) + 1;
        assert_memory_equal(g.data[f], real, h);
        free(real);
        compared++;
    }
    if (compared == 0)
        print_message("real data not found in %s: headers not compared\n", real_dir());
    gen_free(&g);
}

/* Ids consecutive from 215348; each id has the three revenue periods and the
 * two time periods (in any order), with the real spellings. */
TEST(test_ids_and_periods)
{
    struct gen g;
    gen_run(&g, 1000, 42);
    char buf[128];
    size_t i = 0;
    for (const char *p = next_line(g.data[0]); p; p = next_line(p), i++) {
        field(p, ',', 0, buf, sizeof buf);
        assert_int_equal(strtoul(buf, NULL, 10), SYNTH_FIRST_ID + i);
    }
    assert_int_equal(i, 1000);

    static const char *const mp[3] = {"препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц"};
    const char *p = next_line(g.data[1]);
    for (i = 0; i < 1000; i++) {
        int seen = 0;
        for (int k = 0; k < 3; k++, p = next_line(p)) {
            assert_non_null(p);
            field(p, ',', 0, buf, sizeof buf);
            assert_int_equal(strtoul(buf, NULL, 10), SYNTH_FIRST_ID + i);
            field(p, ',', 1, buf, sizeof buf);
            for (int q = 0; q < 3; q++)
                if (strcmp(buf, mp[q]) == 0)
                    seen |= 1 << q;
        }
        assert_int_equal(seen, 7);
    }
    static const char *const tp[2] = {"предыдцщий_месяц", "текущий_месяц"};
    p = next_line(g.data[2]);
    for (i = 0; i < 1000; i++) {
        int seen = 0;
        for (int k = 0; k < 2; k++, p = next_line(p)) {
            field(p, ',', 0, buf, sizeof buf);
            assert_int_equal(strtoul(buf, NULL, 10), SYNTH_FIRST_ID + i);
            field(p, ',', 1, buf, sizeof buf);
            for (int q = 0; q < 2; q++)
                if (strcmp(buf, tp[q]) == 0)
                    seen |= 1 << q;
            field(p, ',', 2, buf, sizeof buf);
            long m = strtol(buf, NULL, 10);
            assert_true(m >= 4 && m <= 23);
        }
        assert_int_equal(seen, 3);
    }
    gen_free(&g);
}

TEST(test_quirks_and_target)
{
    struct gen g;
    gen_run(&g, 1000, 42);
    char buf[128];
    size_t typo = 0, declined = 0, cosmetics = 0, rows = 0;
    double pages[2] = {0, 0}, promo[2] = {0, 0}, cnt[2] = {0, 0};
    for (const char *p = next_line(g.data[0]); p; p = next_line(p), rows++) {
        field(p, ',', 1, buf, sizeof buf);
        int y = strcmp(buf, "Снизилась") == 0;
        assert_true(y || strcmp(buf, "Прежний уровень") == 0);
        declined += (size_t)y;
        field(p, ',', 2, buf, sizeof buf);
        typo += strcmp(buf, "стандартт") == 0;
        field(p, ',', 8, buf, sizeof buf);
        cosmetics += strcmp(buf, "Косметика и аксесуары") == 0;
        field(p, ',', 12, buf, sizeof buf);
        pages[y] += strtod(buf, NULL);
        field(p, ',', 7, buf, sizeof buf);
        promo[y] += strtod(buf, NULL);
        cnt[y] += 1;
    }
    assert_true(typo >= 1);
    assert_true(cosmetics >= 1);
    assert_int_equal(typo, g.sum.typo);
    assert_int_equal(declined, g.sum.declined);
    double share = (double)declined / (double)rows;
    assert_true(share >= 0.30 && share <= 0.46);
    /* The planted direction: decliners view fewer pages, buy more on promo. */
    assert_true(pages[1] / cnt[1] < pages[0] / cnt[0] - 2.0);
    assert_true(promo[1] / cnt[1] > promo[0] / cnt[0] + 0.1);

    /* Revenue: exactly one entry error (> 50000, real scale ~1e5), zeros only
     * in the first two months of the inactive customers. */
    size_t outliers = 0, zeros = 0;
    double max_normal = 0;
    unsigned long zero_ids[64];
    for (const char *p = next_line(g.data[1]); p; p = next_line(p)) {
        field(p, ',', 2, buf, sizeof buf);
        double v = strtod(buf, NULL);
        if (v > 50000) {
            outliers++;
            assert_true(v > 90000 && v < 130000);
            field(p, ',', 0, buf, sizeof buf);
            assert_int_equal(strtoul(buf, NULL, 10), g.sum.outlier_id);
        } else if (v == 0) {
            field(p, ',', 1, buf, sizeof buf);
            assert_string_not_equal(buf, "текущий_месяц");
            field(p, ',', 0, buf, sizeof buf);
            assert_true(zeros < 64);
            zero_ids[zeros++] = strtoul(buf, NULL, 10);
        } else if (v > max_normal) {
            max_normal = v;
        }
    }
    assert_int_equal(outliers, 1);
    assert_true(g.sum.outlier_value > 10 * max_normal);
    assert_true(g.sum.inactive >= 1);
    assert_int_equal(zeros, 2 * g.sum.inactive);
    /* round(0.25% of 1000) */
    assert_int_equal(g.sum.inactive, 3);
    (void)zero_ids;

    /* money.csv: decimal comma, profit in the real range. */
    double sum = 0;
    rows = 0;
    for (const char *p = next_line(g.data[3]); p; p = next_line(p), rows++) {
        field(p, ';', 1, buf, sizeof buf);
        assert_null(strchr(buf, '.'));
        char *c = strchr(buf, ',');
        if (c)
            *c = '.';
        double v = strtod(buf, NULL);
        assert_true(v >= 0.86 && v <= 7.43);
        sum += v;
    }
    assert_true(sum / (double)rows > 3.8 && sum / (double)rows < 4.2);
    gen_free(&g);
}

TEST(test_reproducible)
{
    struct gen a, b, c;
    gen_run(&a, 1000, 42);
    gen_run(&b, 1000, 42);
    gen_run(&c, 1000, 43);
    for (int f = 0; f < 4; f++) {
        assert_int_equal(a.len[f], b.len[f]);
        assert_memory_equal(a.data[f], b.data[f], a.len[f]);
        assert_true(a.len[f] != c.len[f] || memcmp(a.data[f], c.data[f], a.len[f]) != 0);
    }
    gen_free(&a);
    gen_free(&b);
    gen_free(&c);
}

TEST(test_tiny)
{
    const size_t ns[3] = {1, 5, 99};
    for (int k = 0; k < 3; k++) {
        struct gen g;
        gen_run(&g, ns[k], 1);
        const size_t mult[4] = {1, 3, 2, 1};
        for (int f = 0; f < 4; f++)
            assert_int_equal(crlf_lines(g.data[f], g.len[f]), mult[f] * ns[k]);
        /* Below 100 customers no quirk rows are forced. */
        assert_int_equal(g.sum.inactive, 0);
        assert_int_equal(g.sum.outlier_id, 0);
        gen_free(&g);
    }
    struct gen g;
    gen_run(&g, 100, 1);
    assert_int_equal(g.sum.inactive, 1);
    assert_true(g.sum.outlier_id >= SYNTH_FIRST_ID && g.sum.outlier_id < SYNTH_FIRST_ID + 100);
    gen_free(&g);

    char *dir = make_tmpdir();
    struct synth_opts o = {.n = 0, .seed = 1};
    struct err e = {0};
    assert_int_equal(synth_write(&o, dir, &e), ERR_USAGE);
    assert_non_null(strstr(e.msg, "n = 0"));
    assert_int_equal(dir_entries(dir), 0);
    remove_dir(dir);
    free(dir);
}

TEST(test_io_errors)
{
    char *dir = make_tmpdir();
    struct err e = {0};
    struct synth_opts o = {.n = 10, .seed = 1};

    /* The output "directory" is a regular file. */
    char *plain = file_in(dir, "plain");
    FILE *f = fopen(plain, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(synth_write(&o, plain, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "plain"));

    /* A full disk, simulated with a file size limit: the write fails with
     * EFBIG (SIGXFSZ ignored), the error names the file, and no temporary or
     * final file is left. */
    char *out = strdup(file_in(dir, "out"));
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = {.rlim_cur = 100000, .rlim_max = old.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    o.n = 20000;
    int rc = synth_write(&o, out, &e);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, ERR_IO);
    assert_non_null(strstr(e.msg, ".csv"));
    assert_non_null(strstr(e.msg, "out/"));
    assert_int_equal(dir_entries(out), 0);
    free(out);

    remove_dir(file_in(dir, "out"));
    remove_dir(dir);
    free(dir);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_counts_and_headers), cmocka_unit_test(test_ids_and_periods),
          cmocka_unit_test(test_quirks_and_target), cmocka_unit_test(test_reproducible), cmocka_unit_test(test_tiny),
          cmocka_unit_test(test_io_errors))
