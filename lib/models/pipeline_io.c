/* pipeline: the text form of a fitted pipeline (see pipeline.h): a three-line
 * header, then the blocks of lib/prep and of the model, each of which reads
 * its own lines back to the same bits. */
#include "core/fileio.h"
#include "models/pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/outfile.h"
#include "models/family.h"

int pipeline_write(const struct pipeline *p, FILE *fp, struct err *e)
{
    char text[1024];
    if ((size_t)pipeline_config_format(&p->cfg, text, sizeof text) >= sizeof text)
        return err_set(e, ERR_DATA, "pipeline params: longer than %zu characters", sizeof text);
    fprintf(fp, "oneclick-pipeline\t1\nfamily\t%s\nparams\t%s\n", pipeline_family_names[p->cfg.family], text);
    int rc = prep_write(p->prep, fp, e);
    if (rc)
        return rc;
    rc = pipe_families[p->cfg.family]->write(p, fp, e);
    if (!rc && p->calib)
        rc = calib_write(p->calib, fp, e);
    if (!rc && ferror(fp))
        rc = err_set(e, ERR_IO, "cannot write the pipeline: %s", strerror(errno));
    return rc;
}

/* One header line "key<TAB>value"; *val points into *buf. */
static int header(FILE *fp, const char *name, size_t no, const char *key, char **buf, size_t *cap, char **val,
                  struct err *e)
{
    ssize_t len = getline(buf, cap, fp);
    if (len < 0)
        return err_set(e, ERR_DATA, "%s:%zu:1: expected \"%s\", found the end of the file", name, no, key);
    if (len > 0 && (*buf)[len - 1] == '\n')
        (*buf)[--len] = '\0';
    size_t k = strlen(key);
    if (strncmp(*buf, key, k) || (*buf)[k] != '\t')
        return err_set(e, ERR_DATA, "%s:%zu:1: expected \"%s\", found \"%.40s\"", name, no, key, *buf);
    *val = *buf + k + 1;
    return 0;
}

int pipeline_read(FILE *fp, const char *name, struct pipeline **out, struct err *e)
{
    *out = NULL;
    struct pipeline *p = calloc(1, sizeof *p);
    char *buf = NULL, *val = NULL;
    size_t cap = 0;
    int fam = -1;
    if (!p)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = header(fp, name, 1, "oneclick-pipeline", &buf, &cap, &val, e);
    if (!rc && strcmp(val, "1"))
        rc = err_set(e, ERR_DATA, "%s:1:19: expected version 1, found \"%s\"", name, val);
    if (!rc)
        rc = header(fp, name, 2, "family", &buf, &cap, &val, e);
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++)
        if (!strcmp(val, pipeline_family_names[f]))
            fam = f;
    if (!rc && fam < 0) {
        char list[256] = "";
        for (int f = 0; f < PIPE_NFAMILY; f++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", f == 0 ? "" : f + 1 < PIPE_NFAMILY ? ", " : " or ",
                     pipeline_family_names[f]);
        rc = err_set(e, ERR_DATA, "%s:2:8: expected %s, found \"%s\"", name, list, val);
    }
    if (!rc) {
        pipeline_config_default(&p->cfg, (enum pipe_family)fam);
        rc = header(fp, name, 3, "params", &buf, &cap, &val, e);
    }
    if (!rc && (rc = pipeline_config_parse(&p->cfg, val, e)))
        err_prefix(e, "%s:3:8: ", name);
    if (!rc)
        rc = prep_read(fp, name, &p->prep, e);
    if (!rc)
        rc = pipe_families[p->cfg.family]->read(p, fp, name, e);
    /* An optional last block: the calibration. */
    if (!rc && getline(&buf, &cap, fp) >= 0) {
        if (strncmp(buf, "calibration\t", 12) == 0)
            rc = calib_read(buf + 12, fp, name, &p->calib, e);
        else
            rc = err_set(e, ERR_DATA, "%s: expected \"calibration\" or the end of the file after the model, found \"%.40s\"",
                         name, buf);
    }
    free(buf);
    if (rc) {
        pipeline_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

static int write_cb(const void *obj, FILE *fp, struct err *e)
{
    return pipeline_write(obj, fp, e);
}

int pipeline_save(const struct pipeline *p, const char *path, struct err *e)
{
    return fileio_save(path, write_cb, p, e);
}

static int read_cb(FILE *fp, const char *name, void *out, struct err *e)
{
    return pipeline_read(fp, name, out, e);
}

int pipeline_load(const char *path, struct pipeline **out, struct err *e)
{
    *out = NULL;
    return fileio_load(path, read_cb, out, e);
}
