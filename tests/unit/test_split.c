/* Tests for lib/split: numpy's shuffle on GSL's mt19937, sklearn's
 * _approximate_mode, and train/test and K-fold splits of the real target
 * that equal scikit-learn 1.2's row for row
 * (tests/oracle/metrics_prep.py -> tests/oracle/fixtures/split_*.tsv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/groups.h"
#include "models/split.h"
#include "fixture.h"

static long inum(const struct tsv *t, size_t r, size_t c)
{
    return strtol(tsv_cell(t, r, c), NULL, 10);
}

/* ---- the real target ---- */

/* y of market_file.csv (1 = «Снизилась»), all rows or without the study's
 * four dropped customers: the 3 with zero revenue in a period
 * (215348, 215357, 215359, checked in market_money.csv) and 215380 with the
 * 106862.2 revenue entry error. */
static const char *const dropped[] = {"215348", "215357", "215359", "215380"};

static int *real_target(int clean, size_t *n)
{
    const char *dir = getenv("ONECLICK_REAL");
    char path[1024];
    snprintf(path, sizeof path, "%s/market_file.csv", dir ? dir : "data/raw");
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    int *y = malloc(2000 * sizeof *y);
    char line[4096];
    *n = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ',');
        assert_non_null(c1);
        *c1++ = '\0';
        int skip = 0;
        for (size_t k = 0; clean && k < 4; k++)
            skip |= strcmp(line, dropped[k]) == 0;
        if (skip)
            continue;
        assert_true(*n < 2000);
        y[(*n)++] = strncmp(c1, "Снизилась,", strlen("Снизилась,")) == 0;
    }
    fclose(f);
    return y;
}

/* ---- hand cases ---- */

TEST(test_shuffle_is_numpy)
{
    /* np.random.RandomState(42).permutation(10) */
    const size_t want[] = {8, 1, 5, 0, 7, 2, 9, 4, 3, 6};
    size_t a[10];
    for (size_t i = 0; i < 10; i++)
        a[i] = i;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    split_shuffle(r, a, 10);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(a[i], want[i]);
    /* np.random.RandomState(1).permutation(1000)[:5] */
    const size_t want2[] = {507, 818, 452, 368, 242};
    size_t *b = malloc(1000 * sizeof *b);
    for (size_t i = 0; i < 1000; i++)
        b[i] = i;
    gsl_rng_set(r, 1);
    split_shuffle(r, b, 1000);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(b[i], want2[i]);
    free(b);
    gsl_rng_free(r);
}

TEST(test_approximate_mode)
{
    struct err e = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t out[3];
    /* Exact proportions: no randomness. */
    size_t c1[] = {10, 5};
    assert_int_equal(split_approximate_mode(c1, 2, 6, r, out, &e), 0);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], 2);
    /* Three tied remainders 1/3: sklearn with RandomState(5) gives [2 1 1]. */
    size_t c2[] = {3, 3, 3};
    gsl_rng_set(r, 5);
    assert_int_equal(split_approximate_mode(c2, 3, 4, r, out, &e), 0);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 1);
    /* The real target: 601.5 / 373.5 tie; RandomState(42) gives [601 374]. */
    size_t c3[] = {802, 498};
    gsl_rng_set(r, 42);
    assert_int_equal(split_approximate_mode(c3, 2, 975, r, out, &e), 0);
    assert_int_equal(out[0], 601);
    assert_int_equal(out[1], 374);
    /* Largest remainder first: 7/9*5 = 3.89, 2/9*5 = 1.11 -> 4, 1. */
    size_t c4[] = {7, 2};
    assert_int_equal(split_approximate_mode(c4, 2, 5, r, out, &e), 0);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], 1);
    gsl_rng_free(r);
}

TEST(test_errors)
{
    struct err e = {0};
    struct split_tt *s;
    int y[] = {0, 1, 0, 1, 0, 1, 1, 0};
    assert_int_equal(split_train_test(y, 8, 0.0, 1, &s, &e), ERR_PARAMS);
    assert_null(s);
    assert_int_equal(split_train_test(y, 8, 1.0, 1, &s, &e), ERR_PARAMS);
    int y1[] = {0, 0, 0, 1};
    assert_int_equal(split_train_test(y1, 4, 0.5, 1, &s, &e), ERR_DATA);
    assert_string_equal(e.msg, "class 1 has 1 row, expected at least 2 to stratify");
    /* 1 test row for 2 classes */
    assert_int_equal(split_train_test(y, 8, 0.1, 1, &s, &e), ERR_PARAMS);
    int fold[8];
    assert_int_equal(split_stratified_kfold(y, 8, 1, 0, 0, fold, &e), ERR_PARAMS);
    assert_int_equal(split_stratified_kfold(y, 8, 5, 0, 0, fold, &e), ERR_PARAMS);
    assert_int_equal(split_stratified_kfold(y, 8, 4, 0, 0, fold, &e), 0);
}

TEST(test_kfold_hand)
{
    struct err e = {0};
    /* Classes by first appearance: 1 first (code 0, 3 rows), then 0 (5 rows).
     * Sorted codes 0 0 0 1 1 1 1 1, round robin over 3 folds:
     * fold 0 gets positions 0,3,6 -> {code0: 1, code1: 2}, fold 1: 1,4,7 ->
     * {1, 2}, fold 2: 2,5 -> {1, 1}. Unshuffled blocks in row order. */
    int y[] = {1, 0, 0, 1, 0, 0, 1, 0};
    int fold[8];
    assert_int_equal(split_stratified_kfold(y, 8, 3, 0, 0, fold, &e), 0);
    const int want[] = {0, 0, 0, 1, 1, 1, 2, 2};
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(fold[i], want[i]);
    size_t tr[8], te[8], ntr, nte;
    split_fold_indices(fold, 8, 1, tr, &ntr, te, &nte);
    assert_int_equal(nte, 3);
    assert_int_equal(ntr, 5);
    assert_int_equal(te[0], 3);
    assert_int_equal(te[2], 5);
    assert_int_equal(tr[4], 7);
}

/* ---- the real target against scikit-learn ---- */

static void check_partition(const struct split_tt *s, size_t n)
{
    unsigned char *seen = calloc(n, 1);
    assert_int_equal(s->ntrain + s->ntest, n);
    for (size_t i = 0; i < s->ntrain; i++)
        seen[s->train[i]]++;
    for (size_t i = 0; i < s->ntest; i++)
        seen[s->test[i]]++;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
}

TEST(test_train_test_real)
{
    struct tsv *cnt = tsv_read(FIX "split_tt_counts.tsv"), *rows = tsv_read(FIX "split_tt_rows.tsv");
    size_t checked = 0, rows_checked = 0;
    for (int clean = 0; clean <= 1; clean++) {
        size_t n;
        int *y = real_target(clean, &n);
        if (!y) {
            tsv_free(cnt);
            tsv_free(rows);
            skip();
        }
        assert_int_equal(n, clean ? 1296 : 1300);
        const char *label = clean ? "clean" : "all";
        for (size_t r = 0; r < cnt->nrows; r++) {
            if (strcmp(tsv_cell(cnt, r, 0), label))
                continue;
            assert_int_equal(inum(cnt, r, 1), (long)n);
            unsigned long seed = (unsigned long)inum(cnt, r, 2);
            struct split_tt *s;
            struct err e = {0};
            assert_int_equal(split_train_test(y, n, 0.25, seed, &s, &e), 0);
            check_partition(s, n);
            assert_int_equal(s->ntest, clean ? 324 : 325);
            long c[4] = {0, 0, 0, 0};
            for (size_t i = 0; i < s->ntrain; i++)
                c[y[s->train[i]]]++;
            for (size_t i = 0; i < s->ntest; i++)
                c[2 + y[s->test[i]]]++;
            for (int k = 0; k < 4; k++)
                assert_int_equal(c[k], inum(cnt, r, 3 + (size_t)k));
            /* rows, in order, for the seeds whose indices are stored */
            size_t pos_train = 0, pos_test = 0;
            for (size_t q = 0; q < rows->nrows; q++) {
                if (strcmp(tsv_cell(rows, q, 0), label) || (unsigned long)inum(rows, q, 1) != seed)
                    continue;
                int train = strcmp(tsv_cell(rows, q, 2), "train") == 0;
                size_t pos = (size_t)inum(rows, q, 3), row = (size_t)inum(rows, q, 4);
                assert_int_equal(pos, train ? pos_train : pos_test);
                assert_int_equal(train ? s->train[pos_train++] : s->test[pos_test++], row);
                rows_checked++;
            }
            assert_true(pos_train == 0 || (pos_train == s->ntrain && pos_test == s->ntest));
            split_tt_free(s);
            checked++;
        }
        free(y);
    }
    assert_int_equal(checked, 60);
    assert_int_equal(rows_checked, 2 * 1300 + 2 * 1296);
    tsv_free(cnt);
    tsv_free(rows);
}

TEST(test_kfold_real)
{
    struct tsv *kf = tsv_read(FIX "split_kfold.tsv"), *kc = tsv_read(FIX "split_kfold_counts.tsv");
    const struct {
        int shuffle;
        unsigned long seed;
    } runs[] = {{0, 0}, {1, 42}, {1, 7}};
    size_t checked = 0;
    for (int clean = 0; clean <= 1; clean++) {
        size_t n;
        int *y = real_target(clean, &n);
        if (!y) {
            tsv_free(kf);
            tsv_free(kc);
            skip();
        }
        const char *label = clean ? "clean" : "all";
        int *fold = malloc(n * sizeof *fold);
        for (size_t k = 0; k < 3; k++) {
            struct err e = {0};
            assert_int_equal(split_stratified_kfold(y, n, 5, runs[k].shuffle, runs[k].seed, fold, &e), 0);
            for (size_t r = 0; r < kf->nrows; r++) {
                if (strcmp(tsv_cell(kf, r, 0), label) || inum(kf, r, 1) != runs[k].shuffle ||
                    (unsigned long)inum(kf, r, 2) != runs[k].seed)
                    continue;
                assert_int_equal(fold[inum(kf, r, 3)], inum(kf, r, 4));
                checked++;
            }
            for (size_t r = 0; r < kc->nrows; r++) {
                if (strcmp(tsv_cell(kc, r, 0), label) || inum(kc, r, 1) != runs[k].shuffle ||
                    (unsigned long)inum(kc, r, 2) != runs[k].seed)
                    continue;
                long f = inum(kc, r, 3), c[2] = {0, 0};
                for (size_t i = 0; i < n; i++)
                    if (fold[i] == f)
                        c[y[i]]++;
                assert_int_equal(c[0], inum(kc, r, 4));
                assert_int_equal(c[1], inum(kc, r, 5));
            }
        }
        free(fold);
        free(y);
    }
    assert_int_equal(checked, 3 * (1300 + 1296));
    tsv_free(kf);
    tsv_free(kc);
}

/* train/split.tsv: written once, read back the same; what the readers refuse. */
TEST(test_split_file)
{
    char path[] = "/tmp/test_split_file.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct err e = {0};
    char *ids[] = {"11", "12", "13"};
    const unsigned char test[] = {0, 1, 0};
    assert_int_equal(split_file_write(path, ids, 3, test, &e), 0);
    FILE *f = fopen(path, "r");
    char buf[128] = "";
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    assert_string_equal(buf, "id\tset\n11\ttrain\n12\ttest\n13\ttrain\n");

    /* Read in another order, with one customer the split does not know. */
    char *asked[] = {"13", "12", "99"};
    unsigned char is_test[3], found[3];
    assert_int_equal(split_file_read(path, asked, 3, "x.tsv", 0, is_test, found, &e), 0);
    assert_true(!is_test[0] && is_test[1] && !is_test[2]);
    assert_true(found[0] && found[1] && !found[2]);
    assert_int_equal(split_file_read(path, asked, 3, "x.tsv", SPLIT_EVERY_CUSTOMER, is_test, NULL, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected every customer of x.tsv, found no row for id 99"));
    /* The split knows a customer the data has not: stale. */
    assert_int_equal(split_file_read(path, asked, 2, "x.tsv", SPLIT_ONLY_CUSTOMERS, is_test, NULL, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, ":2: expected a customer of x.tsv, found id 11"));

    f = fopen(path, "w");
    fputs("id\tset\n11\tvalid\n", f);
    fclose(f);
    assert_int_equal(split_file_read(path, ids, 1, "x.tsv", 0, is_test, NULL, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, ":2: expected set train or test, found \"valid\""));
    remove(path);
}

/* ---- groups: twins stay together ---- */

/* Without a group of two rows, the grouped splits are the plain ones, row for
 * row (so they equal scikit-learn's; see the tests above). */
TEST(test_groups_of_one)
{
    size_t n;
    int *y = real_target(1, &n);
    assert_non_null(y);
    size_t *g = malloc(n * sizeof *g);
    int *f1 = malloc(n * sizeof *f1), *f2 = malloc(n * sizeof *f2);
    for (size_t i = 0; i < n; i++)
        g[i] = 1000000 + i; /* any labels, all distinct */
    struct split_tt *a, *b;
    struct err e = {0};
    assert_int_equal(split_train_test(y, n, 0.25, 42, &a, &e), 0);
    assert_int_equal(split_group_train_test(y, g, n, 0.25, 42, &b, &e), 0);
    assert_int_equal(a->ntest, b->ntest);
    assert_memory_equal(a->train, b->train, a->ntrain * sizeof *a->train);
    assert_memory_equal(a->test, b->test, a->ntest * sizeof *a->test);
    assert_int_equal(split_stratified_kfold(y, n, 5, 1, 7, f1, &e), 0);
    assert_int_equal(split_group_kfold(y, g, n, 5, 1, 7, f2, &e), 0);
    assert_memory_equal(f1, f2, n * sizeof *f1);
    split_tt_free(a);
    split_tt_free(b);
    free(y), free(g), free(f1), free(f2);
}

/* Hand case: 12 rows, two twin groups {0, 5} and {2, 7, 9}; for many seeds
 * each group is on one side and in one fold, and the units are stratified. */
TEST(test_groups_together)
{
    const int y[12] = {1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0};
    const size_t g[12] = {0, 1, 2, 3, 4, 0, 6, 2, 8, 2, 10, 11};
    for (unsigned long seed = 1; seed <= 30; seed++) {
        struct split_tt *s;
        struct err e = {0};
        int side[12], fold[12];
        assert_int_equal(split_group_train_test(y, g, 12, 0.3, seed, &s, &e), 0);
        /* 9 units, ceil(0.3 * 9) = 3 of them in test */
        assert_int_equal(s->ntrain + s->ntest, 12);
        for (size_t i = 0; i < s->ntrain; i++)
            side[s->train[i]] = 0;
        for (size_t i = 0; i < s->ntest; i++)
            side[s->test[i]] = 1;
        assert_int_equal(side[0], side[5]);
        assert_int_equal(side[2], side[7]);
        assert_int_equal(side[2], side[9]);
        size_t units_test = 0;
        for (size_t i = 0; i < s->ntest; i++)
            units_test += g[s->test[i]] == s->test[i];
        assert_int_equal(units_test, 3);
        split_tt_free(s);
        assert_int_equal(split_group_kfold(y, g, 12, 3, 1, seed, fold, &e), 0);
        assert_int_equal(fold[0], fold[5]);
        assert_int_equal(fold[2], fold[7]);
        assert_int_equal(fold[2], fold[9]);
    }
}

/* groups_find: equal numbers, a missing number equal only to another, texts
 * byte for byte, -0 equal to 0. */
TEST(test_groups_find)
{
    const double x0[7] = {1, 1, 1, NAN, NAN, 0.0, -0.0}, x1[7] = {2, 2, 2, 2, 2, 5, 5};
    const char *const c[7] = {"a", "a", "b", "a", "a", "z", "z"};
    struct prep_spec spec[3] = {{.name = "x0", .role = PREP_NUMERIC}, {.name = "x1", .role = PREP_NUMERIC},
                                {.name = "c", .role = PREP_NOMINAL}};
    struct prep_input in[3] = {{.num = x0}, {.num = x1}, {.str = c}};
    struct pipe_data d = {.n = 7, .nfeat = 3, .spec = spec, .in = in};
    size_t group[7], nmulti, nrows;
    struct err e = {0};
    assert_int_equal(groups_find(&d, group, &nmulti, &nrows, &e), 0);
    const size_t want[7] = {0, 0, 2, 3, 3, 5, 5};
    assert_memory_equal(group, want, sizeof want);
    assert_int_equal(nmulti, 3);
    assert_int_equal(nrows, 6);
}

/* split_subsample: each class its share of k (half up), the same rows
 * whatever else is asked, nested, in the order given. */
TEST(test_subsample)
{
    struct err e = {0};
    /* rows 0..9, positives 1 3 5 7: k = 5 keeps floor(5 * 4 / 10 + 1/2) = 2 of them. */
    int y[10] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 0};
    size_t out[10], n = 0, prev[10], nprev = 0;
    for (size_t k = 0; k <= 12; k++) {
        assert_int_equal(split_subsample(NULL, 10, y, k, out, &n, &e), 0);
        size_t pos = 0, want = k >= 10 ? 4 : (k * 4 * 2 + 10) / 20;
        assert_int_equal(n, k < 10 ? k : 10);
        for (size_t i = 0; i < n; i++) {
            pos += y[out[i]] != 0;
            if (i)
                assert_true(out[i - 1] < out[i]);
        }
        assert_int_equal(pos, want);
        /* Nested: every row of the smaller choice is in this one. */
        for (size_t i = 0; i < nprev; i++) {
            int found = 0;
            for (size_t q = 0; q < n; q++)
                found |= out[q] == prev[i];
            assert_true(found);
        }
        memcpy(prev, out, n * sizeof *out);
        nprev = n;
    }
    /* Through rows: the same rows of d chosen, in the order of rows. */
    size_t rows[6] = {9, 7, 5, 3, 1, 0}, sub[6], a[6], na = 0;
    assert_int_equal(split_subsample(rows, 6, y, 4, sub, &n, &e), 0);
    assert_int_equal(n, 4);
    for (size_t i = 1; i < n; i++) {
        size_t pi = 0, pj = 0;
        for (size_t q = 0; q < 6; q++) {
            pi = rows[q] == sub[i - 1] ? q : pi;
            pj = rows[q] == sub[i] ? q : pj;
        }
        assert_true(pi < pj);
    }
    /* The choice depends on the rows' indices, not on their order. */
    size_t back[6] = {0, 1, 3, 5, 7, 9};
    assert_int_equal(split_subsample(back, 6, y, 4, a, &na, &e), 0);
    assert_int_equal(na, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(a[i], sub[3 - i]);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_split_file), cmocka_unit_test(test_subsample),
          cmocka_unit_test(test_shuffle_is_numpy), cmocka_unit_test(test_approximate_mode),
          cmocka_unit_test(test_errors), cmocka_unit_test(test_kfold_hand), cmocka_unit_test(test_train_test_real),
          cmocka_unit_test(test_kfold_real), cmocka_unit_test(test_groups_of_one),
          cmocka_unit_test(test_groups_together), cmocka_unit_test(test_groups_find))
