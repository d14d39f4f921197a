/* outfile: atomic output files.
 *
 * Every output is written to `path.tmp.XXXXXX` in the same directory and
 * renamed over `path` only when every write, the flush, the fsync and the close
 * have succeeded. A failed or interrupted run therefore leaves either the old
 * file or no file, never a half-written one that Make would take as up to date.
 *
 *     struct outfile of;
 *     if (outfile_open(path, &of, e)) return e->code;
 *     fprintf(of.fp, ...);                 // errors are caught by the commit
 *     return outfile_commit(&of, e);       // or outfile_abort(&of) on failure
 */
#ifndef OC_OUTFILE_H
#define OC_OUTFILE_H

#include <stdio.h>

#include "core/err.h"

struct outfile {
    FILE *fp;   /* write here; NULL once committed or aborted */
    char *path; /* the final name (owned) */
    char *tmp;  /* the temporary name (owned) */
};

/* Create the temporary file next to `path` and open it for writing. On
 * failure nothing is left on disk and *of is zeroed. */
int outfile_open(const char *path, struct outfile *of, struct err *e);

/* Check the stream for write errors, flush, fsync, close and rename into
 * place. On any failure the temporary file is removed and ERR_IO names the
 * path and the system's reason. *of is released either way. */
int outfile_commit(struct outfile *of, struct err *e);

/* Close and remove the temporary file; safe on a zeroed or released *of. */
void outfile_abort(struct outfile *of);

/* For libraries that open the file by name themselves (libxlsxwriter):
 * reserve a temporary name next to `path` (the empty file exists on return),
 * let the library write it, then outfile_commit_path() or remove it. *tmp is
 * malloc'ed; free it after. */
int outfile_reserve(const char *path, char **tmp, struct err *e);

/* fsync the finished file `tmp_path` and rename it to `final`. On failure
 * `tmp_path` is removed and ERR_IO names the path. */
int outfile_commit_path(const char *tmp_path, const char *final, struct err *e);

/* A stage's outputs as one set. After outfile_hold(), every commit (of
 * either kind above) finishes its temporary file but leaves it under its
 * temporary name; outfile_release() renames them all into place, in the
 * order they were committed, and is called once, at the end of a successful
 * run. A run that exits without releasing (an error path simply returns from
 * main), or is stopped by a signal, removes them: every output of the last
 * good run stays exactly as it was. */
void outfile_hold(void);
int outfile_release(struct err *e);

/* Where the content this process last committed for `path` is now: its
 * temporary file while held, else `path` itself. For a stage that reads back
 * one of its own outputs. */
const char *outfile_current(const char *path);

#endif
