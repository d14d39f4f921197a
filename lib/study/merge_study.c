/* merge_study: one row per customer (see merge_study.h). */
#include "study/merge_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/hashset.h"

/* Pivot one long period table into `wide` columns of out (rows = out's customers). */
static int pivot(const struct table *pt, const struct schema_period *sp, const char *id_name,
                 const struct hashset *row_of, struct table *out, size_t *unmatched, size_t *missing, struct err *e)
{
    long ic = table_find(pt, id_name), pc = table_find(pt, sp->period), vc = table_find(pt, sp->value);
    if (ic < 0 || pc < 0 || vc < 0)
        return err_set(e, ERR_DATA, "expected columns %s, %s, %s in a period table", id_name, sp->period, sp->value);
    size_t first = out->ncols;
    for (size_t k = 0; k < sp->n; k++) {
        int rc = table_add_column(out, sp->wide[k], COL_NUM, NULL, e);
        if (rc)
            return rc;
    }
    *unmatched = 0;
    for (size_t i = 0; i < pt->nrows; i++) {
        size_t row;
        if (!hashset_find(row_of, pt->cols[ic].str[i], &row)) {
            (*unmatched)++;
            continue;
        }
        for (size_t k = 0; k < sp->n; k++)
            if (strcmp(pt->cols[pc].str[i], sp->labels[k]) == 0)
                out->cols[first + k].num[row] = pt->cols[vc].num[i];
    }
    *missing = 0;
    for (size_t r = 0; r < out->nrows; r++) {
        int miss = 0;
        for (size_t k = 0; k < sp->n; k++)
            miss |= isnan(out->cols[first + k].num[r]);
        *missing += miss;
    }
    return 0;
}

int merge_study_read(struct merge_study *ms, const char *in, struct err *e)
{
    const struct schema *s = ms->s;
    char path[4096], name[64];
    const char *str_cols[] = {s->id, s->target, s->periods[0].period, s->periods[1].period, NULL};
    int rc = 0;
    for (int r = FILE_CUSTOMERS; r <= FILE_MINUTES && !rc; r++) {
        snprintf(name, sizeof name, "%s.tsv", schema_file_roles[r]);
        rc = table_read_tsv(cli_path(path, sizeof path, in, name), str_cols, &ms->t[r], e);
    }
    long idc = rc ? -1 : table_find(ms->t[FILE_CUSTOMERS], s->id);
    if (!rc && idc < 0)
        rc = err_set(e, ERR_DATA, "%s/customers.tsv: expected a column \"%s\"", in, s->id);
    ms->id_col = idc;
    return rc;
}

/* The customer columns, in their order, without the loader's bookkeeping. */
static int customer_columns(struct merge_study *ms, struct err *e)
{
    const struct table *cu = ms->t[FILE_CUSTOMERS];
    int rc = (ms->m = table_alloc()) ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    struct table *m = ms->m;
    for (size_t j = 0; j < cu->ncols && !rc; j++) {
        if (strcmp(cu->cols[j].name, "source_line") == 0)
            continue;
        size_t k;
        rc = table_add_column(m, cu->cols[j].name, cu->cols[j].type, &k, e);
        if (!rc && m->nrows != cu->nrows)
            rc = table_set_rows(m, cu->nrows, e);
        for (size_t i = 0; i < cu->nrows && !rc; i++) {
            if (cu->cols[j].type == COL_NUM)
                m->cols[k].num[i] = cu->cols[j].num[i];
            else
                rc = table_set_str(m, k, i, cu->cols[j].str[i], e);
        }
    }
    return rc;
}

/* Inner join: a customer without every period value is left out. */
static int inner(struct merge_study *ms, size_t wide_from, size_t *incomplete, struct err *e)
{
    struct table *m = ms->m;
    unsigned char *keep = malloc(m->nrows ? m->nrows : 1);
    if (!keep)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < m->nrows; i++) {
        keep[i] = 1;
        for (size_t j = wide_from; j < m->ncols; j++)
            if (isnan(m->cols[j].num[i]))
                keep[i] = 0;
        *incomplete += !keep[i];
    }
    int rc = table_filter_rows(m, keep, e);
    free(keep);
    return rc;
}

int merge_study_run(struct merge_study *ms, int how_inner, struct err *e)
{
    const struct table *cu = ms->t[FILE_CUSTOMERS];
    int rc = customer_columns(ms, e);
    struct hashset *row_of = rc ? NULL : hashset_alloc(cu->nrows);
    if (!rc && !row_of)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < cu->nrows; i++)
        if (hashset_insert(row_of, cu->cols[ms->id_col].str[i], i, NULL) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc && !(ms->kv = kv_alloc()))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    size_t incomplete = 0, wide_from = ms->m ? ms->m->ncols : 0;
    char name[64];
    for (int r = FILE_REVENUE; r <= FILE_MINUTES && !rc; r++) {
        size_t unmatched = 0, missing = 0;
        rc = pivot(ms->t[r], schema_period_of(ms->s, r), ms->s->id, row_of, ms->m, &unmatched, &missing, e);
        snprintf(name, sizeof name, "%s_ids_without_customer", schema_file_roles[r]);
        if (!rc)
            rc = kv_set_long(ms->kv, name, (long)unmatched, e);
        snprintf(name, sizeof name, "customers_without_%s", schema_file_roles[r]);
        if (!rc)
            rc = kv_set_long(ms->kv, name, (long)missing, e);
    }
    hashset_free(row_of);
    if (!rc && how_inner)
        rc = inner(ms, wide_from, &incomplete, e);
    if (!rc)
        rc = kv_set_long(ms->kv, "customers_dropped_incomplete", (long)incomplete, e);
    if (!rc)
        rc = kv_set_long(ms->kv, "rows", (long)ms->m->nrows, e);
    if (!rc)
        rc = kv_set_long(ms->kv, "columns", (long)ms->m->ncols, e);
    return rc;
}

void merge_study_free(struct merge_study *ms)
{
    kv_free(ms->kv);
    table_free(ms->m);
    for (int r = 0; r < FILE_COUNT; r++)
        table_free(ms->t[r]);
}
