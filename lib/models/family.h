/* family: the model families of a pipeline behind one table of operations
 * (as GSL's gsl_rng_type: the pipeline calls through the table, never
 * switches on the family).
 *
 * Adding a family: lib/models/family_NAME.c defines its operations; its
 * hyperparameters go in struct pipe_config and its fitted model in struct
 * pipeline (pipeline.h); one entry in enum pipe_family and in pipe_families[]
 * (family.c); its search space in params.yaml. DEVELOPING.md has the recipe. */
#ifndef OC_FAMILY_H
#define OC_FAMILY_H

#include <pthread.h>
#include <stdio.h>

#include "core/err.h"
#include "models/pipeline.h"

/* What `set` returns for a key that is not one of the family's. */
#define PIPE_KEY_UNKNOWN (-1)

struct pipe_family_ops {
    const char *name;       /* "knn": in params.yaml, model files, outputs */
    double threshold;       /* predict() is positive when the decision score is above it */
    const char *explainer;  /* what explain's auto picks: "linear", "tree_path" or "kernel" */
    const char *explainers; /* the exact explainers it allows, for a message ("auto" for none) */
    int unscaled;           /* its default scaler is passthrough (trees), else standard */
    /* One hyperparameter by its scikit-learn name, from its text; ERR_PARAMS
     * naming the key for a bad value, PIPE_KEY_UNKNOWN for another key. */
    int (*set)(struct pipe_config *c, const char *key, const char *value, struct err *e);
    /* The family's hyperparameters as " key=value ..." (as snprintf). */
    int (*format)(const struct pipe_config *c, char *buf, size_t size);
    /* Fit on the transformed rows X (n x m) into p (p->cfg is set). */
    int (*fit)(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
               struct err *e);
    /* kind 0: P(y = 1); kind 1: the decision score (P(y = 1) where there is none). */
    int (*score)(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e);
    /* The model block of a pipeline file, and back to the same bits. */
    int (*write)(const struct pipeline *p, FILE *fp, struct err *e);
    int (*read)(struct pipeline *p, FILE *fp, const char *name, struct err *e);
    void (*free)(struct pipeline *p);
};

/* In enum pipe_family order. */
extern const struct pipe_family_ops *const pipe_families[PIPE_NFAMILY];

/* The families' own operations (family_knn.c, ...). */
extern const struct pipe_family_ops pipe_family_knn, pipe_family_tree, pipe_family_logreg, pipe_family_svc,
    pipe_family_xgb;

/* Helpers for the families' set and format: ERR_PARAMS "FAMILY KEY: expected
 * WANT, found \"V\"", and the values' parsers in its terms. */
int pipe_param_bad(const struct pipe_config *c, const char *key, const char *want, const char *v, struct err *e);
int pipe_param_long(const struct pipe_config *c, const char *key, const char *v, long lo, long hi, long *out,
                    struct err *e);
int pipe_param_double(const struct pipe_config *c, const char *key, const char *v, double lo, int lo_open,
                      double *out, struct err *e);
int pipe_param_bool(const struct pipe_config *c, const char *key, const char *v, int *out, struct err *e);
int pipe_param_class_weight(const struct pipe_config *c, const char *v, int *out, struct err *e);
int pipe_param_is_none(const char *v);
/* The index of s in the NULL-terminated words, or -1. */
int pipe_param_word(const char *const *words, const char *s);
/* The shortest of %.15g, %.16g, %.17g that reads back to the same double. */
void pipe_param_real(char *buf, size_t size, double x);

/* liblinear's l1 solver and libsvm's Platt scaling draw with rand() after
 * srand(seed): fits that do so hold this lock, so that the result depends on
 * the seed alone, not on the threads' scheduling. */
extern pthread_mutex_t pipe_rand_lock;

#endif
