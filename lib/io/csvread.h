/* csvread: RFC 4180 reading over libcsv, strict about what real exports get
 * wrong. Accepts CRLF, LF or mixed line ends, a UTF-8 BOM, quoted fields with
 * separators and newlines inside, and a missing final newline. Rejects invalid
 * UTF-8 (naming the likely encoding, e.g. Windows-1251), embedded NUL bytes,
 * ragged rows and empty files, with `file:line:col: expected ..., found ...`. */
#ifndef OC_CSVREAD_H
#define OC_CSVREAD_H

#include <stddef.h>

#include "core/err.h"

struct csv_opts {
    char sep; /* ',' or ';' or '\t'; 0 = sniff from the header line */
};

struct csv_data {
    char *path;
    char sep;              /* the separator used (given or sniffed) */
    size_t ncols, nrows;   /* nrows excludes the header */
    char **header;         /* ncols names */
    char **cells;          /* nrows * ncols, row-major, owned, never NULL ("" when empty) */
    size_t *line;          /* 1-based physical line where each data row starts */
};

/* Blank lines are skipped; spaces are part of a field (RFC 4180). Header
 * names and cells point into one arena owned by the result: never free or
 * keep a cell past csv_data_free. */
int csv_read(const char *path, const struct csv_opts *o, struct csv_data **out, struct err *e);
/* Not csv_free: libcsv already exports csv_free(struct csv_parser *). */
void csv_data_free(struct csv_data *d);
static inline const char *csv_cell(const struct csv_data *d, size_t row, size_t col)
{
    return d->cells[row * d->ncols + col];
}
long csv_find(const struct csv_data *d, const char *name);

/* Strict number parsing: optional sign, digits, one decimal mark (`decimal`),
 * optional exponent; surrounding spaces allowed. Rejects empty text, NaN,
 * infinities, trailing garbage and overflow. Returns 0 on success. */
int num_parse(const char *s, char decimal, double *out);

#endif
