/* explain_fig: the numbers behind the SHAP figures (report/figures/shap*.gp),
 * as tables the explain stage writes next to a .gpv (lib/out/eda_fig.h).
 *
 * Features are shown in an order (order[0] = the most important); in the
 * horizontal charts the most important is at the top (y = nshow) and the
 * least at the bottom (y = 1). */
#ifndef OC_EXPLAIN_FIG_H
#define OC_EXPLAIN_FIG_H

#include <stddef.h>

#include "core/err.h"
#include "io/table.h"

/* Beeswarm (SHAP summary plot): one row per (shown feature, explained row):
 * feature (its rank 1..nshow), y (the feature's band, nshow + 1 - rank, plus a
 * deterministic offset that stacks points falling into the same one of 100
 * phi bins, alternately above and below, within +-0.4), phi, colour (the
 * feature's value scaled to [0, 1] between its 5th and 95th percentiles and
 * clipped, as the shap package colours; NaN when val is NaN: a category
 * without an order). phi and val are n x m row-major. */
int explain_fig_beeswarm(const double *phi, const double *val, size_t n, size_t m, const size_t *order,
                         size_t nshow, struct table **out, struct err *e);

/* Bar chart of mean |phi|: rows y (1..nshow, the most important at the top),
 * value, label (labels[feature], copied). */
int explain_fig_bar(const double *mean_abs, const size_t *order, size_t nshow, const char *const *labels,
                    struct table **out, struct err *e);

/* Waterfall of one row: the nshow features with the largest |phi| (ties:
 * lower index first) each get a bar from the running total; the others are
 * summed into one bar labelled `others` at the bottom (left out when there
 * are none). The bars run from base (bottom) to base + sum(phi) (top), the
 * largest |phi| at the top. Columns: y, start, end, phi, label. */
int explain_fig_waterfall(const double *phi, size_t m, double base, size_t nshow, const char *const *labels,
                          const char *others, struct table **out, struct err *e);

#endif
