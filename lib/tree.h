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

#endif
