/* lib/pipeline: the hyperparameter text, routing a customers table by schema
 * role, hand-checked fits, known answers from scikit-learn 1.2 pipelines
 * (tests/oracle/pipeline.py -> fixtures/pipeline_*), bit-identical reloads. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_main.h"

#include "io/params.h"
#include "models/pipeline.h"
#include "fixture.h"
#include "io/schema.h"

TEST(test_config_text)
{
    struct err e = {0};
    struct pipe_config c, d;
    char a[1024], b[1024];
    for (int f = 0; f < PIPE_NFAMILY; f++) {
        pipeline_config_default(&c, (enum pipe_family)f);
        pipeline_config_format(&c, a, sizeof a);
        pipeline_config_default(&d, (enum pipe_family)f);
        d.scaler = PREP_ROBUST;
        assert_int_equal(pipeline_config_parse(&d, a, &e), 0);
        pipeline_config_format(&d, b, sizeof b);
        assert_string_equal(a, b);
    }
    pipeline_config_default(&c, PIPE_KNN);
    assert_int_equal(pipeline_config_parse(&c, "scaler=minmax n_neighbors=7 weights=distance p=1", &e), 0);
    pipeline_config_format(&c, a, sizeof a);
    assert_string_equal(a, "scaler=minmax drop_first=true n_neighbors=7 weights=distance p=1");

    pipeline_config_default(&c, PIPE_TREE);
    assert_int_equal(pipeline_config_parse(&c, "max_depth=5 max_features=0.5 class_weight=balanced criterion=entropy "
                                               "min_samples_leaf=3 random_state=9 drop_first=false", &e), 0);
    pipeline_config_format(&c, a, sizeof a);
    assert_string_equal(a, "scaler=standard drop_first=false criterion=entropy max_depth=5 min_samples_split=2 "
                           "min_samples_leaf=3 max_features=0.5 class_weight=balanced random_state=9");

    /* Reals come back as their shortest exact text. */
    pipeline_config_default(&c, PIPE_SVC);
    assert_int_equal(pipeline_config_parse(&c, "C=0.1 gamma=0.0123 kernel=poly degree=2", &e), 0);
    assert_true(c.svc.C == 0.1 && c.svc.gamma == 0.0123 && c.svc.gamma_mode == PIPE_GAMMA_VALUE);
    pipeline_config_format(&c, a, sizeof a);
    assert_string_equal(a, "scaler=standard drop_first=true kernel=poly C=0.1 gamma=0.0123 degree=2 coef0=0 "
                           "class_weight=none random_state=0");
    c.svc.C = 1.0 / 3.0;
    pipeline_config_format(&c, a, sizeof a);
    pipeline_config_default(&d, PIPE_SVC);
    assert_int_equal(pipeline_config_parse(&d, a, &e), 0);
    assert_true(d.svc.C == 1.0 / 3.0);

    pipeline_config_default(&c, PIPE_LOGREG);
    assert_int_equal(pipeline_config_parse(&c, "penalty=l1 C=20 class_weight=balanced", &e), 0);
    assert_true(c.logreg.l1 && c.logreg.C == 20 && c.logreg.balanced);

    /* Errors name the family, the key and the value. */
    pipeline_config_default(&c, PIPE_KNN);
    assert_int_equal(pipeline_config_set(&c, "max_depth", "3", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "knn: expected a hyperparameter of the family, found \"max_depth\"");
    assert_int_equal(pipeline_config_set(&c, "n_neighbors", "0", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "knn n_neighbors: expected an integer in [1, 1000000], found \"0\"");
    assert_int_equal(pipeline_config_set(&c, "scaler", "zscore", &e), ERR_PARAMS);
    pipeline_config_default(&c, PIPE_LOGREG);
    assert_int_equal(pipeline_config_set(&c, "C", "-1", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "logreg C: expected a number > 0, found \"-1\"");
    pipeline_config_default(&c, PIPE_SVC);
    assert_int_equal(pipeline_config_set(&c, "gamma", "big", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "svc gamma: expected scale, auto or a number > 0, found \"big\"");
    assert_int_equal(pipeline_config_parse(&c, "C", &e), ERR_DATA);
}

TEST(test_data_roles)
{
    struct world *w = world_load();
    struct pipe_data *d = w->d;
    assert_int_equal(d->n, 400);
    assert_int_equal(d->nfeat, 16);
    size_t role[3] = {0}, pos = 0;
    for (size_t j = 0; j < d->nfeat; j++)
        role[d->spec[j].role]++;
    assert_int_equal(role[PREP_NOMINAL], 1);
    assert_int_equal(role[PREP_ORDINAL], 2);
    assert_int_equal(role[PREP_NUMERIC], 13);
    for (size_t i = 0; i < d->n; i++)
        pos += d->y[i];
    assert_int_equal(pos, 145);
    /* Table order: the first feature is the service type, an ordinal. */
    assert_string_equal(d->spec[0].name, "Тип сервиса");
    assert_int_equal(d->spec[0].role, PREP_ORDINAL);
    assert_int_equal(d->spec[0].norder, 2);
    assert_string_equal(d->id[0], w->t->cols[0].str[0]);

    /* A missing feature column and a bad label are errors. */
    struct err e = {0};
    struct pipe_data *bad = NULL;
    char *name = w->t->cols[5].name;
    w->t->cols[5].name = "other";
    assert_int_equal(pipe_data_from_table(w->t, &w->s, 1, &bad, &e), ERR_DATA);
    assert_string_equal(e.msg, "expected the 16 feature columns the schema names, found 15");
    w->t->cols[5].name = name;
    char *label = w->t->cols[1].str[3];
    w->t->cols[1].str[3] = "maybe";
    assert_int_equal(pipe_data_from_table(w->t, &w->s, 1, &bad, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "row 4: expected a target label"));
    /* Without the target it is fine. */
    assert_int_equal(pipe_data_from_table(w->t, &w->s, 0, &bad, &e), 0);
    assert_null(bad->y);
    pipe_data_free(bad);
    w->t->cols[1].str[3] = label;
    world_free(w);
}

/* One numeric feature and one nominal, by hand. */
TEST(test_hand)
{
    double x[6] = {0, 1, 2, 10, 11, 12};
    const char *cat[6] = {"a", "b", "a", "b", "a", "c"};
    int y[6] = {0, 0, 0, 1, 1, 1};
    struct prep_spec spec[2] = {{.name = "x", .role = PREP_NUMERIC}, {.name = "c", .role = PREP_NOMINAL}};
    struct prep_input in[2] = {{.num = x}, {.str = cat}};
    char *ids[6] = {"1", "2", "3", "4", "5", "6"};
    struct pipe_data d = {.n = 6, .nfeat = 2, .spec = spec, .in = in, .y = y, .id = ids};
    struct err e = {0};
    struct pipe_config c;
    struct pipeline *p = NULL;
    double pr[6];

    /* KNN, k = 3, uniform, standard scaler: the three nearest on x dominate
     * (the one-hot columns add at most 2 to a squared distance). */
    pipeline_config_default(&c, PIPE_KNN);
    assert_int_equal(pipeline_config_parse(&c, "n_neighbors=3", &e), 0);
    assert_int_equal(pipeline_fit(&d, NULL, 6, &c, 0, &p, &e), 0);
    assert_int_equal(pipeline_nout(p), 3); /* x, c=b, c=c (a dropped) */
    assert_string_equal(p->prep->out_names[1], "c=b");
    assert_int_equal(pipeline_predict_proba(p, &d, NULL, 6, pr, &e), 0);
    for (int i = 0; i < 6; i++)
        assert_true(pr[i] == (i < 3 ? 0.0 : 1.0));
    double X[18];
    assert_int_equal(pipeline_transform(p, &d, NULL, 6, X, &e), 0);
    /* mean 6, population sd sqrt(((36+25+16+16+25+36)/6)) = sqrt(154/6) */
    assert_true(fabs(X[0] - (0 - 6) / sqrt(154.0 / 6)) < 1e-15);
    assert_true(X[1] == 0 && X[2] == 0 && X[4] == 1 && X[17] == 1);
    assert_true(pipeline_threshold(PIPE_KNN) == 0.5 && pipeline_threshold(PIPE_SVC) == 0.0);
    pipeline_free(p);

    /* A stump on the training rows 0..3 (x <= 6 -> 0), applied to all. */
    size_t rows[4] = {0, 1, 3, 4};
    pipeline_config_default(&c, PIPE_TREE);
    assert_int_equal(pipeline_config_parse(&c, "max_depth=1 scaler=passthrough", &e), 0);
    assert_int_equal(pipeline_fit(&d, rows, 4, &c, 0, &p, &e), 0);
    assert_int_equal(p->tree->n_nodes, 3);
    assert_true(p->tree->threshold[0] == 5.5);
    assert_int_equal(pipeline_decision(p, &d, NULL, 6, pr, &e), 0);
    assert_true(pr[2] == 0.0 && pr[5] == 1.0);
    pipeline_free(p);

    /* Errors: more neighbours than rows; no labels. */
    pipeline_config_default(&c, PIPE_KNN);
    c.knn.n_neighbors = 7;
    assert_int_equal(pipeline_fit(&d, NULL, 6, &c, 0, &p, &e), ERR_PARAMS);
    assert_null(p);
    d.y = NULL;
    assert_int_equal(pipeline_fit(&d, NULL, 6, &c, 0, &p, &e), ERR_DATA);
}

/* Fit on fixture rows 0..299, predict 300..399, as the sklearn Pipeline did. */
TEST(test_sklearn_proba)
{
    struct world *w = world_load();
    struct err e = {0};
    struct table *cases = NULL, *pr = NULL;
    assert_int_equal(table_read_tsv(FIX "pipeline_cases.tsv", NULL, &cases, &e), 0);
    assert_int_equal(table_read_tsv(FIX "pipeline_proba.tsv", NULL, &pr, &e), 0);
    size_t rows[300], test[100];
    for (size_t i = 0; i < 300; i++)
        rows[i] = i;
    for (size_t i = 0; i < 100; i++)
        test[i] = 300 + i;
    size_t checked = 0;
    for (size_t k = 0; k < cases->nrows; k++) {
        int f = -1;
        for (int q = 0; q < PIPE_NFAMILY; q++)
            if (!strcmp(cases->cols[1].str[k], pipeline_family_names[q]))
                f = q;
        struct pipe_config c;
        pipeline_config_default(&c, (enum pipe_family)f);
        assert_int_equal(pipeline_config_parse(&c, cases->cols[2].str[k], &e), 0);
        struct pipeline *p = NULL;
        assert_int_equal(pipeline_fit(w->d, rows, 300, &c, 0, &p, &e), 0);
        double out[100];
        /* An svc fitted without Platt scaling has no probabilities. */
        if (pipeline_predict_proba(p, w->d, test, 100, out, &e) == 0) {
            for (size_t i = 0; i < pr->nrows; i++) {
                if ((size_t)pr->cols[0].num[i] != k + 1)
                    continue;
                size_t r = (size_t)pr->cols[1].num[i] - 300;
                double want = pr->cols[2].num[i];
                /* liblinear 2.3 stops at another point than sklearn's vendored
                 * copy (lib/models/logreg.h): near the same optimum, not on it. */
                double tol = f == PIPE_LOGREG ? 1e-4 : 1e-12;
                if (fabs(out[r] - want) > tol)
                    fail_msg("case %zu row %zu: %.17g, sklearn %.17g", k + 1, r + 300, out[r], want);
                checked++;
            }
        }
        pipeline_free(p);
    }
    assert_true(checked == 500); /* 3 knn and 2 logreg cases x 100 rows */
    table_free(cases);
    table_free(pr);
    world_free(w);
}

/* One xgb fit of the fixture's rows 0..299 by its params text. */
static struct pipeline *xgb_fit_text(struct world *w, const char *text, const size_t *rows)
{
    struct pipe_config c;
    struct err e = {0};
    struct pipeline *p = NULL;
    pipeline_config_default(&c, PIPE_XGB);
    assert_int_equal(pipeline_config_parse(&c, text, &e), 0);
    if (pipeline_fit(w->d, rows, 300, &c, 0, &p, &e))
        fail_msg("%s", e.msg);
    return p;
}

/* python3-xgboost 1.7 (tests/oracle/xgb.py): the same rounds kept after early
 * stopping, probabilities and TreeSHAP contributions to 1e-6. */
TEST(test_xgb_oracle)
{
    struct world *w = world_load();
    struct err e = {0};
    struct table *cases = NULL, *pr = NULL, *ph = NULL;
    assert_int_equal(table_read_tsv(FIX "xgb_cases.tsv", NULL, &cases, &e), 0);
    assert_int_equal(table_read_tsv(FIX "xgb_proba.tsv", NULL, &pr, &e), 0);
    assert_int_equal(table_read_tsv(FIX "xgb_contribs.tsv", NULL, &ph, &e), 0);
    size_t rows[300], test[100], checked = 0;
    for (size_t i = 0; i < 300; i++)
        rows[i] = i;
    for (size_t i = 0; i < 100; i++)
        test[i] = 300 + i;
    for (size_t k = 0; k < cases->nrows; k++) {
        struct pipeline *p = xgb_fit_text(w, cases->cols[1].str[k], rows);
        assert_int_equal(p->xgb->rounds, (long)cases->cols[2].num[k]);
        size_t q = pipeline_nout(p);
        assert_int_equal(ph->ncols, q + 3);
        double out[100], *X = malloc(100 * q * sizeof *X), *phi = malloc(100 * (q + 1) * sizeof *phi);
        assert_int_equal(pipeline_predict_proba(p, w->d, test, 100, out, &e), 0);
        assert_int_equal(pipeline_transform(p, w->d, test, 100, X, &e), 0);
        assert_int_equal(xgb_contribs(p->xgb, X, 100, phi, &e), 0);
        for (size_t i = 0; i < pr->nrows; i++) {
            if ((size_t)pr->cols[0].num[i] != k + 1)
                continue;
            size_t r = (size_t)pr->cols[1].num[i] - 300;
            if (fabs(out[r] - pr->cols[2].num[i]) > 1e-6)
                fail_msg("case %zu row %zu: %.17g, xgboost %.17g", k + 1, r + 300, out[r], pr->cols[2].num[i]);
            for (size_t j = 0; j <= q; j++)
                if (fabs(phi[r * (q + 1) + j] - ph->cols[2 + j].num[i]) > 1e-6)
                    fail_msg("case %zu row %zu column %zu: %.17g, xgboost %.17g", k + 1, r + 300, j,
                             phi[r * (q + 1) + j], ph->cols[2 + j].num[i]);
            checked++;
        }
        free(X);
        free(phi);
        pipeline_free(p);
    }
    assert_int_equal(checked, 300);
    table_free(cases);
    table_free(pr);
    table_free(ph);
    world_free(w);
}

struct xgb_job {
    struct world *w;
    const size_t *rows;
    double out[100];
};

static void *xgb_job_run(void *arg)
{
    struct xgb_job *j = arg;
    struct err e = {0};
    size_t test[100];
    for (size_t i = 0; i < 100; i++)
        test[i] = 300 + i;
    struct pipeline *p =
        xgb_fit_text(j->w, "n_estimators=80 subsample=0.7 colsample_bytree=0.6 random_state=9", j->rows);
    assert_int_equal(pipeline_decision(p, j->w->d, test, 100, j->out, &e), 0);
    pipeline_free(p);
    return NULL;
}

/* A fit depends on its data, params and seed only: the same bits alone, again,
 * and in two threads at once; another seed gives another model. */
TEST(test_xgb_deterministic)
{
    struct world *w = world_load();
    size_t rows[300];
    for (size_t i = 0; i < 300; i++)
        rows[i] = i;
    struct xgb_job a = {w, rows, {0}}, b = a, c = a;
    xgb_job_run(&a);
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, xgb_job_run, &b), 0);
    assert_int_equal(pthread_create(&t2, NULL, xgb_job_run, &c), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_memory_equal(a.out, b.out, sizeof a.out);
    assert_memory_equal(a.out, c.out, sizeof a.out);
    struct pipeline *p = xgb_fit_text(w, "n_estimators=80 subsample=0.7 colsample_bytree=0.6 random_state=10", rows);
    double other[100];
    struct err e = {0};
    size_t test[100];
    for (size_t i = 0; i < 100; i++)
        test[i] = 300 + i;
    assert_int_equal(pipeline_decision(p, w->d, test, 100, other, &e), 0);
    assert_true(memcmp(a.out, other, sizeof other) != 0);
    pipeline_free(p);
    world_free(w);
}

/* Bad xgb params name the key and the range; a damaged model block names the file. */
TEST(test_xgb_refusals)
{
    struct err e = {0};
    struct pipe_config c;
    pipeline_config_default(&c, PIPE_XGB);
    assert_int_equal(c.scaler, PREP_PASSTHROUGH);
    assert_int_equal(pipeline_config_set(&c, "subsample", "1.5", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "xgb subsample: expected a number in (0, 1], found \"1.5\"");
    assert_int_equal(pipeline_config_set(&c, "learning_rate", "0", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "xgb learning_rate: expected a number > 0, found \"0\"");
    assert_int_equal(pipeline_config_set(&c, "max_depth", "deep", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "xgb max_depth: expected an integer in [1, 30], found \"deep\"");
    assert_int_equal(pipeline_config_set(&c, "validation_fraction", "0.95", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "xgb validation_fraction: expected a number in [0, 0.9], found \"0.95\"");
    assert_int_equal(pipeline_config_set(&c, "tree_method", "exact", &e), ERR_PARAMS);
    assert_string_equal(e.msg, "xgb tree_method: expected hist, found \"exact\"");
    assert_int_equal(pipeline_config_set(&c, "n_neighbors", "5", &e), ERR_PARAMS);

    struct world *w = world_load();
    size_t rows[300];
    for (size_t i = 0; i < 300; i++)
        rows[i] = i;
    struct pipeline *p = xgb_fit_text(w, "n_estimators=5", rows), *q = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(pipeline_write(p, fp, &e), 0);
    fclose(fp);
    /* Cut inside the JSON; then a JSON that says other rounds than the block. */
    char *json = strstr(buf, "\njson\t");
    assert_non_null(json);
    fp = fmemopen(buf, (size_t)(json - buf) + 40, "r");
    assert_int_equal(pipeline_read(fp, "m.pipeline", &q, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "m.pipeline: xgb model: expected "));
    fclose(fp);
    /* One byte of the JSON edited: its checksum no longer matches. */
    char *body = strchr(json + 6, '\n') + 1, *digit = strpbrk(body + 100, "123456789");
    size_t blen = strlen(body) - 1;
    char was = *digit;
    *digit = was == '9' ? '8' : (char)(was + 1);
    fp = fmemopen(buf, len, "r");
    assert_int_equal(pipeline_read(fp, "m.pipeline", &q, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "m.pipeline: xgb model: the JSON's checksum is not the one saved with it"));
    fclose(fp);
    *digit = was;
    /* The trees XGBoost would accept but not survive: a child before its parent
     * (a cycle), a split on a feature past the width; too few trees. */
    assert_int_equal(xgb_check_trees(body, blen, p->xgb->n_features, 5), 0);
    assert_int_equal(xgb_check_trees(body, blen, p->xgb->n_features, 4), -1);
    assert_int_equal(xgb_check_trees(body, blen, p->xgb->n_features, 6), -1);
    assert_int_equal(xgb_check_trees(body, blen, 1, 5), -1);
    char *left = strstr(body, "\"left_children\":[1,");
    assert_non_null(left);
    left[17] = '0';
    assert_int_equal(xgb_check_trees(body, blen, p->xgb->n_features, 5), -1);
    left[17] = '1';
    char *rounds = strstr(buf, "\nrounds\t5\n");
    assert_non_null(rounds);
    rounds[8] = '4';
    fp = fmemopen(buf, len, "r");
    assert_int_equal(pipeline_read(fp, "m.pipeline", &q, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "the JSON has"));
    assert_null(q);
    fclose(fp);
    free(buf);
    pipeline_free(p);
    world_free(w);
}

/* Save, load, predict: the same bits; the file written again is the same. */
/* One config fitted, saved, reloaded: the same scores and the same file. */
static void round_trip(struct world *w, const char *family, const char *config, const char *path, const size_t *rows,
                       const size_t *test)
{
    struct pipe_config c;
    struct err e = {0};
    int f = 0;
    while (strcmp(pipeline_family_names[f], family))
        f++;
    pipeline_config_default(&c, (enum pipe_family)f);
    assert_int_equal(pipeline_config_parse(&c, config, &e), 0);
    struct pipeline *p = NULL, *q = NULL;
    assert_int_equal(pipeline_fit(w->d, rows, 300, &c, 1, &p, &e), 0);
    assert_int_equal(pipeline_save(p, path, &e), 0);
    assert_int_equal(pipeline_load(path, &q, &e), 0);
    assert_int_equal(pipeline_check_data(q, w->d, &e), 0);
    double a[100], b[100], da[100], db[100];
    assert_int_equal(pipeline_predict_proba(p, w->d, test, 100, a, &e), 0);
    assert_int_equal(pipeline_predict_proba(q, w->d, test, 100, b, &e), 0);
    assert_int_equal(pipeline_decision(p, w->d, test, 100, da, &e), 0);
    assert_int_equal(pipeline_decision(q, w->d, test, 100, db, &e), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_equal(da, db, sizeof da);
    char t1[1024], t2[1024];
    pipeline_config_format(&p->cfg, t1, sizeof t1);
    pipeline_config_format(&q->cfg, t2, sizeof t2);
    assert_string_equal(t1, t2);
    /* Writing the reloaded pipeline gives the same file. */
    FILE *f1 = fopen(path, "r");
    char *s1 = NULL, *s2 = NULL;
    size_t n1 = 0, n2 = 0;
    FILE *m1 = open_memstream(&s1, &n1), *m2 = open_memstream(&s2, &n2);
    int ch;
    while ((ch = fgetc(f1)) != EOF)
        fputc(ch, m1);
    fclose(f1);
    assert_int_equal(pipeline_write(q, m2, &e), 0);
    fclose(m1);
    fclose(m2);
    assert_int_equal(n1, n2);
    assert_memory_equal(s1, s2, n1);
    free(s1);
    free(s2);
    pipeline_free(p);
    pipeline_free(q);
}

/* Another table's features are refused; a damaged file names its line. */
static void check_refusals(struct world *w, const char *path, const size_t *rows)
{
    struct err e = {0};
    struct pipeline *p = NULL;
    struct pipe_config c;
    pipeline_config_default(&c, PIPE_KNN);
    assert_int_equal(pipeline_fit(w->d, rows, 300, &c, 0, &p, &e), 0);
    const char *name = w->d->spec[3].name;
    w->d->spec[3].name = "Другое";
    assert_int_equal(pipeline_check_data(p, w->d, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "feature 4: expected"));
    w->d->spec[3].name = name;
    pipeline_free(p);
    FILE *fp = fopen(path, "w");
    fputs("oneclick-pipeline\t1\nfamily\tforest\n", fp);
    fclose(fp);
    assert_int_equal(pipeline_load(path, &p, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, ":2:8: expected knn, tree, logreg, svc or xgb, found \"forest\""));
    fp = fopen(path, "w");
    fputs("oneclick-pipeline\t1\nfamily\tknn\nparams\tn_neighbors=zero\n", fp);
    fclose(fp);
    assert_int_equal(pipeline_load(path, &p, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":3:8: knn n_neighbors"));
    assert_int_equal(pipeline_load("/nonexistent/x.pipeline", &p, &e), ERR_IO);
}

TEST(test_save_load)
{
    struct world *w = world_load();
    const char *cfgs[][2] = {
        {"knn", "scaler=robust n_neighbors=9 weights=distance p=2"},
        {"knn", "scaler=passthrough n_neighbors=4 drop_first=false"},
        {"tree", "scaler=minmax max_depth=6 min_samples_leaf=3 max_features=sqrt random_state=17"},
        {"logreg", "scaler=standard penalty=l1 C=0.7"},
        {"svc", "scaler=standard kernel=rbf C=3 gamma=0.05 random_state=5"},
        {"svc", "scaler=minmax kernel=poly C=1 degree=2 gamma=auto"},
        {"xgb", "n_estimators=60 max_depth=3 subsample=0.8 colsample_bytree=0.7 random_state=4"},
        {"xgb", "n_estimators=20 subsample=0.5 random_state=4294967295"},
        {"xgb", "scaler=standard n_estimators=30 early_stopping_rounds=0 reg_alpha=0.5"},
    };
    char path[] = "/tmp/test_pipeline.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t rows[300], test[100];
    for (size_t i = 0; i < 300; i++)
        rows[i] = i;
    for (size_t i = 0; i < 100; i++)
        test[i] = 300 + i;
    for (size_t k = 0; k < sizeof cfgs / sizeof *cfgs; k++)
        round_trip(w, cfgs[k][0], cfgs[k][1], path, rows, test);
    check_refusals(w, path, rows);
    remove(path);
    world_free(w);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_config_text), cmocka_unit_test(test_data_roles),
          cmocka_unit_test(test_hand), cmocka_unit_test(test_sklearn_proba), cmocka_unit_test(test_save_load),
          cmocka_unit_test(test_xgb_oracle), cmocka_unit_test(test_xgb_deterministic),
          cmocka_unit_test(test_xgb_refusals))
