#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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

/* Temporary files not yet renamed or removed. A run stopped by Ctrl-C (make
 * passes SIGINT to the stage), SIGTERM or SIGHUP would otherwise leave them
 * half-written next to the outputs for good: the handler removes them (unlink
 * is async-signal-safe) and re-raises, so the process still dies of the
 * signal and Make sees an interrupted run. Handlers are installed once, only
 * where the disposition is the default: a caller's own handler, or SIG_IGN
 * from nohup, is left alone. SIGXFSZ (a write past `ulimit -f`) is ignored
 * under the same rule, so that write fails with EFBIG and the error names the
 * file, as a full disk does, instead of killing the process silently. */
enum { LIVE_MAX = 4096 };
static char *live[LIVE_MAX];
static const int live_signals[] = {SIGINT, SIGTERM, SIGHUP};

static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i])
            unlink(live[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static int is_default(int sig)
{
    struct sigaction old;
    return sigaction(sig, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof live_signals / sizeof *live_signals; i++)
        sigaddset(&sa.sa_mask, live_signals[i]);
    for (size_t i = 0; i < sizeof live_signals / sizeof *live_signals; i++)
        if (is_default(live_signals[i]))
            sigaction(live_signals[i], &sa, NULL);
    if (is_default(SIGXFSZ))
        signal(SIGXFSZ, SIG_IGN);
}

/* The table changes with those signals blocked, so the handler never sees a
 * slot half-updated, and under a lock, for callers with threads. */
static void block_live_signals(sigset_t *old)
{
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof live_signals / sizeof *live_signals; i++)
        sigaddset(&block, live_signals[i]);
    pthread_sigmask(SIG_BLOCK, &block, old);
}

static void live_lock_all(sigset_t *old)
{
    block_live_signals(old);
    pthread_mutex_lock(&live_lock);
}

static void live_unlock_all(const sigset_t *old)
{
    pthread_mutex_unlock(&live_lock);
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Best effort: with the table full (or no memory for the copy) that one file
 * is simply not removed on a signal. */
static void live_add(const char *tmp)
{
    char *copy = strdup(tmp);
    if (!copy)
        return;
    sigset_t old;
    live_lock_all(&old);
    for (int i = 0; i < LIVE_MAX && copy; i++)
        if (!live[i]) {
            live[i] = copy;
            copy = NULL;
        }
    live_unlock_all(&old);
    free(copy);
}

static void live_forget(const char *tmp)
{
    char *gone = NULL;
    sigset_t old;
    live_lock_all(&old);
    for (int i = 0; i < LIVE_MAX && !gone; i++)
        if (live[i] && strcmp(live[i], tmp) == 0) {
            gone = live[i];
            live[i] = NULL;
        }
    live_unlock_all(&old);
    free(gone);
}

/* The signals stay blocked from before mkstemp until the name is in the
 * table: a Ctrl-C in between is held until the handler can remove the file,
 * rather than killing the process with the file created but not yet known. */
static int make_tmp(const char *path, char **tmp, int *fd, struct err *e)
{
    size_t n = strlen(path);
    char *t = malloc(n + sizeof ".tmp.XXXXXX");
    if (!t)
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    memcpy(t, path, n);
    memcpy(t + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    pthread_once(&handlers_once, install_handlers);
    sigset_t old;
    block_live_signals(&old);
    int f = mkstemp(t);
    int en = errno;
    if (f >= 0)
        live_add(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (f < 0) {
        free(t);
        return err_set(e, ERR_IO, "%s: cannot create a temporary file: %s", path, strerror(en));
    }
    if (set_default_mode(f) != 0) {
        en = errno;
        close(f);
        unlink(t);
        live_forget(t);
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
        live_forget(tmp);
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

/* Hold mode (outfile_hold): finished temporary files waiting for
 * outfile_release, in the order they were committed. They stay in the live
 * table, so a signal removes them; an exit without a release removes them
 * too (atexit), so that a failed stage leaves the last run's outputs as they
 * were. Only the main flow touches this list, never the handler. */
struct held {
    char *tmp, *path;
};
static struct held *held;
static size_t n_held, cap_held;
static int holding;

/* Rename the held files into place (rename = 1) or remove them (0), in the
 * order they were committed; after the first failed rename the rest are
 * removed. The list is empty afterwards. */
static int held_finish(int rename_them, struct err *e)
{
    int rc = ERR_OK;
    /* The renames run with SIGINT, SIGTERM and SIGHUP held back, so that a
     * Ctrl-C cannot leave half the outputs new and half old. */
    sigset_t old;
    block_live_signals(&old);
    for (size_t i = 0; i < n_held; i++) {
        if (rename_them && !rc && rename(held[i].tmp, held[i].path) != 0)
            rc = err_set(e, ERR_IO, "%s: cannot rename the temporary file into place: %s", held[i].path,
                         strerror(errno));
        if (!rename_them || rc)
            unlink(held[i].tmp);
        live_forget(held[i].tmp);
        free(held[i].tmp);
        free(held[i].path);
    }
    free(held);
    held = NULL;
    n_held = cap_held = 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static void held_discard(void)
{
    held_finish(0, NULL);
}

void outfile_hold(void)
{
    if (!holding)
        atexit(held_discard);
    holding = 1;
}

/* Keep tmp (finished) for the release; on failure it is removed. */
static int held_add(const char *tmp, const char *path, struct err *e)
{
    if (n_held == cap_held) {
        size_t cap = cap_held ? 2 * cap_held : 64;
        struct held *h = realloc(held, cap * sizeof *h);
        if (!h)
            goto oom;
        held = h;
        cap_held = cap;
    }
    char *t = strdup(tmp), *p = strdup(path);
    if (!t || !p) {
        free(t);
        free(p);
        goto oom;
    }
    held[n_held++] = (struct held){t, p};
    return ERR_OK;
oom:
    unlink(tmp);
    live_forget(tmp);
    return err_set(e, ERR_NOMEM, "%s: out of memory", path);
}

int outfile_release(struct err *e)
{
    return held_finish(1, e);
}

const char *outfile_current(const char *path)
{
    for (size_t i = n_held; i-- > 0;)
        if (strcmp(held[i].path, path) == 0)
            return held[i].tmp;
    return path;
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
    if (of->tmp) {
        unlink(of->tmp);
        live_forget(of->tmp);
    }
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
        /* The failing write's errno is long gone; flushing again retries the
         * buffered bytes and usually gets it back (ENOSPC rather than a
         * vague EIO). When nothing was left to retry, one more byte at the
         * end of the file (which is removed anyway) tells the reason. */
        what = "write failed";
        clearerr(of->fp);
        errno = 0;
        en = fflush(of->fp) != 0 && errno ? errno : 0;
        if (!en) {
            int fd = fileno(of->fp);
            en = lseek(fd, 0, SEEK_END) >= 0 && write(fd, "", 1) < 0 && errno ? errno : EIO;
        }
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
    if (!what && holding) {
        int rc = held_add(of->tmp, of->path, e);
        release(of);
        return rc;
    }
    if (!what && rename(of->tmp, of->path) != 0) {
        what = "cannot rename the temporary file into place";
        en = errno;
    }
    if (what)
        unlink(of->tmp);
    live_forget(of->tmp);
    if (what) {
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
        live_forget(*tmp);
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
    if (!what && holding)
        return held_add(tmp_path, final, e);
    if (!what && rename(tmp_path, final) != 0) {
        what = "cannot rename the temporary file into place";
        en = errno;
    }
    if (what)
        unlink(tmp_path);
    live_forget(tmp_path);
    if (what)
        return err_set(e, ERR_IO, "%s: %s: %s", final, what, strerror(en));
    return ERR_OK;
}
