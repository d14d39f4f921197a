/* stage: how every stage's main begins and ends, so that each main reads as
 * a table of contents (libsvm's svm-train.c): stage_start, the stage's own
 * read/run/write through lib/, stage_finish. */
#ifndef OC_STAGE_H
#define OC_STAGE_H

#include "core/cli.h"
#include "core/err.h"
#include "io/params.h"
#include "io/schema.h"

/* Parse the options (opts), hold the outputs until stage_finish (they land
 * together or not at all), read *params_path (after parsing: an option may
 * name it) into *p and, when s is not NULL, its schema. Returns < 0 when
 * --help was printed (exit 0), else 0 or an ERR_* code with e filled. */
int stage_start(int argc, char **argv, const char *summary, const struct cli_opt *opts, const char *const *params_path,
                struct params **p, struct schema *s, struct err *e);

/* cli_finish (the outputs land, or the error is printed and the last run's
 * outputs stay), then free p and s (either may be NULL); the exit status. */
int stage_finish(const char *stage, int rc, struct err *e, struct params *p, struct schema *s);

#endif
