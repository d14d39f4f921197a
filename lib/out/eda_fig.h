/* eda_fig: the data behind the figures, and the files a gnuplot template reads.
 *
 * A figure NAME is drawn by the template report/figures/T.gp where T is NAME
 * up to its first underscore (hist_dlitelnost is drawn by hist.gp). A stage
 * writes, under its figures directory, NAME.gpv (gnuplot string variables:
 * title, axis labels, class names, tic labels) and NAME.tsv (the numbers, TSV
 * with a header the template names columns by); mk/figures.mk renders
 * report/out/figures/NAME.png. Names are ASCII ([a-z0-9_-]) so they are safe
 * in paths, Make and HTML. Shares are percent of the class. */
#ifndef OC_EDA_FIG_H
#define OC_EDA_FIG_H

#include <stddef.h>

#include "core/err.h"
#include "core/hashset.h"
#include "io/kv.h"
#include "io/table.h"

/* An ASCII slug of a UTF-8 name: Russian letters transliterated (ж -> zh,
 * щ -> shch, ъ ь dropped), ASCII letters lowered, digits kept, every other
 * run of bytes -> one '_', no leading or trailing '_'; "x" when nothing is
 * left. Truncated to size - 1 bytes (never inside a transliteration). */
void eda_fig_slug(const char *name, char *out, size_t size);

/* A figure name "tmpl_slug(label)" not yet in `taken` (then "..._2", "..._3"),
 * added to `taken`. ERR_DATA when tmpl is not [a-z0-9]+ (it names a file and
 * must not contain the '_' that ends it). */
int eda_fig_name(struct hashset *taken, const char *tmpl, const char *label, char *out, size_t size, struct err *e);

/* Histogram with edges shared by both classes, numpy.histogram's: `bins`
 * equal bins from the minimum to the maximum of the finite values of the
 * rows with a class, the last bin closed (a constant column gets one bin
 * [v - 0.5, v + 0.5]). Columns: x (bin centre), width, lo, hi, count0,
 * count1, share0, share1. */
int eda_fig_hist(const double *x, const int *cls, size_t n, size_t bins, struct table **out, struct err *e);

/* 1 when every finite value is an integer and there are at most max_values
 * distinct ones (a bar chart reads better than a histogram then). */
int eda_fig_is_discrete(const double *x, size_t n, size_t max_values);

/* One bar per distinct finite value, ascending. Columns: x (the value),
 * count0, count1, share0, share1. */
int eda_fig_bars(const double *x, const int *cls, size_t n, struct table **out, struct err *e);

/* One row per level of a frequency table (struct eda_freq of lib/study/eda.h), in
 * its order: y (0, 1, ...), count0, count1, count, share0, share1, share
 * (the last pair over every row, classless ones included). */
struct eda_freq;
int eda_fig_freq(const struct eda_freq *f, struct table **out, struct err *e);

/* Tukey's box: quartiles as numpy's linear method, whiskers at the most
 * extreme values within 1.5 IQR of the box, outliers beyond. */
struct eda_box {
    size_t n; /* finite values */
    double lo, q25, median, q75, hi;
    size_t n_out;
    double *out; /* the outliers, ascending (owned; NULL when none) */
};
int eda_box_compute(const double *x, size_t n, struct eda_box *b, struct err *e);
void eda_box_free(struct eda_box *b);

/* Box-plot data: rows of x, cls, lo, q25, median, q75, hi, point. A box row
 * has an empty point; an outlier row has only x, cls and point. */
struct table *eda_fig_box_alloc(void);
/* Append the box of v[0..n) at position x for class cls, and its outliers. */
int eda_fig_box_add(struct table *t, double x, int cls, const double *v, size_t n, struct err *e);
/* The boxes of both classes of x[0..n): the negative at `at - half`, the
 * positive at `at + half`. */
int eda_fig_box_classes(struct table *t, double at, double half, const double *x, const int *cls, size_t n,
                        struct err *e);

#endif
