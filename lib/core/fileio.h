/* fileio: a whole file written or read through a stream function, so that
 * every model's save and load is one line over its writer and reader.
 *
 * fileio_save writes path atomically (lib/core/outfile.h): the file lands
 * only when write returns 0; a writer's error ("svc: write failed") is
 * prefixed with the path. fileio_load opens path, hands the stream and the
 * name (for line:column messages) to read, and closes it. */
#ifndef OC_FILEIO_H
#define OC_FILEIO_H

#include <stdio.h>

#include "core/err.h"

typedef int (*fileio_writer)(const void *obj, FILE *fp, struct err *e);
typedef int (*fileio_reader)(FILE *fp, const char *name, void *out, struct err *e);

int fileio_save(const char *path, fileio_writer write, const void *obj, struct err *e);
int fileio_load(const char *path, fileio_reader read, void *out, struct err *e);

#endif
