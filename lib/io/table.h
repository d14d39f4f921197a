/* table: a rectangular table of named, typed columns (numbers or strings),
 * the in-memory form of every TSV file under data/interim.
 *
 * Missing numbers are NaN, missing strings NULL. Columns own their arrays;
 * strings are owned by the table (their own allocation, or its pool). */
#ifndef OC_TABLE_H
#define OC_TABLE_H

#include <stddef.h>

#include "core/err.h"

enum col_type { COL_NUM, COL_STR };

struct column {
    char *name;
    enum col_type type;
    double *num; /* COL_NUM: nrows values */
    char **str;  /* COL_STR: nrows owned strings (NULL = missing) */
};

struct table {
    size_t nrows, ncols;
    size_t cap_rows, cap_cols;
    struct column *cols;
    /* The strings table_read_tsv read, in one block (not one malloc each);
     * a cell pointing into it is not freed on its own. */
    char *pool;
    size_t pool_size;
};

struct table *table_alloc(void);
void table_free(struct table *t);

/* Append an empty column (all missing for the current rows); *idx gets its index. */
int table_add_column(struct table *t, const char *name, enum col_type type, size_t *idx, struct err *e);
/* Grow or shrink to nrows; new cells are missing. */
int table_set_rows(struct table *t, size_t nrows, struct err *e);
/* Index of the column named `name`, or -1. */
long table_find(const struct table *t, const char *name);
/* Set a string cell (copied); s may be NULL. */
int table_set_str(struct table *t, size_t col, size_t row, const char *s, struct err *e);
/* Keep only the rows whose keep[i] is nonzero, in order. */
int table_filter_rows(struct table *t, const unsigned char *keep, struct err *e);

/* TSV (see DESIGN.md): header row, `\n`, numbers with %.17g, empty cell = missing.
 * Writing goes to a temporary file renamed into place. Reading types a column
 * numeric when every non-empty cell parses as a finite number, string otherwise.
 * A tab, newline, carriage return or backslash inside a string is written as
 * \t, \n, \r or \\ (PostgreSQL's text format) and read back the same way. */
int table_write_tsv(const struct table *t, const char *path, struct err *e);
/* Columns named in force_str (NULL-terminated, or NULL) stay strings: ids, codes.
 * The file is read twice (types, then values), so it must be a regular
 * file; a pipe is refused with ERR_IO, as is a file changed in between. */
int table_read_tsv(const char *path, const char *const *force_str, struct table **out, struct err *e);

#endif
