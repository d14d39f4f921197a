#include "core/mem.h"
#include "io/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const schema_file_roles[FILE_COUNT] = {"customers", "revenue", "minutes", "profit"};

static int read_file(const struct params *p, int role, struct schema_file *f, struct err *e)
{
    static const char *const keys[] = {"name", "sep", "decimal", NULL};
    static const char *const seps[] = {",", ";", "tab", NULL}, *const decs[] = {".", ",", NULL};
    char path[128];
    snprintf(path, sizeof path, "schema.files.%s", schema_file_roles[role]);
    int rc = params_check_keys(p, path, keys, e);
    int sep = 0, dec = 0;
    char key[160];
    if (!rc)
        rc = params_string(p, (snprintf(key, sizeof key, "%s.name", path), key), &f->name, e);
    if (!rc && (strchr(f->name, '/') || !f->name[0]))
        rc = err_set(e, ERR_PARAMS, "%s: %s: expected a file name without '/', found \"%s\"", p->file, key, f->name);
    if (!rc)
        rc = params_enum(p, (snprintf(key, sizeof key, "%s.sep", path), key), seps, &sep, e);
    if (!rc)
        rc = params_enum(p, (snprintf(key, sizeof key, "%s.decimal", path), key), decs, &dec, e);
    f->sep = ",;\t"[sep];
    f->decimal = ".,"[dec];
    return rc;
}

const char *schema_column(const struct schema *s, const char *key)
{
    for (size_t i = 0; i < s->n_columns; i++)
        if (strcmp(s->keys[i], key) == 0)
            return s->columns[i];
    return NULL;
}

const char *schema_key(const struct schema *s, const char *column)
{
    for (size_t i = 0; i < s->n_columns; i++)
        if (strcmp(s->columns[i], column) == 0)
            return s->keys[i];
    return column;
}

int schema_column_at(const struct schema *s, const struct pnode *n, const char *key, const char *what,
                     const char **out, struct err *e)
{
    if ((*out = schema_column(s, key)))
        return ERR_OK;
    return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a column key of schema.columns, found \"%s\"", n->file,
                   n->line, n->col, what, key);
}

int schema_column_at_path(const struct params *p, const struct schema *s, const char *path, const char **out,
                          struct err *e)
{
    const struct pnode *n;
    const char *key;
    int rc = params_node(p, path, PNODE_SCALAR, &n, e);
    if (!rc)
        rc = pnode_string(n, path, &key, e);
    return rc ? rc : schema_column_at(s, n, key, path, out, e);
}

/* schema.columns: every column of the export, once, under a unique key. */
static int read_columns(const struct params *p, struct schema *s, struct err *e)
{
    const struct pnode *m;
    int rc = params_node(p, "schema.columns", PNODE_MAP, &m, e);
    if (!rc && (!(s->keys = calloc(m->n + 1, sizeof *s->keys)) || !(s->columns = calloc(m->n + 1, sizeof *s->columns))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < m->n; i++) {
        const struct pnode *c = m->items[i];
        rc = pnode_string(c, "schema.columns", &s->columns[i], e);
        for (size_t j = 0; !rc && j < i; j++)
            if (strcmp(s->columns[j], s->columns[i]) == 0)
                rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: schema.columns: expected each column once, found \"%s\" under %s and %s",
                             c->file, c->line, c->col, s->columns[i], s->keys[j], c->key);
        s->keys[i] = c->key;
        s->n_columns += !rc;
    }
    return rc;
}

/* A list of column keys as the export's names. */
static int column_list(const struct params *p, const struct schema *s, const char *path, const char ***out, size_t *n,
                       struct err *e)
{
    int rc = params_strings(p, path, out, n, e);
    const struct pnode *seq = rc ? NULL : params_find(p, NULL, path);
    for (size_t i = 0; !rc && i < *n; i++)
        rc = schema_column_at(s, seq->items[i], (*out)[i], path, &(*out)[i], e);
    return rc;
}

static int read_period(const struct params *p, struct schema *s, const char *role, struct schema_period *sp,
                       struct err *e)
{
    static const char *const keys[] = {"period", "value", "periods", NULL};
    char path[128], key[160];
    snprintf(path, sizeof path, "schema.periods.%s", role);
    int rc = params_check_keys(p, path, keys, e);
    if (!rc)
        rc = schema_column_at_path(p, s, (snprintf(key, sizeof key, "%s.period", path), key), &sp->period, e);
    if (!rc)
        rc = schema_column_at_path(p, s, (snprintf(key, sizeof key, "%s.value", path), key), &sp->value, e);
    const struct pnode *m = NULL;
    if (!rc)
        rc = params_node(p, (snprintf(key, sizeof key, "%s.periods", path), key), PNODE_MAP, &m, e);
    if (rc)
        return rc;
    if (m->n == 0)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected at least one period", m->file, m->line, m->col, key);
    sp->n = m->n;
    sp->labels = calloc(m->n, sizeof *sp->labels);
    sp->wide = calloc(m->n, sizeof *sp->wide);
    if (!sp->labels || !sp->wide)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < m->n && !rc; i++) {
        sp->labels[i] = m->items[i]->key;
        rc = pnode_string(m->items[i], key, &sp->wide[i], e);
    }
    return rc;
}

int schema_read(const struct params *p, struct schema *s, struct err *e)
{
    static const char *const keys[] = {"files",   "columns", "id",      "target", "nominal",
                                       "ordinal", "numeric", "periods", "profit", NULL};
    static const char *const file_keys[] = {"customers", "revenue", "minutes", "profit", NULL};
    static const char *const target_keys[] = {"column", "positive", "negative", NULL};
    static const char *const period_keys[] = {"revenue", "minutes", NULL};
    static const char *const profit_keys[] = {"value", NULL};
    memset(s, 0, sizeof *s);
    int rc = params_check_keys(p, "schema", keys, e);
    if (!rc)
        rc = params_check_keys(p, "schema.files", file_keys, e);
    for (int r = 0; r < FILE_COUNT && !rc; r++)
        rc = read_file(p, r, &s->files[r], e);
    if (!rc)
        rc = read_columns(p, s, e);
    if (!rc)
        rc = schema_column_at_path(p, s, "schema.id", &s->id, e);
    if (!rc)
        rc = params_check_keys(p, "schema.target", target_keys, e);
    if (!rc)
        rc = schema_column_at_path(p, s, "schema.target.column", &s->target, e);
    if (!rc)
        rc = params_string(p, "schema.target.positive", &s->positive, e);
    if (!rc)
        rc = params_string(p, "schema.target.negative", &s->negative, e);
    if (!rc)
        rc = column_list(p, s, "schema.nominal", &s->nominal, &s->n_nominal, e);
    if (!rc)
        rc = column_list(p, s, "schema.numeric", &s->numeric, &s->n_numeric, e);
    const struct pnode *ord = NULL;
    if (!rc)
        rc = params_node(p, "schema.ordinal", PNODE_MAP, &ord, e);
    if (!rc && ord->n) {
        s->ordinal = calloc(ord->n, sizeof *s->ordinal);
        if (!s->ordinal)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; !rc && i < ord->n; i++) {
            const struct pnode *lv = ord->items[i];
            struct schema_ordinal *o = &s->ordinal[s->n_ordinal++];
            rc = schema_column_at(s, lv, lv->key, "schema.ordinal", &o->column, e);
            if (!rc)
                rc = pnode_expect(lv, "schema.ordinal", PNODE_SEQ, e);
            if (!rc && lv->n < 2)
                rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: schema.ordinal.%s: expected at least two levels", lv->file,
                             lv->line, lv->col, lv->key);
            if (!rc && !(o->levels = calloc(lv->n, sizeof *o->levels)))
                rc = err_set(e, ERR_NOMEM, "out of memory");
            for (size_t k = 0; !rc && k < lv->n; k++)
                rc = pnode_string(lv->items[k], "schema.ordinal", &o->levels[o->n_levels++], e);
        }
    }
    if (!rc)
        rc = params_check_keys(p, "schema.periods", period_keys, e);
    if (!rc)
        rc = read_period(p, s, "revenue", &s->periods[0], e);
    if (!rc)
        rc = read_period(p, s, "minutes", &s->periods[1], e);
    if (!rc)
        rc = params_check_keys(p, "schema.profit", profit_keys, e);
    if (!rc)
        rc = schema_column_at_path(p, s, "schema.profit.value", &s->profit_value, e);
    if (rc)
        schema_free(s);
    return rc;
}

void schema_free(struct schema *s)
{
    for (size_t i = 0; i < s->n_ordinal; i++)
        free(s->ordinal[i].levels);
    FREE_ALL(s->ordinal, s->keys, s->columns, s->nominal, s->numeric);
    for (int i = 0; i < 2; i++) {
        free(s->periods[i].labels);
        free(s->periods[i].wide);
    }
    memset(s, 0, sizeof *s);
}

const struct schema_period *schema_period_of(const struct schema *s, enum schema_file_role role)
{
    return role == FILE_REVENUE ? &s->periods[0] : role == FILE_MINUTES ? &s->periods[1] : NULL;
}
