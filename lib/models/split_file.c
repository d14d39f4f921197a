/* split_file: train/split.tsv, written by train and read by explain, segment
 * and predict (see split.h). */
#include <stdlib.h>
#include <string.h>

#include "core/hashset.h"
#include "core/outfile.h"
#include "io/table.h"
#include "models/split.h"

int split_file_write(const char *path, char *const *ids, size_t n, const unsigned char *is_test, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fprintf(of.fp, "id\tset\n");
    for (size_t i = 0; i < n; i++)
        fprintf(of.fp, "%s\t%s\n", ids[i], is_test[i] ? "test" : "train");
    return outfile_commit(&of, e);
}

int split_file_read(const char *path, char *const *ids, size_t n, const char *of, int checks,
                    unsigned char *is_test, unsigned char *found, struct err *e)
{
    static const char *const str[] = {"id", "set", NULL};
    struct table *t = NULL;
    struct hashset *row_of = hashset_alloc(n);
    unsigned char *seen = calloc(n ? n : 1, 1);
    int rc = row_of && seen ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        if (hashset_insert(row_of, ids[i], i, NULL) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = table_read_tsv(path, str, &t, e);
    long ic = rc ? -1 : table_find(t, "id"), sc = rc ? -1 : table_find(t, "set");
    if (!rc && (ic < 0 || sc < 0 || t->cols[ic].type != COL_STR || t->cols[sc].type != COL_STR))
        rc = err_set(e, ERR_DATA, "%s: expected the columns id and set", path);
    for (size_t k = 0; !rc && k < t->nrows; k++) {
        size_t i;
        const char *id = t->cols[ic].str[k], *set = t->cols[sc].str[k];
        if (!set || (strcmp(set, "train") && strcmp(set, "test")))
            rc = err_set(e, ERR_DATA, "%s:%zu: expected set train or test, found \"%s\"", path, k + 2,
                         set ? set : "");
        else if (id && hashset_find(row_of, id, &i)) {
            seen[i] = 1;
            is_test[i] = set[1] == 'e';
        } else if (checks & SPLIT_ONLY_CUSTOMERS)
            rc = err_set(e, ERR_DATA, "%s:%zu: expected a customer of %s, found id %s", path, k + 2, of,
                         id ? id : "(empty)");
    }
    for (size_t i = 0; !rc && i < n; i++) {
        if (!seen[i])
            is_test[i] = 0;
        if (!seen[i] && (checks & SPLIT_EVERY_CUSTOMER))
            rc = err_set(e, ERR_DATA, "%s: expected every customer of %s, found no row for id %s (is train's "
                                      "output stale?)", path, of, ids[i]);
        if (found)
            found[i] = seen[i];
    }
    free(seen);
    table_free(t);
    hashset_free(row_of);
    return rc;
}
