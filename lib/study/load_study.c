/* load_study: what the load stage does (see load_study.h). */
#include "study/load_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/hashset.h"
#include "io/csvread.h"
#include "io/kv.h"

/* The column roles one file must have, and which of them are numbers. */
struct need {
    const char *name;
    int numeric;
};

static void collect_needs(const struct schema *s, int role, int with_target, struct need *need, size_t *n)
{
    size_t k = 0;
    need[k++] = (struct need){s->id, 0};
    if (role == FILE_CUSTOMERS) {
        if (with_target)
            need[k++] = (struct need){s->target, 0};
        for (size_t i = 0; i < s->n_nominal; i++)
            need[k++] = (struct need){s->nominal[i], 0};
        for (size_t i = 0; i < s->n_ordinal; i++)
            need[k++] = (struct need){s->ordinal[i].column, 0};
        for (size_t i = 0; i < s->n_numeric; i++)
            need[k++] = (struct need){s->numeric[i], 1};
    } else if (role == FILE_PROFIT) {
        need[k++] = (struct need){s->profit_value, 1};
    } else {
        const struct schema_period *sp = schema_period_of(s, role);
        need[k++] = (struct need){sp->period, 0};
        need[k++] = (struct need){sp->value, 1};
    }
    *n = k;
}

/* Convert the raw CSV into a typed table plus a source_line column, so that
 * later stages can point at the line of the original file. */
static int to_table(const struct csv_data *d, const struct schema *s, int role, int with_target, struct table **out,
                    struct err *e)
{
    struct need need[256];
    size_t nneed;
    if (s->n_nominal + s->n_ordinal + s->n_numeric + 2 > 250)
        return err_set(e, ERR_PARAMS, "schema: too many columns (at most 250)");
    collect_needs(s, role, with_target, need, &nneed);
    for (size_t k = 0; k < nneed; k++) {
        if (csv_find(d, need[k].name) >= 0)
            continue;
        /* One wide column that contains another separator: the separator is wrong. */
        const char *other = d->ncols == 1 ? strpbrk(d->header[0], ",;\t") : NULL;
        if (other)
            return err_set(e, ERR_DATA,
                           "%s:1:1: expected fields separated by '%s' (schema.files.%s.sep), found one column "
                           "with '%s' inside: is the separator right?",
                           d->path, s->files[role].sep == '\t' ? "tab" : (char[2]){s->files[role].sep, 0},
                           schema_file_roles[role], *other == '\t' ? "tab" : (char[2]){*other, 0});
        return err_set(e, ERR_DATA, "%s:1:1: expected a column \"%s\" (schema), found none among %zu columns",
                       d->path, need[k].name, d->ncols);
    }
    if (d->nrows == 0)
        return err_set(e, ERR_DATA, "%s:2:1: expected at least one data row, found only the header", d->path);
    struct table *t = table_alloc();
    if (!t)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = 0;
    for (size_t j = 0; j < d->ncols && !rc; j++) {
        int numeric = 0;
        for (size_t k = 0; k < nneed; k++)
            if (strcmp(need[k].name, d->header[j]) == 0)
                numeric = need[k].numeric;
        size_t idx;
        rc = table_add_column(t, d->header[j], numeric ? COL_NUM : COL_STR, &idx, e);
        if (!rc && j == 0)
            rc = table_set_rows(t, d->nrows, e);
        for (size_t i = 0; i < d->nrows && !rc; i++) {
            const char *cell = csv_cell(d, i, j);
            if (!numeric) {
                rc = table_set_str(t, idx, i, cell[0] ? cell : NULL, e);
            } else if (cell[strspn(cell, " ")] == '\0') {
                t->cols[idx].num[i] = NAN; /* an empty cell is a missing value: clean reports it */
            } else if (num_parse(cell, s->files[role].decimal, &t->cols[idx].num[i]) != 0) {
                rc = err_set(e, ERR_DATA,
                             "%s:%zu:%zu: expected a number with decimal '%c' in column \"%s\", found \"%s\" "
                             "(customer %s)",
                             d->path, d->line[i], j + 1, s->files[role].decimal, d->header[j], cell,
                             csv_cell(d, i, (size_t)csv_find(d, s->id)));
            }
        }
    }
    size_t lc;
    if (!rc)
        rc = table_add_column(t, "source_line", COL_NUM, &lc, e);
    for (size_t i = 0; !rc && i < d->nrows; i++)
        t->cols[lc].num[i] = (double)d->line[i];
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* Keys must be unique: ids in the customer and profit tables, (id, period) in
 * the period tables. The error names both lines. */
static int check_unique(const struct csv_data *d, long c1, long c2, struct err *e)
{
    struct hashset *h = hashset_alloc(d->nrows);
    if (!h)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = 0;
    char key[1024];
    for (size_t i = 0; i < d->nrows && !rc; i++) {
        snprintf(key, sizeof key, "%s%s%s", csv_cell(d, i, (size_t)c1), c2 >= 0 ? "\x1f" : "",
                 c2 >= 0 ? csv_cell(d, i, (size_t)c2) : "");
        size_t first;
        int dup = hashset_insert(h, key, i, &first);
        if (dup < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        else if (dup)
            rc = err_set(e, ERR_DATA, "%s:%zu:%ld: expected a unique %s, found \"%s\"%s%s%s again (first at line %zu)",
                         d->path, d->line[i], c1 + 1, c2 >= 0 ? "(id, period) pair" : "id", csv_cell(d, i, (size_t)c1),
                         c2 >= 0 ? " with period \"" : "", c2 >= 0 ? csv_cell(d, i, (size_t)c2) : "",
                         c2 >= 0 ? "\"" : "", d->line[first]);
        else if (csv_cell(d, i, (size_t)c1)[0] == '\0')
            rc = err_set(e, ERR_DATA, "%s:%zu:%ld: expected an id, found an empty cell", d->path, d->line[i], c1 + 1);
    }
    hashset_free(h);
    return rc;
}

/* The target, where there is one, takes one of its two labels. */
static int check_target(const struct csv_data *d, const struct schema *s, struct err *e)
{
    long tc = csv_find(d, s->target);
    for (size_t i = 0; tc >= 0 && i < d->nrows; i++) {
        const char *v = csv_cell(d, i, (size_t)tc);
        if (strcmp(v, s->positive) != 0 && strcmp(v, s->negative) != 0)
            return err_set(e, ERR_DATA, "%s:%zu:%ld: expected a target label \"%s\" or \"%s\", found \"%s\"", d->path,
                           d->line[i], tc + 1, s->positive, s->negative, v);
    }
    return ERR_OK;
}

int load_study_read(struct load_study *ls, const char *in, struct err *e)
{
    int rc = 0;
    /* One CSV at a time: read, convert, check, and free it before the next,
     * so that at most one raw file is held besides the tables. */
    for (int r = 0; r < FILE_COUNT && !rc; r++) {
        struct csv_opts co = {.sep = ls->s->files[r].sep};
        struct csv_data *d = NULL;
        cli_path(ls->paths[r], sizeof ls->paths[r], in, ls->s->files[r].name);
        rc = csv_read(ls->paths[r], &co, &d, e);
        if (!rc)
            rc = to_table(d, ls->s, r, ls->with_target, &ls->t[r], e);
        if (!rc) {
            const struct schema_period *sp = schema_period_of(ls->s, r);
            rc = check_unique(d, csv_find(d, ls->s->id), sp ? csv_find(d, sp->period) : -1, e);
        }
        if (!rc && r == FILE_CUSTOMERS)
            rc = check_target(d, ls->s, e);
        csv_data_free(d);
    }
    /* Every customer has rows in each period table; rows of unknown ids are counted. */
        for (int r = FILE_REVENUE; r < FILE_COUNT && !rc; r++) {
        const struct table *c = ls->t[FILE_CUSTOMERS], *pt = ls->t[r];
        char *const *cid = c->cols[table_find(c, ls->s->id)].str;
        char *const *pid = pt->cols[table_find(pt, ls->s->id)].str;
        const double *cline = c->cols[table_find(c, "source_line")].num;
        struct hashset *ids = hashset_alloc(pt->nrows), *cust = hashset_alloc(c->nrows);
        size_t dummy;
        if (!ids || !cust)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < pt->nrows && !rc; i++)
            if (hashset_insert(ids, pid[i], i, &dummy) < 0)
                rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < c->nrows && !rc; i++) {
            if (hashset_insert(cust, cid[i], i, &dummy) < 0)
                rc = err_set(e, ERR_NOMEM, "out of memory");
            else if (r != FILE_PROFIT && !hashset_find(ids, cid[i], &dummy))
                rc = err_set(e, ERR_DATA, "%s: expected rows for every customer, found none for id %s (%s:%.0f)",
                             ls->paths[r], cid[i], ls->paths[FILE_CUSTOMERS], cline[i]);
        }
        for (size_t i = 0; i < pt->nrows && !rc; i++)
            ls->orphans[r] += !hashset_find(cust, pid[i], &dummy);
        hashset_free(ids);
        hashset_free(cust);
    }
    return rc;
}

int load_study_write(const struct load_study *ls, const char *out, const char *kv_path, struct err *e)
{
    char path[4096], key[64];
    struct kv *kv = kv_alloc();
    int rc = kv ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (int r = 0; r < FILE_COUNT && !rc; r++) {
        snprintf(key, sizeof key, "%s.tsv", schema_file_roles[r]);
        rc = table_write_tsv(ls->t[r], cli_path(path, sizeof path, out, key), e);
        snprintf(key, sizeof key, "%s_rows", schema_file_roles[r]);
        if (!rc)
            rc = kv_set_long(kv, key, (long)ls->t[r]->nrows, e);
        snprintf(key, sizeof key, "%s_file", schema_file_roles[r]);
        if (!rc)
            rc = kv_set_str(kv, key, ls->s->files[r].name, e);
        snprintf(key, sizeof key, "%s_rows_without_customer", schema_file_roles[r]);
        if (!rc && r != FILE_CUSTOMERS)
            rc = kv_set_long(kv, key, (long)ls->orphans[r], e);
    }
    if (!rc)
        rc = kv_write(kv, kv_path, e);
    kv_free(kv);
    return rc;
}

void load_study_free(struct load_study *ls)
{
    for (int r = 0; r < FILE_COUNT; r++)
        table_free(ls->t[r]);
}
