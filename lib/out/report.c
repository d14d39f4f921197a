#include "out/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "out/report_text.h"
#include "out/textref.h"

struct report *report_alloc(const struct params *p, const struct params *t, const struct schema *s, struct err *e)
{
    struct report *r = calloc(1, sizeof *r);
    struct kv *concl = kv_alloc();
    if (!r || !concl || !(r->kv = kvset_alloc())) {
        free(r);
        kv_free(concl);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    r->p = p;
    r->t = t;
    r->s = s;
    r->interim = "data/interim";
    r->out = "report/out";
    /* The set owns the kv; r keeps a handle to add the report's own values. */
    if (kvset_add(r->kv, "conclusions", concl, e)) {
        report_free(r);
        return NULL;
    }
    r->concl = concl;
    return r;
}

void report_free(struct report *r)
{
    if (!r)
        return;
    kvset_free(r->kv);
    for (size_t i = 0; i < r->n_tables; i++) {
        free(r->tables[i].name);
        table_free(r->tables[i].t);
    }
    free(r->tables);
    for (size_t i = 0; i < r->n_lines; i++) {
        free(r->lines[i].label);
        free(r->lines[i].value);
    }
    free(r->lines);
    if (r->x)
        xlsxout_abort(r->x);
    free(r);
}

/* A value the stage wrote, with its references to the reader's text
 * resolved (lib/out/textref.h): into *out (free it), or NULL when it has none. */
static int resolve(const struct report *r, const char *s, const char *where, char **out, struct err *e)
{
    *out = NULL;
    return s && strstr(s, "${") ? textref_resolve(r->t, s, where, out, e) : ERR_OK;
}

int report_read_kv(struct report *r, const char *stem, struct err *e)
{
    char path[4096], name[256], where[4400];
    struct kv *kv = NULL;
    snprintf(name, sizeof name, "%s.kv", stem);
    int rc = kv_read(cli_path(path, sizeof path, r->interim, name), &kv, e);
    for (size_t i = 0; !rc && i < kv->n; i++) {
        char *v;
        snprintf(where, sizeof where, "%s: %s", path, kv->keys[i]);
        rc = resolve(r, kv->vals[i], where, &v, e);
        if (!rc && v)
            rc = kv_set_str(kv, kv->keys[i], v, e);
        free(v);
    }
    if (!rc)
        return kvset_add(r->kv, stem, kv, e);
    kv_free(kv);
    return rc;
}

/* Every string cell of t with its references resolved. */
static int resolve_table(const struct report *r, struct table *t, const char *path, struct err *e)
{
    char where[4400];
    int rc = ERR_OK;
    for (size_t j = 0; j < t->ncols && !rc; j++)
        for (size_t i = 0; t->cols[j].type == COL_STR && i < t->nrows && !rc; i++) {
            char *v;
            snprintf(where, sizeof where, "%s:%zu", path, i + 2);
            rc = resolve(r, t->cols[j].str[i], where, &v, e);
            if (!rc && v)
                rc = table_set_str(t, j, i, v, e);
            free(v);
        }
    return rc;
}

int report_read_table(struct report *r, const char *stem, const char *const *force_str, struct err *e)
{
    char path[4096], name[256];
    snprintf(name, sizeof name, "%s.tsv", stem);
    struct report_table *v = realloc(r->tables, (r->n_tables + 1) * sizeof *v);
    if (!v)
        return err_set(e, ERR_NOMEM, "out of memory");
    r->tables = v;
    struct table *t = NULL;
    int rc = table_read_tsv(cli_path(path, sizeof path, r->interim, name), force_str, &t, e);
    if (!rc)
        rc = resolve_table(r, t, path, e);
    if (rc) {
        table_free(t);
        return rc;
    }
    char *copy = strdup(stem);
    if (!copy) {
        table_free(t);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    r->tables[r->n_tables++] = (struct report_table){copy, t};
    return ERR_OK;
}

const struct table *report_table(const struct report *r, const char *stem)
{
    for (size_t i = 0; i < r->n_tables; i++)
        if (strcmp(r->tables[i].name, stem) == 0)
            return r->tables[i].t;
    return NULL;
}

int report_value(const struct report *r, const char *stem, const char *key, const char **out, struct err *e)
{
    *out = kvset_get(r->kv, stem, key);
    if (!*out)
        return err_set(e, ERR_DATA, "%s/%s.kv: expected a key \"%s\", found none", r->interim, stem, key);
    return ERR_OK;
}

int report_label(const struct report *r, const char *path, const char **out, struct err *e)
{
    char full[512];
    snprintf(full, sizeof full, "report.%s", path);
    return params_string(r->t, full, out, e);
}

int report_yes_no(const struct report *r, const char *words[2], struct err *e)
{
    const struct pnode *yn;
    int rc = params_node(r->t, "report.yes_no", PNODE_SEQ, &yn, e);
    if (!rc && yn->n != 2)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: report.yes_no: expected [no, yes], found %zu items", yn->file,
                     yn->line, yn->col, yn->n);
    for (size_t j = 0; j < 2 && !rc; j++)
        rc = pnode_string(yn->items[j], "report.yes_no", &words[j], e);
    return rc;
}

int report_word(const struct report *r, const char *map, const char *code, const char **out, struct err *e)
{
    char full[256];
    snprintf(full, sizeof full, "report.%s", map);
    const struct pnode *m;
    int rc = params_node(r->t, full, PNODE_MAP, &m, e);
    if (rc)
        return rc;
    const struct pnode *w = pnode_child(m, code);
    if (!w)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected the Russian word for \"%s\", found none", m->file,
                       m->line, m->col, full, code);
    return pnode_string(w, full, out, e);
}

const char *report_column_label(const struct report *r, const char *name)
{
    const struct pnode *m = params_find(r->t, NULL, "labels.columns");
    const struct pnode *w = m && m->kind == PNODE_MAP ? pnode_child(m, schema_key(r->s, name)) : NULL;
    return w && w->kind == PNODE_SCALAR && w->value && *w->value ? w->value : name;
}

int report_lines_add(struct report *r, const struct report_line_spec *l, size_t n, struct err *e)
{
    int rc = ERR_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        const char *label, *value = NULL;
        rc = report_label(r, l[k].label, &label, e);
        if (!rc && l[k].stem)
            rc = report_value(r, l[k].stem, l[k].key, &value, e);
        if (!rc)
            rc = report_line_add(r, label, value, l[k].kind, e);
    }
    return rc;
}

int report_line_add(struct report *r, const char *label, const char *value, enum xlsxout_kind kind, struct err *e)
{
    struct report_line *v = realloc(r->lines, (r->n_lines + 1) * sizeof *v);
    if (!v)
        return err_set(e, ERR_NOMEM, "out of memory");
    r->lines = v;
    struct report_line *l = &r->lines[r->n_lines];
    l->label = strdup(label);
    l->value = value ? strdup(value) : NULL;
    l->kind = kind;
    if (!l->label || (value && !l->value)) {
        free(l->label);
        free(l->value);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    r->n_lines++;
    return ERR_OK;
}

int report_fact(struct report *r, const char *key, const char *value, struct err *e)
{
    return kv_set_str(r->concl, key, value, e);
}

int report_fact_double(struct report *r, const char *key, double value, struct err *e)
{
    return kv_set_double(r->concl, key, value, e);
}

int report_conclusions(struct report *r, struct err *e)
{
    const struct pnode *c;
    int rc = params_node(r->t, "report.conclusions", PNODE_MAP, &c, e);
    for (size_t i = 0; i < c->n && !rc; i++) {
        char *s = NULL;
        rc = report_conclusion(c->items[i], kvset_lookup, r->kv, &s, e);
        if (!rc)
            rc = kv_set_str(r->concl, c->items[i]->key, s, e);
        free(s);
    }
    return rc;
}

int report_write_tsv(const struct xlsxout_table *xt, const char *path, struct err *e)
{
    struct table *t = table_alloc();
    int rc = t ? ERR_OK : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < xt->ncols && !rc; j++)
        rc = table_add_column(t, xt->header[j], COL_STR, NULL, e);
    if (!rc)
        rc = table_set_rows(t, xt->nrows, e);
    for (size_t i = 0; i < xt->nrows && !rc; i++)
        for (size_t j = 0; j < xt->ncols && !rc; j++)
            rc = table_set_str(t, j, i, xt->cells[i * xt->ncols + j], e);
    if (!rc)
        rc = table_write_tsv(t, path, e);
    table_free(t);
    return rc;
}
