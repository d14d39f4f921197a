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

static int read_period(const struct params *p, const char *role, struct schema_period *sp, struct err *e)
{
    static const char *const keys[] = {"period", "value", "periods", NULL};
    char path[128], key[160];
    snprintf(path, sizeof path, "schema.periods.%s", role);
    int rc = params_check_keys(p, path, keys, e);
    if (!rc)
        rc = params_string(p, (snprintf(key, sizeof key, "%s.period", path), key), &sp->period, e);
    if (!rc)
        rc = params_string(p, (snprintf(key, sizeof key, "%s.value", path), key), &sp->value, e);
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
    static const char *const keys[] = {"files", "id", "target", "nominal", "ordinal", "numeric", "periods", "profit",
                                       NULL};
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
        rc = params_string(p, "schema.id", &s->id, e);
    if (!rc)
        rc = params_check_keys(p, "schema.target", target_keys, e);
    if (!rc)
        rc = params_string(p, "schema.target.column", &s->target, e);
    if (!rc)
        rc = params_string(p, "schema.target.positive", &s->positive, e);
    if (!rc)
        rc = params_string(p, "schema.target.negative", &s->negative, e);
    if (!rc)
        rc = params_strings(p, "schema.nominal", &s->nominal, &s->n_nominal, e);
    if (!rc)
        rc = params_strings(p, "schema.numeric", &s->numeric, &s->n_numeric, e);
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
            o->column = lv->key;
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
        rc = read_period(p, "revenue", &s->periods[0], e);
    if (!rc)
        rc = read_period(p, "minutes", &s->periods[1], e);
    if (!rc)
        rc = params_check_keys(p, "schema.profit", profit_keys, e);
    if (!rc)
        rc = params_string(p, "schema.profit.value", &s->profit_value, e);
    if (rc)
        schema_free(s);
    return rc;
}

void schema_free(struct schema *s)
{
    for (size_t i = 0; i < s->n_ordinal; i++)
        free(s->ordinal[i].levels);
    free(s->ordinal);
    free(s->nominal);
    free(s->numeric);
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
