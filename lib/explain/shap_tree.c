/* shap_tree: exact Shapley values of a decision tree's predicted probability.
 *
 * Path-dependent TreeSHAP follows Lundberg, Erion & Lee (2018), Algorithm 2:
 * walking root to leaf, it keeps for the features met on the path the
 * proportion of all coalitions (by Shapley weight) that reach the current
 * node, updated in O(depth) per node by EXTEND (a feature joins the path) and
 * UNWIND (undo a feature, when the same feature splits again further down).
 *
 * Interventional TreeSHAP uses that for one background row z the game
 * v(S) = f(x_S, z_~S) is a sum over leaves of v_leaf * [A ⊆ S, B ∩ S = ∅],
 * where A are the features whose split sends x and z apart and the path
 * follows x, B those where it follows z. Such a game has closed-form Shapley
 * values, so one walk over the nodes x or z can reach explains x against z. */
#include "explain/shap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Check that t is a well-formed tree over rows of width p: every internal
 * node splits a real feature and has two in-range children, and walking
 * from the root reaches each node at most once (no cycles, no sharing).
 * On success *depth is the number of edges on the longest root-leaf path. */
static int st_check(const struct tree *t, size_t p, size_t *depth, struct err *e)
{
    if (!t || t->n_nodes == 0 || !t->left || !t->right || !t->feature || !t->threshold || !t->value)
        return err_set(e, ERR_DATA, "shap: expected a fitted tree, found an empty one");
    if (t->n_features > p)
        return err_set(e, ERR_DATA, "shap: expected rows of at least %zu columns for the tree, found %zu",
                       t->n_features, p);
    size_t nn = t->n_nodes;
    for (size_t i = 0; i < nn; i++) {
        int l = t->left[i], r = t->right[i];
        if (l == -1 && r == -1) {
            if (!isfinite(t->value[i]))
                return err_set(e, ERR_DATA, "shap: expected a finite value at leaf %zu, found %g", i,
                               t->value[i]);
            continue;
        }
        if (l < 0 || r < 0 || (size_t)l >= nn || (size_t)r >= nn)
            return err_set(e, ERR_DATA, "shap: expected children of node %zu in [0, %zu), found %d and %d",
                           i, nn, l, r);
        if (t->feature[i] < 0 || (size_t)t->feature[i] >= t->n_features)
            return err_set(e, ERR_DATA, "shap: expected a feature in [0, %zu) at node %zu, found %d",
                           t->n_features, i, t->feature[i]);
        if (isnan(t->threshold[i]))
            return err_set(e, ERR_DATA, "shap: expected a threshold at node %zu, found NaN", i);
    }
    size_t *stack = malloc(2 * nn * sizeof *stack);
    unsigned char *seen = calloc(nn, 1);
    if (!stack || !seen) {
        free(stack);
        free(seen);
        return err_set(e, ERR_NOMEM, "shap: out of memory checking a tree of %zu nodes", nn);
    }
    /* Pairs (node, depth); each node is pushed at most once, so 2*nn fits. */
    size_t top = 0, dmax = 0;
    int rc = ERR_OK;
    stack[top++] = 0;
    stack[top++] = 0;
    seen[0] = 1;
    while (top > 0 && rc == ERR_OK) {
        size_t d = stack[--top], i = stack[--top];
        if (d > dmax)
            dmax = d;
        if (t->left[i] == -1)
            continue;
        int kids[2] = {t->left[i], t->right[i]};
        for (int k = 0; k < 2; k++) {
            size_t c = (size_t)kids[k];
            if (seen[c]) {
                rc = err_set(e, ERR_DATA, "shap: expected a tree, found node %zu reached twice", c);
                break;
            }
            seen[c] = 1;
            stack[top++] = c;
            stack[top++] = d + 1;
        }
    }
    free(stack);
    free(seen);
    *depth = dmax;
    return rc;
}

/* The child a row goes to: left when x <= threshold; NaN goes right. */
static int st_child(const struct tree *t, size_t node, const double *x)
{
    return x[t->feature[node]] <= t->threshold[node] ? t->left[node] : t->right[node];
}

static double st_eval(const struct tree *t, const double *x)
{
    size_t i = 0;
    while (t->left[i] != -1)
        i = (size_t)st_child(t, i, x);
    return t->value[i];
}

/* The share of a node's cover that went to child c; a node nobody reached
 * passes on nothing (its own share upstream is already zero). */
static double cover_frac(const struct tree *t, size_t node, int c)
{
    double w = t->cover[node];
    return w > 0.0 ? t->cover[c] / w : 0.0;
}

/* ------------------------------------------------ path-dependent ---- */

/* One feature on the current path: the fraction of "zero" paths (feature
 * absent: the share of covers) and "one" paths (feature present: 1 when x
 * goes this way, else 0) that flow through, and the permutation weight of
 * the coalitions of a given size (indexed by position, not by feature). */
struct pathel {
    int feature;
    double zero, one, w;
};

/* The loops below run once per leaf and path element, so they multiply by
 * inv[k] = 1/k (k <= depth + 2) and by a hoisted 1/fraction instead of
 * dividing: it makes TreeSHAP several times faster. */

/* EXTEND: append a feature with fractions (pz, po) to a path of u elements. */
static void path_extend(struct pathel *m, size_t u, double pz, double po, int feature, const double *inv)
{
    m[u].feature = feature;
    m[u].zero = pz;
    m[u].one = po;
    m[u].w = u == 0 ? 1.0 : 0.0;
    double r = inv[u + 1];
    for (size_t i = u; i-- > 0;) {
        m[i + 1].w += po * m[i].w * (double)(i + 1) * r;
        m[i].w = pz * m[i].w * (double)(u - i) * r;
    }
}

/* UNWIND: remove element k from a path of u + 1 elements, inverting EXTEND. */
static void path_unwind(struct pathel *m, size_t u, size_t k, const double *inv)
{
    double po = m[k].one, pz = m[k].zero;
    double next = m[u].w, up1 = (double)(u + 1), r = inv[u + 1];
    if (po != 0.0) {
        double ipo = 1.0 / po;
        for (size_t i = u; i-- > 0;) {
            double tmp = m[i].w;
            m[i].w = next * up1 * inv[i + 1] * ipo;
            next = tmp - m[i].w * pz * (double)(u - i) * r;
        }
    } else {
        /* Only reached with pz != 0: children nobody reaches are skipped. */
        double ipz = 1.0 / pz;
        for (size_t i = u; i-- > 0;)
            m[i].w = m[i].w * up1 * ipz * inv[u - i];
    }
    for (size_t i = k; i < u; i++) {
        m[i].feature = m[i + 1].feature;
        m[i].zero = m[i + 1].zero;
        m[i].one = m[i + 1].one;
    }
}

/* The total weight the path would have with element k unwound, without
 * changing the path: what a leaf credits to feature m[k]. */
static double path_unwound_sum(const struct pathel *m, size_t u, size_t k, const double *inv)
{
    double po = m[k].one, pz = m[k].zero;
    double next = m[u].w, total = 0.0, up1 = (double)(u + 1), r = inv[u + 1];
    if (po != 0.0) {
        /* Factors apart from `next` are computed off the loop-carried chain. */
        double ipo = up1 / po, pzr = pz * r;
        for (size_t i = u; i-- > 0;) {
            double a = ipo * inv[i + 1];
            total += next * a;
            next = m[i].w - next * (a * pzr * (double)(u - i));
        }
    } else {
        double ipz = 1.0 / pz;
        for (size_t i = u; i-- > 0;)
            total += m[i].w * ipz * up1 * inv[u - i];
    }
    return total;
}

struct pdctx {
    const struct tree *t;
    const double *x;
    double *phi;
    const double *inv; /* inv[k] = 1/k */
};

/* Visit node with the parent's path (len elements at parent) plus the
 * feature that split into it with fractions (pz, po). The node's own path
 * is stored right after the parent's, so siblings reuse the same space. */
static void pd_recurse(const struct pdctx *c, size_t node, const struct pathel *parent, size_t len,
                       double pz, double po, int feature)
{
    const struct tree *t = c->t;
    struct pathel *m = (struct pathel *)parent + len;
    memcpy(m, parent, len * sizeof *m);
    path_extend(m, len, pz, po, feature, c->inv);
    size_t u = len;

    if (t->left[node] == -1) {
        for (size_t i = 1; i <= u; i++) {
            double w = path_unwound_sum(m, u, i, c->inv);
            c->phi[m[i].feature] += w * (m[i].one - m[i].zero) * t->value[node];
        }
        return;
    }
    int j = t->feature[node];
    int hot = st_child(t, node, c->x);
    int cold = hot == t->left[node] ? t->right[node] : t->left[node];
    double iz = 1.0, io = 1.0;
    /* A feature split on twice must count once: take it off the path and
     * carry its fractions into this split instead. */
    for (size_t k = 1; k <= u; k++) {
        if (m[k].feature == j) {
            iz = m[k].zero;
            io = m[k].one;
            path_unwind(m, u, k, c->inv);
            u--;
            break;
        }
    }
    double hz = iz * cover_frac(t, node, hot), cz = iz * cover_frac(t, node, cold);
    if (hz != 0.0 || io != 0.0)
        pd_recurse(c, (size_t)hot, m, u + 1, hz, io, j);
    /* A child no path reaches contributes nothing, and UNWIND cannot
     * divide by its zero fractions. */
    if (cz != 0.0)
        pd_recurse(c, (size_t)cold, m, u + 1, cz, 0.0, j);
}

static double pd_expected(const struct tree *t, size_t node)
{
    if (t->left[node] == -1)
        return t->value[node];
    double s = 0.0;
    int kids[2] = {t->left[node], t->right[node]};
    for (int k = 0; k < 2; k++) {
        double f = cover_frac(t, node, kids[k]);
        if (f != 0.0)
            s += f * pd_expected(t, (size_t)kids[k]);
    }
    return s;
}

int shap_tree_path(const struct tree *t, const double *X, size_t n, size_t p, double *phi,
                   double *base, struct err *e)
{
    size_t depth;
    int rc = st_check(t, p, &depth, e);
    if (rc)
        return rc;
    if (!t->cover)
        return err_set(e, ERR_DATA, "shap: expected node covers in the tree, found none");
    for (size_t i = 0; i < t->n_nodes; i++)
        if (!(t->cover[i] >= 0.0) || !isfinite(t->cover[i]))
            return err_set(e, ERR_DATA, "shap: expected a non-negative cover at node %zu, found %g", i,
                           t->cover[i]);
    if (!(t->cover[0] > 0.0))
        return err_set(e, ERR_DATA, "shap: expected a positive cover at the root, found %g", t->cover[0]);

    /* Paths of 1..depth+1 elements stacked root to leaf, plus one spare. */
    size_t cap = (depth + 2) * (depth + 3) / 2;
    struct pathel *buf = malloc(cap * sizeof *buf);
    double *inv = malloc((depth + 3) * sizeof *inv);
    if (!buf || !inv) {
        free(buf);
        free(inv);
        return err_set(e, ERR_NOMEM, "shap: out of memory for TreeSHAP paths of depth %zu", depth);
    }
    inv[0] = 0.0;
    for (size_t k = 1; k < depth + 3; k++)
        inv[k] = 1.0 / (double)k;
    *base = pd_expected(t, 0);
    for (size_t r = 0; r < n; r++) {
        struct pdctx c = {t, X + r * p, phi + r * p, inv};
        memset(c.phi, 0, p * sizeof *c.phi);
        pd_recurse(&c, 0, buf, 0, 1.0, 1.0, -1);
    }
    free(buf);
    free(inv);
    return ERR_OK;
}

/* ------------------------------------------------- interventional ---- */

struct ivctx {
    const struct tree *t;
    const double *x, *z;
    unsigned char *state; /* per feature: 0 not split apart yet, 1 in A (x), 2 in B (z) */
    const double *coef;   /* coef[a * stride + b] = (a-1)! b! / (a+b)! */
    size_t stride;
    double scale; /* the background row's weight share */
    double *phi;
};

/* Walk the nodes reachable by mixing x and z with |A| = a, |B| = b so far.
 * Returns in *pos the sum over the leaves below of the Shapley value a
 * feature of A gets, in *neg minus what a feature of B gets; the node that
 * put a feature into A or B credits it with the sums of its own branch. */
static void iv_recurse(const struct ivctx *c, size_t node, size_t a, size_t b, double *pos,
                       double *neg)
{
    const struct tree *t = c->t;
    while (t->left[node] != -1) {
        int j = t->feature[node];
        int xc = st_child(t, node, c->x), zc = st_child(t, node, c->z);
        if (xc == zc || c->state[j] == 1) {
            node = (size_t)xc;
        } else if (c->state[j] == 2) {
            node = (size_t)zc;
        } else {
            double p1, n1, p2, n2;
            c->state[j] = 1;
            iv_recurse(c, (size_t)xc, a + 1, b, &p1, &n1);
            c->state[j] = 2;
            iv_recurse(c, (size_t)zc, a, b + 1, &p2, &n2);
            c->state[j] = 0;
            c->phi[j] += p1 - n2;
            *pos = p1 + p2;
            *neg = n1 + n2;
            return;
        }
    }
    double v = c->scale * t->value[node];
    *pos = a > 0 ? v * c->coef[a * c->stride + b] : 0.0;
    *neg = b > 0 ? v * c->coef[b * c->stride + a] : 0.0;
}

int shap_tree_interventional(const struct tree *t, const double *X, size_t n, const double *B,
                             const double *bw, size_t nb, size_t p, double *phi, double *base,
                             struct err *e)
{
    size_t depth;
    int rc = st_check(t, p, &depth, e);
    if (rc)
        return rc;
    if (nb == 0)
        return err_set(e, ERR_PARAMS, "shap: expected a background of at least one row, found none");
    double wsum = 0.0;
    if ((rc = shap_background_sum(bw, nb, &wsum, e)))
        return rc;

    /* At most one feature joins A or B per edge, so a + b <= depth. */
    size_t stride = depth + 1;
    double *coef = calloc(stride * stride, sizeof *coef);
    unsigned char *state = calloc(t->n_features ? t->n_features : 1, 1);
    if (!coef || !state) {
        free(coef);
        free(state);
        return err_set(e, ERR_NOMEM, "shap: out of memory for interventional TreeSHAP");
    }
    for (size_t a = 1; a <= depth; a++)
        for (size_t b = 0; a + b <= depth; b++) {
            double v = 1.0 / (double)a;
            for (size_t i = 1; i <= b; i++)
                v *= (double)i / (double)(a + i);
            coef[a * stride + b] = v;
        }

    double b0 = 0.0;
    for (size_t k = 0; k < nb; k++)
        b0 += (bw ? bw[k] : 1.0) / wsum * st_eval(t, B + k * p);
    *base = b0;
    for (size_t r = 0; r < n; r++) {
        double *ph = phi + r * p;
        memset(ph, 0, p * sizeof *ph);
        for (size_t k = 0; k < nb; k++) {
            double w = (bw ? bw[k] : 1.0) / wsum;
            if (w == 0.0)
                continue;
            struct ivctx c = {t, X + r * p, B + k * p, state, coef, stride, w, ph};
            double pos, neg;
            iv_recurse(&c, 0, 0, 0, &pos, &neg);
        }
    }
    free(coef);
    free(state);
    return ERR_OK;
}
