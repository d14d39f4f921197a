/* figure: the two files of a figure's data, for its gnuplot template
 * report/figures/T.gp (T: the name up to its first '_'; mk/figures.mk renders
 * them): DIR/NAME.tsv, the numbers with a header the template names columns
 * by, and DIR/NAME.gpv, gnuplot string assignments `key = "value"` (title,
 * axis labels, legend entries...). Every stage writes its figures through
 * here. */
#ifndef OC_FIGURE_H
#define OC_FIGURE_H

#include "core/err.h"
#include "io/kv.h"
#include "io/table.h"

/* NAME.gpv from vars, atomically: backslash and double quote escaped, a line
 * break made a space (an assignment is one line). Numbers stay strings:
 * gnuplot converts them in arithmetic. */
int figure_vars_write(const struct kv *vars, const char *path, struct err *e);

/* DIR/NAME.tsv from data (when not NULL) and DIR/NAME.gpv from vars. */
int figure_write(const char *dir, const char *name, const struct table *data, const struct kv *vars,
                 struct err *e);

#endif
