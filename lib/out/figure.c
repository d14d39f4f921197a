/* figure: a figure's data and variables (see figure.h). */
#include "out/figure.h"

#include <stdio.h>

#include "core/outfile.h"

int figure_vars_write(const struct kv *vars, const char *path, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fputs("# gnuplot variables for one figure, written by a study stage\n", of.fp);
    for (size_t i = 0; i < vars->n; i++) {
        fprintf(of.fp, "%s = \"", vars->keys[i]);
        for (const char *s = vars->vals[i]; *s; s++) {
            if (*s == '"' || *s == '\\')
                fputc('\\', of.fp);
            fputc(*s == '\n' || *s == '\r' ? ' ' : *s, of.fp);
        }
        fputs("\"\n", of.fp);
    }
    return outfile_commit(&of, e);
}

int figure_write(const char *dir, const char *name, const struct table *data, const struct kv *vars,
                 struct err *e)
{
    char path[4096];
    int rc = 0;
    if (data) {
        snprintf(path, sizeof path, "%s/%s.tsv", dir, name);
        rc = table_write_tsv(data, path, e);
    }
    snprintf(path, sizeof path, "%s/%s.gpv", dir, name);
    return rc ? rc : figure_vars_write(vars, path, e);
}
