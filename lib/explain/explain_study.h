/* explain_study: what the explain stage does (stages/explain.c is its table
 * of contents): SHAP values of the chosen pipeline for every customer, the
 * importance on the test customers (mean |phi|, direction, permutation drop
 * of ROC-AUC, rank), each customer's drivers towards a decline, the figures'
 * data and explain.kv. */
#ifndef OC_EXPLAIN_STUDY_H
#define OC_EXPLAIN_STUDY_H

#include "core/err.h"
#include "explain/explain.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"
#include "models/pipeline.h"
#include "models/split.h"

/* The explain section of params.yaml (and the top-level seed). */
struct explain_setup {
    int explainer;
    long background_k, budget, threads, n_repeats, top_k, show, seed;
    long kernel_check; /* test customers KernelSHAP is checked on against every coalition */
};
int explain_setup_read(const struct params *p, struct explain_setup *s, struct err *e);

/* The importance on the test rows (rows test[0..nt)). */
struct explain_importance {
    double *mean_abs, *perm_mean, *perm_std;
    int *direction;
    size_t *rank, *order;
    double test_auc;
};

struct explain_study {
    const struct schema *s;
    struct explain_setup su;
    struct table *t;
    struct pipe_data *d;
    struct pipeline *pipe;
    unsigned char *is_test;
    size_t *test, *train, nt, ntr, q, m;
    double *X, *Xtr, *Xte; /* every customer, the training and the test rows, transformed */
    int *yte;
    struct explain_result *r;
    struct explain_importance im;
    size_t n_drivers;
    /* KernelSHAP against the exact Shapley values of the same value function
     * (every coalition, same background) on the first test customers. */
    struct {
        size_t n, coalitions;
        double mean_abs_error, max_abs_error, mean_abs_phi;
    } check;
};

/* The customers, the chosen pipeline, train's split; every customer transformed. */
int explain_study_read(struct explain_study *st, const char *in, const char *model, const char *split,
                       struct err *e);
/* SHAP values of every customer, then the importance on the test customers. */
int explain_study_run(struct explain_study *st, struct err *e);
/* shap.tsv, drivers.tsv, importance.tsv into out/, the figures' data into
 * figures/ (their text as references to the text file), and explain.kv. */
int explain_study_write(struct explain_study *st, const char *out, const char *figures, const char *kv_path,
                        struct err *e);
void explain_study_free(struct explain_study *st);

#endif
