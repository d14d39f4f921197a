/* Fuzz table_read_tsv. A table it accepts must be rectangular and typed as
 * documented, and survive table_write_tsv + table_read_tsv unchanged: same
 * names, types, strings and the same bits for every number. */
#include <math.h>

#include "fuzz_util.h"
#include "io/table.h"

static int same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void check_same(const struct table *a, const struct table *b)
{
    FUZZ_CHECK(a->nrows == b->nrows && a->ncols == b->ncols);
    for (size_t j = 0; j < a->ncols; j++) {
        const struct column *x = &a->cols[j], *y = &b->cols[j];
        FUZZ_CHECK(strcmp(x->name, y->name) == 0 && x->type == y->type);
        for (size_t i = 0; i < a->nrows; i++) {
            if (x->type == COL_NUM)
                FUZZ_CHECK(same_num(x->num[i], y->num[i]));
            else
                FUZZ_CHECK((!x->str[i] && !y->str[i]) ||
                           (x->str[i] && y->str[i] && strcmp(x->str[i], y->str[i]) == 0));
        }
    }
}

static void read_with(const char *path, const char *const *force)
{
    struct table *t = NULL;
    struct err e = {0};
    int rc = table_read_tsv(path, force, &t, &e);
    if (FUZZ_FAILED(rc, e, t))
        return;
    FUZZ_CHECK(t->ncols >= 1);
    for (size_t j = 0; j < t->ncols; j++) {
        const struct column *c = &t->cols[j];
        FUZZ_CHECK(c->name);
        for (size_t k = 0; force && force[k]; k++)
            if (strcmp(force[k], c->name) == 0)
                FUZZ_CHECK(c->type == COL_STR);
        for (size_t i = 0; i < t->nrows; i++) {
            if (c->type == COL_NUM)
                FUZZ_CHECK(isnan(c->num[i]) || isfinite(c->num[i]));
            else
                FUZZ_CHECK(!c->str[i] || c->str[i][0]);
        }
    }
    const char *out = fuzz_path(1, "out.tsv");
    if (table_write_tsv(t, out, &e))
        abort();
    struct table *back = NULL;
    rc = table_read_tsv(out, force, &back, &e);
    if (rc) {
        fprintf(stderr, "re-read failed: %s\n", e.msg);
        abort();
    }
    check_same(t, back);
    table_free(back);
    table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("in.tsv", data, size);
    static const char *const force[] = {"id", "a", "", NULL};
    read_with(path, NULL);
    read_with(path, force);
    return 0;
}
