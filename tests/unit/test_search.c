/* lib/search: spaces from YAML with located errors, the draw (reproducible,
 * every space its share, inclusive integer ranges, 4-digit reals), the CV
 * runner against scikit-learn 1.2's cross_val_score fold by fold
 * (tests/oracle/pipeline.py), and the same result with 1 or 2 threads. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_main.h"

#include "io/params.h"
#include "models/pipeline.h"
#include "fixture.h"
#include "io/schema.h"
#include "models/search.h"

static struct params *yaml(const char *text, int want_rc, struct err *e)
{
    char path[] = "/tmp/test_search.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct params *p = NULL;
    int rc = params_load(path, &p, e);
    remove(path);
    assert_int_equal(rc, want_rc);
    return p;
}

/* Parse train.spaces of the YAML text; returns the rc, *out the spaces. */
static int spaces(const char *text, struct search_spaces **out, struct err *e)
{
    struct params *p = yaml(text, 0, e);
    const struct pnode *n = params_find(p, NULL, "train.spaces");
    assert_non_null(n);
    int rc = search_spaces_parse(n, "train.spaces", out, e);
    params_free(p);
    return rc;
}

static const char *SPACES = "train:\n"
                            "  spaces:\n"
                            "    - family: knn\n"
                            "      scaler: [standard, minmax]\n"
                            "      n_neighbors: {int: [3, 5]}\n"
                            "      weights: distance\n"
                            "    - family: tree\n"
                            "      max_depth: [none, {int: [2, 4]}]\n"
                            "      max_features: {choice: [sqrt, 0.5]}\n"
                            "    - family: logreg\n"
                            "      C: {loguniform: [0.001, 100]}\n"
                            "      penalty: [l1, l2]\n"
                            "    - family: svc\n"
                            "      scaler: [standard, robust]\n"
                            "      C: {uniform: [0.5, 2]}\n"
                            "      gamma: [scale, {loguniform: [0.0001, 1]}]\n";

TEST(test_parse)
{
    struct err e = {0};
    struct search_spaces *s = NULL;
    assert_int_equal(spaces(SPACES, &s, &e), 0);
    assert_int_equal(s->n, 4);
    assert_int_equal(s->sp[0].family, PIPE_KNN);
    assert_int_equal(s->sp[0].n, 3);
    assert_string_equal(s->sp[0].par[1].key, "n_neighbors");
    assert_int_equal(s->sp[0].par[1].dist.kind, SEARCH_INT);
    assert_true(s->sp[0].par[1].dist.lo == 3 && s->sp[0].par[1].dist.hi == 5);
    assert_int_equal(s->sp[0].par[2].dist.kind, SEARCH_CONST);
    assert_int_equal(s->sp[1].par[0].dist.kind, SEARCH_CHOICE);
    assert_int_equal(s->sp[1].par[0].dist.items[1].kind, SEARCH_INT);
    assert_int_equal(s->sp[1].par[1].dist.kind, SEARCH_CHOICE);
    assert_int_equal(s->sp[2].par[0].dist.kind, SEARCH_LOGUNIFORM);
    assert_int_equal(s->sp[3].par[1].dist.kind, SEARCH_UNIFORM);
    assert_int_equal(s->sp[0].line, 3);
    /* What the svc spaces can draw. */
    assert_true(search_space_can_draw(&s->sp[3], "scaler", "robust"));
    assert_false(search_space_can_draw(&s->sp[3], "scaler", "passthrough"));
    assert_true(search_space_can_draw(&s->sp[2], "scaler", "standard")); /* the default */
    assert_false(search_space_can_draw(&s->sp[2], "scaler", "passthrough"));
    search_spaces_free(s);

    /* Errors point at the line and column of the bad value. */
    static const struct {
        const char *yaml, *msg;
        int rc;
    } bad[] = {
        {"train:\n  spaces:\n    - family: knn\n      n_neighbors: {int: [0, 5]}\n",
         ":4:27: train.spaces[0].n_neighbors: knn n_neighbors: expected an integer in [1, 1000000], found \"0\"",
         ERR_PARAMS},
        {"train:\n  spaces:\n    - family: tree\n      depth: 3\n",
         ":4:7: train.spaces[0].depth: tree: expected a hyperparameter of the family, found \"depth\"", ERR_PARAMS},
        {"train:\n  spaces:\n    - family: forest\n", "forest", ERR_PARAMS},
        {"train:\n  spaces:\n    - scaler: standard\n", "expected a key \"family\"", ERR_PARAMS},
        {"train:\n  spaces:\n    - family: svc\n      C: {normal: [0, 1]}\n", "found \"normal\"", ERR_PARAMS},
        {"train:\n  spaces:\n    - family: svc\n      C: {uniform: [1]}\n", "expected [lo, hi], found 1 values",
         ERR_PARAMS},
        {"train:\n  spaces:\n    - family: svc\n      C: {loguniform: [0, 1]}\n", "train.spaces[0].C", ERR_PARAMS},
        {"train:\n  spaces:\n    - family: knn\n      n_neighbors: {int: [1.5, 4]}\n", "expected integer bounds",
         ERR_PARAMS},
        {"train:\n  spaces:\n    - family: knn\n      weights: []\n", "expected a non-empty list", ERR_PARAMS},
        {"train:\n  spaces: []\n", "expected at least one space", ERR_PARAMS},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s = NULL;
        int rc = spaces(bad[i].yaml, &s, &e);
        assert_null(s);
        if (rc != bad[i].rc || !strstr(e.msg, bad[i].msg))
            fail_msg("case %zu: rc %d, message \"%s\"", i, rc, e.msg);
    }
}

TEST(test_draw)
{
    struct err e = {0};
    struct search_spaces *s = NULL;
    assert_int_equal(spaces(SPACES, &s, &e), 0);
    struct search_candidate *a = NULL, *b = NULL, *c = NULL;
    size_t n = 2000;
    assert_int_equal(search_draw(s, n, 42, &a, &e), 0);
    assert_int_equal(search_draw(s, n, 42, &b, &e), 0);
    assert_int_equal(search_draw(s, n, 43, &c, &e), 0);
    size_t share[4] = {0}, same = 0, k_seen[6] = {0}, depth_none = 0, gamma_value = 0, mf_sqrt = 0;
    char t1[1024], t2[1024];
    for (size_t i = 0; i < n; i++) {
        pipeline_config_format(&a[i].cfg, t1, sizeof t1);
        pipeline_config_format(&b[i].cfg, t2, sizeof t2);
        assert_string_equal(t1, t2);
        pipeline_config_format(&c[i].cfg, t2, sizeof t2);
        same += !strcmp(t1, t2);
        share[a[i].space]++;
        assert_int_equal(a[i].cfg.family, s->sp[a[i].space].family);
        const struct pipe_config *g = &a[i].cfg;
        switch (g->family) {
        case PIPE_KNN:
            assert_true(g->knn.n_neighbors >= 3 && g->knn.n_neighbors <= 5);
            k_seen[g->knn.n_neighbors]++;
            assert_true(g->scaler == PREP_STANDARD || g->scaler == PREP_MINMAX);
            assert_int_equal(g->knn.weights, KNN_DISTANCE);
            break;
        case PIPE_TREE:
            depth_none += g->cart.max_depth == 0;
            assert_true(g->cart.max_depth <= 4 && g->cart.max_depth != 1);
            mf_sqrt += g->cart.max_features == CART_MF_SQRT;
            break;
        case PIPE_LOGREG: {
            assert_true(g->logreg.C >= 0.001 && g->logreg.C <= 100);
            /* 4 significant digits: the text %.4g reads back to the same double. */
            char t[32];
            snprintf(t, sizeof t, "%.4g", g->logreg.C);
            assert_true(strtod(t, NULL) == g->logreg.C);
            break;
        }
        case PIPE_SVC:
            assert_true(g->svc.C >= 0.5 && g->svc.C <= 2);
            gamma_value += g->svc.gamma_mode == PIPE_GAMMA_VALUE;
            if (g->svc.gamma_mode == PIPE_GAMMA_VALUE)
                assert_true(g->svc.gamma >= 0.0001 && g->svc.gamma <= 1);
            break;
        default:
            fail();
        }
    }
    /* Each of 4 spaces gets about a quarter (binomial sd ~19 of 500). */
    for (int k = 0; k < 4; k++)
        assert_true(share[k] > 420 && share[k] < 580);
    /* Both ends of an integer range are drawn. */
    assert_true(k_seen[3] > 100 && k_seen[4] > 100 && k_seen[5] > 100);
    /* A choice of [none, {int}] picks each item half the time. */
    assert_true(depth_none > share[1] * 4 / 10 && depth_none < share[1] * 6 / 10);
    assert_true(mf_sqrt > share[1] * 4 / 10 && mf_sqrt < share[1] * 6 / 10);
    assert_true(gamma_value > share[3] * 4 / 10 && gamma_value < share[3] * 6 / 10);
    /* Another seed, another sequence. */
    assert_true(same < n / 10);
    /* The candidates' own seeds differ (trees' feature order). */
    assert_true(a[0].cfg.seed != a[1].cfg.seed);
    free(a);
    free(b);
    free(c);
    search_spaces_free(s);
}

/* cross_val_score(pipe, X, y, cv=StratifiedKFold(5), scoring='roc_auc'). */
TEST(test_cv_sklearn)
{
    struct world *w = world_load();
    struct err e = {0};
    struct table *cases = NULL;
    assert_int_equal(table_read_tsv(FIX "pipeline_cases.tsv", NULL, &cases, &e), 0);
    struct search_candidate *c = calloc(cases->nrows, sizeof *c);
    for (size_t k = 0; k < cases->nrows; k++) {
        int f = 0;
        while (strcmp(pipeline_family_names[f], cases->cols[1].str[k]))
            f++;
        pipeline_config_default(&c[k].cfg, (enum pipe_family)f);
        assert_int_equal(pipeline_config_parse(&c[k].cfg, cases->cols[2].str[k], &e), 0);
    }
    struct search_opts o = {.folds = 5, .threads = 2, .scoring = SEARCH_ROC_AUC};
    struct search_result *r = NULL;
    assert_int_equal(search_cv(w->d, NULL, w->d->n, c, cases->nrows, &o, &r, &e), 0);
    size_t checked = 0;
    for (size_t k = 0; k < cases->nrows; k++) {
        assert_null(r->error[k]);
        /* liblinear 2.3 and libsvm stop near sklearn's optimum, not on it. */
        double tol = c[k].cfg.family == PIPE_KNN ? 1e-12 : 2e-3;
        for (size_t f = 0; f < 5; f++) {
            double want = cases->cols[3 + f].num[k], got = search_score(r, k, f, SEARCH_ROC_AUC);
            if (fabs(got - want) > tol)
                fail_msg("case %zu fold %zu: %.17g, sklearn %.17g", k + 1, f + 1, got, want);
            checked++;
        }
    }
    assert_int_equal(checked, 40); /* 8 cases x 5 folds */
    search_result_free(r);
    free(c);
    table_free(cases);
    world_free(w);
}

static void count_progress(void *ctx, size_t done, size_t total)
{
    size_t *n = ctx;
    assert_true(done <= total);
    n[0]++;
    n[1] = done;
}

/* The same numbers with 1 and 2 threads; failed candidates are NaN. */
TEST(test_cv_threads)
{
    struct world *w = world_load();
    struct err e = {0};
    struct search_spaces *s = NULL;
    assert_int_equal(spaces(SPACES, &s, &e), 0);
    struct search_candidate *c = NULL;
    size_t n = 24;
    assert_int_equal(search_draw(s, n, 7, &c, &e), 0);
    /* One candidate that cannot fit: more neighbours than training rows. */
    pipeline_config_default(&c[0].cfg, PIPE_KNN);
    c[0].cfg.knn.n_neighbors = 5000;
    size_t rows[300];
    for (size_t i = 0; i < 300; i++)
        rows[i] = 399 - i;
    size_t calls[2] = {0};
    struct search_opts o1 = {.folds = 3, .shuffle = 1, .seed = 5, .threads = 1, .scoring = SEARCH_AP};
    struct search_opts o2 = o1;
    o2.threads = 2;
    o2.progress = count_progress;
    o2.ctx = calls;
    struct search_result *a = NULL, *b = NULL;
    assert_int_equal(search_cv(w->d, rows, 300, c, n, &o1, &a, &e), 0);
    assert_int_equal(search_cv(w->d, rows, 300, c, n, &o2, &b, &e), 0);
    assert_int_equal(calls[0], n * 3);
    assert_int_equal(calls[1], n * 3);
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < 3; f++)
            for (int m = 0; m < SEARCH_NMETRIC; m++) {
                double x = search_score(a, i, f, m), y = search_score(b, i, f, m);
                assert_true((isnan(x) && isnan(y)) || !memcmp(&x, &y, sizeof x));
            }
    assert_true(isnan(search_mean(a, 0, SEARCH_AP)));
    assert_non_null(a->error[0]);
    assert_non_null(strstr(a->error[0], "n_neighbors"));
    assert_string_equal(a->error[0], b->error[0]);
    assert_int_equal(a->best, b->best);
    assert_true(a->best > 0);
    /* best is the highest mean average precision; per family the same rule. */
    for (size_t i = 0; i < n; i++)
        if (!isnan(search_mean(a, i, SEARCH_AP)))
            assert_true(search_mean(a, i, SEARCH_AP) <= search_mean(a, (size_t)a->best, SEARCH_AP));
    long bk = search_best_of(a, c, PIPE_KNN, SEARCH_AP);
    assert_true(bk != 0);
    /* The mean and the population std of the folds. */
    double m = 0, v = 0;
    for (size_t f = 0; f < 3; f++)
        m += search_score(a, 1, f, SEARCH_ROC_AUC) / 3;
    for (size_t f = 0; f < 3; f++)
        v += pow(search_score(a, 1, f, SEARCH_ROC_AUC) - m, 2) / 3;
    assert_true(fabs(search_mean(a, 1, SEARCH_ROC_AUC) - m) < 1e-15);
    assert_true(fabs(search_std(a, 1, SEARCH_ROC_AUC) - sqrt(v)) < 1e-15);
    search_result_free(a);
    search_result_free(b);
    free(c);
    search_spaces_free(s);
    world_free(w);
}

/* Successive halving: 30 candidates, 3 folds of 300 rows (200 training
 * rows each), factor 3, first_rows 20: 1 + floor(log3 30) = 4 rounds would
 * bring them under 3, but the round before the last may fit at most 200 / 3
 * rows, so 3 rounds: 30, 10 and 4 candidates on 20 rows, 60 and every row.
 * The last round's scores are the exhaustive search's bit for bit, with 1 or
 * 2 threads. */
TEST(test_cv_halving)
{
    struct world *w = world_load();
    struct err e = {0};
    struct search_spaces *s = NULL;
    assert_int_equal(spaces(SPACES, &s, &e), 0);
    struct search_candidate *c = NULL;
    size_t n = 30, calls[2] = {0};
    assert_int_equal(search_draw(s, n, 11, &c, &e), 0);
    struct search_opts full = {.folds = 3, .threads = 2, .scoring = SEARCH_ROC_AUC};
    struct search_opts h1 = full, h2 = full, off = full;
    h1.halving_above = 299, h1.halving_first_rows = 20, h1.halving_factor = 3, h1.threads = 1;
    h2 = h1, h2.threads = 2, h2.progress = count_progress, h2.ctx = calls;
    off = h1, off.halving_above = 300;
    struct search_result *ex = NULL, *a = NULL, *b = NULL, *o = NULL;
    assert_int_equal(search_cv(w->d, NULL, 300, c, n, &full, &ex, &e), 0);
    assert_int_equal(search_cv(w->d, NULL, 300, c, n, &h1, &a, &e), 0);
    assert_int_equal(search_cv(w->d, NULL, 300, c, n, &h2, &b, &e), 0);
    assert_int_equal(search_cv(w->d, NULL, 300, c, n, &off, &o, &e), 0);
    assert_int_equal(ex->nround, 1);
    assert_int_equal(o->nround, 1);
    assert_int_equal(a->nround, 3);
    assert_int_equal(calls[1], (30 + 10 + 4) * 3);
    assert_true(fabs(a->first_rows - 20) < 1e-12);
    assert_int_equal(a->last_round, 4);
    size_t per_round[3] = {0};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a->round[i], b->round[i]);
        per_round[a->round[i]]++;
        for (size_t f = 0; f < 3; f++) {
            double x = search_score(a, i, f, SEARCH_ROC_AUC), y = search_score(b, i, f, SEARCH_ROC_AUC);
            double z = search_score(o, i, f, SEARCH_ROC_AUC), v = search_score(ex, i, f, SEARCH_ROC_AUC);
            assert_true((isnan(x) && isnan(y)) || !memcmp(&x, &y, sizeof x));
            assert_true((isnan(z) && isnan(v)) || !memcmp(&z, &v, sizeof z));
            if (a->round[i] == 2)
                assert_true((isnan(x) && isnan(v)) || !memcmp(&x, &v, sizeof x));
        }
        assert_true(a->round[i] == 2 ? fabs(a->rows[i] - ex->rows[i]) < 1e-12 : a->rows[i] < ex->rows[i]);
    }
    assert_int_equal(per_round[0], 20);
    assert_int_equal(per_round[1], 6);
    assert_int_equal(per_round[2], 4);
    /* The best comes from the last round, and ranks first. */
    assert_int_equal(a->best, b->best);
    assert_int_equal(a->round[a->best], 2);
    assert_int_equal(search_rank(a, (size_t)a->best, SEARCH_ROC_AUC), 1);
    for (size_t i = 0; i < n; i++)
        if (a->round[i] == 2)
            assert_true(search_mean(a, i, SEARCH_ROC_AUC) <= search_mean(a, (size_t)a->best, SEARCH_ROC_AUC));
    search_result_free(ex);
    search_result_free(a);
    search_result_free(b);
    search_result_free(o);
    free(c);
    search_spaces_free(s);
    world_free(w);
}

TEST(test_metrics)
{
    struct err e = {0};
    int y[6] = {0, 0, 1, 1, 0, 1};
    double s[6] = {0.1, 0.6, 0.7, 0.4, 0.2, 0.9}, m[SEARCH_NMETRIC];
    assert_int_equal(search_metrics(y, s, 6, 0.5, m, &e), 0);
    /* pairs (pos, neg): 0.7 beats all 3, 0.4 beats 2, 0.9 beats 3 -> 8/9 */
    assert_true(fabs(m[SEARCH_ROC_AUC] - 8.0 / 9.0) < 1e-15);
    /* ranked 0.9+ 0.7+ 0.6- 0.4+: AP = (1 + 1 + 3/4) / 3 */
    assert_true(fabs(m[SEARCH_AP] - (2.75 / 3)) < 1e-15);
    /* > 0.5: 0.6(-), 0.7(+), 0.9(+): tp 2, fp 1, fn 1 -> F1 2/3, accuracy 4/6 */
    assert_true(fabs(m[SEARCH_F1] - 2.0 / 3.0) < 1e-15);
    assert_true(fabs(m[SEARCH_ACCURACY] - 4.0 / 6.0) < 1e-15);
    int one[2] = {1, 1};
    assert_int_equal(search_metrics(one, s, 2, 0.5, m, &e), ERR_DATA);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_parse), cmocka_unit_test(test_draw), cmocka_unit_test(test_cv_sklearn),
          cmocka_unit_test(test_cv_threads), cmocka_unit_test(test_cv_halving), cmocka_unit_test(test_metrics))
