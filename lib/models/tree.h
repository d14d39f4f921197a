/* tree: a fitted binary decision tree in scikit-learn's array layout, shared by
 * the CART learner (lib/cart) and TreeSHAP (lib/shap).
 *
 * Node 0 is the root. For an internal node i, a row goes to left[i] when
 * x[feature[i]] <= threshold[i], else to right[i]. A leaf has left[i] ==
 * right[i] == -1 and feature[i] == -1. value[i] is the predicted probability
 * of the positive class at node i (the weighted class share of the training
 * rows that reached it); cover[i] is their total sample weight, which
 * path-dependent TreeSHAP uses as the node's cover. */
#ifndef OC_TREE_H
#define OC_TREE_H

#include <stddef.h>

struct tree {
    size_t n_nodes;
    size_t n_features; /* width of the rows the tree was fitted on */
    int *left, *right, *feature;
    double *threshold, *value, *cover;
};

#include <stdio.h>

#include "core/err.h"

/* A tree with n_nodes nodes, all arrays allocated and set to a leaf
 * (left = right = feature = -1, zeros elsewhere); NULL when out of memory. */
struct tree *tree_alloc(size_t n_nodes, size_t n_features);
void tree_free(struct tree *t);

/* P(y = 1) for each of the n rows of X (row-major, t->n_features columns):
 * the value of the leaf the row reaches. A NaN feature goes right, as a
 * failed `<=` comparison does. */
void tree_predict_proba(const struct tree *t, const double *X, size_t n, double *out);

/* Index of the leaf the row x reaches. */
size_t tree_apply(const struct tree *t, const double *x);

/* Depth of the deepest leaf (a lone root is depth 0, as in scikit-learn's
 * get_depth) and the number of leaves. */
size_t tree_depth(const struct tree *t);
size_t tree_n_leaves(const struct tree *t);

/* ERR_DATA if the arrays do not form a tree rooted at node 0 in which every
 * node is reached exactly once and every split feature is < n_features. */
int tree_check(const struct tree *t, struct err *e);

/* Text form: a "tree 1" line, "n_nodes N", "n_features P", then one line per
 * node "left right feature threshold value cover" with doubles as %.17g, which
 * strtod reads back to the same bits, so a reloaded tree predicts
 * bit-identically. tree_write/tree_read work on an open stream (a model file
 * may hold several things); tree_save/tree_load on a path, written atomically. */
int tree_write(const struct tree *t, FILE *fp, struct err *e);
int tree_read(FILE *fp, const char *name, struct tree **out, struct err *e);
int tree_save(const struct tree *t, const char *path, struct err *e);
int tree_load(const char *path, struct tree **out, struct err *e);

#endif
