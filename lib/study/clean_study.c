/* clean_study: what the clean stage does (see clean_study.h); the mechanics
 * of each rule are in lib/study/cleaning.c. */
#include "study/clean_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"

static const char *tname(int r) { return schema_file_roles[r]; }

static int need_col(struct clean_study *c, int r, const char *name, size_t *col, const struct pnode *where)
{
    long j = table_find(c->t[r], name);
    if (j < 0)
        return where ? err_set(&c->e, ERR_PARAMS, "%s:%zu:%zu: expected a column of the %s table, found \"%s\"",
                               where->file, where->line, where->col, tname(r), name)
                     : err_set(&c->e, ERR_DATA, "%s: expected a column \"%s\"", tname(r), name);
    *col = (size_t)j;
    return 0;
}

static int rule_trim(struct clean_study *c)
{
    for (int r = 0; r < FILE_COUNT; r++) {
        size_t n;
        int rc = clean_trim(c->t[r], &n, &c->e);
        if (!rc && n)
            rc = qlog_add(&c->q, "whitespace", tname(r), "", n, "trimmed", "", &c->e);
        if (rc)
            return rc;
    }
    return 0;
}

static int rule_typos(struct clean_study *c)
{
    const struct pnode *typos;
    int rc = params_node(c->p, "clean.typos", PNODE_MAP, &typos, &c->e);
    size_t total = 0;
    for (size_t ti = 0; !rc && ti < typos->n; ti++) {
        const struct pnode *tab = typos->items[ti];
        int r;
        rc = pnode_enum(&(struct pnode){.kind = PNODE_SCALAR, .value = tab->key, .file = tab->file,
                                        .line = tab->line, .col = tab->col},
                        "clean.typos", schema_file_roles, &r, &c->e);
        for (size_t ci = 0; !rc && ci < tab->n; ci++) {
            const struct pnode *colmap = tab->items[ci];
            const char *name = NULL;
            size_t col;
            rc = pnode_expect(colmap, "clean.typos", PNODE_MAP, &c->e);
            if (!rc)
                rc = schema_column_at(c->s, colmap, colmap->key, "clean.typos", &name, &c->e);
            if (!rc)
                rc = need_col(c, r, name, &col, colmap);
            if (!rc && c->t[r]->cols[col].type != COL_STR)
                rc = err_set(&c->e, ERR_PARAMS, "%s:%zu:%zu: clean.typos: expected a text column, found numeric \"%s\"",
                             colmap->file, colmap->line, colmap->col, name);
            for (size_t k = 0; !rc && k < colmap->n; k++) {
                const char *to, *from = colmap->items[k]->key;
                size_t n;
                rc = pnode_string(colmap->items[k], "clean.typos", &to, &c->e);
                if (!rc)
                    rc = clean_replace(c->t[r], col, from, to, &n, &c->e);
                char detail[512];
                snprintf(detail, sizeof detail, "%s → %s", from, to);
                if (!rc)
                    rc = qlog_add(&c->q, "typo", tname(r), name, n, n ? "fixed" : "none found", detail, &c->e);
                total += n;
            }
        }
    }
    return rc ? rc : kv_set_long(c->kv, "typos_fixed", (long)total, &c->e);
}

static int rule_period_labels(struct clean_study *c)
{
    for (int r = FILE_REVENUE; r <= FILE_MINUTES; r++) {
        const struct schema_period *sp = schema_period_of(c->s, r);
        size_t col = 0, line_col = 0;
        int rc = need_col(c, r, sp->period, &col, NULL);
        if (!rc)
            rc = need_col(c, r, "source_line", &line_col, NULL);
        if (rc)
            return rc;
        for (size_t i = 0; i < c->t[r]->nrows; i++) {
            const char *v = c->t[r]->cols[col].str[i];
            int ok = 0;
            for (size_t k = 0; k < sp->n && !ok; k++)
                ok = v && strcmp(v, sp->labels[k]) == 0;
            if (!ok)
                return err_set(&c->e, ERR_DATA,
                               "%s:%.0f:%zu: expected a period label of schema.periods.%s, found \"%s\" (customer %s)",
                               c->s->files[r].name, c->t[r]->cols[line_col].num[i], col + 1, tname(r), v ? v : "",
                               c->t[r]->cols[c->id[r]].str[i]);
        }
    }
    return 0;
}

static int rule_ranges(struct clean_study *c)
{
    const struct pnode *ranges;
    static const char *const keys[] = {"min", "max", NULL};
    int rc = params_node(c->p, "clean.ranges", PNODE_MAP, &ranges, &c->e);
    for (size_t ti = 0; !rc && ti < ranges->n; ti++) {
        const struct pnode *tab = ranges->items[ti];
        int r;
        rc = pnode_enum(&(struct pnode){.kind = PNODE_SCALAR, .value = tab->key, .file = tab->file,
                                        .line = tab->line, .col = tab->col},
                        "clean.ranges", schema_file_roles, &r, &c->e);
        if (!rc)
            rc = pnode_expect(tab, "clean.ranges", PNODE_MAP, &c->e);
        for (size_t ci = 0; !rc && ci < tab->n; ci++) {
            const struct pnode *lim = tab->items[ci], *mn = pnode_child(lim, "min"), *mx = pnode_child(lim, "max");
            double lo = -HUGE_VAL, hi = HUGE_VAL;
            size_t col = 0, line_col = 0;
            const char *name = NULL;
            rc = pnode_check_keys(lim, "clean.ranges", keys, &c->e);
            if (!rc)
                rc = schema_column_at(c->s, lim, lim->key, "clean.ranges", &name, &c->e);
            if (!rc && mn)
                rc = pnode_double(mn, "clean.ranges min", -1e300, 1e300, &lo, &c->e);
            if (!rc && mx)
                rc = pnode_double(mx, "clean.ranges max", lo, 1e300, &hi, &c->e);
            if (!rc)
                rc = need_col(c, r, name, &col, lim);
            if (!rc && c->t[r]->cols[col].type != COL_NUM)
                rc = err_set(&c->e, ERR_PARAMS, "%s:%zu:%zu: clean.ranges: expected a numeric column, found \"%s\"",
                             lim->file, lim->line, lim->col, name);
            if (!rc)
                rc = need_col(c, r, "source_line", &line_col, NULL);
            if (rc)
                break;
            size_t bad = clean_first_outside(c->t[r], col, lo, hi);
            if (bad != (size_t)-1)
                rc = err_set(&c->e, ERR_DATA, "%s:%.0f:%zu: expected %s in [%g, %g], found %.17g (customer %s)",
                             c->s->files[r].name, c->t[r]->cols[line_col].num[bad], col + 1, name, lo, hi,
                             c->t[r]->cols[col].num[bad], c->t[r]->cols[c->id[r]].str[bad]);
            else
                rc = qlog_add(&c->q, "range", tname(r), name, 0, "checked", "", &c->e);
        }
    }
    return rc;
}

/* Missing cells anywhere, and customers without a row for some period. */
static int rule_missing(struct clean_study *c)
{
    static const char *const actions[] = {"drop", "stop", NULL};
    int action = 0, rc = params_enum(c->p, "clean.missing", actions, &action, &c->e);
    struct hashset *miss = hashset_alloc(c->t[FILE_CUSTOMERS]->nrows);
    if (!miss)
        return err_set(&c->e, ERR_NOMEM, "out of memory");
    size_t total = 0;
    for (int r = 0; r < FILE_PROFIT && !rc; r++) {
        for (size_t j = 0; j < c->t[r]->ncols && !rc; j++) {
            size_t n;
            rc = clean_mark_missing(c->t[r], c->id[r], j, miss, &n, &c->e);
            if (!rc && n)
                rc = qlog_add(&c->q, "missing", tname(r), c->t[r]->cols[j].name, n, action ? "stop" : "customer dropped",
                              "", &c->e);
            total += n;
        }
    }
    /* A period without a row is a missing value too. */
    for (int r = FILE_REVENUE; r <= FILE_MINUTES && !rc; r++) {
        const struct schema_period *sp = schema_period_of(c->s, r);
        size_t pc = 0;
        rc = need_col(c, r, sp->period, &pc, NULL);
        struct hashset *have = rc ? NULL : hashset_alloc(c->t[r]->nrows);
        char key[1024];
        size_t absent = 0;
        if (!rc && !have)
            rc = err_set(&c->e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < c->t[r]->nrows && !rc; i++) {
            snprintf(key, sizeof key, "%s\x1f%s", c->t[r]->cols[c->id[r]].str[i], c->t[r]->cols[pc].str[i]);
            if (hashset_insert(have, key, i, NULL) < 0)
                rc = err_set(&c->e, ERR_NOMEM, "out of memory");
        }
        const struct table *cu = c->t[FILE_CUSTOMERS];
        for (size_t i = 0; i < cu->nrows && !rc; i++)
            for (size_t k = 0; k < sp->n && !rc; k++) {
                snprintf(key, sizeof key, "%s\x1f%s", cu->cols[c->id[FILE_CUSTOMERS]].str[i], sp->labels[k]);
                if (!hashset_find(have, key, NULL)) {
                    absent++;
                    if (hashset_insert(miss, cu->cols[c->id[FILE_CUSTOMERS]].str[i], i, NULL) < 0)
                        rc = err_set(&c->e, ERR_NOMEM, "out of memory");
                }
            }
        if (!rc && absent)
            rc = qlog_add(&c->q, "missing_period", tname(r), sp->period, absent, action ? "stop" : "customer dropped",
                          "", &c->e);
        total += absent;
        hashset_free(have);
    }
    char ids[512];
    clean_list_ids(miss, 10, ids, sizeof ids);
    if (!rc && total && action == 1)
        rc = err_set(&c->e, ERR_DATA, "%s: expected no missing values (clean.missing: stop), found %zu, customers %s",
                     c->s->files[FILE_CUSTOMERS].name, total, ids);
    for (size_t i = 0; i < hashset_size(miss) && !rc; i++)
        if (hashset_insert(c->drop, hashset_key(miss, i), 0, NULL) < 0)
            rc = err_set(&c->e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = kv_set_long(c->kv, "missing_customers", (long)hashset_size(miss), &c->e);
    if (!rc)
        rc = qlog_add(&c->q, "missing", "all", "", total, total ? "customers dropped" : "none found", ids, &c->e);
    hashset_free(miss);
    return rc;
}

static int rule_duplicates(struct clean_study *c)
{
    int drop = 0, rc = params_bool(c->p, "clean.drop_duplicates_but_id", &drop, &c->e);
    size_t groups, extra;
    char detail[512];
    if (!rc)
        rc = clean_duplicates_but_id(c->t[FILE_CUSTOMERS], c->id[FILE_CUSTOMERS],
                                     table_find(c->t[FILE_CUSTOMERS], "source_line"), &groups, &extra,
                                     drop ? c->drop : NULL, detail, sizeof detail, &c->e);
    if (!rc)
        rc = qlog_add(&c->q, "duplicate_but_id", tname(FILE_CUSTOMERS), "", extra,
                      extra ? (drop ? "rows dropped" : "kept") : "none found", detail, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "duplicates_but_id_rows", (long)extra, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "duplicates_but_id_groups", (long)groups, &c->e);
    return rc;
}

/* Customers whose revenue in some period is above the limit (above = 1) or
 * at or below it (above = 0): they are dropped. */
static int rule_revenue(struct clean_study *c, const char *param, const char *check, const char *kvkey, int above)
{
    double limit;
    int rc = params_double(c->p, param, -1e300, 1e300, &limit, &c->e);
    const struct schema_period *sp = schema_period_of(c->s, FILE_REVENUE);
    size_t vc = 0;
    if (!rc)
        rc = need_col(c, FILE_REVENUE, sp->value, &vc, NULL);
    if (rc)
        return rc;
    const struct table *t = c->t[FILE_REVENUE];
    struct hashset *hit = hashset_alloc(16);
    size_t rows = 0;
    if (!hit)
        return err_set(&c->e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        double v = t->cols[vc].num[i];
        const char *id = t->cols[c->id[FILE_REVENUE]].str[i];
        if (isnan(v) || (above ? !(v > limit) : !(v <= limit)))
            continue;
        rows++;
        if (hashset_insert(hit, id, i, NULL) < 0)
            rc = err_set(&c->e, ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < hashset_size(hit) && !rc; i++)
        if (hashset_insert(c->drop, hashset_key(hit, i), 0, NULL) < 0)
            rc = err_set(&c->e, ERR_NOMEM, "out of memory");
    char ids[512], key[64];
    clean_list_ids(hit, 20, ids, sizeof ids);
    if (!rc)
        rc = qlog_add(&c->q, check, tname(FILE_REVENUE), sp->value, rows,
                      hashset_size(hit) ? "customer dropped" : "none found", ids, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, kvkey, (long)hashset_size(hit), &c->e);
    snprintf(key, sizeof key, "%s_ids", kvkey);
    if (!rc)
        rc = kv_set_str(c->kv, key, ids, &c->e);
    snprintf(key, sizeof key, "after_%s", check);
    if (!rc)
        rc = kv_set_long(c->kv, key, (long)(c->t[FILE_CUSTOMERS]->nrows - hashset_size(c->drop)), &c->e);
    hashset_free(hit);
    return rc;
}

int clean_study_setup(struct clean_study *c, const struct params *p, const struct schema *s)
{
    static const char *const keys[] = {"typos", "ranges", "missing", "drop_duplicates_but_id", "outlier", "activity",
                                       NULL};
    static const char *const out_keys[] = {"max_revenue", NULL}, *const act_keys[] = {"min_revenue", NULL};
    int rc = params_check_keys(p, "clean", keys, &c->e);
    if (!rc)
        rc = params_check_keys(p, "clean.outlier", out_keys, &c->e);
    if (!rc)
        rc = params_check_keys(p, "clean.activity", act_keys, &c->e);
    c->p = p;
    c->s = s;
    return rc;
}

int clean_study_read(struct clean_study *c, const char *in)
{
    const struct schema *s = c->s;
    char path[4096], name[64];
    const char *str_cols[] = {s->id, s->target, s->periods[0].period, s->periods[1].period, NULL};
    int rc = 0;
    for (int r = 0; r < FILE_COUNT && !rc; r++) {
        snprintf(name, sizeof name, "%s.tsv", tname(r));
        rc = table_read_tsv(cli_path(path, sizeof path, in, name), str_cols, &c->t[r], &c->e);
        if (!rc)
            rc = need_col(c, r, s->id, &c->id[r], NULL);
    }
    if (!rc && !(c->kv = kv_alloc()))
        rc = err_set(&c->e, ERR_NOMEM, "out of memory");
    if (!rc && !(c->drop = hashset_alloc(64)))
        rc = err_set(&c->e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = qlog_init(&c->q, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "customers_in", (long)c->t[FILE_CUSTOMERS]->nrows, &c->e);
    return rc;
}

int clean_study_run(struct clean_study *c)
{
    int rc = rule_trim(c);
    if (!rc)
        rc = rule_typos(c);
    if (!rc)
        rc = rule_period_labels(c);
    if (!rc)
        rc = rule_ranges(c);
    if (!rc)
        rc = rule_missing(c);
    if (!rc)
        rc = rule_duplicates(c);
    if (!rc)
        rc = rule_revenue(c, "clean.activity.min_revenue", "inactive", "inactive_customers", 0);
    if (!rc)
        rc = rule_revenue(c, "clean.outlier.max_revenue", "outlier", "outlier_customers", 1);
    return rc;
}

int clean_study_write(struct clean_study *c, const char *out, const char *quality, const char *kv_path)
{
    /* Drop every marked customer from every table, and write. */
    char path[4096], name[64];
    int rc = 0;
    for (int r = 0; r < FILE_COUNT && !rc; r++) {
        size_t removed;
        rc = clean_drop_ids(c->t[r], c->id[r], c->drop, &removed, &c->e);
        char ids[512] = "";
        if (!rc && r == FILE_CUSTOMERS)
            clean_list_ids(c->drop, 20, ids, sizeof ids);
        if (!rc)
            rc = qlog_add(&c->q, "drop", tname(r), "", removed, removed ? "rows removed" : "none", ids, &c->e);
        snprintf(name, sizeof name, "%s_out", tname(r));
        if (!rc)
            rc = kv_set_long(c->kv, name, (long)c->t[r]->nrows, &c->e);
        snprintf(name, sizeof name, "%s.tsv", tname(r));
        if (!rc)
            rc = table_write_tsv(c->t[r], cli_path(path, sizeof path, out, name), &c->e);
    }
    if (!rc)
        rc = table_write_tsv(c->q.t, quality, &c->e);
    if (!rc)
        rc = kv_write(c->kv, kv_path, &c->e);
    return rc;
}

void clean_study_free(struct clean_study *c)
{
    for (int r = 0; r < FILE_COUNT; r++)
        table_free(c->t[r]);
    qlog_free(&c->q);
    kv_free(c->kv);
    hashset_free(c->drop);
}
