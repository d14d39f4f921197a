/* fixture: the unit tests' reader for the committed oracle fixtures
 * (tests/oracle/fixtures/NAME.tsv: a header row, tab-separated fields, `\n`
 * line ends). Failures are cmocka failures (fail_msg), so a helper can be
 * called straight from a test; include <cmocka.h> before this header. */
#ifndef OC_FIXTURE_H
#define OC_FIXTURE_H

#include <math.h>
#include <stddef.h>

#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "io/table.h"

#define FIX "tests/oracle/fixtures/"

/* The params the tests run on: $ONECLICK_PARAMS (`make unit` points it at the
 * committed params.yaml, so that an analyst's edits never turn the suite red),
 * else params.yaml. */
const char *study_params(void);

/* got is want within the absolute tol (or both NaN, or equal, as
 * infinities are), or fail naming the file and line. */
#define assert_near(got, want, tol) assert_near_at((got), (want), (tol), __FILE__, __LINE__)
void assert_near_at(double got, double want, double tol, const char *file, int line);

/* A file's text (at most 64 KiB), in a buffer the next call reuses; NULL
 * when the file cannot be opened. */
const char *file_text(const char *path);

struct tsv {
    size_t nrows, ncols;
    char **head;  /* ncols header names */
    char ***cell; /* nrows rows of ncols strings, header excluded */
    char *text;   /* the file, split in place; every string points into it */
    char **flat;  /* (nrows + 1) x ncols pointers behind head and cell */
};

/* The whole file; fails the test when it cannot be read or a row's width
 * differs from the header's. */
struct tsv *tsv_read(const char *path);
void tsv_free(struct tsv *t);

/* The header column called name; fails the test when there is none. */
size_t tsv_col(const struct tsv *t, const char *name);
/* Row r, column c (no range check: fixtures are trusted). */
const char *tsv_cell(const struct tsv *t, size_t r, size_t c);
/* Row r, column c as a double (strtod: "nan" and "inf" included). */
double tsv_at(const struct tsv *t, size_t r, size_t c);
/* Row r of the column called name as a double. */
double tsv_num(const struct tsv *t, size_t r, const char *name);
/* The column called name as nrows malloc'ed doubles. */
double *tsv_column(const struct tsv *t, const char *name);

/* A labelled design matrix stored as y then x0..x(p-1): n rows, p = ncols - 1,
 * X row-major (n x p) and y, both malloc'ed. */
void tsv_read_xy(const char *path, double **X, int **y, size_t *n, size_t *p);

/* The tab-separated fields of one line as n malloc'ed copies (the line is
 * left as it was), for reading other text row by row; tsv_split_free frees. */
char **tsv_split(const char *line, size_t *n);
void tsv_split_free(char **v, size_t n);

/* The study's schema (params.yaml at the repo root) and the rows of
 * FIX "pipeline_data.tsv", for the pipeline and search tests. */
struct world {
    struct params *p;
    struct schema s;
    struct table *t;
    struct pipe_data *d;
};

struct world *world_load(void);
void world_free(struct world *w);

/* |a - b| <= tol, or fail naming the expression and both values to the bit. */
#define assert_close(a, b, tol)                                                             \
    do {                                                                                    \
        double a_ = (a), b_ = (b);                                                          \
        if (!(fabs(a_ - b_) <= (tol))) {                                                    \
            print_error("%s = %.17g, expected %.17g (tol %g)\n", #a, a_, b_, (double)(tol)); \
            fail();                                                                         \
        }                                                                                   \
    } while (0)

#endif
