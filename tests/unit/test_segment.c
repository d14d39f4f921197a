/* Tests for lib/segment*: levels and segments at the threshold boundaries,
 * profit at risk on a hand-made table, the consent rule, lever ranking on a
 * constructed case, offers, what-if; the out-of-fold scorer and the profile
 * against scikit-learn / scipy (tests/oracle/segment.py). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"

#include "study/segment.h"

#define FIX "tests/oracle/fixtures/"

#define assert_near(got, want, tol) assert_near_at((got), (want), (tol), __FILE__, __LINE__)
static void assert_near_at(double got, double want, double tol, const char *file, int line)
{
    if (isnan(want) && isnan(got))
        return;
    if (!(fabs(got - want) <= tol * (1 + fabs(want))))
        fail_msg("%s:%d: got %.17g, want %.17g", file, line, got, want);
}

/* ---- levels and segments ---------------------------------------------- */

TEST(test_level_boundaries)
{
    const double t[] = {0.7};
    assert_int_equal(segment_level(t, 1, 0.0), 0);
    assert_int_equal(segment_level(t, 1, nextafter(0.7, 0)), 0);
    /* Exactly at the threshold: the level above. */
    assert_int_equal(segment_level(t, 1, 0.7), 1);
    assert_int_equal(segment_level(t, 1, 1.0), 1);
    assert_true(segment_level(t, 1, NAN) == SEGMENT_NONE);
    const double t2[] = {0.3, 0.7};
    assert_int_equal(segment_level(t2, 2, 0.29), 0);
    assert_int_equal(segment_level(t2, 2, 0.3), 1);
    assert_int_equal(segment_level(t2, 2, 0.69), 1);
    assert_int_equal(segment_level(t2, 2, 0.7), 2);
}

/* The default grid: segments 0 hr_hp, 1 hr_lp, 2 lr_hp, 3 lr_lp. */
static const size_t cell[] = {3, 2, 1, 0}; /* (low, low) (low, high) (high, low) (high, high) */

TEST(test_assign_boundaries)
{
    const double rt[] = {0.7}, pt[] = {4.0};
    struct segment_grid g = {rt, 1, pt, 1, cell, 4};
    const double prob[] = {0.7, 0.7, nextafter(0.7, 0), 0.1, 0.99, NAN, 0.8};
    const double profit[] = {4.0, nextafter(4.0, 0), 4.0, 3.0, 100, 5, NAN};
    size_t risk[7], pl[7], seg[7];
    struct err e = {0};
    assert_int_equal(segment_assign(&g, prob, profit, 7, risk, pl, seg, &e), 0);
    const size_t want[] = {0, 1, 2, 3, 0, SEGMENT_NONE, SEGMENT_NONE};
    for (int i = 0; i < 7; i++)
        assert_true(seg[i] == want[i]);
    assert_int_equal(risk[0], 1);
    assert_int_equal(pl[1], 0);
    assert_true(risk[5] == SEGMENT_NONE && pl[5] == 1);
    assert_true(risk[6] == 1 && pl[6] == SEGMENT_NONE);
    /* NULL outputs are allowed. */
    assert_int_equal(segment_assign(&g, prob, profit, 7, NULL, NULL, seg, &e), 0);
}

TEST(test_assign_bad_grid)
{
    const double rt[] = {0.7, 0.5}, pt[] = {4.0};
    struct segment_grid g = {rt, 2, pt, 1, cell, 4};
    size_t seg[1];
    const double pr[] = {0.5}, pf[] = {1};
    struct err e = {0};
    assert_int_equal(segment_assign(&g, pr, pf, 1, NULL, NULL, seg, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "ascending"));
    const size_t bad[] = {3, 2, 1, 7};
    struct segment_grid g2 = {rt, 1, pt, 1, bad, 4};
    assert_int_equal(segment_assign(&g2, pr, pf, 1, NULL, NULL, seg, &e), ERR_PARAMS);
}

/* ---- profit at risk ----------------------------------------------------- */

TEST(test_profit_at_risk)
{
    /* By hand: 0.9*10 + 0.5*4 + 0.2*5 = 12 (the NaN row is skipped). */
    const double prob[] = {0.9, 0.5, 0.2, NAN, 0.75};
    const double profit[] = {10, 4, 5, 3, 8};
    assert_near(segment_profit_at_risk(prob, profit, NULL, 4), 12.0, 1e-15);
    const size_t rows[] = {0, 4};
    assert_near(segment_profit_at_risk(prob, profit, rows, 2), 9.0 + 6.0, 1e-15);

    /* Two segments: {0, 4} and {1, 2}; row 3 has none. */
    const size_t seg[] = {0, 1, 1, SEGMENT_NONE, 0};
    struct segment_summary s[2];
    struct err e = {0};
    assert_int_equal(segment_summarize(prob, profit, seg, 5, 2, 1.0, s, &e), 0);
    assert_int_equal(s[0].n, 2);
    assert_near(s[0].share, 0.4, 1e-15);
    assert_near(s[0].mean_prob, (0.9 + 0.75) / 2, 1e-15);
    assert_near(s[0].profit_total, 18, 1e-15);
    assert_near(s[0].profit_mean, 9, 1e-15);
    assert_near(s[0].profit_at_risk, 15, 1e-15);
    assert_int_equal(s[1].n, 2);
    assert_near(s[1].mean_prob, 0.35, 1e-15);
    assert_near(s[1].profit_total, 9, 1e-15);
    assert_near(s[1].profit_at_risk, 3, 1e-15);
    const size_t bad[] = {0, 5, 1, 1, 1};
    assert_int_equal(segment_summarize(prob, profit, bad, 5, 2, 1.0, s, &e), ERR_DATA);
}

TEST(test_median)
{
    const double x[] = {5, NAN, 1, 3, 2};
    double m;
    struct err e = {0};
    assert_int_equal(segment_median(x, 5, &m, &e), 0);
    assert_near(m, 2.5, 1e-15);
    assert_int_equal(segment_median(x, 1, &m, &e), 0);
    assert_near(m, 5, 1e-15);
    assert_int_equal(segment_median(x + 1, 1, &m, &e), 0);
    assert_true(isnan(m));
}

/* ---- consent, offers ---------------------------------------------------- */

static const struct segment_lever levers[] = {
    {"unpaid", 0, SEGMENT_EMAIL, "mail: discount on your cart", "site: discount on your cart", "UNPAID-EMAIL",
     "UNPAID-SITE", "many unpaid items"},
    {"pages", 1, SEGMENT_SITE, "site: picks in {cat}", NULL, "PAGES-SITE", NULL, "few pages"},
    {"contacts", 1, SEGMENT_CALL, "call: campaign", "site: banner", "CONTACTS-CALL", "CONTACTS-SITE", "few contacts"},
};

TEST(test_consent_rule)
{
    enum segment_channel ch;
    /* Consent given: the contact offer as it is. */
    assert_string_equal(segment_offer_for(&levers[0], 0, &ch), "mail: discount on your cart");
    assert_int_equal(ch, SEGMENT_EMAIL);
    /* Denied: no mail, no calls; the on-site version instead. */
    assert_string_equal(segment_offer_for(&levers[0], 1, &ch), "site: discount on your cart");
    assert_int_equal(ch, SEGMENT_SITE);
    assert_string_equal(segment_offer_code(&levers[0], ch), "UNPAID-SITE");
    assert_string_equal(segment_offer_for(&levers[2], 1, &ch), "site: banner");
    assert_int_equal(ch, SEGMENT_SITE);
    assert_string_equal(segment_offer_code(&levers[2], ch), "CONTACTS-SITE");
    /* A call needs consent as a letter does. */
    assert_string_equal(segment_offer_for(&levers[2], 0, &ch), "call: campaign");
    assert_int_equal(ch, SEGMENT_CALL);
    assert_string_equal(segment_offer_code(&levers[2], ch), "CONTACTS-CALL");
    /* A site offer is the same either way. */
    assert_string_equal(segment_offer_for(&levers[1], 1, &ch), "site: picks in {cat}");
    assert_int_equal(ch, SEGMENT_SITE);
    assert_string_equal(segment_offer_for(&levers[1], 0, &ch), "site: picks in {cat}");
    assert_int_equal(ch, SEGMENT_SITE);
}

TEST(test_pick_levers)
{
    size_t out[3];
    int own = -1;
    const char *d1[] = {"revenue", "contacts", "unpaid", NULL};
    assert_int_equal(segment_pick_levers(levers, 3, d1, 4, 1, out, &own), 2);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 0);
    assert_int_equal(own, 1);
    /* No driver is a lever: the segment's first lever. */
    const char *d2[] = {"revenue", "minutes"};
    assert_int_equal(segment_pick_levers(levers, 3, d2, 2, 1, out, &own), 1);
    assert_int_equal(out[0], 1);
    assert_int_equal(own, 0);
    assert_int_equal(segment_pick_levers(levers, 3, d2, 2, SEGMENT_NONE, out, &own), 0);
    /* A driver named twice is offered once. */
    const char *d3[] = {"pages", "pages"};
    assert_int_equal(segment_pick_levers(levers, 3, d3, 2, 0, out, NULL), 1);
    assert_int_equal(out[0], 1);
}

/* ---- lever ranking ------------------------------------------------------ */

TEST(test_lever_gap)
{
    /* Segment mean 2, reference mean 4, both sd 1: SMD -2. */
    const double a[] = {1, 2, 3}, b[] = {3, 4, 5};
    double g;
    struct err e = {0};
    assert_int_equal(segment_lever_gap(a, 3, b, 3, 0, &g, &e), 0);
    assert_near(g, -2, 1e-15); /* lower is the helpful side of a decrease lever */
    assert_int_equal(segment_lever_gap(a, 3, b, 3, 1, &g, &e), 0);
    assert_near(g, 2, 1e-15); /* the segment is 2 sd short of the reference */
}

TEST(test_rank_levers)
{
    /* phi ranks 3 1 2 4 (NaN last), gap ranks 3 4 2 1: sums 6 5 4 5.
     * Lever 2 first (4); levers 1 and 3 tie at 5 and lever 1 has the larger
     * phi; lever 0 last (6). */
    struct segment_lever_score s[4] = {{.mean_phi = 0.1, .gap = 1.0},
                                       {.mean_phi = 0.3, .gap = 0.5},
                                       {.mean_phi = 0.2, .gap = 2.0},
                                       {.mean_phi = NAN, .gap = 3.0}};
    size_t order[4];
    struct err e = {0};
    assert_int_equal(segment_rank_levers(s, 4, order, &e), 0);
    const size_t rp[] = {3, 1, 2, 4}, rg[] = {3, 4, 2, 1}, want[] = {2, 1, 3, 0}, rank[] = {4, 2, 1, 3};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s[i].rank_phi, rp[i]);
        assert_int_equal(s[i].rank_gap, rg[i]);
        assert_int_equal(order[i], want[i]);
        assert_int_equal(s[i].rank, rank[i]);
    }
    /* Equal values share a rank; the full tie falls back to params order. */
    struct segment_lever_score t[3] = {{.mean_phi = 0.2, .gap = 1}, {.mean_phi = 0.2, .gap = 1},
                                       {.mean_phi = 0.5, .gap = 0}};
    assert_int_equal(segment_rank_levers(t, 3, order, &e), 0);
    assert_int_equal(t[0].rank_phi, 2);
    assert_int_equal(t[1].rank_phi, 2);
    assert_int_equal(t[0].rank_gap, 1);
    assert_int_equal(t[2].rank_gap, 3);
    /* sums: 3, 3, 4 */
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 2);
}

TEST(test_whatif_value)
{
    assert_near(segment_whatif_value(5, 2, 0, INFINITY), 2, 0);  /* decrease: down to the median */
    assert_near(segment_whatif_value(1, 2, 0, INFINITY), 1, 0);  /* already better: kept */
    assert_near(segment_whatif_value(3, 10, 1, INFINITY), 10, 0); /* increase: up to the median */
    assert_near(segment_whatif_value(12, 10, 1, INFINITY), 12, 0);
    assert_true(isnan(segment_whatif_value(NAN, 10, 1, INFINITY)));
    /* Bounded: at most max_step towards the median, never past it. */
    assert_near(segment_whatif_value(5, 2, 0, 0.5), 4.5, 0);
    assert_near(segment_whatif_value(2.2, 2, 0, 0.5), 2, 0);
    assert_near(segment_whatif_value(3, 10, 1, 2), 5, 0);
    assert_near(segment_whatif_value(12, 10, 1, 2), 12, 0);
    assert_near(segment_whatif_value(3, 10, 1, 0), 3, 0);
}

/* ---- the scorer against sklearn's cross_val_predict --------------------- */

TEST(test_scorer_oof)
{
    static const char *const str[] = {"id", NULL};
    struct table *t = NULL;
    struct err e = {0};
    assert_int_equal(table_read_tsv(FIX "segment_oof.tsv", str, &t, &e), 0);
    size_t n = t->nrows;
    long cx1 = table_find(t, "x1"), cx2 = table_find(t, "x2"), cy = table_find(t, "y"), ct = table_find(t, "is_train");
    long cp = table_find(t, "prob"), ci = table_find(t, "insample");
    struct prep_spec spec[2] = {{"x1", PREP_NUMERIC, PREP_PASSTHROUGH, 0, NULL, 0},
                                {"x2", PREP_NUMERIC, PREP_PASSTHROUGH, 0, NULL, 0}};
    struct prep_input in[2] = {{t->cols[cx1].num, NULL}, {t->cols[cx2].num, NULL}};
    int *y = malloc(n * sizeof *y);
    unsigned char *is_train = malloc(n);
    size_t *tr = malloc(n * sizeof *tr), ntr = 0;
    for (size_t i = 0; i < n; i++) {
        y[i] = (int)t->cols[cy].num[i];
        is_train[i] = t->cols[ct].num[i] != 0;
        if (is_train[i])
            tr[ntr++] = i;
    }
    struct pipe_data d = {n, 2, spec, in, y, t->cols[0].str};
    struct pipe_config c;
    pipeline_config_default(&c, PIPE_KNN);
    c.scaler = PREP_STANDARD;
    c.knn.n_neighbors = 5;
    struct pipeline *final = NULL;
    assert_int_equal(pipeline_fit(&d, tr, ntr, &c, 1, &final, &e), 0);
    struct segment_scorer *sc = NULL;
    assert_int_equal(segment_scorer_fit(&d, is_train, NULL, final, 3, 0, 42, &sc, &e), 0);
    double *p = malloc(n * sizeof *p), *pin = malloc(n * sizeof *pin);
    assert_int_equal(segment_scorer_predict(sc, &d, NULL, n, p, &e), 0);
    size_t differ = 0;
    assert_int_equal(pipeline_predict_proba(final, &d, tr, ntr, pin, &e), 0);
    for (size_t i = 0, k = 0; i < n; i++) {
        assert_near(p[i], t->cols[cp].num[i], 1e-12);
        assert_true(is_train[i] ? sc->model[i] >= 0 && sc->model[i] < 3 : sc->model[i] == -1);
        if (is_train[i]) {
            assert_near(pin[k], t->cols[ci].num[i], 1e-12);
            differ += pin[k] != p[i];
            k++;
        }
    }
    /* Out-of-fold is not in-sample: 18 of the 45 training rows get another
     * number (k = 5 uniform: probabilities are fifths, so many coincide). */
    assert_int_equal(differ, 18);
    /* A subset of rows, in any order, gets the same numbers. */
    const size_t rows[] = {7, 3, 0};
    double q[3];
    assert_int_equal(segment_scorer_predict(sc, &d, rows, 3, q, &e), 0);
    for (int k = 0; k < 3; k++)
        assert_true(q[k] == p[rows[k]]);
    /* Too many folds for a class: refused. */
    struct segment_scorer *bad = NULL;
    assert_int_equal(segment_scorer_fit(&d, is_train, NULL, final, 1000, 0, 42, &bad, &e), ERR_PARAMS);
    assert_null(bad);
    segment_scorer_free(sc);
    pipeline_free(final);
    free(p);
    free(pin);
    free(y);
    free(is_train);
    free(tr);
    table_free(t);
}

/* ---- the profile against scipy ------------------------------------------ */

static double fixture_value(const char *key)
{
    FILE *f = fopen(FIX "segment_profile.tsv", "r");
    char line[256];
    double v = NAN;
    while (f && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (strcmp(line, key) == 0)
            v = strtod(tab + 1, NULL);
    }
    if (f)
        fclose(f);
    if (isnan(v))
        fail_msg("no fixture value %s", key);
    return v;
}

static long row_of(const struct table *p, const char *feature, const char *kind, const char *level)
{
    for (size_t r = 0; r < p->nrows; r++)
        if (!strcmp(p->cols[0].str[r], feature) && !strcmp(p->cols[1].str[r], kind) &&
            (level ? p->cols[2].str[r] && !strcmp(p->cols[2].str[r], level) : !p->cols[2].str[r]))
            return (long)r;
    fail_msg("no profile row %s %s %s", feature, kind, level ? level : "");
    return -1;
}

static double cell_of(const struct table *p, long r, const char *col)
{
    return p->cols[table_find(p, col)].num[r];
}

TEST(test_profile)
{
    static const char *const str[] = {"c", "o", NULL};
    static const char *const ord[] = {"lo", "hi"};
    struct table *t = NULL, *p = NULL;
    struct err e = {0};
    assert_int_equal(table_read_tsv(FIX "segment_profile_data.tsv", str, &t, &e), 0);
    size_t n = t->nrows;
    unsigned char *g = malloc(n);
    for (size_t i = 0; i < n; i++)
        g[i] = (unsigned char)t->cols[table_find(t, "group")].num[i];
    struct prep_spec spec[3] = {{"x", PREP_NUMERIC, PREP_PASSTHROUGH, 0, NULL, 0},
                                {"c", PREP_NOMINAL, PREP_PASSTHROUGH, 1, NULL, 0},
                                {"o", PREP_ORDINAL, PREP_PASSTHROUGH, 0, ord, 2}};
    struct prep_input in[3] = {{t->cols[table_find(t, "x")].num, NULL},
                               {NULL, (const char *const *)t->cols[table_find(t, "c")].str},
                               {NULL, (const char *const *)t->cols[table_find(t, "o")].str}};
    struct pipe_data d = {n, 3, spec, in, NULL, NULL};
    assert_int_equal(segment_profile(&d, g, &p, &e), 0);
    /* x, c + 3 levels, o + 2 levels. */
    assert_int_equal(p->nrows, 1 + 4 + 3);
    long r = row_of(p, "x", "numeric", NULL);
    static const char *const xs[] = {"segment", "reference", "segment_sd", "reference_sd", "smd", "stat", "df", "p",
                                     "p_holm"};
    char key[64];
    for (size_t k = 0; k < sizeof xs / sizeof *xs; k++) {
        snprintf(key, sizeof key, "x.%s", xs[k]);
        assert_near(cell_of(p, r, xs[k]), fixture_value(key), 1e-10);
    }
    static const char *const cs[] = {"stat", "df", "p", "p_holm"};
    for (int f = 0; f < 2; f++) {
        const char *name = f ? "o" : "c";
        r = row_of(p, name, "categorical", NULL);
        for (size_t k = 0; k < 4; k++) {
            snprintf(key, sizeof key, "%s.%s", name, cs[k]);
            assert_near(cell_of(p, r, cs[k]), fixture_value(key), 1e-10);
        }
    }
    static const char *const lv[][2] = {{"c", "a"}, {"c", "b"}, {"c", "c"}, {"o", "lo"}, {"o", "hi"}};
    for (int k = 0; k < 5; k++) {
        r = row_of(p, lv[k][0], "level", lv[k][1]);
        snprintf(key, sizeof key, "%s=%s.segment", lv[k][0], lv[k][1]);
        assert_near(cell_of(p, r, "segment"), fixture_value(key), 1e-15);
        snprintf(key, sizeof key, "%s=%s.reference", lv[k][0], lv[k][1]);
        assert_near(cell_of(p, r, "reference"), fixture_value(key), 1e-15);
    }
    /* Ordinal levels in their order, not sorted. */
    assert_string_equal(p->cols[2].str[row_of(p, "o", "categorical", NULL) + 1], "lo");
    table_free(p);
    table_free(t);
    free(g);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_level_boundaries), cmocka_unit_test(test_assign_boundaries),
          cmocka_unit_test(test_assign_bad_grid), cmocka_unit_test(test_profit_at_risk), cmocka_unit_test(test_median),
          cmocka_unit_test(test_consent_rule), cmocka_unit_test(test_pick_levers), cmocka_unit_test(test_lever_gap),
          cmocka_unit_test(test_rank_levers), cmocka_unit_test(test_whatif_value), cmocka_unit_test(test_scorer_oof),
          cmocka_unit_test(test_profile))
