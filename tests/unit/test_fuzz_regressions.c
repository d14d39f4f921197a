/* Every input the fuzzers (tests/fuzz/) found a fault with, replayed through
 * the normal build: each must now fail cleanly with the expected error code
 * and message, quickly and without touching much memory. The inputs live in
 * tests/fuzz/regressions/; the seed models must still load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"

#include "io/csvread.h"
#include "models/knn.h"
#include "io/kv.h"
#include "io/params.h"
#include "models/prep.h"
#include "io/table.h"
#include "models/tree.h"
#include "models/xgb.h"

#define REG "tests/fuzz/regressions/"
#define SEEDS "tests/fuzz/corpus/"

enum loader { L_TREE, L_KNN, L_PREP, L_CSV, L_PARAMS, L_KV, L_TSV, L_XGB, L_XGB_TREES };

/* Run one loader on path; returns its status, frees what it loaded. */
static int load(enum loader l, const char *path, struct err *e)
{
    int rc = 0;
    switch (l) {
    case L_TREE: {
        struct tree *t = NULL;
        rc = tree_load(path, &t, e);
        tree_free(t);
        break;
    }
    case L_XGB: {
        struct xgb *x = NULL;
        FILE *f = fopen(path, "r");
        rc = f ? xgb_read(f, path, &x, e) : err_set(e, ERR_IO, "%s: cannot open", path);
        if (f)
            fclose(f);
        xgb_free(x);
        break;
    }
    case L_XGB_TREES: {
        /* The JSON without a terminating NUL, as XGBoost hands it over. */
        FILE *f = fopen(path, "rb");
        char buf[8192];
        size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f)
            fclose(f);
        char *json = malloc(n ? n : 1);
        memcpy(json, buf, n);
        rc = xgb_check_trees(json, n, 3, 3) == -1 ? err_set(e, ERR_DATA, "not a model of 3 trees") : 0;
        free(json);
        break;
    }
    case L_KNN: {
        struct knn *m = NULL;
        rc = knn_load(path, &m, e);
        knn_free(m);
        break;
    }
    case L_PREP: {
        struct prep *p = NULL;
        rc = prep_load(path, &p, e);
        prep_free(p);
        break;
    }
    case L_CSV: {
        struct csv_data *d = NULL;
        rc = csv_read(path, NULL, &d, e);
        csv_data_free(d);
        break;
    }
    case L_PARAMS: {
        struct params *p = NULL;
        rc = params_load(path, &p, e);
        params_free(p);
        break;
    }
    case L_KV: {
        struct kv *kv = NULL;
        rc = kv_read(path, &kv, e);
        kv_free(kv);
        break;
    }
    case L_TSV: {
        struct table *t = NULL;
        rc = table_read_tsv(path, NULL, &t, e);
        table_free(t);
        break;
    }
    }
    return rc;
}

struct regression {
    const char *file;
    enum loader loader;
    int code;
    const char *msg; /* a substring of the expected message */
};

/* One line per fuzz finding: what it was is in the commit that added it. */
static const struct regression cases[] = {
    /* knn: a header claiming ~3e15 features made knn_read malloc 2e17 bytes
     * before reading a row (fuzz_model, ASan allocation-size-too-big). */
    {"knn_huge_n_features.txt", L_KNN, ERR_DATA, "bytes left in the file"},
    /* knn: 1e11 rows of one feature: the same, through n. */
    {"knn_huge_n.txt", L_KNN, ERR_DATA, ":7:1: expected 100000000000 rows of 1 features, found only 4 bytes left"},
    /* tree: 1e8 nodes made tree_alloc take 3.6 GB and write 1.2 GB of it. */
    {"tree_huge_n_nodes.txt", L_TREE, ERR_DATA, ":4:1: expected 100000000 node lines, found only 17 bytes left"},
    /* prep: a category count of 1e12 made read_feature calloc 8 TB. */
    {"prep_huge_ncat.txt", L_PREP, ERR_DATA, ":3:"},
    /* prep: 1e6 features in a 34-byte file: an 80 MB calloc. */
    {"prep_huge_nfeat.txt", L_PREP, ERR_DATA, "expected a feature count the file can hold, found 1000000"},
    /* params: nine levels of ten aliases, 10^9 nodes once copied: out of
     * memory (or the OOM killer) from 300 bytes. Found reading params.c for
     * fuzz_params, not by the fuzzer. */
    {"params_billion_laughs.yaml", L_PARAMS, ERR_PARAMS, ":1:37: expected at most 100000 values with aliases expanded"},
    /* xgb: XGBoost 1.7's tree loader freed twice on this JSON's inconsistent
     * arrays (a fuzz target of xgb_read, not committed; the fnv1a line, of
     * the seed's JSON, added since); XGBoost now reads only the JSON whose
     * checksum xgb_write saved. */
    {"xgb_double_free.txt", L_XGB, ERR_DATA, "the JSON's checksum is not the one saved with it"},
    /* xgb_check_trees read numbers past the end of the JSON (strtol on bytes
     * that are not a C string). */
    {"xgb_json_unterminated.json", L_XGB_TREES, ERR_DATA, "not a model of 3 trees"},
};

TEST(test_regressions)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, REG "%s", cases[i].file);
        struct err e = {0};
        int rc = load(cases[i].loader, path, &e);
        if (rc != cases[i].code || !strstr(e.msg, cases[i].msg))
            fail_msg("%s: expected code %d and \"%s\", got %d \"%s\"", path, cases[i].code, cases[i].msg, rc,
                     e.msg);
    }
}

/* The fix must not reject real models: every seed model still loads. */
TEST(test_seed_models_load)
{
    static const struct {
        const char *file;
        enum loader loader;
    } seeds[] = {
        {"tree.txt", L_TREE},         {"stump.txt", L_TREE}, {"knn_uniform.txt", L_KNN},
        {"knn_distance.txt", L_KNN}, {"prep.txt", L_PREP},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, SEEDS "fuzz_model/%s", seeds[i].file);
        struct err e = {0};
        if (load(seeds[i].loader, path, &e))
            fail_msg("%s: %s", path, e.msg);
    }
}

/* Writes `count` copies of `line` to path, the last without its newline
 * when `cut` is 1, or also one byte shorter when `cut` is 2. */
static void write_lines(const char *path, const char *head, const char *line, size_t count, int cut)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(head, f);
    size_t len = strlen(line);
    for (size_t i = 0; i < count; i++)
        fwrite(line, 1, i + 1 < count ? len : len - (size_t)cut, f);
    assert_int_equal(fclose(f), 0);
}

/* The up-front size check is exact: a file whose rows all have the shortest
 * possible length passes it (and then loads or fails its own way); one byte
 * fewer is refused. Counts are above the 1 MiB threshold below which the
 * loaders read on and name the line where the data runs out. */
TEST(test_exact_sizes)
{
    const char *path = "build/test_fuzz_regressions.tmp";
    const size_t n = (1u << 18) + 1; /* > 1 MiB of knn rows */
    struct err e = {0};
    write_lines(path, "knn 1\nn_neighbors 1\nweights uniform\np 2\nn 262145\nn_features 1\n", "0 0\n", n, 1);
    assert_int_equal(load(L_KNN, path, &e), 0);
    write_lines(path, "knn 1\nn_neighbors 1\nweights uniform\np 2\nn 262145\nn_features 1\n", "0 0\n", n, 2);
    assert_int_equal(load(L_KNN, path, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, ":7:1: expected 262145 rows of 1 features, found only 1048578 bytes left"));

    const size_t m = (1u << 20) / 36 + 1; /* > 1 MiB of tree nodes */
    char head[64];
    snprintf(head, sizeof head, "tree 1\nn_nodes %zu\nn_features 1\n", m);
    write_lines(path, head, "0 0 0 0 0 0\n", m, 1);
    assert_int_equal(load(L_TREE, path, &e), ERR_DATA);
    assert_null(strstr(e.msg, "bytes left")); /* the structure check speaks */
    write_lines(path, head, "0 0 0 0 0 0\n", m, 2);
    assert_int_equal(load(L_TREE, path, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "bytes left"));

    /* Below the threshold a truncated file fails where it ends, as before. */
    write_lines(path, "tree 1\nn_nodes 3\nn_features 1\n", "-1 -1 -1 0 0 0\n", 2, 0);
    assert_int_equal(load(L_TREE, path, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, ":6:1: expected a line, found end of file"));
    remove(path);
}

TEST_MAIN_NAMED("fuzz_regressions", NULL, NULL, cmocka_unit_test(test_regressions),
          cmocka_unit_test(test_seed_models_load), cmocka_unit_test(test_exact_sizes))
