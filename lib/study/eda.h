/* eda: the mechanics of the exploration stage. Descriptive statistics and
 * frequencies of every column, overall and split by the target class, and
 * the ranking of features by how much their class distributions differ.
 *
 * Classes are an int per row: 0 = the negative class, 1 = the positive class
 * (the target's positive label), -1 = unknown (the row counts only in the
 * overall figures). Class names come in an array indexed the same way, with
 * the overall group's name at [EDA_ALL]. */
#ifndef OC_EDA_H
#define OC_EDA_H

#include <stddef.h>

#include "core/err.h"
#include "io/table.h"

enum { EDA_NEG = 0, EDA_POS = 1, EDA_ALL = 2 };

/* cls[i] from the string column col of t: positive -> 1, negative -> 0,
 * anything else (or missing) -> -1. */
void eda_classes(const struct table *t, size_t col, const char *positive, const char *negative, int *cls);

/* The class of each row of a long table (id column idcol) looked up by id in
 * the customer table cu (id column cu_id, classes cu_cls); -1 when the id is
 * not a customer. */
int eda_classes_by_id(const struct table *t, size_t idcol, const struct table *cu, size_t cu_id, const int *cu_cls,
                      int *cls, struct err *e);

/* The values of x[0..n) whose cls equals c (c = EDA_ALL: every value), in a
 * new array the caller frees; *m gets the count. NaN are kept. */
int eda_select(const double *x, const int *cls, size_t n, int c, double **out, size_t *m, struct err *e);

/* numeric.tsv: one row per (table, column, class) with stats_describe's
 * fields: table, column, label, class, count, missing, mean, std, min, q25,
 * median, q75, max, skew, outliers. */
struct table *eda_numeric_alloc(void);
/* Append the rows of one column: overall, then the negative and positive class. */
int eda_numeric_add(struct table *out, const char *tname, const char *column, const char *label, const double *x,
                    const int *cls, size_t n, const char *const names[3], struct err *e);

/* Frequencies of one categorical column. Levels are ordered: the given order
 * first (ordinal levels; those never seen get count 0), then the rest by
 * overall count descending, ties by byte order. Missing values are not a
 * level; they are counted in `missing`. count[l][c] for c in EDA_NEG, EDA_POS,
 * EDA_ALL; total[c] = the non-missing values of the class. */
struct eda_freq {
    size_t n;        /* levels */
    char **levels;   /* owned */
    size_t (*count)[3];
    size_t total[3];
    size_t missing;
};

int eda_freq_count(char *const *x, const int *cls, size_t nrows, const char *const *order, size_t norder,
                   struct eda_freq **out, struct err *e);
void eda_freq_free(struct eda_freq *f);
/* The share in percent of level l within class c (NaN for an empty class). */
double eda_freq_share(const struct eda_freq *f, size_t l, int c);
/* The level whose share differs most between the classes: *level and the gap
 * share_pos - share_neg in percentage points. ERR_DATA when a class is empty. */
int eda_freq_max_gap(const struct eda_freq *f, size_t *level, double *gap, struct err *e);

/* categorical.tsv: table, column, label, class, value, count, share (percent
 * of the class). With by_class = 0 only the overall rows are written (the
 * target itself, whose split by class says nothing). */
struct table *eda_categorical_alloc(void);
int eda_categorical_add(struct table *out, const char *tname, const char *column, const char *label,
                        const struct eda_freq *f, const char *const names[3], int by_class, struct err *e);

/* Indices 0..n-1 ordered by |smd| descending, NaN last, ties by index. */
int eda_smd_order(const double *smd, size_t n, size_t *order, struct err *e);

/* smd.tsv: every numeric column of t ranked by |SMD| (stats_smd of the
 * positive against the negative class: positive = higher in the positive
 * class), rows column, label (empty, for the caller), mean_negative,
 * mean_positive, smd. */
int eda_smd_rank(const struct table *t, const int *cls, struct table **out, struct err *e);

#endif
