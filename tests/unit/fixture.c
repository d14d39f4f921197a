/* fixture: see fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

struct tsv *tsv_read(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("%s: cannot open", path);
    struct tsv *t = calloc(1, sizeof *t);
    assert_non_null(t);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    assert_true(len >= 0);
    t->text = malloc((size_t)len + 1);
    assert_non_null(t->text);
    size_t got = fread(t->text, 1, (size_t)len, fp);
    fclose(fp);
    if (got != (size_t)len)
        fail_msg("%s: read %zu of %ld bytes", path, got, len);
    t->text[len] = '\0';

    /* Every tab and newline ends a field, so this bounds the pointers. */
    size_t fields = 1, lines = 1;
    for (long i = 0; i < len; i++) {
        fields += t->text[i] == '\t' || t->text[i] == '\n';
        lines += t->text[i] == '\n';
    }
    t->flat = malloc(fields * sizeof *t->flat);
    t->cell = malloc(lines * sizeof *t->cell);
    assert_non_null(t->flat);
    assert_non_null(t->cell);

    size_t k = 0, line = 0;
    for (char *s = t->text; *s; line++) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        char **row = t->flat + k;
        size_t n = 0;
        for (char *c = s;; n++) {
            t->flat[k++] = c;
            char *tab = strchr(c, '\t');
            if (!tab)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        n++;
        if (line == 0) {
            t->head = row;
            t->ncols = n;
        } else {
            if (n != t->ncols)
                fail_msg("%s:%zu: %zu fields, the header has %zu", path, line + 1, n, t->ncols);
            t->cell[t->nrows++] = row;
        }
        if (!nl)
            break;
        s = nl + 1;
    }
    if (!t->head)
        fail_msg("%s: empty, no header row", path);
    return t;
}

void tsv_free(struct tsv *t)
{
    if (!t)
        return;
    free(t->cell);
    free(t->flat);
    free(t->text);
    free(t);
}

size_t tsv_col(const struct tsv *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->head[j], name) == 0)
            return j;
    fail_msg("no column %s", name);
    return 0;
}

const char *tsv_cell(const struct tsv *t, size_t r, size_t c)
{
    return t->cell[r][c];
}

double tsv_at(const struct tsv *t, size_t r, size_t c)
{
    return strtod(t->cell[r][c], NULL);
}

double tsv_num(const struct tsv *t, size_t r, const char *name)
{
    return tsv_at(t, r, tsv_col(t, name));
}

double *tsv_column(const struct tsv *t, const char *name)
{
    size_t c = tsv_col(t, name);
    double *v = malloc((t->nrows ? t->nrows : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < t->nrows; i++)
        v[i] = tsv_at(t, i, c);
    return v;
}

void tsv_read_xy(const char *path, double **X, int **y, size_t *n, size_t *p)
{
    struct tsv *t = tsv_read(path);
    assert_true(t->ncols >= 2);
    *n = t->nrows;
    *p = t->ncols - 1;
    *X = malloc((*n * *p + 1) * sizeof **X);
    *y = malloc((*n + 1) * sizeof **y);
    assert_non_null(*X);
    assert_non_null(*y);
    for (size_t i = 0; i < *n; i++) {
        (*y)[i] = atoi(t->cell[i][0]);
        for (size_t j = 0; j < *p; j++)
            (*X)[i * *p + j] = strtod(t->cell[i][j + 1], NULL);
    }
    tsv_free(t);
}

char **tsv_split(const char *line, size_t *n)
{
    size_t k = 1;
    for (const char *c = line; *c; c++)
        k += *c == '\t';
    char **v = malloc(k * sizeof *v);
    assert_non_null(v);
    const char *s = line;
    for (size_t i = 0; i < k; i++) {
        size_t w = strcspn(s, "\t");
        v[i] = strndup(s, w);
        assert_non_null(v[i]);
        s += w + 1;
    }
    *n = k;
    return v;
}

void tsv_split_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void assert_near_at(double got, double want, double tol, const char *file, int line)
{
    if (isnan(want) && isnan(got))
        return;
    if (!(fabs(got - want) <= tol) && got != want)
        fail_msg("%s:%d: got %.17g, want %.17g (tol %g)", file, line, got, want, tol);
}

const char *file_text(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

const char *study_params(void)
{
    const char *p = getenv("ONECLICK_PARAMS");
    return p && *p ? p : "params.yaml";
}

struct world *world_load(void)
{
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    struct err e = {0};
    if (params_load(study_params(), &w->p, &e))
        fail_msg("%s", e.msg);
    if (schema_read(w->p, &w->s, &e))
        fail_msg("%s", e.msg);
    if (pipe_read_data(FIX "pipeline_data.tsv", &w->s, 1, &w->t, &w->d, &e))
        fail_msg("%s", e.msg);
    return w;
}

void world_free(struct world *w)
{
    if (!w)
        return;
    pipe_data_free(w->d);
    table_free(w->t);
    schema_free(&w->s);
    params_free(w->p);
    free(w);
}
