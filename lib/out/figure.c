/* figure: a figure's data and variables (see figure.h). */
#include "out/figure.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/outfile.h"
#include "out/mdreport.h"
#include "out/textref.h"

int figure_vars_write(const struct kv *vars, const char *path, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fputs("# gnuplot variables for one figure, written by a study stage\n", of.fp);
    for (size_t i = 0; i < vars->n; i++) {
        fprintf(of.fp, "%s = \"", vars->keys[i]);
        for (const char *s = vars->vals[i]; *s; s++) {
            if (*s == '"' || *s == '\\')
                fputc('\\', of.fp);
            fputc(*s == '\n' || *s == '\r' ? ' ' : *s, of.fp);
        }
        fputs("\"\n", of.fp);
    }
    return outfile_commit(&of, e);
}

/* FNV-1a: the sample's seed, so that a figure's sample is the same every run. */
static unsigned long name_seed(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (unsigned long)(h & 0xffffffffu);
}

enum { FIGURE_MAX_STRATA = 256 };

static int same_cell(const struct column *c, size_t a, size_t b)
{
    if (c->type == COL_NUM)
        return c->num[a] == c->num[b] || (isnan(c->num[a]) && isnan(c->num[b]));
    return !strcmp(c->str[a] ? c->str[a] : "", c->str[b] ? c->str[b] : "");
}

static int empty_cell(const struct column *c, size_t i)
{
    return c->type == COL_NUM ? isnan(c->num[i]) : !c->str[i] || !*c->str[i];
}

/* stratum[i]: the index of row i's value of column col among the distinct
 * values in their order of appearance, SIZE_MAX for an empty cell; count[k]:
 * the rows of stratum k. Returns the number of strata: one (every row but
 * the empty ones) when col < 0 or when it holds more than FIGURE_MAX_STRATA
 * values. */
static size_t strata_of(const struct table *t, long col, size_t *stratum, size_t *count)
{
    const struct column *c = col >= 0 ? &t->cols[col] : NULL;
    size_t first[FIGURE_MAX_STRATA], ns = 0;
    for (size_t i = 0; c && i < t->nrows; i++) {
        if (empty_cell(c, i)) {
            stratum[i] = SIZE_MAX;
            continue;
        }
        size_t k = 0;
        while (k < ns && !same_cell(c, first[k], i))
            k++;
        if (k == FIGURE_MAX_STRATA) {
            ns = 0;
            break;
        }
        if (k == ns) {
            first[ns] = i;
            count[ns++] = 0;
        }
        stratum[i] = k;
        count[k]++;
    }
    if (ns)
        return ns;
    count[0] = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        stratum[i] = c && empty_cell(c, i) ? SIZE_MAX : 0;
        count[0] += stratum[i] == 0;
    }
    return 1;
}

/* keep[i] for a sample of FIGURE_MAX_ROWS rows: every row with an empty
 * strata cell (a box plot's statistics), then every stratum its share of the
 * rest (largest remainders), each drawn by selection sampling (Knuth's S). */
static int sample_rows(const struct table *t, long col, unsigned long seed, unsigned char *keep, struct err *e)
{
    size_t n = t->nrows, *stratum = malloc(n * sizeof *stratum), count[FIGURE_MAX_STRATA];
    size_t quota[FIGURE_MAX_STRATA], seen[FIGURE_MAX_STRATA] = {0}, got[FIGURE_MAX_STRATA] = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!stratum || !r) {
        free(stratum);
        gsl_rng_free(r);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    gsl_rng_set(r, seed);
    size_t ns = strata_of(t, col, stratum, count), m = 0, given = 0;
    for (size_t k = 0; k < ns; k++)
        m += count[k];
    size_t room = FIGURE_MAX_ROWS > n - m ? FIGURE_MAX_ROWS - (n - m) : 0;
    room = room < m ? room : m;
    for (size_t k = 0; k < ns; k++)
        given += quota[k] = m ? count[k] * room / m : 0;
    for (size_t k = 0; given < room && k < ns; k++)
        if (quota[k] < count[k] && (count[k] * room) % m * 2 >= m)
            quota[k]++, given++;
    for (size_t k = 0; given < room && k < ns; k++)
        if (quota[k] < count[k])
            quota[k]++, given++;
    for (size_t i = 0; i < n; i++) {
        size_t k = stratum[i];
        if (k == SIZE_MAX) {
            keep[i] = 1;
            continue;
        }
        keep[i] = (double)(count[k] - seen[k]) * gsl_rng_uniform(r) < (double)(quota[k] - got[k]);
        got[k] += keep[i];
        seen[k]++;
    }
    free(stratum);
    gsl_rng_free(r);
    return ERR_OK;
}

static int sample(const char *name, struct table *data, const char *strata, struct kv *vars, struct err *e)
{
    size_t n = data->nrows;
    long col = strata ? table_find(data, strata) : -1;
    unsigned char *keep = malloc(n);
    char note[TEXTREF_MAX], raw[32], shown[64], of[64];
    int rc = keep ? sample_rows(data, col, name_seed(name), keep, e) : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = table_filter_rows(data, keep, e);
    snprintf(raw, sizeof raw, "%zu", data->nrows);
    if (!rc)
        rc = mdreport_format(raw, "int", shown, sizeof shown, e);
    snprintf(raw, sizeof raw, "%zu", n);
    if (!rc)
        rc = mdreport_format(raw, "int", of, sizeof of, e);
    if (!rc)
        rc = textref_key(note, sizeof note, "report.figure_sample", NULL, e);
    if (!rc)
        rc = textref_arg_text(note, sizeof note, "n", shown, e);
    if (!rc)
        rc = textref_arg_text(note, sizeof note, "of", of, e);
    if (!rc)
        rc = kv_set_str(vars, "sample_note", note, e);
    free(keep);
    return rc;
}

int figure_write(const char *dir, const char *name, struct table *data, const char *strata, struct kv *vars,
                 struct err *e)
{
    char path[4096];
    int rc = 0;
    if (data && data->nrows > FIGURE_MAX_ROWS)
        rc = sample(name, data, strata, vars, e);
    if (data && !rc) {
        snprintf(path, sizeof path, "%s/%s.tsv", dir, name);
        rc = table_write_tsv(data, path, e);
    }
    snprintf(path, sizeof path, "%s/%s.gpv", dir, name);
    return rc ? rc : figure_vars_write(vars, path, e);
}
