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

/* A figure draws at most this many rows of data (a scatter's points, a
 * beeswarm's dots): gnuplot's time grows with them, the eye sees no more. */
#define FIGURE_MAX_ROWS 20000

/* DIR/NAME.tsv from data (when not NULL) and DIR/NAME.gpv from vars. Above
 * FIGURE_MAX_ROWS rows, data keeps a random sample of that many, seeded by
 * NAME, in the rows' order: every row whose cell in the column called strata
 * is empty (a box plot's statistics), then the others, each value of that
 * column keeping its share of them (uniformly when strata is NULL, absent or
 * has more than 256 values). vars gains sample_note, a reference to the text
 * saying how many of how many rows are shown (report/text.ru.yaml
 * report.figure_sample), which the templates print under the figure. data
 * and vars are changed so. */
int figure_write(const char *dir, const char *name, struct table *data, const char *strata, struct kv *vars,
                 struct err *e);

#endif
