/* corr_study: how the features move together, and which of them move with
 * the target (stages/corr.c is its table of contents): Pearson and Spearman
 * over the numeric features, phi_K and its significance for every pair of
 * columns, VIF, the flags of corr.thresholds, and the heatmaps' data. */
#ifndef OC_CORR_STUDY_H
#define OC_CORR_STUDY_H

#include <stddef.h>

#include "core/err.h"
#include "io/kv.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"

/* One column of the study: its name, where it is in the table, its role. */
struct corr_feat {
    const char *name;
    size_t col;
    int numeric; /* interval: binned for phi_K, in Pearson, Spearman and VIF */
};

struct corr_study {
    const struct params *p;
    const struct schema *s;
    const char *in; /* the input's path, for messages */
    struct table *t;
    struct corr_feat *f; /* every column but the id, table order */
    size_t nf;
    size_t *num; /* indexes into f of the numeric features */
    size_t nnum;
    double *pearson, *spearman, *vif; /* nnum x nnum, nnum */
    size_t *ph;                       /* indexes into f of the phi_K columns (phik drops constant ones) */
    size_t nph;
    double *phik, *phik_z; /* nph x nph */
    long target;           /* index in ph of the target, -1 when it was dropped */
    double thr_r, thr_vif, thr_leak;
    long bins;
    int noise;
    struct table *flags;
    struct kv *kv;
    struct err e;
};

/* The corr section; the input's path (read by corr_study_run). Errors in c->e. */
int corr_study_setup(struct corr_study *c, const struct params *p, const struct schema *s, const char *in);
/* Read the customers; the matrices, VIF, flags and the summary kv. */
int corr_study_run(struct corr_study *c);
/* The matrices, vif.tsv and flags.tsv into out/, the heatmaps into figdir/, corr.kv. */
int corr_study_write(struct corr_study *c, const char *out, const char *figdir, const char *kv_path);
void corr_study_free(struct corr_study *c);

#endif
