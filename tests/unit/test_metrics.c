/* Tests for lib/metrics: hand-computed cases, DeLong against its O(n^2)
 * definition, and known answers from scikit-learn 1.2
 * (tests/oracle/metrics_prep.py -> tests/oracle/fixtures/metrics_*.tsv). */
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

#include <gsl/gsl_rng.h>

#include "stats/metrics.h"
#include "fixture.h"

/* ---- hand-computed cases ---- */

TEST(test_auc_hand)
{
    struct err e = {0};
    double auc;
    int y1[] = {0, 0, 1, 1};
    double s1[] = {0.1, 0.4, 0.35, 0.8};
    assert_int_equal(metrics_roc_auc(y1, s1, 4, &auc, &e), 0);
    assert_true(auc == 0.75);
    /* Ties: pairs (pos, neg) = (.5,.5) 1/2, (.5,.2) 1, (.9,.5) 1, (.9,.2) 1. */
    int y2[] = {0, 1, 0, 1};
    double s2[] = {0.5, 0.5, 0.2, 0.9};
    assert_int_equal(metrics_roc_auc(y2, s2, 4, &auc, &e), 0);
    assert_true(auc == 0.875);
    /* All scores equal: 1/2. */
    double s3[] = {0.3, 0.3, 0.3, 0.3};
    assert_int_equal(metrics_roc_auc(y2, s3, 4, &auc, &e), 0);
    assert_true(auc == 0.5);
}

TEST(test_errors)
{
    struct err e = {0};
    double v;
    int one[] = {1, 1, 1};
    double s[] = {0.1, 0.2, 0.3};
    assert_int_equal(metrics_roc_auc(one, s, 3, &v, &e), ERR_DATA);
    assert_string_equal(e.msg, "roc auc needs both classes, found 3 positive and 0 negative rows");
    int bad[] = {0, 2, 1};
    assert_int_equal(metrics_roc_auc(bad, s, 3, &v, &e), ERR_DATA);
    assert_string_equal(e.msg, "row 1: expected a label 0 or 1, found 2");
    int y[] = {0, 1, 1};
    double sn[] = {0.1, NAN, 0.3};
    assert_int_equal(metrics_roc_auc(y, sn, 3, &v, &e), ERR_DATA);
    double p[] = {0.1, 1.5, 0.3};
    assert_int_equal(metrics_log_loss(y, p, 3, 1e-15, &v, &e), ERR_DATA);
    assert_string_equal(e.msg, "row 1: expected a probability in [0, 1], found 1.5");
    struct metrics_auc_ci ci;
    assert_int_equal(metrics_roc_auc_delong(y, s, 3, 0.95, &ci, &e), ERR_DATA);
    assert_int_equal(metrics_roc_auc(y, s, 0, &v, &e), ERR_DATA);
}

TEST(test_confusion_hand)
{
    struct err e = {0};
    int y[] = {0, 0, 1, 1, 1, 0};
    double s[] = {0.5, 0.2, 0.5, 0.9, 0.1, 0.7};
    struct metrics_confusion cm;
    /* s >= 0.5 is positive: preds 1 0 1 1 0 1 */
    assert_int_equal(metrics_confusion_at(y, s, 6, 0.5, &cm, &e), 0);
    assert_int_equal(cm.tp, 2);
    assert_int_equal(cm.fp, 2);
    assert_int_equal(cm.fn, 1);
    assert_int_equal(cm.tn, 1);
    assert_true(metrics_accuracy(&cm) == 0.5);
    assert_true(metrics_precision(&cm) == 0.5);
    assert_true(metrics_recall(&cm) == 2.0 / 3.0);
    assert_true(metrics_f1(&cm) == 4.0 / 7.0);
    /* Nothing predicted positive: precision and F1 are 0, not NaN. */
    assert_int_equal(metrics_confusion_at(y, s, 6, 2.0, &cm, &e), 0);
    assert_int_equal(cm.tp + cm.fp, 0);
    assert_true(metrics_precision(&cm) == 0 && metrics_f1(&cm) == 0 && metrics_recall(&cm) == 0);
}

TEST(test_prob_hand)
{
    struct err e = {0};
    int y[] = {1, 0, 1, 0};
    double p[] = {0.8, 0.3, 1.0, 0.0};
    double v;
    assert_int_equal(metrics_brier(y, p, 4, &v, &e), 0);
    assert_close(v, (0.04 + 0.09) / 4, 1e-17);
    /* p = 1 and 0 on the right side: clipped to 1 - 1e-15, so ~1e-15 loss each. */
    assert_int_equal(metrics_log_loss(y, p, 4, 1e-15, &v, &e), 0);
    assert_close(v, -(log(0.8) + log(0.7)) / 4, 1e-15);
    int y1[] = {1};
    double p0[] = {0.0};
    assert_int_equal(metrics_log_loss(y1, p0, 1, 1e-15, &v, &e), 0);
    assert_close(v, -log(1e-15), 1e-12);
}

TEST(test_calibration_edges)
{
    struct err e = {0};
    /* np.linspace edges: 0.1*3 = 0.30000000000000004, so 0.3 lies in
     * bin (0.2, 0.3]; 0.2 = 2*0.1 exactly sits on an edge and joins the
     * lower bin; 0 joins bin 0, 1 the last. */
    int y[] = {1, 0, 1, 0, 1};
    double p[] = {0.3, 0.2, 0.0, 1.0, 0.25};
    struct metrics_calib_bin b[10];
    assert_int_equal(metrics_calibration(y, p, 5, 10, b, &e), 0);
    assert_int_equal(b[0].count, 1);
    assert_int_equal(b[1].count, 1);
    assert_int_equal(b[2].count, 2);
    assert_int_equal(b[9].count, 1);
    assert_int_equal(b[5].count, 0);
    assert_true(isnan(b[5].mean_pred) && isnan(b[5].frac_pos));
    assert_true(b[2].mean_pred == (0.3 + 0.25) / 2);
    assert_true(b[2].frac_pos == 1.0);
    assert_true(b[9].hi == 1.0 && b[3].lo == 0.30000000000000004);
}

TEST(test_gains_hand)
{
    struct err e = {0};
    /* 7 rows, 3 groups of sizes 3, 2, 2; ties kept in input order. */
    int y[] = {1, 0, 1, 0, 0, 1, 0};
    double s[] = {0.9, 0.8, 0.8, 0.1, 0.3, 0.5, 0.5};
    struct metrics_gain_row g[3];
    assert_int_equal(metrics_gains(y, s, 7, 3, g, &e), 0);
    /* order: 0(.9,1) 1(.8,0) 2(.8,1) | 5(.5,1) 6(.5,0) | 4(.3,0) 3(.1,0) */
    assert_int_equal(g[0].n, 3);
    assert_int_equal(g[0].npos, 2);
    assert_int_equal(g[1].npos, 1);
    assert_int_equal(g[2].npos, 0);
    assert_true(g[0].cum_gain == 2.0 / 3.0);
    assert_true(g[1].cum_gain == 1.0);
    assert_close(g[0].lift, (2.0 / 3.0) / (3.0 / 7.0), 1e-15);
    assert_close(g[1].cum_lift, 1.0 / (5.0 / 7.0), 1e-15);
    assert_true(g[2].cum_lift == 1.0);
    assert_true(g[1].score_max == 0.5 && g[2].score_min == 0.1);
}

TEST(test_roc_pr_hand)
{
    struct err e = {0};
    int y[] = {0, 0, 1, 1};
    double s[] = {0.1, 0.4, 0.35, 0.8};
    struct metrics_roc *r;
    assert_int_equal(metrics_roc_curve(y, s, 4, 0, &r, &e), 0);
    assert_int_equal(r->n, 5);
    double fpr[] = {0, 0, 0.5, 0.5, 1}, tpr[] = {0, 0.5, 0.5, 1, 1}, thr[] = {1.8, 0.8, 0.4, 0.35, 0.1};
    for (size_t i = 0; i < 5; i++) {
        assert_true(r->fpr[i] == fpr[i]);
        assert_true(r->tpr[i] == tpr[i]);
        assert_true(r->thresholds[i] == thr[i]);
    }
    metrics_roc_free(r);
    struct metrics_pr *p;
    assert_int_equal(metrics_pr_curve(y, s, 4, &p, &e), 0);
    assert_int_equal(p->n, 5);
    double pre[] = {0.5, 2.0 / 3.0, 0.5, 1, 1}, rec[] = {1, 1, 0.5, 0.5, 0};
    for (size_t i = 0; i < 5; i++) {
        assert_true(p->precision[i] == pre[i]);
        assert_true(p->recall[i] == rec[i]);
    }
    assert_true(p->thresholds[0] == 0.1 && p->thresholds[3] == 0.8);
    metrics_pr_free(p);
    double ap;
    assert_int_equal(metrics_average_precision(y, s, 4, &ap, &e), 0);
    assert_close(ap, 0.5 * 1 + 0.5 * (2.0 / 3.0), 1e-16);
}

/* DeLong from the definition: psi(x, y) = [x > y] + [x == y] / 2. */
static void delong_slow(const int *y, const double *s, size_t n, double *auc, double *var)
{
    size_t m = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        y[i] ? m++ : k++;
    double *v10 = calloc(n, sizeof *v10), *v01 = calloc(n, sizeof *v01), tot = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (y[i] && !y[j]) {
                double psi = s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                v10[i] += psi / (double)k;
                v01[j] += psi / (double)m;
                tot += psi;
            }
    double m10 = 0, m01 = 0;
    for (size_t i = 0; i < n; i++)
        y[i] ? (m10 += v10[i]) : (m01 += v01[i]);
    m10 /= (double)m;
    m01 /= (double)k;
    double s10 = 0, s01 = 0;
    for (size_t i = 0; i < n; i++)
        y[i] ? (s10 += (v10[i] - m10) * (v10[i] - m10)) : (s01 += (v01[i] - m01) * (v01[i] - m01));
    *auc = tot / ((double)m * (double)k);
    *var = s10 / (double)(m - 1) / (double)m + s01 / (double)(k - 1) / (double)k;
    free(v10);
    free(v01);
}

TEST(test_delong_random)
{
    struct err e = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (int rep = 0; rep < 20; rep++) {
        size_t n = 20 + gsl_rng_uniform_int(r, 200);
        int *y = malloc(n * sizeof *y);
        double *s = malloc(n * sizeof *s);
        for (size_t i = 0; i < n; i++) {
            y[i] = i < 2 ? (int)i : gsl_rng_uniform(r) < 0.3;
            if (i == 2 || i == 3)
                y[i] = (int)(i - 2);
            /* coarse scores: many ties */
            s[i] = floor((gsl_rng_uniform(r) + 0.4 * y[i]) * (rep % 2 ? 8 : 1000)) / 8;
        }
        double auc, var, auc2;
        struct metrics_auc_ci ci;
        delong_slow(y, s, n, &auc, &var);
        assert_int_equal(metrics_roc_auc_delong(y, s, n, 0.95, &ci, &e), 0);
        assert_int_equal(metrics_roc_auc(y, s, n, &auc2, &e), 0);
        assert_close(ci.auc, auc, 1e-13);
        assert_true(ci.auc == auc2);
        assert_close(ci.var, var, 1e-15);
        assert_close(ci.lo, fmax(0, auc - 1.959963984540054 * sqrt(var)), 1e-12);
        free(y);
        free(s);
    }
    gsl_rng_free(r);
}

/* ---- known answers from scikit-learn ---- */

struct mcase {
    const char *name;
    size_t n;
    int *y;
    double *s;
};

static struct mcase load_case(const struct tsv *d, const char *name)
{
    struct mcase c = {name, 0, NULL, NULL};
    c.y = malloc(d->nrows * sizeof *c.y);
    c.s = malloc(d->nrows * sizeof *c.s);
    for (size_t r = 0; r < d->nrows; r++)
        if (strcmp(tsv_cell(d, r, 0), name) == 0) {
            c.y[c.n] = atoi(tsv_cell(d, r, 2));
            c.s[c.n++] = tsv_at(d, r, 3);
        }
    assert_true(c.n > 0);
    return c;
}

static double scalar(const struct tsv *t, const char *cs, const char *key)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(tsv_cell(t, r, 0), cs) == 0 && strcmp(tsv_cell(t, r, 1), key) == 0)
            return tsv_at(t, r, 2);
    fail_msg("no fixture value %s/%s", cs, key);
    return NAN;
}

/* The scalars of a case: AUC, DeLong, AP, log-loss, Brier, thresholds, confusion. */
static void check_scalars(const struct tsv *sc, struct mcase c)
{
    struct err e = {0};
    double v;
    assert_int_equal(metrics_roc_auc(c.y, c.s, c.n, &v, &e), 0);
    assert_close(v, scalar(sc, c.name, "auc"), 1e-12);
    struct metrics_auc_ci ci;
    assert_int_equal(metrics_roc_auc_delong(c.y, c.s, c.n, 0.95, &ci, &e), 0);
    assert_close(ci.var, scalar(sc, c.name, "delong_var"), 1e-15);
    assert_close(ci.lo, scalar(sc, c.name, "delong_lo"), 1e-12);
    assert_close(ci.hi, scalar(sc, c.name, "delong_hi"), 1e-12);
    assert_int_equal(metrics_average_precision(c.y, c.s, c.n, &v, &e), 0);
    assert_close(v, scalar(sc, c.name, "ap"), 1e-12);
    assert_int_equal(metrics_log_loss(c.y, c.s, c.n, 1e-15, &v, &e), 0);
    assert_close(v, scalar(sc, c.name, "logloss"), 1e-12);
    assert_int_equal(metrics_brier(c.y, c.s, c.n, &v, &e), 0);
    assert_close(v, scalar(sc, c.name, "brier"), 1e-14);

    struct metrics_threshold t;
    assert_int_equal(metrics_threshold_youden(c.y, c.s, c.n, &t, &e), 0);
    assert_true(t.threshold == scalar(sc, c.name, "youden_thr"));
    assert_close(t.value, scalar(sc, c.name, "youden_j"), 1e-15);
    assert_int_equal(t.index, (size_t)scalar(sc, c.name, "youden_idx"));
    assert_int_equal(metrics_threshold_max_f1(c.y, c.s, c.n, &t, &e), 0);
    assert_true(t.threshold == scalar(sc, c.name, "f1_thr"));
    assert_close(t.value, scalar(sc, c.name, "f1_max"), 1e-15);
    assert_int_equal(t.index, (size_t)scalar(sc, c.name, "f1_idx"));

    struct metrics_confusion cm;
    assert_int_equal(metrics_confusion_at(c.y, c.s, c.n, 0.5, &cm, &e), 0);
    assert_int_equal(cm.tn, (size_t)scalar(sc, c.name, "tn"));
    assert_int_equal(cm.fp, (size_t)scalar(sc, c.name, "fp"));
    assert_int_equal(cm.fn, (size_t)scalar(sc, c.name, "fn"));
    assert_int_equal(cm.tp, (size_t)scalar(sc, c.name, "tp"));
    assert_close(metrics_accuracy(&cm), scalar(sc, c.name, "acc"), 1e-15);
    assert_close(metrics_precision(&cm), scalar(sc, c.name, "prec"), 1e-15);
    assert_close(metrics_recall(&cm), scalar(sc, c.name, "rec"), 1e-15);
    assert_close(metrics_f1(&cm), scalar(sc, c.name, "f1"), 1e-15);
}

/* The ROC curves (with and without intermediate points) and the PR curve. */
static void check_curves(const struct tsv *roc, const struct tsv *pr, struct mcase c)
{
    struct err e = {0};
    for (int drop = 0; drop <= 1; drop++) {
        struct metrics_roc *r;
        assert_int_equal(metrics_roc_curve(c.y, c.s, c.n, drop, &r, &e), 0);
        size_t k = 0;
        for (size_t i = 0; i < roc->nrows; i++) {
            if (strcmp(tsv_cell(roc, i, 0), c.name) || atoi(tsv_cell(roc, i, 1)) != drop)
                continue;
            assert_true(k < r->n);
            assert_true(r->fpr[k] == tsv_at(roc, i, 3));
            assert_true(r->tpr[k] == tsv_at(roc, i, 4));
            assert_true(r->thresholds[k] == tsv_at(roc, i, 5));
            k++;
        }
        assert_int_equal(k, r->n);
        metrics_roc_free(r);
    }
    struct metrics_pr *p;
    assert_int_equal(metrics_pr_curve(c.y, c.s, c.n, &p, &e), 0);
    size_t k = 0;
    for (size_t i = 0; i < pr->nrows; i++) {
        if (strcmp(tsv_cell(pr, i, 0), c.name))
            continue;
        assert_true(k < p->n);
        assert_true(p->precision[k] == tsv_at(pr, i, 2));
        assert_true(p->recall[k] == tsv_at(pr, i, 3));
        if (k + 1 < p->n)
            assert_true(p->thresholds[k] == tsv_at(pr, i, 4));
        else
            assert_string_equal(tsv_cell(pr, i, 4), "");
        k++;
    }
    assert_int_equal(k, p->n);
    metrics_pr_free(p);
}

/* The calibration bins (5 and 10, empty ones dropped as sklearn does) and the gains deciles. */
static void check_bins(const struct tsv *cal, const struct tsv *gain, struct mcase c)
{
    struct err e = {0};
    for (size_t nb = 5; nb <= 10; nb += 5) {
        struct metrics_calib_bin b[10];
        assert_int_equal(metrics_calibration(c.y, c.s, c.n, nb, b, &e), 0);
        size_t bin = 0, seen = 0;
        for (size_t i = 0; i < cal->nrows; i++) {
            if (strcmp(tsv_cell(cal, i, 0), c.name) || (size_t)atoi(tsv_cell(cal, i, 1)) != nb)
                continue;
            while (bin < nb && b[bin].count == 0) /* sklearn drops empty bins */
                bin++;
            assert_true(bin < nb);
            assert_close(b[bin].mean_pred, tsv_at(cal, i, 3), 1e-15);
            assert_close(b[bin].frac_pos, tsv_at(cal, i, 4), 1e-15);
            bin++;
            seen++;
        }
        size_t nonempty = 0;
        for (size_t j = 0; j < nb; j++)
            nonempty += b[j].count > 0;
        assert_int_equal(seen, nonempty);
    }
    struct metrics_gain_row g[10];
    assert_int_equal(metrics_gains(c.y, c.s, c.n, 10, g, &e), 0);
    size_t seen = 0;
    for (size_t i = 0; i < gain->nrows; i++) {
        if (strcmp(tsv_cell(gain, i, 0), c.name))
            continue;
        size_t j = (size_t)atoi(tsv_cell(gain, i, 1));
        assert_int_equal(g[j].n, (size_t)atoi(tsv_cell(gain, i, 2)));
        assert_int_equal(g[j].npos, (size_t)atoi(tsv_cell(gain, i, 3)));
        assert_true(g[j].score_max == tsv_at(gain, i, 4));
        assert_true(g[j].score_min == tsv_at(gain, i, 5));
        assert_close(g[j].cum_gain, tsv_at(gain, i, 6), 1e-15);
        assert_close(g[j].cum_lift, tsv_at(gain, i, 7), 1e-14);
        seen++;
    }
    assert_int_equal(seen, 10);
}

static void check_case(const struct tsv *sc, const struct tsv *roc, const struct tsv *pr, const struct tsv *cal,
                       const struct tsv *gain, struct mcase c)
{
    check_scalars(sc, c);
    check_curves(roc, pr, c);
    check_bins(cal, gain, c);
}

TEST(test_sklearn_fixtures)
{
    struct tsv *d = tsv_read(FIX "metrics_data.tsv"), *sc = tsv_read(FIX "metrics_scalar.tsv");
    struct tsv *roc = tsv_read(FIX "metrics_roc.tsv"), *pr = tsv_read(FIX "metrics_pr.tsv");
    struct tsv *cal = tsv_read(FIX "metrics_calib.tsv"), *gain = tsv_read(FIX "metrics_gains.tsv");
    const char *cases[] = {"ties", "cont", "tiny"};
    for (size_t i = 0; i < 3; i++) {
        struct mcase c = load_case(d, cases[i]);
        check_case(sc, roc, pr, cal, gain, c);
        free(c.y);
        free(c.s);
    }
    tsv_free(d);
    tsv_free(sc);
    tsv_free(roc);
    tsv_free(pr);
    tsv_free(cal);
    tsv_free(gain);
}

/* The paired DeLong test against the direct computation over every pair
 * (tests/oracle/delong.py -> fixtures/delong_*.tsv). */
TEST(test_delong_paired)
{
    struct tsv *sc = tsv_read(FIX "delong_scores.tsv"), *ex = tsv_read(FIX "delong_expected.tsv");
    for (size_t c = 0; c < ex->nrows; c++) {
        const char *name = tsv_cell(ex, c, 0);
        size_t n = 0;
        int *y = malloc(sc->nrows * sizeof *y);
        double *s1 = malloc(sc->nrows * sizeof *s1), *s2 = malloc(sc->nrows * sizeof *s2);
        for (size_t r = 0; r < sc->nrows; r++)
            if (strcmp(tsv_cell(sc, r, 0), name) == 0) {
                y[n] = (int)tsv_num(sc, r, "y");
                s1[n] = tsv_num(sc, r, "s1");
                s2[n++] = tsv_num(sc, r, "s2");
            }
        struct metrics_auc_diff d;
        struct err e = {0};
        assert_int_equal(metrics_delong_paired(y, s1, s2, n, &d, &e), 0);
        const double got[] = {d.auc1, d.auc2, d.diff, d.se, d.z, d.p};
        for (size_t k = 0; k < 6; k++)
            if (fabs(got[k] - tsv_at(ex, c, k + 1)) > 1e-12)
                fail_msg("%s %s: %.17g, expected %s", name, ex->head[k + 1], got[k], tsv_cell(ex, c, k + 1));
        /* A model against itself: no difference, p = 1. */
        assert_int_equal(metrics_delong_paired(y, s1, s1, n, &d, &e), 0);
        assert_true(d.diff == 0 && d.p == 1);
        free(y), free(s1), free(s2);
    }
    tsv_free(sc);
    tsv_free(ex);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_auc_hand), cmocka_unit_test(test_errors),
          cmocka_unit_test(test_confusion_hand), cmocka_unit_test(test_prob_hand),
          cmocka_unit_test(test_calibration_edges), cmocka_unit_test(test_gains_hand),
          cmocka_unit_test(test_roc_pr_hand), cmocka_unit_test(test_delong_random),
          cmocka_unit_test(test_delong_paired), cmocka_unit_test(test_sklearn_fixtures))
