/* segment: whom to keep, and with what. The mechanics of the segment stage on
 * plain arrays, so that each rule can be checked on a hand-made table:
 *
 *  - levels and segments: a customer's risk level is how many risk thresholds
 *    its probability reaches (p >= t counts), its profit level likewise; a
 *    grid maps each (risk level, profit level) to a segment;
 *  - per segment: size, share, mean probability, total and mean profit, and
 *    profit at risk = sum of profit x probability (the profit expected to be
 *    lost if nothing is done);
 *  - levers (what the store controls): ranked inside a segment by the mean
 *    SHAP contribution towards decline and by how far the segment is from
 *    the active customers on the lever's feature, on the harmful side;
 *  - personal offers: a customer's top drivers that are levers, each offer
 *    through its channel unless the customer denied contact, then its on-site
 *    version;
 *  - what-if: a lever's feature moved to a target value, only in the helpful
 *    direction (the store cannot make a customer worse on purpose).
 *
 * The out-of-fold scorer (lib/study/segment_score.c) and the profile against the
 * active customers (lib/study/segment_profile.c) are declared here too; the
 * params.yaml section is read by lib/study/segment_params.c. */
#ifndef OC_SEGMENT_H
#define OC_SEGMENT_H

#include <stddef.h>

#include "core/err.h"
#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "io/table.h"
#include "out/textref.h"

/* A level or segment that cannot be given (a missing probability or profit). */
#define SEGMENT_NONE ((size_t)-1)

/* ---- levels, segments, profit at risk --------------------------------- */

/* How many of the ascending thresholds t[0..nt) are <= x: the level of x
 * (0 .. nt). SEGMENT_NONE when x is NaN. A value exactly at a threshold is in
 * the level above it. */
size_t segment_level(const double *t, size_t nt, double x);

struct segment_grid {
    const double *risk_t;   /* ascending risk thresholds (probabilities) */
    size_t nrisk_t;
    const double *profit_t; /* ascending profit thresholds */
    size_t nprofit_t;
    /* (nrisk_t + 1) x (nprofit_t + 1), row-major by risk level: the segment
     * of each pair of levels, in 0 .. nseg-1. */
    const size_t *cell;
    size_t nseg;
};

/* The risk level, profit level and segment of n customers (each output may
 * be NULL). ERR_PARAMS when thresholds are not strictly ascending or a cell
 * names no segment. Customers with a NaN get SEGMENT_NONE. */
int segment_assign(const struct segment_grid *g, const double *prob, const double *profit, size_t n,
                   size_t *risk, size_t *plevel, size_t *seg, struct err *e);

/* Sum of profit[i] * prob[i] over the listed rows (rows = NULL: 0..n-1),
 * rows with a NaN skipped. */
double segment_profit_at_risk(const double *prob, const double *profit, const size_t *rows, size_t n);

struct segment_summary {
    size_t n;              /* customers in the segment */
    double share;          /* n / all customers given (segmented or not) */
    double mean_prob;      /* NaN when n = 0 */
    double profit_total;
    double profit_mean;    /* NaN when n = 0 */
    double profit_at_risk; /* the expected loss: sum of loss_share x profit x probability */
};

/* Per segment 0..nseg-1 (seg[i] = SEGMENT_NONE is counted in no segment but
 * in the shares' denominator n). */
int segment_summarize(const double *prob, const double *profit, const size_t *seg, size_t n, size_t nseg, double loss_share,
                      struct segment_summary *out, struct err *e);

/* numpy.median of the finite values of x[0..n); NaN when there is none. */
int segment_median(const double *x, size_t n, double *out, struct err *e);

/* ---- levers ----------------------------------------------------------- */

/* Mail and calls need the customer's consent; the site does not. */
enum segment_channel { SEGMENT_EMAIL, SEGMENT_CALL, SEGMENT_SITE };
extern const char *const segment_channel_names[4]; /* "email", "call", "site", NULL */

struct segment_lever {
    const char *feature;
    int increase;                 /* 1: raising the feature lowers the risk; 0: lowering it */
    enum segment_channel channel; /* of `offer` */
    const char *offer;
    const char *site_offer;       /* on-site version of a mail or call offer (NULL for a site lever) */
    const char *code, *site_code; /* the offers' stable codes for the CRM: KEY-CHANNEL (PROMO_SHARE-EMAIL) */
    const char *reason;           /* the reference to its reason in plain words */
};

/* How one lever looks inside one segment. */
struct segment_lever_score {
    double mean_phi; /* mean SHAP contribution towards decline in the segment (NaN: nobody explained) */
    double gap;      /* standardized mean difference segment - reference, sign turned so that > 0 is
                        the harmful side of the lever (NaN when it cannot be computed) */
    size_t rank_phi, rank_gap; /* 1 = largest; NaN ranks last */
    size_t rank;               /* the combined rank, 1 = first to pull */
};

/* The signed gap: stats_smd(seg, ref) for a lever that helps by decreasing,
 * its negative for one that helps by increasing. */
int segment_lever_gap(const double *seg, size_t nseg, const double *ref, size_t nref, int increase, double *gap,
                      struct err *e);

/* Rank levers s[0..n) (mean_phi and gap filled): rank_phi, rank_gap as
 * 1 + the number of levers strictly larger (NaN last), then the combined
 * order by rank_phi + rank_gap, ties by larger mean_phi, larger gap, then
 * the params order. order[0..n) receives the lever indices first to last;
 * s[i].rank the position + 1. */
int segment_rank_levers(struct segment_lever_score *s, size_t n, size_t *order, struct err *e);

/* The levers a customer is offered: the drivers (feature names, by rank)
 * that are levers, each once, in the drivers' order, into out (room for
 * nlev). When none is, `fallback` (a lever index, or SEGMENT_NONE for none).
 * Returns how many; *from_drivers (may be NULL) tells which way. */
size_t segment_pick_levers(const struct segment_lever *lev, size_t nlev, const char *const *drivers,
                           size_t ndrivers, size_t fallback, size_t *out, int *from_drivers);

/* The offer a customer gets from a lever and through which channel: a
 * mail or call offer goes on-site (site_offer) when the customer denied contact. */
const char *segment_offer_for(const struct segment_lever *l, int denied, enum segment_channel *channel);
/* The stable code of the offer segment_offer_for gives. */
const char *segment_offer_code(const struct segment_lever *l, enum segment_channel channel);

/* The offer's reference (to the text file) with the row's value of every
 * text column of t as an argument named by its schema key, so that "{key}"
 * in the offer's text becomes the customer's category (a missing value:
 * empty). *out is malloc'ed. */
int segment_offer_text(const char *tmpl, const struct schema *s, const struct table *t, size_t row, char **out,
                       struct err *e);

/* What-if: x moved towards target only when that is the helpful direction,
 * by at most max_step (increase: min(target, x + max_step) when x < target;
 * else max(target, x - max_step) when x > target); a plausible change for one
 * customer, not a jump to the other group. max_step = INFINITY: all the way.
 * NaN stays NaN. */
double segment_whatif_value(double x, double target, int increase, double max_step);

/* ---- the honest scorer (lib/study/segment_score.c) ---------------------------- */

/* Scores every row with a model that did not see it: the training rows with
 * the pipeline refitted on the other folds of a stratified K-fold over the
 * training rows (in table order), the other rows with the final pipeline. */
struct segment_scorer {
    size_t k;
    struct pipeline **fold;       /* k pipelines, fold[f] fitted without fold f */
    const struct pipeline *final; /* borrowed */
    size_t n;
    int *model;                   /* per row: its fold (0..k-1), or -1 for the final model */
};

/* is_train[i] != 0: row i is a training row. The pipelines are fitted with
 * probabilities (svc: Platt scaling), with the final pipeline's config; the
 * folds keep each twin group whole (group: lib/models/groups.h, or NULL).
 * ERR_PARAMS when folds < 2 or a class of the training rows is smaller. */
int segment_scorer_fit(const struct pipe_data *d, const unsigned char *is_train, const size_t *group,
                       const struct pipeline *final, size_t folds, int shuffle, unsigned long seed,
                       struct segment_scorer **out, struct err *e);
/* P(decline) of the listed rows (rows = NULL: 0..nrows-1) of d, which must
 * have the rows of the fitted data (same row numbers; values may differ, as
 * in a what-if). */
int segment_scorer_predict(const struct segment_scorer *sc, const struct pipe_data *d, const size_t *rows,
                           size_t nrows, double *out, struct err *e);
void segment_scorer_free(struct segment_scorer *sc);

/* ---- the profile (lib/study/segment_profile.c) -------------------------------- */

/* The features of d compared between group[i] == 1 (the segment) and
 * group[i] == 2 (the reference); 0 is neither. One row per numeric feature
 * (mean and sd in each group, standardized mean difference, Welch's t); per
 * categorical feature (nominal, ordinal) one row with the chi-squared test
 * (scipy's chi2_contingency, Yates on 2 x 2) and one row per level with the
 * shares of each group (ordinal levels in their order, nominal sorted).
 * The p-values of all features are Holm-adjusted together. Columns: feature,
 * kind (numeric|categorical|level), level, segment, reference, segment_sd,
 * reference_sd, smd, test (welch_t|chi2), stat, df, p, p_holm, n_segment,
 * n_reference. */
int segment_profile(const struct pipe_data *d, const unsigned char *group, struct table **out, struct err *e);

/* ---- the params.yaml section (lib/study/segment_params.c) --------------------- */

struct segment_def {
    const char *key, *name; /* ASCII key; the reader's name */
    size_t risk, profit;    /* levels */
};

/* segment.money: the assumptions behind every rouble figure. */
struct segment_money {
    double loss_share; /* of a customer's monthly profit, lost when their activity declines */
    double offer_cost; /* an offer to one customer, in the profit's unit */
    double response;   /* the share of a customer's expected loss an offer saves */
    double *cost_grid, *response_grid; /* the sensitivity table's axes */
    size_t ncost, nresponse;
};

struct segment_params {
    long folds;
    int shuffle;
    double *risk_t;              /* nrisk_t ascending */
    size_t nrisk_t;
    const char **risk_levels;    /* nrisk_t + 1 */
    double *profit_t;            /* nprofit_t, NaN where `median` (resolved by the stage) */
    size_t nprofit_t;
    const char **profit_levels;  /* nprofit_t + 1 */
    struct segment_def *seg;
    size_t nseg;
    size_t *cell;                /* (nrisk_t + 1) x (nprofit_t + 1) */
    size_t focus;
    unsigned char *offers_for;   /* per risk level */
    const char *consent_column, *consent_deny;
    struct segment_lever *lev;
    size_t nlev;
    struct textrefs *refs;       /* the references to the reader's text (names, offers, labels) */
    double whatif_step;          /* a lever's largest move per customer, in the reference's SDs (INFINITY: none) */
    double control_share;        /* of each segment's targeted customers, held back as a control group */
    struct segment_money money;
};

/* Read and check segment.* (strings point into p): every (risk, profit) pair
 * has exactly one segment, levers name numeric features of the
 * schema, the consent column is a schema ordinal with `deny` among its
 * levels; errors name params.yaml:LINE:COL. */
int segment_params_read(const struct params *p, const struct schema *s, struct segment_params *sp, struct err *e);
void segment_params_free(struct segment_params *sp);
/* A reference to segment.<path> of the text file, `fallback` when it has none. */
const char *segment_label(const struct segment_params *sp, const char *path, const char *fallback);

#endif
