#include "core/fileio.h"

#include <errno.h>
#include <string.h>

#include "core/outfile.h"

int fileio_save(const char *path, fileio_writer write, const void *obj, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    rc = write(obj, of.fp, e);
    if (rc) {
        outfile_abort(&of);
        return err_prefix(e, "%s: ", path);
    }
    return outfile_commit(&of, e);
}

int fileio_load(const char *path, fileio_reader read, void *out, struct err *e)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    int rc = read(fp, path, out, e);
    fclose(fp);
    return rc;
}
