/* predict_study: what predict says about the customers it scores, and the
 * predictions file. The notes go to a stream the caller gives (predict:
 * stderr): customers the cleaning dropped (with the reason), unordered
 * categories the model never saw (ids and values), customers of the model's
 * training set (in-sample); an unknown level of an ordered category is an
 * error naming the CSV file, line and customer. */
#ifndef OC_PREDICT_STUDY_H
#define OC_PREDICT_STUDY_H

#include <stdio.h>

#include "core/err.h"
#include "core/hashset.h"
#include "io/table.h"
#include "models/pipeline.h"

/* Where each customer of the input came from: the id -> row of the load
 * stage's customers table (its source_line column is the CSV line). */
struct predict_origin {
    const char *file;    /* the customers CSV, or the --table file */
    struct table *t;     /* load/customers.tsv (NULL with --table) */
    struct hashset *ids; /* id -> row of t */
    const double *line;  /* t's source_line */
    long id_col;
};
int predict_origin_read(struct predict_origin *o, const char *load_tsv, const char *id, struct err *e);
void predict_origin_free(struct predict_origin *o);

/* The customers of the export that were not scored, and why (clean's quality log). */
int predict_report_dropped(const struct predict_origin *o, const struct pipe_data *d, const char *quality, FILE *notes,
                           struct err *e);
/* Categories the model never saw: an error for an ordered one, a note for an unordered one. */
int predict_check_categories(const struct pipeline *pipe, const struct pipe_data *d, const struct predict_origin *o,
                             FILE *notes, struct err *e);
/* The split train wrote beside the model (MODELS/../train/split.tsv or
 * MODELS/../interim/train/split.tsv), into buf. */
const char *predict_default_split(const char *model, char *buf, size_t size);
/* Customers of the split's training rows: their probabilities are in-sample.
 * A split that is not there is an error only when required. */
int predict_report_in_sample(const char *split, int required, const struct pipe_data *d, FILE *notes, struct err *e);
/* id, proba of every row of d, atomically. */
int predict_write(const struct pipeline *pipe, const struct pipe_data *d, const char *out, struct err *e);

#endif
