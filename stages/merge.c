/* merge: one row per customer. The period tables (revenue by month, minutes by
 * month) are pivoted wide with the column names from schema.periods and joined
 * to the customer table on the id; ids that do not match are reported. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"
#include "core/hashset.h"
#include "io/kv.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"

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

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = "data/interim/clean", *out = "data/interim/customers.tsv";
    const char *kv_path = "data/interim/merge.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, merge)"},
        {"in", &in, "directory with the cleaned tables"},
        {"out", &out, "the merged table, one row per customer"},
        {"kv", &kv_path, "key-value file with the counts"},
        {NULL, NULL, NULL},
    };
    static const char *const keys[] = {"how", NULL}, *const hows[] = {"inner", "left", NULL};
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct table *t[FILE_COUNT] = {0}, *m = NULL;
    struct hashset *row_of = NULL;
    struct kv *kv = NULL;
    int how = 0;
    int rc = cli_parse(argc, argv, "Pivot the period tables wide and join them to the customers on the id.", opts, &e);
    if (rc < 0)
        return 0;
    outfile_hold(); /* the outputs land together, at cli_finish */
    if (!rc)
        rc = params_load(params_path, &p, &e);
    if (!rc)
        rc = schema_read(p, &s, &e);
    if (!rc)
        rc = params_check_keys(p, "merge", keys, &e);
    if (!rc)
        rc = params_enum(p, "merge.how", hows, &how, &e);
    char path[4096], name[64];
    const char *str_cols[] = {s.id, s.target, s.periods[0].period, s.periods[1].period, NULL};
    for (int r = FILE_CUSTOMERS; r <= FILE_MINUTES && !rc; r++) {
        snprintf(name, sizeof name, "%s.tsv", schema_file_roles[r]);
        rc = table_read_tsv(cli_path(path, sizeof path, in, name), str_cols, &t[r], &e);
    }
    /* The customer columns, in their order, without the loader's bookkeeping. */
    const struct table *cu = t[FILE_CUSTOMERS];
    if (!rc && !(m = table_alloc()))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    long idc = rc ? -1 : table_find(cu, s.id);
    if (!rc && idc < 0)
        rc = err_set(&e, ERR_DATA, "%s/customers.tsv: expected a column \"%s\"", in, s.id);
    for (size_t j = 0; j < (cu ? cu->ncols : 0) && !rc; j++) {
        if (strcmp(cu->cols[j].name, "source_line") == 0)
            continue;
        size_t k;
        rc = table_add_column(m, cu->cols[j].name, cu->cols[j].type, &k, &e);
        if (!rc && m->nrows != cu->nrows)
            rc = table_set_rows(m, cu->nrows, &e);
        for (size_t i = 0; i < cu->nrows && !rc; i++) {
            if (cu->cols[j].type == COL_NUM)
                m->cols[k].num[i] = cu->cols[j].num[i];
            else
                rc = table_set_str(m, k, i, cu->cols[j].str[i], &e);
        }
    }
    if (!rc && !(row_of = hashset_alloc(cu->nrows)))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < cu->nrows; i++)
        if (hashset_insert(row_of, cu->cols[idc].str[i], i, NULL) < 0)
            rc = err_set(&e, ERR_NOMEM, "out of memory");
    if (!rc && !(kv = kv_alloc()))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    size_t incomplete = 0, wide_from = m ? m->ncols : 0;
    unsigned char *keep = NULL;
    for (int r = FILE_REVENUE; r <= FILE_MINUTES && !rc; r++) {
        size_t unmatched = 0, missing = 0;
        rc = pivot(t[r], schema_period_of(&s, r), s.id, row_of, m, &unmatched, &missing, &e);
        snprintf(name, sizeof name, "%s_ids_without_customer", schema_file_roles[r]);
        if (!rc)
            rc = kv_set_long(kv, name, (long)unmatched, &e);
        snprintf(name, sizeof name, "customers_without_%s", schema_file_roles[r]);
        if (!rc)
            rc = kv_set_long(kv, name, (long)missing, &e);
    }
    /* Inner join: a customer without every period value is left out. */
    if (!rc && how == 0) {
        keep = malloc(m->nrows ? m->nrows : 1);
        if (!keep)
            rc = err_set(&e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; !rc && i < m->nrows; i++) {
            keep[i] = 1;
            for (size_t j = wide_from; j < m->ncols; j++)
                if (isnan(m->cols[j].num[i]))
                    keep[i] = 0;
            incomplete += !keep[i];
        }
        if (!rc)
            rc = table_filter_rows(m, keep, &e);
    }
    if (!rc)
        rc = kv_set_long(kv, "customers_dropped_incomplete", (long)incomplete, &e);
    if (!rc)
        rc = kv_set_long(kv, "rows", (long)m->nrows, &e);
    if (!rc)
        rc = kv_set_long(kv, "columns", (long)m->ncols, &e);
    if (!rc)
        rc = table_write_tsv(m, out, &e);
    if (!rc)
        rc = kv_write(kv, kv_path, &e);
    int status = cli_finish("merge", rc, &e);
    free(keep);
    kv_free(kv);
    hashset_free(row_of);
    table_free(m);
    for (int r = 0; r < FILE_COUNT; r++)
        table_free(t[r]);
    schema_free(&s);
    params_free(p);
    return status;
}
