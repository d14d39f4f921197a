#include "core/mem.h"
#include "io/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "io/csvread.h"
#include "core/outfile.h"

struct table *table_alloc(void)
{
    return calloc(1, sizeof(struct table));
}

/* Free a string cell unless it lives in the table's pool. Compared as
 * integers: pointers into different objects have no order in C. */
static void str_free(const struct table *t, char *s)
{
    if (s && (!t->pool || (uintptr_t)s - (uintptr_t)t->pool >= t->pool_size))
        free(s);
}

static void column_free(const struct table *t, struct column *c, size_t nrows)
{
    if (c->str)
        for (size_t i = 0; i < nrows; i++)
            str_free(t, c->str[i]);
    free(c->str);
    free(c->num);
    free(c->name);
}

void table_free(struct table *t)
{
    if (!t)
        return;
    for (size_t j = 0; j < t->ncols; j++)
        column_free(t, &t->cols[j], t->nrows);
    free(t->cols);
    free(t->pool);
    free(t);
}

/* Rows are allocated with geometric growth so that appending row by row stays linear. */
static int reserve_rows(struct table *t, size_t need, struct err *e)
{
    if (need <= t->cap_rows)
        return 0;
    size_t cap = t->cap_rows ? t->cap_rows : 64;
    while (cap < need)
        cap *= 2;
    for (size_t j = 0; j < t->ncols; j++) {
        struct column *c = &t->cols[j];
        if (c->type == COL_NUM) {
            double *v = realloc(c->num, cap * sizeof *v);
            if (!v)
                return err_set(e, ERR_NOMEM, "out of memory growing a table to %zu rows", need);
            c->num = v;
        } else {
            char **v = realloc(c->str, cap * sizeof *v);
            if (!v)
                return err_set(e, ERR_NOMEM, "out of memory growing a table to %zu rows", need);
            c->str = v;
        }
    }
    t->cap_rows = cap;
    return 0;
}

int table_set_rows(struct table *t, size_t nrows, struct err *e)
{
    int rc = reserve_rows(t, nrows, e);
    if (rc)
        return rc;
    for (size_t j = 0; j < t->ncols; j++) {
        struct column *c = &t->cols[j];
        if (c->type == COL_NUM) {
            for (size_t i = t->nrows; i < nrows; i++)
                c->num[i] = NAN;
        } else {
            for (size_t i = nrows; i < t->nrows; i++) {
                str_free(t, c->str[i]);
                c->str[i] = NULL;
            }
            for (size_t i = t->nrows; i < nrows; i++)
                c->str[i] = NULL;
        }
    }
    t->nrows = nrows;
    return 0;
}

int table_add_column(struct table *t, const char *name, enum col_type type, size_t *idx, struct err *e)
{
    if (table_find(t, name) >= 0)
        return err_set(e, ERR_DATA, "column \"%s\" appears twice", name);
    if (t->ncols == t->cap_cols) {
        size_t cap = t->cap_cols ? 2 * t->cap_cols : 16;
        struct column *v = realloc(t->cols, cap * sizeof *v);
        if (!v)
            return err_set(e, ERR_NOMEM, "out of memory adding column %s", name);
        t->cols = v;
        t->cap_cols = cap;
    }
    struct column *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->name = strdup(name);
    size_t cap = t->cap_rows ? t->cap_rows : 1;
    if (type == COL_NUM)
        c->num = malloc(cap * sizeof *c->num);
    else
        c->str = calloc(cap, sizeof *c->str);
    if (!c->name || (type == COL_NUM ? !c->num : !c->str)) {
        column_free(t, c, 0);
        return err_set(e, ERR_NOMEM, "out of memory adding column %s", name);
    }
    for (size_t i = 0; type == COL_NUM && i < t->nrows; i++)
        c->num[i] = NAN;
    if (idx)
        *idx = t->ncols;
    t->ncols++;
    return 0;
}

long table_find(const struct table *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0)
            return (long)j;
    return -1;
}

int table_set_str(struct table *t, size_t col, size_t row, const char *s, struct err *e)
{
    char *copy = NULL;
    if (s && !(copy = strdup(s)))
        return err_set(e, ERR_NOMEM, "out of memory");
    str_free(t, t->cols[col].str[row]);
    t->cols[col].str[row] = copy;
    return 0;
}

int table_filter_rows(struct table *t, const unsigned char *keep, struct err *e)
{
    (void)e;
    size_t out = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            struct column *c = &t->cols[j];
            if (c->type == COL_NUM) {
                if (keep[i])
                    c->num[out] = c->num[i];
            } else if (keep[i]) {
                c->str[out] = c->str[i];
            } else {
                str_free(t, c->str[i]);
            }
        }
        if (keep[i])
            out++;
    }
    for (size_t j = 0; j < t->ncols; j++)
        if (t->cols[j].type == COL_STR)
            for (size_t i = out; i < t->nrows; i++)
                t->cols[j].str[i] = NULL;
    t->nrows = out;
    return 0;
}

/* TSV has no quoting, so a tab, newline, carriage return or backslash inside
 * a string is written as \t, \n, \r or \\ (PostgreSQL's text format). */
static void put_escaped(FILE *f, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : *s == '\\' ? "\\\\" : NULL;
        if (esc) {
            fwrite(run, 1, (size_t)(s - run), f);
            fputs(esc, f);
            run = s + 1;
        }
    }
    fputs(run, f);
}

int table_write_tsv(const struct table *t, const char *path, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    FILE *f = of.fp;
    for (size_t j = 0; j < t->ncols; j++) {
        if (j)
            fputc('\t', f);
        put_escaped(f, t->cols[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            const struct column *c = &t->cols[j];
            if (j)
                fputc('\t', f);
            if (c->type == COL_NUM) {
                if (!isnan(c->num[i]))
                    fprintf(f, "%.17g", c->num[i]);
            } else if (c->str[i]) {
                put_escaped(f, c->str[i]);
            }
        }
        fputc('\n', f);
    }
    return outfile_commit(&of, e);
}

/* Undo put_escaped in place. */
static void unescape(char *s)
{
    char *w = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
        } else {
            *w++ = *s;
        }
    }
    *w = '\0';
}

/* Split one line on tabs in place; returns the field count (up to max). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == '\t') {
            *p = '\0';
            if (n == max)
                return max + 1;
            fields[n++] = p + 1;
        }
    return n;
}

/* A TSV being read line by line: the current line, split into fields in
 * place and unescaped; at_end once the file is read. */
struct tsv_reader {
    const char *path;
    FILE *f;
    char *line;
    size_t cap, lineno, ncols;
    char **fields;
    int at_end;
};

static int next_line(struct tsv_reader *r, struct err *e)
{
    errno = 0;
    ssize_t len = getline(&r->line, &r->cap, r->f);
    if (len == -1) {
        if (ferror(r->f))
            return err_set(e, ERR_IO, "%s: read error: %s", r->path, strerror(errno));
        if (errno == ENOMEM)
            return err_set(e, ERR_NOMEM, "out of memory reading %s", r->path);
        r->at_end = 1;
        return ERR_OK;
    }
    r->lineno++;
    if (len && r->line[len - 1] == '\n')
        r->line[--len] = '\0';
    if (strlen(r->line) != (size_t)len)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected text, found a NUL byte", r->path, r->lineno);
    return ERR_OK;
}

static int next_row(struct tsv_reader *r, struct err *e)
{
    int rc = next_line(r, e);
    if (rc || r->at_end)
        return rc;
    size_t got = split_tabs(r->line, r->fields, r->ncols);
    if (got != r->ncols)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected %zu tab-separated fields as in the header, found %s%zu",
                       r->path, r->lineno, r->ncols, got > r->ncols ? "more than " : "",
                       got > r->ncols ? r->ncols : got);
    for (size_t j = 0; j < r->ncols; j++)
        unescape(r->fields[j]);
    return ERR_OK;
}

/* Pass 1: every line well-formed; a column is numeric when every non-empty
 * cell parses as a finite number; bytes[j] is what column j's cells take as
 * strings. */
static int scan_rows(struct tsv_reader *r, unsigned char *numeric, size_t *bytes, size_t *nrows, struct err *e)
{
    double v;
    int rc;
    while (!(rc = next_row(r, e)) && !r->at_end) {
        for (size_t j = 0; j < r->ncols; j++) {
            if (!r->fields[j][0])
                continue;
            if (numeric[j] && num_parse(r->fields[j], '.', &v) != 0)
                numeric[j] = 0;
            bytes[j] += strlen(r->fields[j]) + 1;
        }
        (*nrows)++;
    }
    return rc;
}

/* Pass 2: the same lines again, from data_at, into the columns (the strings
 * into the pool pass 1 sized). A file that changed in between is an error. */
static int fill_rows(struct tsv_reader *r, long data_at, const unsigned char *numeric, size_t nrows,
                     struct table *t, struct err *e)
{
    const char *path = r->path;
    size_t used = 0;
    if (fseek(r->f, data_at, SEEK_SET) != 0)
        return err_set(e, ERR_IO, "%s: cannot seek back to read it again: %s", path, strerror(errno));
    r->lineno = 1;
    r->at_end = 0;
    int rc;
    for (size_t i = 0; i < nrows; i++) {
        if ((rc = next_row(r, e)))
            return rc;
        if (r->at_end)
            return err_set(e, ERR_IO, "%s:%zu:1: the file changed while it was read (it ended early)", path,
                           r->lineno + 1);
        for (size_t j = 0; j < r->ncols; j++) {
            struct column *c = &t->cols[j];
            const char *cell = r->fields[j];
            if (numeric[j]) {
                if (cell[0] && num_parse(cell, '.', &c->num[i]) != 0)
                    return err_set(e, ERR_IO, "%s:%zu:%zu: the file changed while it was read (a number became \"%s\")",
                                   path, r->lineno, j + 1, cell);
            } else if (cell[0]) {
                size_t n = strlen(cell) + 1;
                if (n > t->pool_size - used)
                    return err_set(e, ERR_IO, "%s:%zu:%zu: the file changed while it was read (a longer text)", path,
                                   r->lineno, j + 1);
                c->str[i] = memcpy(t->pool + used, cell, n);
                used += n;
            }
        }
    }
    if (!(rc = next_line(r, e)) && !r->at_end)
        rc = err_set(e, ERR_IO, "%s:%zu:1: the file changed while it was read (it grew)", path, r->lineno);
    return rc;
}

/* Two passes over the file: the first checks every line, decides each
 * column's type and measures its text, the second fills the columns,
 * parsing numbers straight into them and copying strings into one pool.
 * Only the table itself is held, never a copy of every cell, nor a malloc
 * per string (at 10^6 customers those were most of a stage's memory). Both passes read the
 * same open file; the study replaces its files by rename, which an open file
 * does not see, and a file rewritten in place between the passes is an
 * error, not a mixed table. */
int table_read_tsv(const char *path, const char *const *force_str, struct table **out, struct err *e)
{
    *out = NULL;
    struct tsv_reader r = {path, fopen(path, "rb"), NULL, 0, 0, 0, NULL, 0};
    if (!r.f)
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *header = NULL, **names = NULL;
    unsigned char *numeric = NULL;
    size_t *bytes = NULL; /* per column: what its non-empty cells take as strings */
    struct table *t = NULL;
    size_t nrows = 0;
    long data_at = -1;
    int rc = next_line(&r, e);
    if (rc)
        goto done;
    if (r.at_end) {
        rc = err_set(e, ERR_DATA, "%s:1:1: expected a header row, found an empty file", path);
        goto done;
    }
    r.ncols = 1;
    for (char *q = r.line; *q; q++)
        r.ncols += *q == '\t';
    header = strdup(r.line);
    names = calloc(r.ncols + 1, sizeof *names);
    r.fields = calloc(r.ncols + 1, sizeof *r.fields);
    numeric = malloc(r.ncols);
    bytes = calloc(r.ncols, sizeof *bytes);
    if (!header || !names || !r.fields || !numeric || !bytes) {
        rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    split_tabs(header, names, r.ncols);
    for (size_t j = 0; j < r.ncols; j++) {
        unescape(names[j]);
        numeric[j] = 1;
        for (size_t k = 0; force_str && force_str[k] && numeric[j]; k++)
            numeric[j] = strcmp(force_str[k], names[j]) != 0;
    }
    if ((data_at = ftell(r.f)) < 0) {
        rc = err_set(e, ERR_IO, "%s: expected a regular file (it is read twice), found one that cannot seek: %s",
                     path, strerror(errno));
        goto done;
    }
    if ((rc = scan_rows(&r, numeric, bytes, &nrows, e)))
        goto done;
    if (!(t = table_alloc())) {
        rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (size_t j = 0; j < r.ncols && !rc; j++)
        rc = table_add_column(t, names[j], numeric[j] ? COL_NUM : COL_STR, NULL, e);
    if (!rc)
        rc = table_set_rows(t, nrows, e);
    if (rc) {
        err_prefix(e, "%s: ", path);
        goto done;
    }
    /* The string cells go into one pool, sized by pass 1. */
    for (size_t j = 0; j < r.ncols; j++)
        t->pool_size += numeric[j] ? 0 : bytes[j];
    if (!(t->pool = malloc(t->pool_size ? t->pool_size : 1))) {
        rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    rc = fill_rows(&r, data_at, numeric, nrows, t, e);
done:
    FREE_ALL(header, names, numeric, bytes, r.fields, r.line);
    fclose(r.f);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
