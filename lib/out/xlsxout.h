/* xlsxout: the management workbook, over libxlsxwriter 1.1.4.
 *
 * A workbook is opened on a temporary name next to its path and renamed into
 * place by xlsxout_close, like every output (lib/outfile). Its `created`
 * property is fixed by the caller (xlsxout_created reads SOURCE_DATE_EPOCH),
 * never taken from the clock, so that two runs give byte-identical files.
 *
 * Sheets are written from an xlsxout_table: a header and rows of cells given
 * as strings, with a kind per column. Text is always written as a string
 * (a cell "=1+1" stays text, never becomes a formula); numbers are parsed
 * strictly, and a cell that is not a number is an error naming the cell.
 * Empty (NULL or "") cells stay blank. */
#ifndef OC_XLSXOUT_H
#define OC_XLSXOUT_H

#include <stddef.h>
#include <time.h>

#include <xlsxwriter.h>

#include "core/err.h"

enum xlsxout_kind {
    XLSXOUT_TEXT,    /* a string, as is */
    XLSXOUT_INT,     /* an integral number, format "0" (ids, counts) */
    XLSXOUT_NUMBER,  /* a number, 3 decimals "0.000" */
    XLSXOUT_PERCENT, /* a fraction shown as "0.0%" (0.123 -> 12.3%) */
    XLSXOUT_MONEY,   /* "#,##0.00": Excel shows the locale's group separator */
    XLSXOUT_GENERAL, /* a number in Excel's General format */
    XLSXOUT_PVALUE,  /* a p-value: "0.000", and below 0.001 the text "< 0,001" (never 1.4E-80) */
    XLSXOUT_TENTHS   /* a number with one decimal "0.0" (percentage points: no false precision) */
};

/* How a p-value below 0.001 is shown. */
#define XLSXOUT_PVALUE_SMALL "< 0,001"

/* An in-memory table of strings: the rows a sheet is written from. */
struct xlsxout_arena;
struct xlsxout_table {
    size_t ncols, nrows, cap_rows;
    char **header;            /* ncols owned strings */
    enum xlsxout_kind *kinds; /* ncols */
    char **cells;             /* nrows * ncols, row-major, in the arena; NULL = empty */
    struct xlsxout_arena *arena; /* the cells' strings, in large blocks (not one malloc each) */
};

struct xlsxout_table *xlsxout_table_alloc(size_t ncols, const char *const *header, const enum xlsxout_kind *kinds);
void xlsxout_table_free(struct xlsxout_table *t);
/* Append a row of ncols cells (copied; NULL allowed). */
int xlsxout_table_add_row(struct xlsxout_table *t, const char *const *cells, struct err *e);

/* The standard formats, owned by the workbook. */
struct xlsxout_formats {
    lxw_format *header;  /* bold, light blue-grey fill, bottom border */
    lxw_format *title;   /* bold, 14 pt: the first line of a text sheet */
    lxw_format *text;
    lxw_format *wrap;    /* text wrapped in its column, top-aligned */
    lxw_format *integer; /* "0" */
    lxw_format *number;  /* "0.000" */
    lxw_format *tenths;  /* "0.0" */
    lxw_format *percent; /* "0.0%" */
    lxw_format *money;   /* "#,##0.00" */
    lxw_format *general;
};

struct xlsxout {
    lxw_workbook *wb;
    char *path; /* final name */
    char *tmp;  /* the name libxlsxwriter writes */
    struct xlsxout_formats fmt;
};

/* The creation time to use: SOURCE_DATE_EPOCH when set (ERR_USAGE if it is
 * not a plain non-negative integer), else `fallback`. */
int xlsxout_created(time_t fallback, time_t *created, struct err *e);

/* Start a workbook that xlsxout_close will write to `path`. created = 0
 * would make libxlsxwriter use the clock, so it is taken as 1 (1970-01-01
 * 00:00:01 UTC). */
int xlsxout_open(const char *path, time_t created, struct xlsxout **out, struct err *e);

/* Write the file and rename it into place; x is freed in every case. */
int xlsxout_close(struct xlsxout *x, struct err *e);
/* Give up: free x and remove the temporary file. */
void xlsxout_abort(struct xlsxout *x);

/* A sheet named `name` (Cyrillic is fine; at most 31 characters, none of
 * []:*?/\) holding t: bold header, frozen header row, an autofilter, column
 * widths fitted to the content in code points. *ws (optional) receives the
 * sheet for the helpers below. */
int xlsxout_sheet_from_table(struct xlsxout *x, const char *name, const struct xlsxout_table *t, lxw_worksheet **ws,
                             struct err *e);

/* The header row as the caller wants it: its format, its height in points
 * (0: the default) and the column widths (NULL: fitted to the content). The
 * workbook writes each row to disk once the next one starts
 * (constant_memory), so all of this must be known before the sheet is
 * written: a cell or height set afterwards on an earlier row is lost. */
struct xlsxout_header {
    lxw_format *format;
    double height;
    const size_t *width;
};
int xlsxout_sheet_from_table_with(struct xlsxout *x, const char *name, const struct xlsxout_table *t,
                                  const struct xlsxout_header *h, lxw_worksheet **ws, struct err *e);

/* A sheet of text lines in column A: line 0 in the title format (a cover or
 * notes sheet: the study's question, «Данные синтетические…»). */
int xlsxout_sheet_text(struct xlsxout *x, const char *name, const char *const *lines, size_t n, lxw_worksheet **ws,
                       struct err *e);

/* A red-yellow-green colour scale on the data rows of column col (written by
 * xlsxout_sheet_from_table from t); high_is_good = 0 puts red at the top. */
int xlsxout_color_scale(lxw_worksheet *ws, const struct xlsxout_table *t, size_t col, int high_is_good,
                        struct err *e);

/* Insert a PNG with its top-left corner at (row, col), scaled by `scale`
 * (1 = natural size). The file is read when the workbook is closed, so it
 * must exist until then. */
int xlsxout_insert_png(lxw_worksheet *ws, unsigned row, unsigned col, const char *png_path, double scale,
                       const char *description, struct err *e);

/* A native bar chart of column value_col of t (a numeric kind) against the
 * labels in label_col, the data read from the sheet `data_sheet` written by
 * xlsxout_sheet_from_table. horizontal = 1 draws bars (long labels read
 * well), 0 columns. Inserted into ws at (row, col). */
int xlsxout_bar_chart(struct xlsxout *x, lxw_worksheet *ws, unsigned row, unsigned col, const char *data_sheet,
                      const struct xlsxout_table *t, size_t label_col, size_t value_col, const char *title,
                      int horizontal, struct err *e);

/* A native bar chart of the cells in rows first..last (0-based) of column
 * value_col of data_sheet against the labels in label_col, inserted into ws at
 * (row, col): a chart over a block in the middle of a sheet. */
int xlsxout_range_chart(struct xlsxout *x, lxw_worksheet *ws, unsigned row, unsigned col, const char *data_sheet,
                        unsigned first, unsigned last, size_t label_col, size_t value_col, const char *title,
                        struct err *e);

/* Display width of a UTF-8 string in code points (the column-width unit). */
size_t xlsxout_width(const char *s);

#endif
