#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkstemp creates files 0600; outputs are meant to be read by others like any
 * file the user creates, so give them the usual 0666 minus the umask. umask()
 * can only be read by setting it, hence the set-and-restore. */
static int set_default_mode(int fd)
{
    mode_t mask = umask(0);
    umask(mask);
    return fchmod(fd, 0666 & ~mask);
}

static int make_tmp(const char *path, char **tmp, int *fd, struct err *e)
{
    size_t n = strlen(path);
    char *t = malloc(n + sizeof ".tmp.XXXXXX");
    if (!t)
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    memcpy(t, path, n);
    memcpy(t + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int f = mkstemp(t);
    if (f < 0) {
        int en = errno;
        free(t);
        return err_set(e, ERR_IO, "%s: cannot create a temporary file: %s", path, strerror(en));
    }
    if (set_default_mode(f) != 0) {
        int en = errno;
        close(f);
        unlink(t);
        free(t);
        return err_set(e, ERR_IO, "%s: cannot set permissions: %s", path, strerror(en));
    }
    *tmp = t;
    *fd = f;
    return ERR_OK;
}

int outfile_open(const char *path, struct outfile *of, struct err *e)
{
    memset(of, 0, sizeof *of);
    char *tmp;
    int fd;
    int rc = make_tmp(path, &tmp, &fd, e);
    if (rc)
        return rc;
    char *p = strdup(path);
    FILE *fp = p ? fdopen(fd, "w") : NULL;
    if (!fp) {
        int en = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        free(p);
        if (!p)
            return err_set(e, ERR_NOMEM, "%s: out of memory", path);
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(en));
    }
    of->fp = fp;
    of->path = p;
    of->tmp = tmp;
    return ERR_OK;
}

static void release(struct outfile *of)
{
    free(of->path);
    free(of->tmp);
    memset(of, 0, sizeof *of);
}

void outfile_abort(struct outfile *of)
{
    if (!of)
        return;
    if (of->fp)
        fclose(of->fp);
    if (of->tmp)
        unlink(of->tmp);
    release(of);
}

int outfile_commit(struct outfile *of, struct err *e)
{
    if (!of->fp)
        return err_set(e, ERR_IO, "%s: output already closed", of->path ? of->path : "(null)");
    /* Every step can be the first to notice a full disk: stdio may have
     * buffered the failing write (fflush), the kernel may report a delayed
     * write error only on fsync or close. errno is captured right away. */
    const char *what = NULL;
    int en = 0;
    if (ferror(of->fp)) {
        what = "write failed";
        en = EIO;
    } else if (fflush(of->fp) != 0) {
        what = "write failed";
        en = errno;
    } else if (fsync(fileno(of->fp)) != 0) {
        what = "fsync failed";
        en = errno;
    }
    int rc_close = fclose(of->fp);
    of->fp = NULL;
    if (!what && rc_close != 0) {
        what = "close failed";
        en = errno;
    }
    if (!what && rename(of->tmp, of->path) != 0) {
        what = "cannot rename the temporary file into place";
        en = errno;
    }
    if (what) {
        unlink(of->tmp);
        err_set(e, ERR_IO, "%s: %s: %s", of->path, what, strerror(en));
        release(of);
        return ERR_IO;
    }
    release(of);
    return ERR_OK;
}

int outfile_reserve(const char *path, char **tmp, struct err *e)
{
    int fd;
    int rc = make_tmp(path, tmp, &fd, e);
    if (rc)
        return rc;
    if (close(fd) != 0) {
        int en = errno;
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return err_set(e, ERR_IO, "%s: close failed: %s", path, strerror(en));
    }
    return ERR_OK;
}

int outfile_commit_path(const char *tmp_path, const char *final, struct err *e)
{
    const char *what = NULL;
    int en = 0;
    int fd = open(tmp_path, O_RDONLY);
    if (fd < 0) {
        what = "cannot reopen the temporary file";
        en = errno;
    } else {
        if (fsync(fd) != 0) {
            what = "fsync failed";
            en = errno;
        }
        if (close(fd) != 0 && !what) {
            what = "close failed";
            en = errno;
        }
    }
    if (!what && rename(tmp_path, final) != 0) {
        what = "cannot rename the temporary file into place";
        en = errno;
    }
    if (what) {
        unlink(tmp_path);
        return err_set(e, ERR_IO, "%s: %s: %s", final, what, strerror(en));
    }
    return ERR_OK;
}
