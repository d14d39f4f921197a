/* corr_fig: heatmap data and variables for gnuplot (see corr_fig.h). */
#include "out/corr_fig.h"

#include <math.h>
#include <stdio.h>

#include "core/outfile.h"

/* A gnuplot double-quoted string: backslash and double quote escaped. */
static void put_gp_string(FILE *f, const char *key, const char *s)
{
    fprintf(f, "%s = \"", key);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        /* A newline would end the assignment; labels are one line. */
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputs("\"\n", f);
}

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

    snprintf(path, sizeof path, "%s/%s.gpv", dir, name);
    if ((rc = outfile_open(path, &of, e)))
        return rc;
    char num[32], key[32];
    fputs("# gnuplot variables for one figure, written by a study stage\n", of.fp);
    put_gp_string(of.fp, "title", title);
    snprintf(num, sizeof num, "%zu", n);
    put_gp_string(of.fp, "n", num);
    put_gp_string(of.fp, "signed", is_signed ? "1" : "0");
    for (size_t i = 0; i < n; i++) {
        snprintf(key, sizeof key, "label_%zu", i);
        put_gp_string(of.fp, key, labels[i]);
    }
    return outfile_commit(&of, e);
}
