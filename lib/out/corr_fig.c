/* corr_fig: heatmap data and variables for gnuplot (see corr_fig.h). */
#include "out/corr_fig.h"

#include <math.h>
#include <stdio.h>

#include "core/outfile.h"
#include "out/figure.h"

int corr_fig_heatmap(const char *dir, const char *name, const char *title, const char *const *labels,
                     const double *m, size_t n, int is_signed, struct err *e)
{
    char path[4096];
    struct outfile of;
    snprintf(path, sizeof path, "%s/%s.tsv", dir, name);
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fputs("x\ty\tvalue\n", of.fp);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (isnan(m[i * n + j]))
                fprintf(of.fp, "%zu\t%zu\t\n", j, i);
            else
                fprintf(of.fp, "%zu\t%zu\t%.17g\n", j, i, m[i * n + j]);
        }
    if ((rc = outfile_commit(&of, e)))
        return rc;

    char num[32], key[32];
    struct kv *v = kv_alloc();
    if (!v)
        return err_set(e, ERR_NOMEM, "out of memory");
    snprintf(num, sizeof num, "%zu", n);
    rc = kv_set_str(v, "title", title, e);
    if (!rc)
        rc = kv_set_str(v, "n", num, e);
    if (!rc)
        rc = kv_set_str(v, "signed", is_signed ? "1" : "0", e);
    char one_line[1024];
    for (size_t i = 0; !rc && i < n; i++) {
        /* A label is one line: a newline would end the gnuplot assignment. */
        snprintf(one_line, sizeof one_line, "%s", labels[i]);
        for (char *c = one_line; *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        snprintf(key, sizeof key, "label_%zu", i);
        rc = kv_set_str(v, key, one_line, e);
    }
    if (!rc)
        rc = figure_write(dir, name, NULL, NULL, v, e);
    kv_free(v);
    return rc;
}
