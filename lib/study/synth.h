/* synth: a synthetic «В один клик» export, the toolkit's default data.
 *
 * Writes the four CSVs of the real export with its exact schema: file names,
 * headers, column order, separators, decimal marks, CRLF line ends, number
 * formatting, and its quirks (the «стандартт» typo, «Косметика и аксесуары»,
 * «предыдцщий_месяц», periods listed in varying order per customer, a few
 * customers inactive in the first two months, one revenue entry error).
 *
 * The target is planted: a latent risk score computed from the written
 * features (unpaid items, promo share, pages per visit, minutes, categories
 * viewed, service errors, marketing contacts, category, service level) plus
 * Gaussian noise decides «Снизилась» (~38%) vs «Прежний уровень», so a good
 * model reaches ROC-AUC ≈ 0.9 and never 1.
 *
 * Rows are generated and written one customer at a time: memory does not
 * grow with n. The same (n, seed) gives byte-identical files. */
#ifndef OC_SYNTH_H
#define OC_SYNTH_H

#include <stddef.h>

#include "core/err.h"

/* The first customer id of the real export; ids are consecutive from it. */
#define SYNTH_FIRST_ID 215348UL

struct synth_opts {
    size_t n;           /* customers, >= 1 */
    unsigned long seed; /* seed of the gsl_rng_mt19937 stream (GSL maps 0 to 4357) */
    /* Standard deviation of the noise added to the risk score before the
     * threshold; 0 means the default (SYNTH_NOISE), which gives a Bayes
     * ROC-AUC of about 0.9. Larger is harder. */
    double noise;
};

#define SYNTH_NOISE 1.0

/* What was planted, for tests and for the stage's summary line. */
struct synth_summary {
    size_t n;
    size_t declined;       /* rows with «Снизилась» */
    size_t typo;           /* rows with «стандартт» */
    size_t inactive;       /* customers with zero revenue in the first two periods */
    unsigned long outlier_id; /* customer with the revenue entry error, 0 if none */
    double outlier_value;     /* that revenue */
};

/* Write market_file.csv, market_money.csv, market_time.csv and money.csv into
 * dir (created if missing). Each file is written to NAME.tmp.XXXXXX and renamed
 * only when all four are complete; on error no temporary file is left and the
 * message names the failing file. ERR_USAGE for n == 0, ERR_IO, ERR_NOMEM. */
int synth_write(const struct synth_opts *opts, const char *dir, struct err *e);

/* As synth_write, and fill *sum (if not NULL) with what was planted. */
int synth_run(const struct synth_opts *opts, const char *dir, struct synth_summary *sum, struct err *e);

#endif
