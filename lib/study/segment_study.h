/* segment_study: the steps of the segment stage over its files, in the order
 * stages/segment.c calls them. Each step fills the struct and the kv the
 * stage writes; the rules themselves are lib/study/segment.h's. */
#ifndef OC_SEGMENT_STUDY_H
#define OC_SEGMENT_STUDY_H

#include <stddef.h>

#include "core/err.h"
#include "core/hashset.h"
#include "io/kv.h"
#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "study/segment.h"
#include "io/table.h"

#define SEGMENT_MAX_DRIVERS 8

/* One lever inside one segment (recommendations.tsv). */
struct segment_rec {
    struct segment_lever_score sc;
    double seg_mean, ref_mean; /* the feature's mean in the segment and in its reference */
    size_t n_explained;        /* customers of the segment with SHAP values */
    size_t n_driver;           /* customers of the segment with the lever among their top drivers */
};

/* One lever's what-if on the focus segment (whatif.tsv). */
struct segment_whatif {
    double target;              /* the active customers' median */
    double max_step;            /* the most one customer's value moves (INFINITY: no bound) */
    size_t n_moved;             /* focus customers whose value moved */
    double mean_before, mean_after;
    double par_before, par_after;
};

/* One cell of the targeting sensitivity table. */
struct segment_grid_cell {
    double cost, response;
    size_t n;   /* customers targeted */
    double net; /* their expected saving less the offers' cost */
};

struct segment_study {
    /* borrowed */
    const struct params *p;
    const struct schema *s;
    const struct segment_params *sp;
    struct kv *kv;
    /* the customers */
    struct table *t;
    struct pipe_data *d;
    struct hashset *row_of;    /* id -> row */
    struct pipeline *final;
    struct segment_scorer *sc;
    unsigned char *is_train;
    double *prob, *insample;   /* insample: the final model on the training rows (NaN elsewhere) */
    double *profit;            /* NaN when the customer has no profit */
    double *profit_t;          /* resolved profit thresholds */
    size_t *risk, *plevel, *seg;
    struct segment_summary *sum;
    unsigned char *group;      /* profile: 1 focus, 2 active outside it */
    struct table *profile;
    /* explain */
    struct table *shap;        /* may have fewer rows than customers */
    long *shap_row;            /* per customer: its shap.tsv row, or -1 */
    long *lever_col;           /* per lever: its shap.tsv column */
    const char *(*drivers)[SEGMENT_MAX_DRIVERS]; /* per customer, by rank (NULL: none) */
    struct table *drv;
    /* levers and offers */
    struct segment_rec *rec;   /* nseg x nlev */
    size_t *order;             /* nseg x nlev: levers first to last */
    char **offers, **channels, **driver_text;
    unsigned char *denied;
    const char **offers_from;  /* "drivers", "segment" or NULL */
    struct segment_whatif *wi; /* nlev */
    /* money (segment_money.c) */
    double *loss, *saving;      /* per customer: expected loss, what an offer saves of it (NaN: no profit) */
    unsigned char *targeted;    /* the expected saving beats the offer's cost: the customer gets offers */
    struct segment_grid_cell *grid; /* the sensitivity table, cost by response */
    size_t ngrid;
    /* the CRM list (segment_crm.c): per targeted customer */
    char *(*offer)[2];             /* the first two offers, as references (NULL: none) */
    enum segment_channel (*channel)[2];
    const char *(*code)[2];        /* their stable codes: LEVER-CHANNEL */
    char **reason;                 /* the offered levers' reasons, as references */
    long *priority;                /* 1 = the largest expected saving; 0: not targeted */
    unsigned char *control;        /* targeted but held back, to measure the campaign's effect */
};

/* customers.tsv, split.tsv, the pipeline; checks they agree. */
int segment_study_read(struct segment_study *st, const char *in, const char *split, const char *model,
                       struct err *e);
/* Fit the out-of-fold scorer and score every customer (prob), and the
 * in-sample probabilities of the training customers for comparison. */
int segment_study_score(struct segment_study *st, unsigned long seed, struct err *e);
/* Join the profit table; report who is missing on either side. */
int segment_study_profit(struct segment_study *st, const char *profit, struct err *e);
/* Resolve the thresholds, assign levels and segments, summarize. */
int segment_study_assign(struct segment_study *st, struct err *e);
/* The expected loss of every customer (probability x loss share x profit),
 * who is worth an offer, the comparison with the focus segment as a rule,
 * and the sensitivity grid (params segment.money). */
int segment_study_money(struct segment_study *st, struct err *e);
/* The focus segment against the active customers outside it. */
int segment_study_profile(struct segment_study *st, struct err *e);
/* Read shap.tsv and drivers.tsv and tie them to the customers. */
int segment_study_explain(struct segment_study *st, const char *shap, const char *drivers, struct err *e);
/* Rank the levers in every segment. */
int segment_study_levers(struct segment_study *st, struct err *e);
/* Personal offers for the customers at risk. */
int segment_study_offers(struct segment_study *st, struct err *e);
/* The CRM list: each targeted customer's priority by expected saving, and a
 * seeded random share of each segment's targeted customers held back as a
 * control group (segment.control_share). */
int segment_study_crm(struct segment_study *st, unsigned long seed, struct err *e);
/* What-if on the focus segment. */
int segment_study_whatif(struct segment_study *st, struct err *e);
/* The files the study reads. */
struct segment_inputs {
    const char *customers, *split, *model, *profit, *shap, *drivers;
};
/* Every step in order: honest probabilities, profit and levels, segments, the
 * focus segment's profile, levers by segment, personal offers, what-if. */
int segment_study_run(struct segment_study *st, const struct segment_inputs *in, unsigned long seed,
                      struct err *e);
/* The five tables into out/, the figures' data into figdir/. */
int segment_study_write(struct segment_study *st, const char *out, const char *figdir, struct err *e);
void segment_study_free(struct segment_study *st);

/* The reader's label of a column (labels.columns), or the name itself. */
const char *segment_column_label(const struct segment_study *st, const char *name);

#endif
