/* cli: the small command-line convention every stage shares, in the manner of
 * libsvm's svm-train: `--name value` options listed by `--help`, then
 * parse -> read -> compute -> save, one error line on failure. */
#ifndef OC_CLI_H
#define OC_CLI_H

#include "core/err.h"

struct cli_opt {
    const char *name;   /* without the leading "--" */
    const char **value; /* receives argv's pointer; keeps its default when absent */
    const char *help;
};

/* Parse `--name value` pairs (and turn GSL's aborting error handler off). Returns 0, ERR_USAGE with a message, or -1 when
 * --help was asked for (the usage has then been printed to stdout). */
int cli_parse(int argc, char **argv, const char *summary, const struct cli_opt *opts, struct err *e);

/* The end of a stage's run: with rc 0, put every held output in place
 * (outfile_release); then, on any error, print `stage: message` and return
 * the exit status for it (0 on success). A stage that called outfile_hold()
 * ends here, so that its outputs land together or not at all. */
int cli_finish(const char *stage, int rc, struct err *e);

/* Print `stage: message` to stderr and return the exit status for the error. */
int cli_fail(const char *stage, const struct err *e);

/* Join dir and name into buf ("dir/name"); returns buf. */
const char *cli_path(char *buf, size_t size, const char *dir, const char *name);

#endif
