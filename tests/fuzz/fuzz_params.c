/* Fuzz params_load, schema_read and the typed getters. Every node of a loaded
 * tree goes through every getter: each either succeeds with a value in range
 * or fails with a message. */
#include <math.h>

#include "fuzz_util.h"
#include "io/params.h"
#include "io/schema.h"

static void visit(const struct params *p, const struct pnode *n, int depth)
{
    struct err e = {0};
    int rc;
    FUZZ_CHECK(depth <= 66);
    FUZZ_CHECK(n->line >= 1 && n->col >= 1 && n->file == p->file);
    if (n->kind == PNODE_SCALAR) {
        FUZZ_CHECK(n->value && n->n == 0);
        double d;
        if ((rc = pnode_double(n, "k", -1e300, 1e300, &d, &e)))
            FUZZ_CHECK_ERR(rc, e);
        else
            FUZZ_CHECK(isfinite(d) && d >= -1e300 && d <= 1e300);
        long l;
        if ((rc = pnode_long(n, "k", -5, 1000, &l, &e)))
            FUZZ_CHECK_ERR(rc, e);
        else
            FUZZ_CHECK(l >= -5 && l <= 1000);
        int b;
        if ((rc = pnode_bool(n, "k", &b, &e)))
            FUZZ_CHECK_ERR(rc, e);
        else
            FUZZ_CHECK(b == 0 || b == 1);
        static const char *const choices[] = {"inner", "left", "tab", ",", NULL};
        int k;
        if ((rc = pnode_enum(n, "k", choices, &k, &e)))
            FUZZ_CHECK_ERR(rc, e);
        else
            FUZZ_CHECK(k >= 0 && k < 4 && strcmp(n->value, choices[k]) == 0);
        const char *s;
        FUZZ_CHECK(pnode_string(n, "k", &s, &e) == 0 && s == n->value);
    } else {
        static const char *const allowed[] = {"a", "seed", "schema", NULL};
        if ((rc = pnode_check_keys(n, "k", allowed, &e)))
            FUZZ_CHECK_ERR(rc, e);
        for (size_t i = 0; i < n->n; i++) {
            FUZZ_CHECK(n->items[i]);
            FUZZ_CHECK((n->kind == PNODE_MAP) == (n->items[i]->key != NULL));
            if (n->kind == PNODE_MAP)
                FUZZ_CHECK(pnode_child(n, n->items[i]->key) == n->items[i]);
            visit(p, n->items[i], depth + 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("params.yaml", data, size);
    struct params *p = NULL;
    struct err e = {0};
    int rc = params_load(path, &p, &e);
    if (FUZZ_FAILED(rc, e, p))
        return 0;
    FUZZ_CHECK(p->root && p->root->kind == PNODE_MAP);
    visit(p, p->root, 0);

    struct schema s;
    if ((rc = schema_read(p, &s, &e)) == 0) {
        for (int r = 0; r < FILE_COUNT; r++) {
            FUZZ_CHECK(s.files[r].name && s.files[r].name[0] && !strchr(s.files[r].name, '/'));
            FUZZ_CHECK(strchr(",;\t", s.files[r].sep) && strchr(".,", s.files[r].decimal));
        }
        FUZZ_CHECK(s.id && s.target && s.positive && s.negative && s.profit_value);
        for (size_t i = 0; i < s.n_ordinal; i++)
            FUZZ_CHECK(s.ordinal[i].n_levels >= 2);
        for (int k = 0; k < 2; k++)
            FUZZ_CHECK(s.periods[k].n >= 1);
        schema_free(&s);
    } else {
        FUZZ_CHECK_ERR(rc, e);
    }

    /* The getters by path, on keys real stages read. */
    double d;
    long l;
    int b, k;
    const char *str;
    const char **strs;
    size_t n;
    const struct pnode *node;
    static const char *const how[] = {"inner", "left", NULL};
    static const char *const sections[] = {"seed", "schema", "synth", "load", "clean", "merge", NULL};
    if ((rc = params_long(p, "seed", 0, 4294967295L, &l, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_long(p, "synth.n", 1, 10000000, &l, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_double(p, "clean.outlier.max_revenue", 0, INFINITY, &d, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_bool(p, "clean.drop_duplicates_but_id", &b, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_enum(p, "merge.how", how, &k, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_string(p, "schema.id", &str, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_strings(p, "schema.numeric", &strs, &n, &e)))
        FUZZ_CHECK_ERR(rc, e);
    else
        free(strs);
    if ((rc = params_node(p, "clean.typos", PNODE_MAP, &node, &e)))
        FUZZ_CHECK_ERR(rc, e);
    if ((rc = params_check_keys(p, "", sections, &e)))
        FUZZ_CHECK_ERR(rc, e);
    /* A long dotted path must not overflow params_find's buffer. */
    char longpath[600];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    longpath[300] = '.';
    FUZZ_CHECK(params_find(p, NULL, longpath) == NULL || 1);
    if ((rc = params_double(p, longpath, 0, 1, &d, &e)))
        FUZZ_CHECK_ERR(rc, e);
    params_free(p);
    return 0;
}
