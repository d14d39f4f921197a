/* Tests for lib/shap: every explainer against Shapley values computed by
 * brute force over all coalitions of the game it claims to solve. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "test_main.h"
#include <gsl/gsl_rng.h>

#include "models/knn.h"
#include "explain/shap.h"

/* Timing bounds mean nothing under valgrind's emulation. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define assert_double_equal(got, want, tol) assert_close_at((got), (want), (tol), __FILE__, __LINE__)
static void assert_close_at(double got, double want, double tol, const char *file, int line)
{
    if (!(fabs(got - want) <= tol) && !(got == want))
        fail_msg("%s:%d: got %.17g, want %.17g (tol %g)", file, line, got, want, tol);
}

/* ------------------------------------------------------ brute force ---- */

/* Shapley values of the game v over M players (v has 2^M entries indexed by
 * coalition bitmask): phi_i = sum_S |S|!(M-|S|-1)!/M! (v(S+i) - v(S)). */
static void brute_shapley(const double *v, size_t M, double *phi)
{
    double *wt = malloc(M * sizeof *wt);
    for (size_t s = 0; s < M; s++) {
        /* s! (M-s-1)! / M! = 1 / (M * C(M-1, s)) */
        double c = 1.0;
        for (size_t k = 1; k <= s; k++)
            c = c * (double)(M - 1 - s + k) / (double)k;
        wt[s] = 1.0 / ((double)M * c);
    }
    for (size_t i = 0; i < M; i++) {
        double acc = 0.0;
        for (unsigned long S = 0; S < (1UL << M); S++) {
            if (S & (1UL << i))
                continue;
            acc += wt[__builtin_popcountl(S)] * (v[S | (1UL << i)] - v[S]);
        }
        phi[i] = acc;
    }
    free(wt);
}

static double tree_f(const struct tree *t, const double *x)
{
    size_t i = 0;
    while (t->left[i] != -1)
        i = (size_t)(x[t->feature[i]] <= t->threshold[i] ? t->left[i] : t->right[i]);
    return t->value[i];
}

/* Path-dependent game: E[f | x_S] integrating absent features by cover. */
static double pd_value(const struct tree *t, size_t node, const double *x, unsigned long S)
{
    if (t->left[node] == -1)
        return t->value[node];
    int j = t->feature[node];
    if (S & (1UL << j))
        return pd_value(t, (size_t)(x[j] <= t->threshold[node] ? t->left[node] : t->right[node]), x, S);
    double w = t->cover[node];
    if (w == 0.0)
        return 0.0;
    return t->cover[t->left[node]] / w * pd_value(t, (size_t)t->left[node], x, S) +
           t->cover[t->right[node]] / w * pd_value(t, (size_t)t->right[node], x, S);
}

static void brute_tree_path(const struct tree *t, const double *x, size_t p, double *phi)
{
    double *v = malloc((1UL << p) * sizeof *v);
    for (unsigned long S = 0; S < (1UL << p); S++)
        v[S] = pd_value(t, 0, x, S);
    brute_shapley(v, p, phi);
    free(v);
}

/* Interventional game: weighted mean over background of f(x_S, z_~S). */
static void brute_tree_iv(const struct tree *t, const double *x, const double *B, const double *bw,
                          size_t nb, size_t p, double *phi)
{
    double *v = calloc(1UL << p, sizeof *v), *row = malloc(p * sizeof *row), ws = 0.0;
    for (size_t b = 0; b < nb; b++)
        ws += bw ? bw[b] : 1.0;
    for (unsigned long S = 0; S < (1UL << p); S++)
        for (size_t b = 0; b < nb; b++) {
            for (size_t j = 0; j < p; j++)
                row[j] = (S & (1UL << j)) ? x[j] : B[b * p + j];
            v[S] += (bw ? bw[b] : 1.0) / ws * tree_f(t, row);
        }
    brute_shapley(v, p, phi);
    free(v);
    free(row);
}

/* ------------------------------------------------------------ linear ---- */

TEST(test_linear)
{
    const double w[3] = {0.5, -2.0, 1.25}, mean[3] = {1.0, 0.2, -3.0}, b = 0.75;
    const double X[2 * 3] = {3.0, 0.2, -1.0, 0.0, 1.7, -3.0};
    double phi[6], base;
    shap_linear(w, b, mean, X, 2, 3, phi, &base);
    /* base = 0.75 + 0.5 - 0.4 - 3.75 */
    assert_double_equal(base, -2.9, 1e-15);
    const double want[6] = {1.0, 0.0, 2.5, -0.5, -3.0, 0.0};
    for (size_t i = 0; i < 6; i++)
        assert_double_equal(phi[i], want[i], 1e-15);
    double fx[2];
    for (size_t i = 0; i < 2; i++)
        fx[i] = b + w[0] * X[i * 3] + w[1] * X[i * 3 + 1] + w[2] * X[i * 3 + 2];
    assert_true(shap_additivity(phi, 2, 3, base, fx, NULL) < 1e-14);
}

/* -------------------------------------------------------- hand tree ---- */

/* Depth 3 over 4 features; feature 0 splits twice on one path, feature 3 is
 * never used (a dummy player). Covers are consistent (children sum to the
 * parent), internal values are the cover-weighted means. */
static int L[11] = {1, 3, 5, 7, -1, 9, -1, -1, -1, -1, -1};
static int R[11] = {2, 4, 6, 8, -1, 10, -1, -1, -1, -1, -1};
static int F[11] = {0, 1, 0, 2, -1, 1, -1, -1, -1, -1, -1};
static double T[11] = {0.5, 1.0, 2.0, 0.0, 0, -1.0, 0, 0, 0, 0, 0};
static double V[11] = {0, 0, 0, 0, 0.8, 0, 0.1, 0.05, 0.6, 0.9, 0.3};
static double C[11] = {100, 60, 40, 35, 25, 15, 25, 20, 15, 5, 10};

static struct tree hand_tree(void)
{
    /* Internal values for the record: leaves' cover-weighted means. */
    V[5] = (5 * 0.9 + 10 * 0.3) / 15;
    V[3] = (20 * 0.05 + 15 * 0.6) / 35;
    V[2] = (15 * V[5] + 25 * 0.1) / 40;
    V[1] = (35 * V[3] + 25 * 0.8) / 60;
    V[0] = (60 * V[1] + 40 * V[2]) / 100;
    struct tree t = {11, 4, L, R, F, T, V, C};
    return t;
}

static const double HX[] = {
    0.0, 0.0, -1.0, 5.0,  /* leaf 7 */
    0.5, 1.0, 0.0, 0.0,   /* ties go left: leaf 7 */
    0.0, 2.0, 1.0, 0.0,   /* leaf 4 */
    1.0, -2.0, 0.0, 0.0,  /* leaf 9 */
    1.5, 0.0, 9.0, 1.0,   /* leaf 10 */
    3.0, -5.0, -5.0, 0.0, /* leaf 6 */
    NAN, 0.5, 0.0, 0.0,   /* NaN goes right, then right: leaf 6 */
};
#define HN (sizeof HX / sizeof HX[0] / 4)

TEST(test_tree_path_hand)
{
    struct tree t = hand_tree();
    double phi[HN * 4], base, want[4];
    struct err e = {0};
    assert_int_equal(shap_tree_path(&t, HX, HN, 4, phi, &base, &e), 0);
    /* Expected value: sum of leaf values by cover share. */
    assert_double_equal(base, (25 * 0.8 + 25 * 0.1 + 20 * 0.05 + 15 * 0.6 + 5 * 0.9 + 10 * 0.3) / 100, 1e-15);
    for (size_t i = 0; i < HN; i++) {
        brute_tree_path(&t, HX + i * 4, 4, want);
        double s = base;
        for (size_t j = 0; j < 4; j++) {
            assert_double_equal(phi[i * 4 + j], want[j], 1e-12);
            s += phi[i * 4 + j];
        }
        assert_double_equal(phi[i * 4 + 3], 0.0, 0.0);
        assert_double_equal(s, tree_f(&t, HX + i * 4), 1e-12);
    }
}

/* A stump by hand: 0.2 on 30 rows, 0.8 on 70; base 0.62, phi = f(x) - 0.62. */
TEST(test_tree_stump_by_hand)
{
    int l[3] = {1, -1, -1}, r[3] = {2, -1, -1}, f[3] = {1, -1, -1};
    double th[3] = {0.0, 0, 0}, v[3] = {0.62, 0.2, 0.8}, c[3] = {100, 30, 70};
    struct tree t = {3, 2, l, r, f, th, v, c};
    double X[4] = {7.0, 1.0, 7.0, -1.0}, phi[4], base;
    struct err e = {0};
    assert_int_equal(shap_tree_path(&t, X, 2, 2, phi, &base, &e), 0);
    assert_double_equal(base, 0.62, 1e-15);
    assert_double_equal(phi[0], 0.0, 0.0);
    assert_double_equal(phi[1], 0.18, 1e-15);
    assert_double_equal(phi[3], -0.42, 1e-15);
    /* Interventional against one background row on the other side: the
     * whole difference goes to feature 1. */
    double B[2] = {0.0, -3.0};
    assert_int_equal(shap_tree_interventional(&t, X, 2, B, NULL, 1, 2, phi, &base, &e), 0);
    assert_double_equal(base, 0.2, 0.0);
    assert_double_equal(phi[1], 0.6, 1e-15);
    assert_double_equal(phi[3], 0.0, 0.0);
}

TEST(test_tree_interventional_hand)
{
    struct tree t = hand_tree();
    const double B[] = {
        0.0, 0.0, 1.0, 0.0, 2.5, 0.0, 0.0, 1.0, 1.0, -3.0, 0.0, 0.0, 0.4, 1.5, -2.0, 2.0, 1.9, -0.5, 0.0, 0.0,
    };
    const double bw[] = {1.0, 3.0, 0.5, 2.0, 1.5};
    size_t nb = 5;
    double phi[HN * 4], base, want[4];
    struct err e = {0};
    for (int weighted = 0; weighted < 2; weighted++) {
        const double *w = weighted ? bw : NULL;
        assert_int_equal(shap_tree_interventional(&t, HX, HN, B, w, nb, 4, phi, &base, &e), 0);
        double b0 = 0.0, ws = 0.0;
        for (size_t k = 0; k < nb; k++) {
            b0 += (w ? w[k] : 1.0) * tree_f(&t, B + k * 4);
            ws += w ? w[k] : 1.0;
        }
        assert_double_equal(base, b0 / ws, 1e-15);
        for (size_t i = 0; i < HN; i++) {
            brute_tree_iv(&t, HX + i * 4, B, w, nb, 4, want);
            double s = base;
            for (size_t j = 0; j < 4; j++) {
                assert_double_equal(phi[i * 4 + j], want[j], 1e-12);
                s += phi[i * 4 + j];
            }
            assert_double_equal(s, tree_f(&t, HX + i * 4), 1e-12);
        }
    }
}

/* ------------------------------------------------------ random trees ---- */

struct rtree {
    struct tree t;
    size_t cap;
};

/* Grow a random tree: a node below the root stops with probability pstop. */
static size_t grow(struct rtree *rt, gsl_rng *r, size_t depth, size_t maxd, double cover, int allow_zero,
                   double pstop)
{
    struct tree *t = &rt->t;
    size_t i = t->n_nodes++;
    t->cover[i] = cover;
    t->value[i] = gsl_rng_uniform(r);
    t->left[i] = t->right[i] = t->feature[i] = -1;
    t->threshold[i] = 0.0;
    if (depth == maxd || (depth > 0 && gsl_rng_uniform(r) < pstop))
        return i;
    t->feature[i] = (int)gsl_rng_uniform_int(r, t->n_features);
    /* Thresholds and row values share a 0.25 grid, so ties happen. */
    t->threshold[i] = -1.0 + 0.25 * (double)gsl_rng_uniform_int(r, 9);
    double u = 0.05 + 0.9 * gsl_rng_uniform(r);
    if (allow_zero && gsl_rng_uniform(r) < 0.05)
        u = 0.0;
    size_t li = grow(rt, r, depth + 1, maxd, cover * u, allow_zero, pstop);
    t->left[i] = (int)li;
    size_t ri = grow(rt, r, depth + 1, maxd, cover * (1.0 - u), allow_zero, pstop);
    t->right[i] = (int)ri;
    return i;
}

static void rtree_alloc(struct rtree *rt, size_t maxd, size_t p)
{
    rt->cap = (2UL << maxd) - 1;
    rt->t.n_nodes = 0;
    rt->t.n_features = p;
    rt->t.left = malloc(rt->cap * sizeof(int));
    rt->t.right = malloc(rt->cap * sizeof(int));
    rt->t.feature = malloc(rt->cap * sizeof(int));
    rt->t.threshold = malloc(rt->cap * sizeof(double));
    rt->t.value = malloc(rt->cap * sizeof(double));
    rt->t.cover = malloc(rt->cap * sizeof(double));
}

static void rtree_free(struct rtree *rt)
{
    free(rt->t.left);
    free(rt->t.right);
    free(rt->t.feature);
    free(rt->t.threshold);
    free(rt->t.value);
    free(rt->t.cover);
}

static void random_rows(gsl_rng *r, double *X, size_t n, size_t p)
{
    for (size_t i = 0; i < n * p; i++)
        X[i] = -1.5 + 0.25 * (double)gsl_rng_uniform_int(r, 13);
}

TEST(test_tree_random_brute)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    const size_t p = 6, n = 8, nb = 7;
    double X[8 * 6], B[7 * 6], bw[7], phi[8 * 6], want[6], base;
    struct err e = {0};
    double worst_pd = 0.0, worst_iv = 0.0;
    for (int trial = 0; trial < 60; trial++) {
        struct rtree rt;
        size_t maxd = 2 + (size_t)trial % 6;
        rtree_alloc(&rt, maxd, p);
        grow(&rt, r, 0, maxd, 50.0 + 100.0 * gsl_rng_uniform(r), trial % 3 == 0, 0.15);
        random_rows(r, X, n, p);
        random_rows(r, B, nb, p);
        if (trial % 4 == 1)
            X[3] = NAN;
        for (size_t k = 0; k < nb; k++)
            bw[k] = 0.1 + gsl_rng_uniform(r);

        assert_int_equal(shap_tree_path(&rt.t, X, n, p, phi, &base, &e), 0);
        for (size_t i = 0; i < n; i++) {
            brute_tree_path(&rt.t, X + i * p, p, want);
            double s = base;
            for (size_t j = 0; j < p; j++) {
                double d = fabs(phi[i * p + j] - want[j]);
                if (d > worst_pd)
                    worst_pd = d;
                assert_double_equal(phi[i * p + j], want[j], 1e-12);
                s += phi[i * p + j];
            }
            /* Only with consistent covers is v(∅) the root expectation
             * reached through zero-cover nodes too: check additivity. */
            assert_double_equal(s, tree_f(&rt.t, X + i * p), 1e-12);
        }
        assert_int_equal(shap_tree_interventional(&rt.t, X, n, B, trial % 2 ? bw : NULL, nb, p, phi, &base, &e), 0);
        for (size_t i = 0; i < n; i++) {
            brute_tree_iv(&rt.t, X + i * p, B, trial % 2 ? bw : NULL, nb, p, want);
            double s = base;
            for (size_t j = 0; j < p; j++) {
                double d = fabs(phi[i * p + j] - want[j]);
                if (d > worst_iv)
                    worst_iv = d;
                assert_double_equal(phi[i * p + j], want[j], 1e-12);
                s += phi[i * p + j];
            }
            assert_double_equal(s, tree_f(&rt.t, X + i * p), 1e-12);
        }
        rtree_free(&rt);
    }
    if (getenv("SHAP_VERBOSE"))
        fprintf(stderr, "random trees: worst |phi - brute| path %.3g interventional %.3g\n", worst_pd, worst_iv);
    gsl_rng_free(r);
}

TEST(test_tree_errors)
{
    struct err e = {0};
    double x[4] = {0}, phi[4], base;
    struct tree t = hand_tree();
    /* A cycle: node 5's left child points back at node 2. */
    L[5] = 2;
    assert_int_equal(shap_tree_path(&t, x, 1, 4, phi, &base, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "reached twice"));
    L[5] = 9;
    F[2] = 7;
    assert_int_equal(shap_tree_interventional(&t, x, 1, x, NULL, 1, 4, phi, &base, &e), ERR_DATA);
    F[2] = 0;
    assert_int_equal(shap_tree_path(&t, x, 1, 3, phi, &base, &e), ERR_DATA);
    C[0] = 0.0;
    assert_int_equal(shap_tree_path(&t, x, 1, 4, phi, &base, &e), ERR_DATA);
    C[0] = 100.0;
    double bw = 0.0;
    assert_int_equal(shap_tree_interventional(&t, x, 1, x, &bw, 1, 4, phi, &base, &e), ERR_PARAMS);
    assert_int_equal(shap_tree_interventional(&t, x, 1, x, NULL, 0, 4, phi, &base, &e), ERR_PARAMS);
    assert_int_equal(shap_tree_path(&t, x, 1, 4, phi, &base, &e), 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* 325 rows through a full depth-10 tree (2047 nodes) over 20 features. */
TEST(test_tree_speed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    const size_t p = 20, n = 325, nb = 100, maxd = 10;
    struct rtree rt;
    rtree_alloc(&rt, maxd, p);
    /* A full tree, the worst case. */
    grow(&rt, r, 0, maxd, 1000.0, 0, 0.0);
    double *X = malloc(n * p * sizeof *X), *B = malloc(nb * p * sizeof *B);
    double *phi = malloc(n * p * sizeof *phi), base, fx[325];
    random_rows(r, X, n, p);
    random_rows(r, B, nb, p);
    struct err e = {0};
    double t0 = now();
    assert_int_equal(shap_tree_path(&rt.t, X, n, p, phi, &base, &e), 0);
    double t1 = now();
    for (size_t i = 0; i < n; i++)
        fx[i] = tree_f(&rt.t, X + i * p);
    assert_true(shap_additivity(phi, n, p, base, fx, NULL) < 1e-12);
    double t2 = now();
    assert_int_equal(shap_tree_interventional(&rt.t, X, n, B, NULL, nb, p, phi, &base, &e), 0);
    double t3 = now();
    assert_true(shap_additivity(phi, n, p, base, fx, NULL) < 1e-12);
    if (getenv("SHAP_VERBOSE"))
        fprintf(stderr, "speed: %zu nodes, path-dependent %.2f ms, interventional (%zu bg) %.2f ms\n",
                rt.t.n_nodes, 1e3 * (t1 - t0), nb, 1e3 * (t3 - t2));
    /* A release build takes ~60 ms and ~30 ms of CPU on this worst case (a
     * full tree, 1024 leaves); the bound leaves room for sanitizers. */
    if (!RUNNING_ON_VALGRIND) {
        assert_true(t1 - t0 < 1.0);
        assert_true(t3 - t2 < 1.0);
    }
    rtree_free(&rt);
    free(X);
    free(B);
    free(phi);
    gsl_rng_free(r);
}

/* ------------------------------------------------- sklearn fixture ---- */

/* Split a TSV line in place into at most max fields; returns the count. */
static size_t tsv_fields(char *line, char **f, size_t max)
{
    size_t k = 0;
    line[strcspn(line, "\n")] = 0;
    for (char *s = line; k < max;) {
        f[k++] = s;
        char *tab = strchr(s, '\t');
        if (!tab)
            break;
        *tab = 0;
        s = tab + 1;
    }
    return k;
}

/* A DecisionTreeClassifier fitted by tests/oracle/shap_ref.py, with Shapley
 * values computed there by brute force in Python. */
TEST(test_tree_sklearn_fixture)
{
    char line[4096], *f[16];
    enum { P = 5, MAXN = 256 };
    static int l[MAXN], r[MAXN], ft[MAXN];
    static double th[MAXN], v[MAXN], cv[MAXN];
    FILE *fp = fopen("tests/oracle/fixtures/shap_tree.tsv", "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    size_t nn = 0;
    while (fgets(line, sizeof line, fp)) {
        assert_int_equal(tsv_fields(line, f, 16), 7);
        assert_true(nn < MAXN);
        assert_int_equal(atoi(f[0]), (int)nn);
        l[nn] = atoi(f[1]);
        r[nn] = atoi(f[2]);
        ft[nn] = atoi(f[3]);
        th[nn] = strtod(f[4], NULL);
        v[nn] = strtod(f[5], NULL);
        cv[nn] = strtod(f[6], NULL);
        nn++;
    }
    fclose(fp);
    struct tree t = {nn, P, l, r, ft, th, v, cv};

    double X[32 * P], B[32 * P], bw[32];
    size_t n = 0, nb = 0;
    fp = fopen("tests/oracle/fixtures/shap_rows.tsv", "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp)) {
        assert_int_equal(tsv_fields(line, f, 16), 2 + P);
        int bg = strcmp(f[0], "background") == 0;
        double *row = bg ? B + nb * P : X + n * P;
        if (bg)
            bw[nb] = strtod(f[1], NULL);
        for (size_t j = 0; j < P; j++)
            row[j] = strtod(f[2 + j], NULL);
        if (bg)
            nb++;
        else
            n++;
        assert_true(n < 32 && nb < 32);
    }
    fclose(fp);
    assert_int_equal(n, 12);
    assert_int_equal(nb, 10);

    double phi_pd[32 * P], phi_iv[32 * P], base_pd, base_iv;
    struct err e = {0};
    assert_int_equal(shap_tree_path(&t, X, n, P, phi_pd, &base_pd, &e), 0);
    assert_int_equal(shap_tree_interventional(&t, X, n, B, bw, nb, P, phi_iv, &base_iv, &e), 0);

    fp = fopen("tests/oracle/fixtures/shap_expected.tsv", "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    size_t seen = 0;
    while (fgets(line, sizeof line, fp)) {
        assert_int_equal(tsv_fields(line, f, 16), 4 + P);
        int pd = strcmp(f[0], "path") == 0;
        size_t i = (size_t)atoi(f[1]);
        assert_true(i < n);
        assert_double_equal(pd ? base_pd : base_iv, strtod(f[2], NULL), 1e-12);
        assert_double_equal(tree_f(&t, X + i * P), strtod(f[3], NULL), 0.0);
        for (size_t j = 0; j < P; j++)
            assert_double_equal((pd ? phi_pd : phi_iv)[i * P + j], strtod(f[4 + j], NULL), 1e-12);
        seen++;
    }
    fclose(fp);
    assert_int_equal(seen, 2 * n);
}

/* ------------------------------------------------------------ helpers ---- */

TEST(test_group_sum_and_additivity)
{
    const double phi[2 * 5] = {0.1, 0.2, -0.3, 0.4, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0};
    const size_t group[5] = {0, 1, 1, 2, 1};
    double out[2 * 3];
    struct err e = {0};
    assert_int_equal(shap_group_sum(phi, 2, 5, group, 3, out, &e), 0);
    assert_double_equal(out[0], 0.1, 0.0);
    assert_double_equal(out[1], 0.4, 1e-16);
    assert_double_equal(out[2], 0.4, 0.0);
    assert_double_equal(out[3], 1.0, 0.0);
    assert_double_equal(out[4], 10.0, 0.0);
    assert_double_equal(out[5], 4.0, 0.0);
    assert_int_equal(shap_group_sum(phi, 2, 5, group, 2, out, &e), ERR_PARAMS);
    const double fx[2] = {1.9, 15.5}, base = 1.0;
    double gap[2];
    assert_double_equal(shap_additivity(phi, 2, 5, base, fx, gap), 0.5, 1e-15);
    assert_double_equal(gap[0], 0.0, 1e-15);
    assert_double_equal(gap[1], -0.5, 1e-15);
}

/* ------------------------------------------------------------- kernel ---- */

struct model {
    int kind;
    const double *w;
    size_t calls, rows;
    int fail;
};

static int model_predict(void *ctx, const double *X, size_t n, size_t p, double *out, struct err *e)
{
    struct model *m = ctx;
    m->calls++;
    m->rows += n;
    if (m->fail)
        return err_set(e, ERR_NUM, "model: refused");
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * p;
        switch (m->kind) {
        case 0: /* the brief's small non-linear model, x3 unused */
            out[i] = x[0] * x[1] + sin(x[2]);
            break;
        case 1: /* columns 2..4 are a one-hot feature */
            out[i] = x[0] * x[1] + 0.7 * x[2] - 0.3 * x[3] * x[0] + sin(x[5]) + 0.2 * x[4] * x[5];
            break;
        case 2: { /* linear */
            double s = 0.1;
            for (size_t j = 0; j < p; j++)
                s += m->w[j] * x[j];
            out[i] = s;
            break;
        }
        default: { /* interactions among 8 features */
            out[i] = x[0] * x[1] + sin(x[2] * x[3]) + exp(0.3 * x[4]) - x[5] * x[6] * x[7] + 0.5 * x[7];
            break;
        }
        }
    }
    return 0;
}

/* Brute-force Shapley values over groups for the kernel game. */
static void brute_kernel(struct model *mo, const double *x, size_t p, const double *B, const double *bw,
                         size_t nb, const size_t *group, size_t m, double *phi)
{
    double *v = calloc(1UL << m, sizeof *v), *row = malloc(p * sizeof *row), ws = 0.0, out;
    struct err e;
    for (size_t b = 0; b < nb; b++)
        ws += bw ? bw[b] : 1.0;
    for (unsigned long S = 0; S < (1UL << m); S++)
        for (size_t b = 0; b < nb; b++) {
            for (size_t j = 0; j < p; j++)
                row[j] = (S & (1UL << group[j])) ? x[j] : B[b * p + j];
            model_predict(mo, row, 1, p, &out, &e);
            v[S] += (bw ? bw[b] : 1.0) / ws * out;
        }
    brute_shapley(v, m, phi);
    free(v);
    free(row);
}

static const double KB[5 * 4] = {
    0.0, 1.0, -0.5, 2.0, 1.5, -1.0, 0.3, 0.0, -0.7, 0.2, 1.1, 1.0, 2.0, 0.5, -1.4, -1.0, 0.4, -0.3, 0.9, 0.5,
};
static const double KX[3 * 4] = {1.2, -0.8, 0.6, 3.0, -1.0, 2.0, -2.0, 0.0, 0.4, 0.5, 1.5, -0.5};

TEST(test_kernel_exact)
{
    const size_t group[4] = {0, 1, 2, 3};
    const double bw[5] = {1.0, 2.0, 0.5, 1.5, 3.0};
    struct shap_kernel_params par = {14, 1};
    double phi[3 * 4], base, gap[3], want[4];
    struct err e = {0};
    for (int weighted = 0; weighted < 2; weighted++) {
        struct model mo = {0, NULL, 0, 0, 0};
        const double *w = weighted ? bw : NULL;
        assert_int_equal(shap_kernel(model_predict, &mo, KX, 3, 4, KB, w, 5, group, 4, &par, phi, &base, gap, &e), 0);
        /* All 14 coalitions of each row, plus the background and the rows. */
        assert_int_equal(mo.rows, 5 + 3 + 3 * 14 * 5);
        for (size_t i = 0; i < 3; i++) {
            brute_kernel(&mo, KX + i * 4, 4, KB, w, 5, group, 4, want);
            for (size_t j = 0; j < 4; j++)
                assert_double_equal(phi[i * 4 + j], want[j], 1e-8);
            assert_double_equal(gap[i], 0.0, 1e-12);
        }
    }
}

TEST(test_kernel_groups)
{
    /* Columns: x0, x1, one-hot {x2, x3, x4}, x5. */
    const size_t p = 6, m = 4, group[6] = {0, 1, 2, 2, 2, 3};
    const double B[4 * 6] = {
        0.5, 1.0, 1, 0, 0, 0.3, -1.0, 0.2, 0, 1, 0, -0.4, 2.0, -0.5, 0, 0, 1, 1.2, 0.1, 0.7, 1, 0, 0, 0.0,
    };
    const double X[2 * 6] = {1.5, -1.0, 0, 1, 0, 2.0, -0.5, 0.3, 0, 0, 1, -1.0};
    struct shap_kernel_params par = {1000, 3};
    struct model mo = {1, NULL, 0, 0, 0};
    double phi[2 * 4], base, gap[2], want[4];
    struct err e = {0};
    assert_int_equal(shap_kernel(model_predict, &mo, X, 2, p, B, NULL, 4, group, m, &par, phi, &base, gap, &e), 0);
    for (size_t i = 0; i < 2; i++) {
        brute_kernel(&mo, X + i * p, p, B, NULL, 4, group, m, want);
        for (size_t j = 0; j < m; j++)
            assert_double_equal(phi[i * m + j], want[j], 1e-8);
        assert_double_equal(gap[i], 0.0, 1e-12);
    }
}

/* A group equal to x in every background row is a dummy: exactly 0. */
TEST(test_kernel_dummy_group)
{
    const size_t group[4] = {0, 1, 2, 3};
    double B[5 * 4], X[4] = {1.2, -0.8, 0.6, 3.0}, phi[4], base, gap, want[4];
    memcpy(B, KB, sizeof B);
    for (size_t b = 0; b < 5; b++)
        B[b * 4 + 1] = X[1];
    struct shap_kernel_params par = {14, 1};
    struct model mo = {0, NULL, 0, 0, 0};
    struct err e = {0};
    assert_int_equal(shap_kernel(model_predict, &mo, X, 1, 4, B, NULL, 5, group, 4, &par, phi, &base, &gap, &e), 0);
    assert_double_equal(phi[1], 0.0, 0.0);
    brute_kernel(&mo, X, 4, B, NULL, 5, group, 4, want);
    for (size_t j = 0; j < 4; j++)
        assert_double_equal(phi[j], want[j], 1e-8);
    /* Only 3 players vary: 2^3 - 2 = 6 coalitions. */
    struct model m2 = {0, NULL, 0, 0, 0};
    assert_int_equal(shap_kernel(model_predict, &m2, X, 1, 4, B, NULL, 5, group, 4, &par, phi, &base, &gap, &e), 0);
    assert_int_equal(m2.rows, 5 + 1 + 6 * 5);
}

static void random_data(unsigned long seed, double *X, size_t n, size_t p)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n * p; i++)
        X[i] = -1.0 + 2.0 * gsl_rng_uniform(r);
    gsl_rng_free(r);
}

/* Sampling cannot miss on a linear model: any full-rank design fits it
 * exactly, so phi_j = w_j (x_j - background mean_j). */
TEST(test_kernel_sampled_linear)
{
    const size_t p = 10, n = 4, nb = 6;
    const double w[10] = {0.5, -1.0, 2.0, 0.0, 0.3, -0.7, 1.1, 0.25, -2.0, 0.9};
    size_t group[10];
    double X[4 * 10], B[6 * 10], phi[4 * 10], base, gap[4];
    for (size_t j = 0; j < p; j++)
        group[j] = j;
    random_data(11, X, n, p);
    random_data(12, B, nb, p);
    struct shap_kernel_params par = {200, 5};
    struct model mo = {2, w, 0, 0, 0};
    struct err e = {0};
    assert_int_equal(shap_kernel(model_predict, &mo, X, n, p, B, NULL, nb, group, p, &par, phi, &base, gap, &e), 0);
    assert_true(mo.rows <= nb + n + n * 200 * nb);
    for (size_t j = 0; j < p; j++) {
        double mean = 0.0;
        for (size_t b = 0; b < nb; b++)
            mean += B[b * p + j] / (double)nb;
        for (size_t i = 0; i < n; i++)
            assert_double_equal(phi[i * p + j], w[j] * (X[i * p + j] - mean), 1e-9);
    }
    for (size_t i = 0; i < n; i++)
        assert_double_equal(gap[i], 0.0, 1e-12);
}

/* Sampled on a non-linear model: close to the truth, additive, and the
 * same for the same seed. */
TEST(test_kernel_sampled_nonlinear)
{
    const size_t p = 8, n = 3, nb = 5;
    size_t group[8];
    double X[3 * 8], B[5 * 8], phi[3 * 8], phi2[3 * 8], phi3[3 * 8], base, gap[3], want[8];
    for (size_t j = 0; j < p; j++)
        group[j] = j;
    random_data(21, X, n, p);
    random_data(22, B, nb, p);
    struct shap_kernel_params par = {120, 9};
    struct model mo = {3, NULL, 0, 0, 0};
    struct err e = {0};
    assert_int_equal(shap_kernel(model_predict, &mo, X, n, p, B, NULL, nb, group, p, &par, phi, &base, gap, &e), 0);
    assert_int_equal(shap_kernel(model_predict, &mo, X, n, p, B, NULL, nb, group, p, &par, phi2, &base, gap, &e), 0);
    assert_memory_equal(phi, phi2, sizeof phi);
    par.seed = 10;
    assert_int_equal(shap_kernel(model_predict, &mo, X, n, p, B, NULL, nb, group, p, &par, phi3, &base, gap, &e), 0);
    assert_true(memcmp(phi, phi3, sizeof phi) != 0);
    double worst = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        brute_kernel(&mo, X + i * p, p, B, NULL, nb, group, p, want);
        for (size_t j = 0; j < p; j++) {
            double d = fabs(phi[i * p + j] - want[j]);
            ss += d * d;
            if (d > worst)
                worst = d;
        }
        assert_double_equal(gap[i], 0.0, 1e-12);
    }
    if (getenv("SHAP_VERBOSE"))
        fprintf(stderr, "kernel sampled (8 players, budget 120 of 254): |phi - brute| worst %.3g rms %.3g\n",
                worst, sqrt(ss / (double)(n * p)));
    /* The error shrinks steadily with the budget (rms 0.011 at 120, 0.005
     * at 240 over 20 rows and 5 seeds); these bounds leave room for chance. */
    assert_true(worst < 0.1);
    assert_true(sqrt(ss / (double)(n * p)) < 0.03);
    /* With the budget covering every coalition, exact again. */
    par.budget = 254;
    assert_int_equal(shap_kernel(model_predict, &mo, X, n, p, B, NULL, nb, group, p, &par, phi, &base, gap, &e), 0);
    for (size_t i = 0; i < n; i++) {
        brute_kernel(&mo, X + i * p, p, B, NULL, nb, group, p, want);
        for (size_t j = 0; j < p; j++)
            assert_double_equal(phi[i * p + j], want[j], 1e-8);
    }
}

static int tree_predict_cb(void *ctx, const double *X, size_t n, size_t p, double *out, struct err *e)
{
    (void)e;
    for (size_t i = 0; i < n; i++)
        out[i] = tree_f(ctx, X + i * p);
    return 0;
}

/* KernelSHAP with every coalition plays the interventional game, so on a
 * tree it must agree with interventional TreeSHAP; on a linear model with
 * shap_linear around the background mean. */
TEST(test_kernel_agrees_with_exact_explainers)
{
    struct tree t = hand_tree();
    const double B[] = {
        0.0, 0.0, 1.0, 0.0, 2.5, 0.0, 0.0, 1.0, 1.0, -3.0, 0.0, 0.0, 0.4, 1.5, -2.0, 2.0, 1.9, -0.5, 0.0, 0.0,
    };
    const double bw[] = {1.0, 3.0, 0.5, 2.0, 1.5};
    const size_t group[4] = {0, 1, 2, 3};
    struct shap_kernel_params par = {14, 1};
    double pk[HN * 4], pt[HN * 4], bk, bt, gap[HN];
    struct err e = {0};
    assert_int_equal(shap_kernel(tree_predict_cb, &t, HX, HN, 4, B, bw, 5, group, 4, &par, pk, &bk, gap, &e), 0);
    assert_int_equal(shap_tree_interventional(&t, HX, HN, B, bw, 5, 4, pt, &bt, &e), 0);
    assert_double_equal(bk, bt, 1e-15);
    for (size_t i = 0; i < HN * 4; i++)
        assert_double_equal(pk[i], pt[i], 1e-12);

    const double w[4] = {0.5, -1.5, 2.0, 0.25};
    double mean[4] = {0}, pl[HN * 4], bl;
    for (size_t b = 0; b < 5; b++)
        for (size_t j = 0; j < 4; j++)
            mean[j] += bw[b] / 8.0 * B[b * 4 + j];
    struct model mo = {2, w, 0, 0, 0};
    /* HX has a NaN, which a linear model cannot take: rows 0..5 only. */
    assert_int_equal(shap_kernel(model_predict, &mo, HX, HN - 1, 4, B, bw, 5, group, 4, &par, pk, &bk, gap, &e), 0);
    shap_linear(w, 0.1, mean, HX, HN - 1, 4, pl, &bl);
    assert_double_equal(bk, bl, 1e-14);
    for (size_t i = 0; i < (HN - 1) * 4; i++)
        assert_double_equal(pk[i], pl[i], 1e-12);
}

TEST(test_kernel_errors)
{
    const size_t group[4] = {0, 1, 2, 3}, bad[4] = {0, 1, 2, 4};
    double phi[3 * 4], base;
    struct shap_kernel_params par = {6, 1};
    struct model mo = {0, NULL, 0, 0, 0};
    struct err e = {0};
    /* 4 players need 14 coalitions to enumerate, 8 to sample. */
    assert_int_equal(shap_kernel(model_predict, &mo, KX, 3, 4, KB, NULL, 5, group, 4, &par, phi, &base, NULL, &e),
                     ERR_PARAMS);
    assert_non_null(strstr(e.msg, "budget"));
    par.budget = 8;
    assert_int_equal(shap_kernel(model_predict, &mo, KX, 3, 4, KB, NULL, 5, group, 4, &par, phi, &base, NULL, &e), 0);
    assert_int_equal(shap_kernel(model_predict, &mo, KX, 3, 4, KB, NULL, 5, bad, 4, &par, phi, &base, NULL, &e),
                     ERR_PARAMS);
    assert_int_equal(shap_kernel(model_predict, &mo, KX, 3, 4, KB, NULL, 0, group, 4, &par, phi, &base, NULL, &e),
                     ERR_PARAMS);
    mo.fail = 1;
    assert_int_equal(shap_kernel(model_predict, &mo, KX, 3, 4, KB, NULL, 5, group, 4, &par, phi, &base, NULL, &e),
                     ERR_NUM);
    assert_string_equal(e.msg, "model: refused");
}

/* KernelSHAP on a KNN model: the knn_mix shortcut gives the values of the
 * generic path (mixed rows built and predicted), with every coalition
 * enumerated and with a sampled budget, weighted background, a one-hot group
 * and a group equal to x in every background row. */
static int knn_predict_cb(void *ctx, const double *X, size_t n, size_t p, double *out, struct err *e)
{
    (void)p;
    return knn_predict_proba(ctx, X, n, out, e);
}

static int knn_row_cb(void *ctx, const double *x, struct err *e)
{
    return knn_mix_row(ctx, x, e);
}

/* The test's mixer: 5 groups, 4 background rows. */
static int knn_values_cb(void *ctx, const unsigned char *take, size_t n, double *out, struct err *e)
{
    (void)e;
    for (size_t k = 0; k < n; k++)
        knn_mix_proba(ctx, take + k * 5, out + k * 4);
    return 0;
}

TEST(test_kernel_knn_mix)
{
    enum { N = 120, P = 7, M = 5, NB = 4, NX = 3 };
    const size_t group[P] = {0, 1, 2, 2, 2, 3, 4};
    const double bw[NB] = {1.0, 2.0, 0.5, 1.5};
    double X[N * P], B[NB * P], Q[NX * P];
    int y[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    for (size_t i = 0; i < N + NB + NX; i++) {
        double *row = i < N ? X + i * P : i < N + NB ? B + (i - N) * P : Q + (i - N - NB) * P;
        size_t hot = gsl_rng_uniform_int(r, 3);
        for (size_t j = 0; j < P; j++)
            row[j] = group[j] == 2 ? (double)(j - 2 == hot) : group[j] == 4 ? 0.25 : gsl_rng_uniform(r) * 4.0 - 2.0;
        if (i < N)
            y[i] = gsl_rng_uniform(r) < 0.5;
    }
    for (int pw = 1; pw <= 2; pw++) {
        struct knn_params kp = {9, KNN_DISTANCE, pw};
        struct knn *knn;
        struct knn_mix *mx;
        struct err e = {0};
        assert_int_equal(knn_fit(X, y, N, P, &kp, &knn, &e), 0);
        assert_int_equal(knn_mix_new(knn, B, NB, group, M, &mx, &e), 0);
        const struct shap_mixer mix = {knn_row_cb, knn_values_cb, mx};
        const size_t budgets[] = {14, 10};
        for (size_t t = 0; t < 2; t++) {
            struct shap_kernel_params par = {budgets[t], 7};
            double phi[NX * M], want[NX * M], base, wbase, gap[NX], wgap[NX];
            assert_int_equal(shap_kernel(knn_predict_cb, knn, Q, NX, P, B, bw, NB, group, M, &par, want, &wbase,
                                         wgap, &e), 0);
            assert_int_equal(shap_kernel_mix(knn_predict_cb, knn, &mix, Q, NX, P, B, bw, NB, group, M, &par, phi,
                                             &base, gap, &e), 0);
            assert_double_equal(base, wbase, 0.0);
            for (size_t i = 0; i < NX * M; i++)
                assert_double_equal(phi[i], want[i], 1e-12);
            for (size_t i = 0; i < NX; i++) {
                assert_double_equal(phi[i * M + 4], 0.0, 0.0);
                assert_double_equal(gap[i], wgap[i], 1e-12);
            }
        }
        knn_mix_free(mx);
        knn_free(knn);
    }
    gsl_rng_free(r);
}

/* A mixer missing a function is refused. */
TEST(test_kernel_mix_errors)
{
    const size_t group[4] = {0, 1, 2, 3};
    const struct shap_mixer half = {knn_row_cb, NULL, NULL};
    struct shap_kernel_params par = {14, 1};
    struct model mo = {0, NULL, 0, 0, 0};
    double phi[3 * 4], base;
    struct err e = {0};
    assert_int_equal(shap_kernel_mix(model_predict, &mo, &half, KX, 3, 4, KB, NULL, 5, group, 4, &par, phi, &base,
                                     NULL, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "mixer"));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_linear), cmocka_unit_test(test_tree_stump_by_hand),
          cmocka_unit_test(test_tree_path_hand), cmocka_unit_test(test_tree_interventional_hand),
          cmocka_unit_test(test_tree_random_brute), cmocka_unit_test(test_tree_sklearn_fixture),
          cmocka_unit_test(test_tree_errors), cmocka_unit_test(test_tree_speed),
          cmocka_unit_test(test_group_sum_and_additivity), cmocka_unit_test(test_kernel_exact),
          cmocka_unit_test(test_kernel_knn_mix), cmocka_unit_test(test_kernel_mix_errors),
          cmocka_unit_test(test_kernel_groups), cmocka_unit_test(test_kernel_dummy_group),
          cmocka_unit_test(test_kernel_sampled_linear), cmocka_unit_test(test_kernel_sampled_nonlinear),
          cmocka_unit_test(test_kernel_agrees_with_exact_explainers), cmocka_unit_test(test_kernel_errors))
