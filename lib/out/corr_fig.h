/* corr_fig: the files a heatmap figure is drawn from.
 *
 * A figure NAME is drawn by report/figures/heatmap.gp (the template is NAME
 * up to its first underscore). The stage writes, in its figures directory:
 *   NAME.tsv  the cells, long format: columns x (column index), y (row index,
 *             0 = the top row), value (empty when NaN), one row per cell;
 *   NAME.gpv  gnuplot string assignments `key = "value"`: title, n (the
 *             matrix order), signed ("1": a diverging palette over [-1, 1];
 *             "0": a sequential one over [0, 1]) and label_0 .. label_{n-1},
 *             the tick labels in row and column order. */
#ifndef OC_CORR_FIG_H
#define OC_CORR_FIG_H

#include <stddef.h>

#include "core/err.h"

/* Write DIR/NAME.tsv and DIR/NAME.gpv for the n x n row-major matrix m. */
int corr_fig_heatmap(const char *dir, const char *name, const char *title, const char *const *labels,
                     const double *m, size_t n, int is_signed, struct err *e);

#endif
