#include "core/mem.h"
#include "models/cart.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

/* scikit-learn's FEATURE_THRESHOLD: sorted values closer than this are one
 * value, so no threshold is placed between them (float32 noise). */
#define CART_FEATURE_THRESHOLD 1e-7

/* A split is made only when it lowers the node's impurity by more than
 * rounding can produce: 16 ulps of an impurity that is at most 1. */
#define CART_MIN_GAIN (16 * DBL_EPSILON)

void cart_params_default(struct cart_params *par)
{
    /* scikit-learn's DecisionTreeClassifier: gini, unbounded depth, every feature. */
    *par = (struct cart_params){.criterion = CART_GINI, .min_samples_split = 2, .min_samples_leaf = 1,
                                .max_features = CART_MF_ALL, .max_features_frac = 1.0};
}

int cart_max_features_parse(const char *s, struct cart_params *par, struct err *e)
{
    if (!strcmp(s, "all") || !strcmp(s, "none") || !strcmp(s, "None")) {
        par->max_features = CART_MF_ALL;
        return ERR_OK;
    }
    if (!strcmp(s, "sqrt")) {
        par->max_features = CART_MF_SQRT;
        return ERR_OK;
    }
    if (!strcmp(s, "log2")) {
        par->max_features = CART_MF_LOG2;
        return ERR_OK;
    }
    char *end;
    if (strspn(s, "0123456789") == strlen(s) && *s) {
        unsigned long long v = strtoull(s, &end, 10);
        if (v >= 1 && v <= (size_t)-1 / 2) {
            par->max_features = CART_MF_INT;
            par->max_features_n = (size_t)v;
            return ERR_OK;
        }
    } else {
        double v = strtod(s, &end);
        if (end != s && !*end && v > 0.0 && v < 1.0) {
            par->max_features = CART_MF_FRACTION;
            par->max_features_frac = v;
            return ERR_OK;
        }
    }
    return err_set(e, ERR_PARAMS,
                   "max_features: expected all, none, sqrt, log2, an integer >= 1 or a fraction "
                   "in (0, 1), found \"%s\"",
                   s);
}

/* Number of features a node draws, as scikit-learn's BaseDecisionTree.fit
 * computes max_features_. */
static size_t n_draw(const struct cart_params *par, size_t p)
{
    size_t k;
    switch (par->max_features) {
    case CART_MF_SQRT: k = (size_t)sqrt((double)p); break;
    case CART_MF_LOG2: k = (size_t)log2((double)p); break;
    case CART_MF_INT: k = par->max_features_n; break;
    case CART_MF_FRACTION: k = (size_t)(par->max_features_frac * (double)p); break;
    default: k = p;
    }
    return k < 1 ? 1 : k > p ? p : k;
}

static int check_params(const struct cart_params *par, size_t p, struct err *e)
{
    if (par->criterion != CART_GINI && par->criterion != CART_ENTROPY)
        return err_set(e, ERR_PARAMS, "cart: expected criterion gini or entropy, found %d",
                       (int)par->criterion);
    if (par->min_samples_split < 2)
        return err_set(e, ERR_PARAMS, "cart: expected min_samples_split >= 2, found %zu",
                       par->min_samples_split);
    if (par->min_samples_leaf < 1)
        return err_set(e, ERR_PARAMS, "cart: expected min_samples_leaf >= 1, found %zu",
                       par->min_samples_leaf);
    switch (par->max_features) {
    case CART_MF_ALL:
    case CART_MF_SQRT:
    case CART_MF_LOG2: break;
    case CART_MF_INT:
        if (par->max_features_n < 1 || par->max_features_n > p)
            return err_set(e, ERR_PARAMS, "cart: expected max_features in [1, %zu], found %zu",
                           p, par->max_features_n);
        break;
    case CART_MF_FRACTION:
        if (!(par->max_features_frac > 0.0 && par->max_features_frac <= 1.0))
            return err_set(e, ERR_PARAMS,
                           "cart: expected a max_features fraction in (0, 1], found %g",
                           par->max_features_frac);
        break;
    default:
        return err_set(e, ERR_PARAMS, "cart: expected a max_features kind, found %d",
                       (int)par->max_features);
    }
    return ERR_OK;
}

/* Impurity of a node from its weighted class counts, written as
 * scikit-learn's Gini/Entropy criteria write it so the numbers agree to the
 * last bit on equal sums. */
static double impurity(enum cart_criterion crit, double c0, double c1, double wn)
{
    if (crit == CART_GINI)
        return 1.0 - (c0 * c0 + c1 * c1) / (wn * wn);
    double h = 0.0;
    if (c0 > 0.0) {
        double q = c0 / wn;
        h -= q * (log(q) / log(2.0));
    }
    if (c1 > 0.0) {
        double q = c1 / wn;
        h -= q * (log(q) / log(2.0));
    }
    return h;
}

struct pair {
    double v;
    size_t s;
};

/* By value, then by row: a fixed order (every key is unique) keeps the fit
 * reproducible whatever sort produces it. */
static inline int pair_less(const struct pair *x, const struct pair *y)
{
    return x->v < y->v || (x->v == y->v && x->s < y->s);
}

/* Sort a[0, n) by pair_less, tmp being scratch for n pairs. This sort is
 * most of a tree's fit (every node sorts its rows on every feature it
 * visits), and glibc's qsort spent half its time in the callback and in
 * byte-wise moves: a merge sort with the comparison inlined, insertion
 * sort on short runs and a skipped merge where two runs are already in
 * order, is about 3 times faster (tests/bench/README.md). */
static void pair_sort(struct pair *a, size_t n, struct pair *tmp)
{
    enum { RUN = 16 };
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            struct pair x = a[i];
            size_t j = i;
            for (; j > lo && pair_less(&x, &a[j - 1]); j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
    }
    struct pair *src = a, *dst = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            if (mid == hi || !pair_less(&src[mid], &src[mid - 1])) {
                memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src);
                continue;
            }
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = pair_less(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        struct pair *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

struct frame {
    size_t start, end, depth;
    long parent; /* -1 for the root */
    int is_left;
    double impurity;
};

/* The growing tree: arrays reallocated by doubling, then handed to a struct
 * tree without copying. */
struct build {
    size_t n, cap;
    int *left, *right, *feature;
    double *threshold, *value, *cover;
};

/* *pp reallocated to cap elements of size bytes; on failure *pp is kept. */
static int grow_to(void *pp, size_t cap, size_t size)
{
    void *old, *p;
    memcpy(&old, pp, sizeof old);
    if (!(p = realloc(old, cap * size)))
        return -1;
    memcpy(pp, &p, sizeof p);
    return 0;
}

static int build_grow(struct build *b)
{
    if (b->n < b->cap)
        return 0;
    size_t cap = b->cap ? 2 * b->cap : 64;
    /* Every array is tried, so that each keeps a valid pointer for build_free. */
    int bad = grow_to(&b->left, cap, sizeof *b->left) | grow_to(&b->right, cap, sizeof *b->right) |
              grow_to(&b->feature, cap, sizeof *b->feature) | grow_to(&b->threshold, cap, sizeof *b->threshold) |
              grow_to(&b->value, cap, sizeof *b->value) | grow_to(&b->cover, cap, sizeof *b->cover);
    if (bad)
        return -1;
    b->cap = cap;
    return 0;
}

static void build_free(struct build *b)
{
    FREE_ALL(b->left, b->right, b->feature, b->threshold, b->value, b->cover);
}

struct split {
    size_t pos;
    int feature;
    double threshold, proxy;
};

struct fitter {
    const double *X;
    const int *y;
    const double *w; /* effective weights, class weights included */
    size_t p, max_features, min_leaf;
    enum cart_criterion crit;
    double w_total;
    size_t *samples, *features;
    struct pair *buf, *tmp; /* the node's (value, row) pairs and sort scratch */
    gsl_rng *rng;
};

/* The best split of samples[start, end) or pos == end when there is none,
 * searched as scikit-learn's BestSplitter.node_split searches. */
static struct split best_split(struct fitter *F, size_t start, size_t end, double c0, double c1,
                               double wn)
{
    struct split best = {end, -1, 0.0, -INFINITY};
    size_t n_visited = 0, n_nonconst = 0;
    for (size_t k = 0; k < F->p; k++) {
        if (n_visited >= F->max_features && n_nonconst > 0)
            break;
        /* One step of a Fisher-Yates shuffle: the next feature in a random
         * order; constant features count as visited, as in scikit-learn. */
        size_t j = k + (size_t)gsl_rng_uniform_int(F->rng, (unsigned long)(F->p - k));
        size_t f = F->features[j];
        F->features[j] = F->features[k];
        F->features[k] = f;
        n_visited++;

        struct pair *xf = F->buf + start;
        for (size_t i = start; i < end; i++) {
            size_t s = F->samples[i];
            F->buf[i].v = F->X[s * F->p + f];
            F->buf[i].s = s;
        }
        pair_sort(xf, end - start, F->tmp);
        if (F->buf[end - 1].v <= F->buf[start].v + CART_FEATURE_THRESHOLD)
            continue;
        n_nonconst++;

        double l0 = 0.0, l1 = 0.0, wl = 0.0;
        size_t done = start; /* rows [start, done) are summed into the left side */
        size_t i = start;
        while (i < end) {
            while (i + 1 < end && F->buf[i + 1].v <= F->buf[i].v + CART_FEATURE_THRESHOLD)
                i++;
            i++;
            if (i >= end)
                break;
            if (i - start < F->min_leaf || end - i < F->min_leaf)
                continue;
            for (; done < i; done++) {
                size_t s = F->buf[done].s;
                if (F->y[s])
                    l1 += F->w[s];
                else
                    l0 += F->w[s];
                wl += F->w[s];
            }
            double wr = wn - wl, r0 = c0 - l0, r1 = c1 - l1;
            double proxy = -wr * impurity(F->crit, r0, r1, wr) - wl * impurity(F->crit, l0, l1, wl);
            if (proxy > best.proxy) {
                double a = F->buf[i - 1].v, b = F->buf[i].v;
                double t = a / 2.0 + b / 2.0;
                /* The midpoint of adjacent doubles can round up to the upper
                 * value, which would send it left. */
                if (t == b || isinf(t))
                    t = a;
                best.proxy = proxy;
                best.pos = i;
                best.feature = (int)f;
                best.threshold = t;
            }
        }
    }
    return best;
}

/* Reorder samples[start, end) so that rows going left come first. */
static void partition(struct fitter *F, size_t start, size_t end, int f, double t)
{
    size_t i = start, stop = end;
    while (i < stop) {
        if (F->X[F->samples[i] * F->p + (size_t)f] <= t) {
            i++;
        } else {
            stop--;
            size_t s = F->samples[i];
            F->samples[i] = F->samples[stop];
            F->samples[stop] = s;
        }
    }
}

static void class_sums(const struct fitter *F, size_t start, size_t end, double *c0, double *c1,
                       double *wn)
{
    *c0 = *c1 = *wn = 0.0;
    for (size_t i = start; i < end; i++) {
        size_t s = F->samples[i];
        if (F->y[s])
            *c1 += F->w[s];
        else
            *c0 += F->w[s];
        *wn += F->w[s];
    }
}

static int grow(struct fitter *F, const struct cart_params *par, size_t m, struct build *B)
{
    size_t max_depth = par->max_depth ? par->max_depth : (size_t)-1;
    size_t cap = 64, top = 0;
    struct frame *stack = malloc(cap * sizeof *stack);
    if (!stack)
        return -1;
    stack[top++] = (struct frame){0, m, 0, -1, 0, NAN};
    while (top) {
        struct frame fr = stack[--top];
        size_t n_node = fr.end - fr.start;
        double c0, c1, wn;
        class_sums(F, fr.start, fr.end, &c0, &c1, &wn);
        double imp = fr.parent < 0 ? impurity(F->crit, c0, c1, wn) : fr.impurity;

        int is_leaf = fr.depth >= max_depth || n_node < par->min_samples_split ||
                      n_node < 2 * par->min_samples_leaf || imp <= DBL_EPSILON;
        struct split sp = {fr.end, -1, 0.0, -INFINITY};
        double imp_l = 0.0, imp_r = 0.0;
        if (!is_leaf) {
            sp = best_split(F, fr.start, fr.end, c0, c1, wn);
            is_leaf = sp.pos >= fr.end;
        }
        if (!is_leaf) {
            partition(F, fr.start, fr.end, sp.feature, sp.threshold);
            double l0, l1, wl, r0, r1, wr;
            class_sums(F, fr.start, sp.pos, &l0, &l1, &wl);
            wr = wn - wl;
            r0 = c0 - l0;
            r1 = c1 - l1;
            imp_l = impurity(F->crit, l0, l1, wl);
            imp_r = impurity(F->crit, r0, r1, wr);
            /* scikit-learn's impurity_improvement without the wn / w_total
             * factor, which cannot change its sign. */
            double gain = imp - wr / wn * imp_r - wl / wn * imp_l;
            is_leaf = !(gain > CART_MIN_GAIN);
        }

        if (build_grow(B))
            goto nomem;
        size_t id = B->n++;
        if (fr.parent >= 0) {
            if (fr.is_left)
                B->left[fr.parent] = (int)id;
            else
                B->right[fr.parent] = (int)id;
        }
        B->left[id] = B->right[id] = B->feature[id] = -1;
        B->threshold[id] = 0.0;
        B->value[id] = wn > 0.0 ? c1 / wn : 0.0;
        B->cover[id] = wn;
        if (is_leaf)
            continue;
        B->feature[id] = sp.feature;
        B->threshold[id] = sp.threshold;
        if (top + 2 > cap) {
            struct frame *s2 = realloc(stack, 2 * cap * sizeof *stack);
            if (!s2)
                goto nomem;
            stack = s2;
            cap *= 2;
        }
        /* Right pushed first so the left child is popped, and numbered, first. */
        stack[top++] = (struct frame){sp.pos, fr.end, fr.depth + 1, (long)id, 0, imp_r};
        stack[top++] = (struct frame){fr.start, sp.pos, fr.depth + 1, (long)id, 1, imp_l};
    }
    free(stack);
    return 0;
nomem:
    free(stack);
    return -1;
}

static int check_data(const double *X, const int *y, const double *sw, size_t n, size_t p,
                      struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return err_set(e, ERR_DATA, "cart: row %zu: expected a label 0 or 1, found %d", i,
                           y[i]);
        if (sw && !(sw[i] >= 0.0 && isfinite(sw[i])))
            return err_set(e, ERR_DATA,
                           "cart: row %zu: expected a finite sample weight >= 0, found %g", i,
                           sw[i]);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return err_set(e, ERR_DATA,
                               "cart: row %zu, column %zu: expected a finite number, found %g",
                               i, j, X[i * p + j]);
    }
    return ERR_OK;
}

/* The rows' weights w: the sample weights times the class weights
 * (class_weight="balanced" is n / (n_classes * bincount(y)) over the
 * unweighted labels). The rows of non-zero weight go to samples, their total
 * to *w_total; returns how many there are. */
static size_t weigh_rows(const int *y, const double *sample_weight, size_t n, int balanced, double *w,
                         size_t *samples, double *w_total)
{
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++)
        n1 += (size_t)y[i];
    size_t n_classes = (n1 > 0) + (n1 < n);
    double cw[2] = {1.0, 1.0};
    if (balanced) {
        if (n1 < n)
            cw[0] = (double)n / (double)(n_classes * (n - n1));
        if (n1 > 0)
            cw[1] = (double)n / (double)(n_classes * n1);
    }
    /* Rows of zero weight take no part in the fit, as in scikit-learn: they
     * would count towards min_samples_* without carrying any mass. */
    size_t m = 0;
    *w_total = 0.0;
    for (size_t i = 0; i < n; i++) {
        w[i] = (sample_weight ? sample_weight[i] : 1.0) * cw[y[i]];
        if (w[i] != 0.0) {
            samples[m++] = i;
            *w_total += w[i];
        }
    }
    return m;
}

int cart_fit(const double *X, const int *y, const double *sample_weight, size_t n, size_t p,
             const struct cart_params *par, struct tree **out, struct err *e)
{
    *out = NULL;
    if (n == 0 || p == 0)
        return err_set(e, ERR_DATA, "cart: expected at least one row and one column, found "
                       "%zu x %zu", n, p);
    int rc = check_params(par, p, e);
    if (rc || (rc = check_data(X, y, sample_weight, n, p, e)))
        return rc;

    struct fitter F = {X, y, NULL, p, n_draw(par, p), par->min_samples_leaf, par->criterion,
                       0.0, NULL, NULL, NULL, NULL, NULL};
    struct build B = {0};
    double *w = malloc(n * sizeof *w);
    F.samples = malloc(n * sizeof *F.samples);
    F.features = malloc(p * sizeof *F.features);
    F.buf = malloc(n * sizeof *F.buf);
    F.tmp = malloc(n * sizeof *F.tmp);
    F.rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!w || !F.samples || !F.features || !F.buf || !F.tmp || !F.rng) {
        rc = err_set(e, ERR_NOMEM, "cart: out of memory");
        goto done;
    }
    gsl_rng_set(F.rng, par->seed);
    F.w = w;

    size_t m = weigh_rows(y, sample_weight, n, par->class_weight_balanced, w, F.samples, &F.w_total);
    if (m == 0 || !isfinite(F.w_total)) {
        rc = err_set(e, ERR_DATA, "cart: expected a positive finite total sample weight, found %g",
                     F.w_total);
        goto done;
    }
    for (size_t j = 0; j < p; j++)
        F.features[j] = j;

    if (grow(&F, par, m, &B)) {
        rc = err_set(e, ERR_NOMEM, "cart: out of memory");
        goto done;
    }
    struct tree *t = calloc(1, sizeof *t);
    if (!t) {
        rc = err_set(e, ERR_NOMEM, "cart: out of memory");
        goto done;
    }
    t->n_nodes = B.n;
    t->n_features = p;
    t->left = B.left;
    t->right = B.right;
    t->feature = B.feature;
    t->threshold = B.threshold;
    t->value = B.value;
    t->cover = B.cover;
    memset(&B, 0, sizeof B);
    *out = t;
done:
    build_free(&B);
    FREE_ALL(w, F.samples, F.features, F.buf, F.tmp);
    gsl_rng_free(F.rng);
    return rc;
}
