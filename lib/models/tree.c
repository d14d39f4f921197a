#include "core/mem.h"
#include "core/fileio.h"
#include "models/tree.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "core/textio.h"

struct tree *tree_alloc(size_t n_nodes, size_t n_features)
{
    struct tree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_nodes = n_nodes;
    t->n_features = n_features;
    /* calloc(0) may return NULL; one spare slot keeps "NULL = no memory". */
    size_t m = n_nodes ? n_nodes : 1;
    t->left = malloc(m * sizeof *t->left);
    t->right = malloc(m * sizeof *t->right);
    t->feature = malloc(m * sizeof *t->feature);
    t->threshold = calloc(m, sizeof *t->threshold);
    t->value = calloc(m, sizeof *t->value);
    t->cover = calloc(m, sizeof *t->cover);
    if (!t->left || !t->right || !t->feature || !t->threshold || !t->value || !t->cover) {
        tree_free(t);
        return NULL;
    }
    for (size_t i = 0; i < m; i++)
        t->left[i] = t->right[i] = t->feature[i] = -1;
    return t;
}

void tree_free(struct tree *t)
{
    if (t)
        FREE_ALL(t->left, t->right, t->feature, t->threshold, t->value, t->cover, t);
}

size_t tree_apply(const struct tree *t, const double *x)
{
    size_t i = 0;
    while (t->left[i] >= 0) {
        /* Written as `<=` (not `>` with the branches swapped) so that NaN
         * goes right, which is what scikit-learn's comparison does. */
        if (x[t->feature[i]] <= t->threshold[i])
            i = (size_t)t->left[i];
        else
            i = (size_t)t->right[i];
    }
    return i;
}

void tree_predict_proba(const struct tree *t, const double *X, size_t n, double *out)
{
    for (size_t r = 0; r < n; r++)
        out[r] = t->value[tree_apply(t, X + r * t->n_features)];
}

static size_t parent_of(const struct tree *t, size_t c)
{
    for (size_t j = 0; j < t->n_nodes; j++)
        if (t->left[j] == (int)c || t->right[j] == (int)c)
            return j;
    return 0;
}

/* An explicit stack, not recursion: a tree fitted on sorted data can be as
 * deep as it has rows. */
size_t tree_depth(const struct tree *t)
{
    if (!t->n_nodes)
        return 0;
    size_t *node = malloc(t->n_nodes * sizeof *node), *depth = malloc(t->n_nodes * sizeof *depth);
    size_t top = 0, best = 0;
    if (!node || !depth) {
        /* Out of memory: still answer, walking up from each leaf by search,
         * quadratic but allocation-free. */
        free(node);
        free(depth);
        for (size_t i = 1; i < t->n_nodes; i++) {
            if (t->left[i] >= 0)
                continue;
            size_t d = 0;
            for (size_t c = i; c != 0 && d < t->n_nodes; d++)
                c = parent_of(t, c);
            if (d > best)
                best = d;
        }
        return best;
    }
    node[top] = 0;
    depth[top++] = 0;
    while (top) {
        top--;
        size_t i = node[top], d = depth[top];
        if (t->left[i] < 0) {
            if (d > best)
                best = d;
            continue;
        }
        node[top] = (size_t)t->right[i];
        depth[top++] = d + 1;
        node[top] = (size_t)t->left[i];
        depth[top++] = d + 1;
    }
    free(node);
    free(depth);
    return best;
}

size_t tree_n_leaves(const struct tree *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n_nodes; i++)
        k += t->left[i] < 0;
    return k;
}

int tree_check(const struct tree *t, struct err *e)
{
    if (!t || !t->n_nodes)
        return err_set(e, ERR_DATA, "tree: expected at least one node, found none");
    if (t->n_nodes > INT_MAX)
        return err_set(e, ERR_DATA, "tree: expected at most %d nodes, found %zu", INT_MAX,
                       t->n_nodes);
    unsigned char *seen = calloc(t->n_nodes, 1);
    if (!seen)
        return err_set(e, ERR_NOMEM, "tree: out of memory");
    int rc = ERR_OK;
    size_t n_seen = 1;
    seen[0] = 1;
    for (size_t i = 0; i < t->n_nodes && !rc; i++) {
        int l = t->left[i], r = t->right[i], f = t->feature[i];
        if (l < 0 || r < 0) {
            if (l != -1 || r != -1 || f != -1)
                rc = err_set(e, ERR_DATA,
                             "tree: node %zu: expected a leaf (-1 -1 -1), found %d %d %d", i, l,
                             r, f);
            continue;
        }
        if (f < 0 || (size_t)f >= t->n_features)
            rc = err_set(e, ERR_DATA, "tree: node %zu: expected a feature in [0, %zu), found %d",
                         i, t->n_features, f);
        else if ((size_t)l >= t->n_nodes || (size_t)r >= t->n_nodes || l == r)
            rc = err_set(e, ERR_DATA,
                         "tree: node %zu: expected two distinct children below %zu, found %d %d",
                         i, t->n_nodes, l, r);
        /* A child's index above its parent's rules out cycles; each node
         * seen once rules out shared subtrees. */
        else if ((size_t)l <= i || (size_t)r <= i || seen[l] || seen[r])
            rc = err_set(e, ERR_DATA,
                         "tree: node %zu: expected children numbered after it and used once, "
                         "found %d %d",
                         i, l, r);
        else if (isnan(t->threshold[i]))
            rc = err_set(e, ERR_DATA, "tree: node %zu: expected a threshold, found nan", i);
        else {
            seen[l] = seen[r] = 1;
            n_seen += 2;
        }
    }
    if (!rc && n_seen != t->n_nodes)
        rc = err_set(e, ERR_DATA, "tree: expected every node reachable from the root, found %zu "
                     "of %zu", n_seen, t->n_nodes);
    free(seen);
    return rc;
}

int tree_write(const struct tree *t, FILE *fp, struct err *e)
{
    if (fprintf(fp, "tree 1\nn_nodes %zu\nn_features %zu\n", t->n_nodes, t->n_features) < 0)
        return err_set(e, ERR_IO, "tree: write failed");
    for (size_t i = 0; i < t->n_nodes; i++)
        if (fprintf(fp, "%d %d %d %.17g %.17g %.17g\n", t->left[i], t->right[i], t->feature[i],
                    t->threshold[i], t->value[i], t->cover[i]) < 0)
            return err_set(e, ERR_IO, "tree: write failed");
    return ERR_OK;
}

static int write_cb(const void *obj, FILE *fp, struct err *e)
{
    return tree_write(obj, fp, e);
}

int tree_save(const struct tree *t, const char *path, struct err *e)
{
    return fileio_save(path, write_cb, t, e);
}

int tree_read(FILE *fp, const char *name, struct tree **out, struct err *e)
{
    struct textio r;
    struct tree *t = NULL;
    long n_nodes, n_features, v;
    int rc;
    *out = NULL;
    textio_init(&r, fp, name ? name : "tree", 0, ' ');
    if ((rc = textio_line(&r, e)) || (rc = textio_word(&r, "tree", e)) || (rc = textio_long(&r, 1, 1, " ", &v, e)) ||
        (rc = textio_eol(&r, e)) || (rc = textio_line(&r, e)) || (rc = textio_word(&r, "n_nodes", e)) ||
        (rc = textio_long(&r, 1, INT_MAX, " ", &n_nodes, e)) || (rc = textio_eol(&r, e)) ||
        (rc = textio_line(&r, e)) || (rc = textio_word(&r, "n_features", e)) ||
        (rc = textio_long(&r, 0, INT_MAX, " ", &n_features, e)) || (rc = textio_eol(&r, e)))
        goto done;
    /* A node count the rest of the file cannot hold is corrupt; when it would
     * also allocate more than 1 MiB it is rejected before allocating, so a
     * 30-byte file cannot take gigabytes. A smaller one goes on and fails on
     * the line where the nodes run out, which names the place. The shortest
     * node line, "0 0 0 0 0 0\n", has 12 bytes (11 for the last); a node
     * takes 36 bytes in memory. */
    size_t left = textio_bytes_left(fp);
    if (left != SIZE_MAX && (size_t)n_nodes > (left + 1) / 12 && (size_t)n_nodes > (1u << 20) / 36) {
        rc = err_set(e, ERR_DATA, "%s:%zu:1: expected %ld node lines, found only %zu bytes left in the file",
                     r.name, r.line + 1, n_nodes, left);
        goto done;
    }
    t = tree_alloc((size_t)n_nodes, (size_t)n_features);
    if (!t) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", r.name);
        goto done;
    }
    for (size_t i = 0; i < t->n_nodes; i++) {
        long l, rt, f;
        if ((rc = textio_line(&r, e)) || (rc = textio_long(&r, -1, INT_MAX, " ", &l, e)) ||
            (rc = textio_long(&r, -1, INT_MAX, " ", &rt, e)) || (rc = textio_long(&r, -1, INT_MAX, " ", &f, e)) ||
            (rc = textio_double(&r, &t->threshold[i], e)) || (rc = textio_double(&r, &t->value[i], e)) ||
            (rc = textio_double(&r, &t->cover[i], e)) || (rc = textio_eol(&r, e)))
            goto done;
        t->left[i] = (int)l;
        t->right[i] = (int)rt;
        t->feature[i] = (int)f;
    }
    if ((rc = tree_check(t, e))) {
        err_prefix(e, "%s: ", r.name);
        goto done;
    }
    *out = t;
    t = NULL;
done:
    tree_free(t);
    textio_free(&r);
    return rc;
}

static int read_cb(FILE *fp, const char *name, void *out, struct err *e)
{
    return tree_read(fp, name, out, e);
}

int tree_load(const char *path, struct tree **out, struct err *e)
{
    *out = NULL;
    return fileio_load(path, read_cb, out, e);
}
