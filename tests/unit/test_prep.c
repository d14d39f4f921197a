/* Tests for lib/prep: scalers and encoders by hand, the text form (bit-exact
 * reload, diagnostics), and known answers from scikit-learn 1.2 on the real
 * market_file columns (tests/oracle/metrics_prep.py ->
 * tests/oracle/fixtures/prep_*.tsv). Training rows there: i % 4 != 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/prep.h"
#include "fixture.h"

/* ---- the real market_file.csv (no quoted fields in it) ---- */
#define MCOLS 13
struct market {
    size_t n;
    char *head[MCOLS];
    char **str[MCOLS]; /* n strings per column */
    double *num[MCOLS];
};

static char *chomp(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
    return s;
}

static struct market *market_load(void)
{
    const char *dir = getenv("ONECLICK_REAL");
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/market_file.csv", dir ? dir : "data/raw");
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct market *m = calloc(1, sizeof *m);
    for (int c = 0; c < MCOLS; c++) {
        m->str[c] = calloc(2000, sizeof(char *));
        m->num[c] = calloc(2000, sizeof(double));
    }
    int row = -1;
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        char *s = line;
        for (int c = 0; c < MCOLS; c++) {
            char *comma = strchr(s, ',');
            assert_true(c == MCOLS - 1 ? comma == NULL : comma != NULL);
            if (comma)
                *comma = '\0';
            if (row < 0) {
                m->head[c] = strdup(s);
            } else {
                m->str[c][row] = strdup(s);
                m->num[c][row] = strtod(s, NULL);
            }
            s = comma + 1;
        }
        row++;
    }
    fclose(f);
    m->n = (size_t)row;
    return m;
}

static void market_free(struct market *m)
{
    for (int c = 0; c < MCOLS; c++) {
        free(m->head[c]);
        for (size_t i = 0; i < m->n; i++)
            free(m->str[c][i]);
        free(m->str[c]);
        free(m->num[c]);
    }
    free(m);
}

static int mcol(const struct market *m, const char *name)
{
    for (int c = 0; c < MCOLS; c++)
        if (strcmp(m->head[c], name) == 0)
            return c;
    fail_msg("no column %s", name);
    return -1;
}

static const char *const numeric[] = {"Маркет_актив_6_мес", "Маркет_актив_тек_мес", "Длительность",
                                      "Акционные_покупки", "Средний_просмотр_категорий_за_визит",
                                      "Неоплаченные_продукты_штук_квартал", "Ошибка_сервиса", "Страниц_за_визит"};

/* ---- hand cases ---- */

TEST(test_scalers_hand)
{
    struct err e = {0};
    struct prep_scale s;
    double x[] = {1, 2, 3, 4};
    assert_int_equal(prep_scale_fit(PREP_STANDARD, x, 4, &s, &e), 0);
    assert_true(s.a == 2.5 && s.b == sqrt(1.25));
    assert_true(prep_scale_apply(&s, 4) == 1.5 / sqrt(1.25));
    /* constant: scale 1, maps to 0 */
    double c[] = {5, 5, 5};
    assert_int_equal(prep_scale_fit(PREP_STANDARD, c, 3, &s, &e), 0);
    assert_true(s.b == 1 && prep_scale_apply(&s, 5) == 0);
    assert_int_equal(prep_scale_fit(PREP_MINMAX, c, 3, &s, &e), 0);
    assert_true(prep_scale_apply(&s, 5) == 0);
    /* NaN ignored when fitting, passed through when applying */
    double xn[] = {1, NAN, 3};
    assert_int_equal(prep_scale_fit(PREP_STANDARD, xn, 3, &s, &e), 0);
    assert_true(s.a == 2 && s.b == 1);
    assert_true(isnan(prep_scale_apply(&s, NAN)));
    double mm[] = {2, 4, 6};
    assert_int_equal(prep_scale_fit(PREP_MINMAX, mm, 3, &s, &e), 0);
    assert_true(prep_scale_apply(&s, 2) == 0 && prep_scale_apply(&s, 4) == 0.5 && prep_scale_apply(&s, 6) == 1);
    assert_true(prep_scale_apply(&s, 8) == 1.5);
    double rb[] = {100, 1, 3, 2, 4};
    assert_int_equal(prep_scale_fit(PREP_ROBUST, rb, 5, &s, &e), 0);
    assert_true(s.a == 3 && s.b == 2);
    /* IQR 0 -> scale 1 */
    double r0[] = {1, 1, 5, 1, 1};
    assert_int_equal(prep_scale_fit(PREP_ROBUST, r0, 5, &s, &e), 0);
    assert_true(s.a == 1 && s.b == 1);
    /* numpy.percentile([1, 2, 3, 4], [25, 75]) = 1.75, 3.25 */
    assert_true(prep_percentile_sorted(x, 4, 25) == 1.75);
    assert_true(prep_percentile_sorted(x, 4, 75) == 3.25);
    assert_true(prep_percentile_sorted(x, 4, 100) == 4);
    enum prep_scaler k;
    assert_int_equal(prep_scaler_from_name("robust", &k, &e), 0);
    assert_int_equal(k, PREP_ROBUST);
    assert_string_equal(prep_scaler_name(PREP_MINMAX), "minmax");
    assert_int_equal(prep_scaler_from_name("Standard", &k, &e), ERR_PARAMS);
    assert_string_equal(e.msg, "expected a scaler passthrough, standard, minmax or robust, found \"Standard\"");
    double allnan[] = {NAN, NAN};
    assert_int_equal(prep_scale_fit(PREP_ROBUST, allnan, 2, &s, &e), ERR_DATA);
}

static const char *const col_city[] = {"b", "a", "c", "a", "b", "zz"};
static const char *const col_size[] = {"M", "S", "L", "M", "L", "S"};
static double col_age[] = {10, 20, 30, 40, 50, 60};
static const char *const size_order[] = {"S", "M", "L"};

static void hand_spec(struct prep_spec *sp, struct prep_input *in)
{
    memset(sp, 0, 3 * sizeof *sp);
    sp[0] = (struct prep_spec){.name = "city", .role = PREP_NOMINAL, .drop_first = 1};
    sp[1] = (struct prep_spec){.name = "age", .role = PREP_NUMERIC, .scaler = PREP_MINMAX};
    sp[2] = (struct prep_spec){.name = "size", .role = PREP_ORDINAL, .scaler = PREP_PASSTHROUGH,
                               .order = size_order, .norder = 3};
    in[0] = (struct prep_input){.str = col_city};
    in[1] = (struct prep_input){.num = col_age};
    in[2] = (struct prep_input){.str = col_size};
}

TEST(test_transformer_hand)
{
    struct err e = {0};
    struct prep_spec sp[3];
    struct prep_input in[3];
    hand_spec(sp, in);
    /* fit on rows 0..4: city categories a < b < c; "zz" (row 5) is unknown */
    size_t train[] = {0, 1, 2, 3, 4};
    struct prep *p;
    assert_int_equal(prep_fit(sp, 3, in, train, 5, &p, &e), 0);
    assert_int_equal(p->nout, 4);
    const char *names[] = {"city=b", "city=c", "age", "size"};
    const size_t feat[] = {0, 0, 1, 2};
    for (size_t j = 0; j < 4; j++) {
        assert_string_equal(p->out_names[j], names[j]);
        assert_int_equal(p->out_feat[j], feat[j]);
    }
    double X[6 * 4];
    assert_int_equal(prep_transform(p, in, NULL, 6, X, &e), 0);
    const double want[6][4] = {{1, 0, 0, 1}, {0, 0, 0.25, 0}, {0, 1, 0.5, 2},
                               {0, 0, 0.75, 1}, {1, 0, 1, 2}, {0, 0, 1.25, 0}};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 4; j++)
            assert_true(X[i * 4 + j] == want[i][j]);
    prep_free(p);

    /* drop none: all three categories; unknown still all zeros */
    sp[0].drop_first = 0;
    assert_int_equal(prep_fit(sp, 1, in, train, 5, &p, &e), 0);
    assert_int_equal(p->nout, 3);
    assert_string_equal(p->out_names[0], "city=a");
    size_t rows[] = {5, 3};
    assert_int_equal(prep_transform(p, in, rows, 2, X, &e), 0);
    const double want2[] = {0, 0, 0, 1, 0, 0};
    for (size_t j = 0; j < 6; j++)
        assert_true(X[j] == want2[j]);
    prep_free(p);

    /* ordinal: an unknown category is an error naming it */
    const char *bad[] = {"S", "M", "XL"};
    in[2].str = bad;
    assert_int_equal(prep_fit(sp, 3, in, NULL, 3, &p, &e), ERR_DATA);
    assert_null(p);
    assert_string_equal(e.msg, "feature \"size\", row 2: expected one of the 3 ordered categories, found \"XL\"");
    /* missing strings are rejected */
    const char *miss[] = {"a", NULL};
    in[0].str = miss;
    assert_int_equal(prep_fit(sp, 1, in, NULL, 2, &p, &e), ERR_DATA);
    assert_string_equal(e.msg, "feature \"city\", row 1: expected a category, found a missing value");
}

/* ---- text form ---- */

/* A nominal feature's categories are its distinct values, sorted: a few
 * (found in one pass) and more than 64 (sorted all), repeated in any order. */
TEST(test_many_categories)
{
    struct err e = {0};
    for (size_t ncat = 3; ncat <= 300; ncat += 297) {
        size_t n = 3 * ncat;
        char (*txt)[24] = malloc(ncat * sizeof *txt);
        const char **col = malloc(n * sizeof *col);
        assert_non_null(txt);
        assert_non_null(col);
        for (size_t c = 0; c < ncat; c++)
            snprintf(txt[c], sizeof txt[c], "c%03zu", c);
        for (size_t i = 0; i < n; i++)
            col[i] = txt[(i * 7 + i / ncat) % ncat]; /* every value, out of order */
        struct prep_spec sp = {.name = "cat", .role = PREP_NOMINAL};
        struct prep_input in = {.str = col};
        struct prep *p;
        assert_int_equal(prep_fit(&sp, 1, &in, NULL, n, &p, &e), 0);
        assert_int_equal(p->feat[0].ncat, ncat);
        for (size_t c = 0; c < ncat; c++)
            assert_string_equal(p->feat[0].cats[c], txt[c]);
        prep_free(p);
        free(col);
        free(txt);
    }
}

TEST(test_save_load_bitexact)
{
    struct err e = {0};
    struct prep_spec sp[3];
    struct prep_input in[3];
    hand_spec(sp, in);
    sp[1].scaler = PREP_STANDARD; /* irrational scale: exercises %.17g */
    sp[2].scaler = PREP_ROBUST;
    struct prep *p, *q;
    assert_int_equal(prep_fit(sp, 3, in, NULL, 5, &p, &e), 0);
    char path[] = "/tmp/test_prep.XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    assert_int_equal(prep_save(p, path, &e), 0);
    assert_int_equal(prep_load(path, &q, &e), 0);
    assert_int_equal(q->nout, p->nout);
    for (size_t j = 0; j < p->nout; j++) {
        assert_string_equal(q->out_names[j], p->out_names[j]);
        assert_int_equal(q->out_feat[j], p->out_feat[j]);
    }
    double X1[24], X2[24];
    assert_int_equal(prep_transform(p, in, NULL, 6, X1, &e), 0);
    assert_int_equal(prep_transform(q, in, NULL, 6, X2, &e), 0);
    assert_memory_equal(X1, X2, sizeof X1);
    prep_free(q);

    FILE *f = fopen(path, "r");
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "oneclick-prep\t1\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "nfeat\t3\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "feature\tcity\tnominal\tpassthrough\t1\t3\t0\t1\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "cat\ta\n");
    fclose(f);

    /* diagnostics: file:line:col, expected, found */
    f = fopen(path, "w");
    fputs("oneclick-prep\t1\nnfeat\t1\nfeature\tage\tnumeric\tstandard\t0\t0\t1.5\tx2\nend\n", f);
    fclose(f);
    assert_int_equal(prep_load(path, &q, &e), ERR_DATA);
    char want[512];
    snprintf(want, sizeof want, "%s:3:38: expected a number, found \"x2\"", path);
    assert_string_equal(e.msg, want);
    f = fopen(path, "w");
    fputs("oneclick-prep\t1\nnfeat\t1\nfeature\tcity\tnominal\tpassthrough\t0\t2\t0\t1\ncat\tb\ncat\ta\nend\n", f);
    fclose(f);
    assert_int_equal(prep_load(path, &q, &e), ERR_DATA);
    snprintf(want, sizeof want, "%s:5:5: expected categories in increasing byte order, found \"a\"", path);
    assert_string_equal(e.msg, want);
    f = fopen(path, "w");
    fputs("oneclick-prep\t1\nnfeat\t2\nfeature\tage\tnumeric\tstandard\t0\t0\t1.5\t2\nend\n", f);
    fclose(f);
    assert_int_equal(prep_load(path, &q, &e), ERR_DATA);
    snprintf(want, sizeof want, "%s:4:1: expected \"feature\", found \"end\"", path);
    assert_string_equal(e.msg, want);
    unlink(path);
    prep_free(p);
}

/* ---- scikit-learn on the real columns ---- */

static size_t *train_rows(size_t n, size_t *nt)
{
    size_t *r = malloc(n * sizeof *r);
    *nt = 0;
    for (size_t i = 0; i < n; i++)
        if (i % 4 != 0)
            r[(*nt)++] = i;
    return r;
}

/* Compare output column `name` of X (n x p, all rows) with fixture block. */
static size_t check_block(const struct tsv *v, const char *block, const struct prep *p, const double *X,
                          double tol)
{
    size_t checked = 0;
    for (size_t r = 0; r < v->nrows; r++) {
        if (strcmp(tsv_cell(v, r, 0), block))
            continue;
        size_t j = 0;
        while (j < p->nout && strcmp(p->out_names[j], tsv_cell(v, r, 1)))
            j++;
        if (j == p->nout)
            fail_msg("%s: no output column %s", block, tsv_cell(v, r, 1));
        size_t i = (size_t)atol(tsv_cell(v, r, 2));
        assert_close(X[i * p->nout + j], strtod(tsv_cell(v, r, 3), NULL), tol);
        checked++;
    }
    return checked;
}

TEST(test_real_scalers)
{
    struct market *m = market_load();
    if (!m)
        skip();
    assert_int_equal(m->n, 1300);
    struct tsv *par = tsv_read(FIX "prep_params.tsv"), *val = tsv_read(FIX "prep_values.tsv");
    size_t nt, *train = train_rows(m->n, &nt);
    const char *kinds[] = {"standard", "minmax", "robust"};
    const enum prep_scaler sc[] = {PREP_STANDARD, PREP_MINMAX, PREP_ROBUST};
    for (size_t k = 0; k < 3; k++) {
        struct prep_spec sp[8];
        struct prep_input in[8];
        for (size_t j = 0; j < 8; j++) {
            sp[j] = (struct prep_spec){.name = numeric[j], .role = PREP_NUMERIC, .scaler = sc[k]};
            in[j] = (struct prep_input){.num = m->num[mcol(m, numeric[j])]};
        }
        struct prep *p;
        struct err e = {0};
        assert_int_equal(prep_fit(sp, 8, in, train, nt, &p, &e), 0);
        size_t np = 0;
        for (size_t r = 0; r < par->nrows; r++) {
            if (strcmp(tsv_cell(par, r, 0), kinds[k]))
                continue;
            size_t j = 0;
            while (strcmp(numeric[j], tsv_cell(par, r, 1)))
                j++;
            double want = strtod(tsv_cell(par, r, 3), NULL);
            double got = tsv_cell(par, r, 2)[0] == 'a' ? p->feat[j].scale.a : p->feat[j].scale.b;
            /* sklearn sums in another order for the mean/variance */
            assert_close(got, want, sc[k] == PREP_STANDARD ? 1e-12 * fabs(want) : 0);
            np++;
        }
        assert_int_equal(np, 16);
        double *X = malloc(m->n * 8 * sizeof *X);
        assert_int_equal(prep_transform(p, in, NULL, m->n, X, &e), 0);
        assert_int_equal(check_block(val, kinds[k], p, X, sc[k] == PREP_STANDARD ? 1e-12 : 0), 800);
        free(X);
        prep_free(p);
    }
    free(train);
    tsv_free(par);
    tsv_free(val);
    market_free(m);
}

TEST(test_real_encoders)
{
    struct market *m = market_load();
    if (!m)
        skip();
    struct tsv *val = tsv_read(FIX "prep_values.tsv"), *cats = tsv_read(FIX "prep_onehot_cats.tsv");
    size_t nt, *train = train_rows(m->n, &nt);
    const char *nominal[] = {"Тип сервиса", "Разрешить сообщать", "Популярная_категория"};
    /* fit without «Кухонная посуда»: it is unknown at transform */
    size_t nf = 0, *fit = malloc(nt * sizeof *fit);
    int cat = mcol(m, "Популярная_категория");
    for (size_t i = 0; i < nt; i++)
        if (strcmp(m->str[cat][train[i]], "Кухонная посуда"))
            fit[nf++] = train[i];
    for (int drop = 0; drop <= 1; drop++) {
        struct prep_spec sp[3];
        struct prep_input in[3];
        for (size_t j = 0; j < 3; j++) {
            sp[j] = (struct prep_spec){.name = nominal[j], .role = PREP_NOMINAL, .drop_first = drop};
            in[j] = (struct prep_input){.str = (const char *const *)m->str[mcol(m, nominal[j])]};
        }
        struct prep *p;
        struct err e = {0};
        assert_int_equal(prep_fit(sp, 3, in, fit, nf, &p, &e), 0);
        if (!drop) {
            /* sklearn's categories_, in its (sorted) order */
            size_t k = 0;
            for (size_t j = 0; j < 3; j++)
                for (size_t c = 0; c < p->feat[j].ncat; c++, k++) {
                    assert_string_equal(tsv_cell(cats, k, 0), nominal[j]);
                    assert_string_equal(tsv_cell(cats, k, 2), p->feat[j].cats[c]);
                }
            assert_int_equal(k, cats->nrows);
            assert_int_equal(p->nout, 10);
        } else {
            assert_int_equal(p->nout, 7);
            assert_string_equal(p->out_names[0], "Тип сервиса=стандарт");
            assert_int_equal(p->out_feat[6], 2);
        }
        double *X = malloc(m->n * p->nout * sizeof *X);
        assert_int_equal(prep_transform(p, in, NULL, m->n, X, &e), 0);
        assert_int_equal(check_block(val, drop ? "onehot_first" : "onehot", p, X, 0), drop ? 735 : 1050);
        free(X);
        prep_free(p);
    }

    /* ordinal, with the «стандартт» typo: an error naming it; then fixed */
    int svc = mcol(m, "Тип сервиса");
    const char *svc_order[] = {"стандарт", "премиум"}, *ok_order[] = {"нет", "да"};
    struct prep_spec sp[2] = {
        {.name = "Тип сервиса", .role = PREP_ORDINAL, .order = svc_order, .norder = 2},
        {.name = "Разрешить сообщать", .role = PREP_ORDINAL, .order = ok_order, .norder = 2}};
    struct prep_input in[2] = {{.str = (const char *const *)m->str[svc]},
                               {.str = (const char *const *)m->str[mcol(m, "Разрешить сообщать")]}};
    struct prep *p;
    struct err e = {0};
    assert_int_equal(prep_fit(sp, 2, in, NULL, m->n, &p, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected one of the 2 ordered categories, found \"стандартт\""));
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->str[svc][i], "стандартт") == 0)
            m->str[svc][i][strlen("стандарт")] = '\0';
    assert_int_equal(prep_fit(sp, 2, in, train, nt, &p, &e), 0);
    double *X = malloc(m->n * 2 * sizeof *X);
    assert_int_equal(prep_transform(p, in, NULL, m->n, X, &e), 0);
    assert_int_equal(check_block(val, "ordinal", p, X, 0), 200);
    free(X);
    prep_free(p);

    free(fit);
    free(train);
    tsv_free(val);
    tsv_free(cats);
    market_free(m);
}

/* The study's transformer: nominal one-hot (drop first), two ordinals
 * scaled to [0, 1], eight numerics standardised; = sklearn's
 * ColumnTransformer of the same pieces. Also reloaded from text. */
TEST(test_real_column_transformer)
{
    struct market *m = market_load();
    if (!m)
        skip();
    struct tsv *val = tsv_read(FIX "prep_values.tsv");
    int svc = mcol(m, "Тип сервиса");
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->str[svc][i], "стандартт") == 0)
            m->str[svc][i][strlen("стандарт")] = '\0';
    const char *svc_order[] = {"стандарт", "премиум"}, *ok_order[] = {"нет", "да"};
    struct prep_spec sp[11] = {
        {.name = "Популярная_категория", .role = PREP_NOMINAL, .drop_first = 1},
        {.name = "Тип сервиса", .role = PREP_ORDINAL, .scaler = PREP_MINMAX, .order = svc_order, .norder = 2},
        {.name = "Разрешить сообщать", .role = PREP_ORDINAL, .scaler = PREP_MINMAX, .order = ok_order, .norder = 2}};
    struct prep_input in[11];
    for (size_t j = 0; j < 3; j++)
        in[j] = (struct prep_input){.str = (const char *const *)m->str[mcol(m, sp[j].name)]};
    for (size_t j = 0; j < 8; j++) {
        sp[3 + j] = (struct prep_spec){.name = numeric[j], .role = PREP_NUMERIC, .scaler = PREP_STANDARD};
        in[3 + j] = (struct prep_input){.num = m->num[mcol(m, numeric[j])]};
    }
    size_t nt, *train = train_rows(m->n, &nt);
    struct prep *p, *q;
    struct err e = {0};
    assert_int_equal(prep_fit(sp, 11, in, train, nt, &p, &e), 0);
    assert_int_equal(p->nout, 15);
    assert_string_equal(p->out_names[3], "Популярная_категория=Техника для красоты и здоровья");
    assert_int_equal(p->out_feat[4], 0);
    assert_int_equal(p->out_feat[5], 1);
    assert_int_equal(p->out_feat[14], 10);
    double *X = malloc(m->n * 15 * sizeof *X), *X2 = malloc(m->n * 15 * sizeof *X2);
    assert_int_equal(prep_transform(p, in, NULL, m->n, X, &e), 0);
    assert_int_equal(check_block(val, "ct", p, X, 1e-12), 1500);

    char path[] = "/tmp/test_prep_ct.XXXXXX";
    close(mkstemp(path));
    assert_int_equal(prep_save(p, path, &e), 0);
    assert_int_equal(prep_load(path, &q, &e), 0);
    unlink(path);
    assert_int_equal(prep_transform(q, in, NULL, m->n, X2, &e), 0);
    assert_memory_equal(X, X2, m->n * 15 * sizeof *X);
    prep_free(q);
    prep_free(p);
    free(X);
    free(X2);
    free(train);
    tsv_free(val);
    market_free(m);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_scalers_hand), cmocka_unit_test(test_transformer_hand),
          cmocka_unit_test(test_many_categories), cmocka_unit_test(test_save_load_bitexact), cmocka_unit_test(test_real_scalers),
          cmocka_unit_test(test_real_encoders), cmocka_unit_test(test_real_column_transformer))
