#include "core/mem.h"
#include "io/params.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void pnode_free(struct pnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        pnode_free(n->items[i]);
    FREE_ALL(n->items, n->key, n->value, n);
}

void params_free(struct params *p)
{
    if (!p)
        return;
    pnode_free(p->root);
    free(p->file);
    free(p);
}

/* At most this many nodes in the tree. libyaml keeps an alias as a reference
 * to its anchor's node, and the tree copies it at every use, so ten aliases
 * of ten aliases ... ("billion laughs") would copy 10^9 nodes out of a
 * 300-byte file. A real params.yaml has a few hundred. */
enum { MAX_NODES = 100000 };

/* Convert libyaml's document node (with its marks) into our tree. Depth is
 * bounded so that a hostile file of nested brackets cannot exhaust the stack,
 * and the node count (*left counts down) so that aliases cannot exhaust memory. */
static int convert(yaml_document_t *doc, yaml_node_t *yn, const char *file, int depth, size_t *left,
                   struct pnode **out, struct err *e);

/* A mapping's pairs into n's items: plain keys, each once; a key's position
 * is where users look for it, not where its value starts. */
static int convert_map(yaml_document_t *doc, yaml_node_t *yn, const char *file, int depth, size_t *left,
                       struct pnode *n, struct err *e)
{
    n->kind = PNODE_MAP;
    size_t cnt = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
    n->items = calloc(cnt ? cnt : 1, sizeof *n->items);
    if (!n->items)
        return err_set(e, ERR_NOMEM, "out of memory reading %s", file);
    int rc = 0;
    for (size_t i = 0; i < cnt && !rc; i++) {
        yaml_node_pair_t *pr = &yn->data.mapping.pairs.start[i];
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        if (k->type != YAML_SCALAR_NODE)
            return err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected a plain key, found a %s", file,
                           (size_t)k->start_mark.line + 1, (size_t)k->start_mark.column + 1,
                           k->type == YAML_MAPPING_NODE ? "mapping" : "sequence");
        const char *key = (const char *)k->data.scalar.value;
        for (size_t j = 0; j < n->n; j++)
            if (strcmp(n->items[j]->key, key) == 0)
                return err_set(e, ERR_PARAMS,
                               "%s:%zu:%zu: expected each key once, found \"%s\" again (first at line %zu)", file,
                               (size_t)k->start_mark.line + 1, (size_t)k->start_mark.column + 1, key,
                               n->items[j]->line);
        struct pnode *c = NULL;
        if ((rc = convert(doc, v, file, depth + 1, left, &c, e)))
            return rc;
        c->key = strdup(key);
        c->line = k->start_mark.line + 1;
        c->col = k->start_mark.column + 1;
        n->items[n->n++] = c;
        if (!c->key)
            rc = err_set(e, ERR_NOMEM, "out of memory reading %s", file);
    }
    return rc;
}

static int convert(yaml_document_t *doc, yaml_node_t *yn, const char *file, int depth, size_t *left,
                   struct pnode **out, struct err *e)
{
    if (depth > 64)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected at most 64 levels of nesting", file,
                       (size_t)yn->start_mark.line + 1, (size_t)yn->start_mark.column + 1);
    if (*left == 0)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected at most %d values with aliases expanded, found more",
                       file, (size_t)yn->start_mark.line + 1, (size_t)yn->start_mark.column + 1, MAX_NODES);
    --*left;
    struct pnode *n = calloc(1, sizeof *n);
    if (!n)
        return err_set(e, ERR_NOMEM, "out of memory reading %s", file);
    n->file = file;
    n->line = yn->start_mark.line + 1;
    n->col = yn->start_mark.column + 1;
    int rc = 0;
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n->kind = PNODE_SCALAR;
        n->value = strndup((const char *)yn->data.scalar.value, yn->data.scalar.length);
        n->quoted = yn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                    yn->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        if (!n->value)
            rc = err_set(e, ERR_NOMEM, "out of memory reading %s", file);
        if (!rc && strlen(n->value) != yn->data.scalar.length)
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected text, found a NUL character", file, n->line,
                         n->col);
        break;
    case YAML_SEQUENCE_NODE: {
        n->kind = PNODE_SEQ;
        size_t cnt = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->items = calloc(cnt ? cnt : 1, sizeof *n->items);
        if (!n->items) {
            rc = err_set(e, ERR_NOMEM, "out of memory reading %s", file);
            break;
        }
        for (size_t i = 0; i < cnt && !rc; i++) {
            yaml_node_t *c = yaml_document_get_node(doc, yn->data.sequence.items.start[i]);
            rc = convert(doc, c, file, depth + 1, left, &n->items[i], e);
            if (!rc)
                n->n++;
        }
        break;
    }
    case YAML_MAPPING_NODE:
        rc = convert_map(doc, yn, file, depth, left, n, e);
        break;
    default:
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected a value, found an empty node", file, n->line, n->col);
    }
    if (rc) {
        pnode_free(n);
        return rc;
    }
    *out = n;
    return 0;
}

int params_load(const char *path, struct params **out, struct err *e)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, ERR_PARAMS, "%s: cannot open: %s", path, strerror(errno));
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return err_set(e, ERR_NOMEM, "out of memory reading %s", path);
    }
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected valid YAML, found an error: %s", path,
                     (size_t)parser.problem_mark.line + 1, (size_t)parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "unknown");
        yaml_parser_delete(&parser);
        fclose(f);
        return rc;
    }
    struct params *p = calloc(1, sizeof *p);
    if (!p || !(p->file = strdup(path))) {
        free(p);
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        fclose(f);
        return err_set(e, ERR_NOMEM, "out of memory reading %s", path);
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root)
        rc = err_set(e, ERR_PARAMS, "%s:1:1: expected a mapping of sections, found an empty file", path);
    else if (root->type != YAML_MAPPING_NODE)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: expected a mapping of sections at the top level", path,
                     (size_t)root->start_mark.line + 1, (size_t)root->start_mark.column + 1);
    else {
        size_t left = MAX_NODES;
        rc = convert(&doc, root, p->file, 0, &left, &p->root, e);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc) {
        params_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

const struct pnode *pnode_child(const struct pnode *map, const char *key)
{
    if (!map || map->kind != PNODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->items[i]->key, key) == 0)
            return map->items[i];
    return NULL;
}

const struct pnode *params_find(const struct params *p, const struct pnode *from, const char *path)
{
    const struct pnode *n = from ? from : p->root;
    char part[256];
    while (n && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (len >= sizeof part)
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        n = pnode_child(n, part);
        path += len + (dot ? 1 : 0);
    }
    return n;
}

static const char *kind_name(enum pnode_kind k)
{
    return k == PNODE_SCALAR ? "a value" : k == PNODE_SEQ ? "a list" : "a mapping";
}

int pnode_expect(const struct pnode *n, const char *what, enum pnode_kind kind, struct err *e)
{
    if (n->kind != kind)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected %s, found %s", n->file, n->line, n->col, what,
                       kind_name(kind), kind_name(n->kind));
    return 0;
}

int pnode_double(const struct pnode *n, const char *what, double min, double max, double *out, struct err *e)
{
    int rc = pnode_expect(n, what, PNODE_SCALAR, e);
    if (rc)
        return rc;
    char *end;
    errno = 0;
    double v = strtod(n->value, &end);
    if (n->quoted || end == n->value || *end || errno == ERANGE || !isfinite(v))
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a number, found \"%s\"", n->file, n->line, n->col,
                       what, n->value);
    if (v < min || v > max)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a number in [%g, %g], found %s", n->file, n->line,
                       n->col, what, min, max, n->value);
    *out = v;
    return 0;
}

int pnode_long(const struct pnode *n, const char *what, long min, long max, long *out, struct err *e)
{
    int rc = pnode_expect(n, what, PNODE_SCALAR, e);
    if (rc)
        return rc;
    char *end;
    errno = 0;
    long v = strtol(n->value, &end, 10);
    if (n->quoted || end == n->value || *end || errno == ERANGE)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected an integer, found \"%s\"", n->file, n->line,
                       n->col, what, n->value);
    if (v < min || v > max)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected an integer in [%ld, %ld], found %s", n->file,
                       n->line, n->col, what, min, max, n->value);
    *out = v;
    return 0;
}

int pnode_bool(const struct pnode *n, const char *what, int *out, struct err *e)
{
    static const char *const yes[] = {"true", "yes", "on", NULL}, *const no[] = {"false", "no", "off", NULL};
    int rc = pnode_expect(n, what, PNODE_SCALAR, e);
    if (rc)
        return rc;
    for (int i = 0; !n->quoted && yes[i]; i++) {
        if (strcmp(n->value, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(n->value, no[i]) == 0)
            return *out = 0, 0;
    }
    return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected true or false, found \"%s\"", n->file, n->line, n->col,
                   what, n->value);
}

int pnode_string(const struct pnode *n, const char *what, const char **out, struct err *e)
{
    int rc = pnode_expect(n, what, PNODE_SCALAR, e);
    if (rc)
        return rc;
    *out = n->value;
    return 0;
}

int pnode_enum(const struct pnode *n, const char *what, const char *const *choices, int *out, struct err *e)
{
    int rc = pnode_expect(n, what, PNODE_SCALAR, e);
    if (rc)
        return rc;
    char list[512] = "";
    size_t used = 0;
    for (int i = 0; choices[i]; i++) {
        if (strcmp(n->value, choices[i]) == 0)
            return *out = i, 0;
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
        if (w > 0 && (size_t)w < sizeof list - used)
            used += (size_t)w;
    }
    return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected one of %s, found \"%s\"", n->file, n->line, n->col,
                   what, list, n->value);
}

/* The node at path or an error naming the missing key and, where known, the
 * line of the nearest enclosing section. */
static int need(const struct params *p, const char *path, const struct pnode **out, struct err *e)
{
    const struct pnode *n = params_find(p, NULL, path);
    if (n)
        return *out = n, 0;
    /* Find the deepest existing ancestor for a useful line number. */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const struct pnode *anc = NULL;
    for (char *dot = strrchr(buf, '.'); dot && !anc; dot = strrchr(buf, '.')) {
        *dot = '\0';
        anc = params_find(p, NULL, buf);
    }
    if (anc)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: missing key %s", p->file, anc->line, anc->col, path);
    return err_set(e, ERR_PARAMS, "%s: missing key %s", p->file, path);
}

int params_double(const struct params *p, const char *path, double min, double max, double *out, struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    return rc ? rc : pnode_double(n, path, min, max, out, e);
}

int params_long(const struct params *p, const char *path, long min, long max, long *out, struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    return rc ? rc : pnode_long(n, path, min, max, out, e);
}

int params_longs(const struct params *p, const struct params_long_field *fields, void *obj, struct err *e)
{
    int rc = 0;
    for (const struct params_long_field *f = fields; !rc && f->path; f++)
        rc = params_long(p, f->path, f->min, f->max, (long *)((char *)obj + f->offset), e);
    return rc;
}

int params_bool(const struct params *p, const char *path, int *out, struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    return rc ? rc : pnode_bool(n, path, out, e);
}

int params_string(const struct params *p, const char *path, const char **out, struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    return rc ? rc : pnode_string(n, path, out, e);
}

int params_enum(const struct params *p, const char *path, const char *const *choices, int *out, struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    return rc ? rc : pnode_enum(n, path, choices, out, e);
}

int params_node(const struct params *p, const char *path, enum pnode_kind kind, const struct pnode **out,
                struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    if (!rc)
        rc = pnode_expect(n, path, kind, e);
    if (!rc)
        *out = n;
    return rc;
}

int params_strings(const struct params *p, const char *path, const char ***out, size_t *count, struct err *e)
{
    const struct pnode *n;
    int rc = params_node(p, path, PNODE_SEQ, &n, e);
    if (rc)
        return rc;
    const char **v = calloc(n->n ? n->n : 1, sizeof *v);
    if (!v)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        rc = pnode_string(n->items[i], path, &v[i], e);
        if (rc) {
            free(v);
            return rc;
        }
    }
    *out = v;
    *count = n->n;
    return 0;
}

int pnode_check_keys(const struct pnode *map, const char *what, const char *const *allowed, struct err *e)
{
    int rc = pnode_expect(map, what, PNODE_MAP, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < map->n; i++) {
        int ok = 0;
        for (int j = 0; allowed[j] && !ok; j++)
            ok = strcmp(map->items[i]->key, allowed[j]) == 0;
        if (!ok) {
            char list[768] = "";
            size_t used = 0;
            for (int j = 0; allowed[j]; j++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "", allowed[j]);
                if (w > 0 && (size_t)w < sizeof list - used)
                    used += (size_t)w;
            }
            return err_set(e, ERR_PARAMS, "%s:%zu:%zu: unknown key %s.%s: expected one of %s", map->file,
                           map->items[i]->line, map->items[i]->col, what, map->items[i]->key, list);
        }
    }
    return 0;
}

int params_check_keys(const struct params *p, const char *path, const char *const *allowed, struct err *e)
{
    const struct pnode *n;
    int rc = need(p, path, &n, e);
    return rc ? rc : pnode_check_keys(n, path, allowed, e);
}
