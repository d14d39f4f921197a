#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "outfile.h"

struct table *table_alloc(void)
{
    return calloc(1, sizeof(struct table));
}

static void column_free(struct column *c, size_t nrows)
{
    if (c->str)
        for (size_t i = 0; i < nrows; i++)
            free(c->str[i]);
    free(c->str);
    free(c->num);
    free(c->name);
}

void table_free(struct table *t)
{
    if (!t)
        return;
    for (size_t j = 0; j < t->ncols; j++)
        column_free(&t->cols[j], t->nrows);
    free(t->cols);
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
                free(c->str[i]);
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
        column_free(c, 0);
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
    free(t->cols[col].str[row]);
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
                free(c->str[i]);
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

int table_read_tsv(const char *path, const char *const *force_str, struct table **out, struct err *e)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t ncols = 0, nrows = 0, rows_cap = 0, lineno = 0;
    char **header = NULL, **fields = NULL, **cells = NULL;
    struct table *t = NULL;
    int rc = 0;
    /* First pass keeps the raw strings; types are decided once every value is seen. */
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (strlen(line) != (size_t)len) {
            rc = err_set(e, ERR_DATA, "%s:%zu:1: expected text, found a NUL byte", path, lineno);
            goto done;
        }
        if (lineno == 1) {
            ncols = 1;
            for (char *p = line; *p; p++)
                ncols += *p == '\t';
            header = calloc(ncols, sizeof *header);
            fields = calloc(ncols + 1, sizeof *fields);
            if (!header || !fields) {
                rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
                goto done;
            }
            split_tabs(line, fields, ncols);
            for (size_t j = 0; j < ncols; j++) {
                unescape(fields[j]);
                if (!(header[j] = strdup(fields[j]))) {
                    rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
                    goto done;
                }
            }
            continue;
        }
        size_t got = split_tabs(line, fields, ncols);
        if (got != ncols) {
            rc = err_set(e, ERR_DATA, "%s:%zu:1: expected %zu tab-separated fields as in the header, found %s%zu",
                         path, lineno, ncols, got > ncols ? "more than " : "", got > ncols ? ncols : got);
            goto done;
        }
        if (nrows == rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 256;
            char **v = realloc(cells, rows_cap * ncols * sizeof *v);
            if (!v) {
                rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
                goto done;
            }
            cells = v;
        }
        for (size_t j = 0; j < ncols; j++) {
            unescape(fields[j]);
            char *s = fields[j][0] ? strdup(fields[j]) : NULL;
            if (fields[j][0] && !s) {
                rc = err_set(e, ERR_NOMEM, "out of memory reading %s", path);
                for (size_t k = 0; k < j; k++)
                    free(cells[nrows * ncols + k]);
                goto done;
            }
            cells[nrows * ncols + j] = s;
        }
        nrows++;
    }
    if (ferror(f)) {
        rc = err_set(e, ERR_IO, "%s: read error: %s", path, strerror(errno));
        goto done;
    }
    if (lineno == 0) {
        rc = err_set(e, ERR_DATA, "%s:1:1: expected a header row, found an empty file", path);
        goto done;
    }
    t = table_alloc();
    if (!t || (rc = table_set_rows(t, 0, e))) {
        rc = rc ? rc : err_set(e, ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (size_t j = 0; j < ncols && !rc; j++) {
        int numeric = 1;
        double v;
        for (size_t k = 0; force_str && force_str[k] && numeric; k++)
            numeric = strcmp(force_str[k], header[j]) != 0;
        for (size_t i = 0; i < nrows && numeric; i++) {
            const char *s = cells[i * ncols + j];
            numeric = !s || num_parse(s, '.', &v) == 0;
        }
        size_t idx;
        rc = table_add_column(t, header[j], numeric ? COL_NUM : COL_STR, &idx, e);
        if (!rc && j == 0)
            rc = table_set_rows(t, nrows, e);
        if (rc) {
            err_prefix(e, "%s: ", path);
            break;
        }
        struct column *c = &t->cols[idx];
        for (size_t i = 0; i < nrows; i++) {
            char **cell = &cells[i * ncols + j];
            if (numeric) {
                c->num[i] = NAN;
                if (*cell)
                    num_parse(*cell, '.', &c->num[i]);
                free(*cell);
            } else {
                c->str[i] = *cell;
            }
            *cell = NULL;
        }
    }
done:
    if (cells)
        for (size_t k = 0; k < nrows * ncols; k++)
            free(cells[k]);
    free(cells);
    if (header)
        for (size_t j = 0; j < ncols; j++)
            free(header[j]);
    free(header);
    free(fields);
    free(line);
    fclose(f);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
