/* err: how the library reports failure without printing or exiting.
 *
 * Every fallible lib function returns an int status (0 = success, one of the
 * ERR_* codes otherwise) and, on failure, fills a caller-provided struct err
 * with one line of text: "file:line:col: expected ..., found ..." where a
 * location is known. Stages print that line and map the code to an exit status
 * (ERR_USAGE and ERR_PARAMS -> 1, ERR_DATA -> 2, ERR_IO and ERR_NOMEM -> 2). */
#ifndef OC_ERR_H
#define OC_ERR_H

#include <stddef.h>

enum {
    ERR_OK = 0,
    ERR_USAGE = 1,  /* bad command line */
    ERR_PARAMS = 2, /* params.yaml is invalid */
    ERR_DATA = 3,   /* an input file is malformed or violates the schema */
    ERR_IO = 4,     /* cannot open, read, write or rename a file */
    ERR_NOMEM = 5,  /* allocation failed */
    ERR_NUM = 6     /* a numerical routine failed (singular matrix, no convergence) */
};

struct err {
    int code;
    char msg[1024];
};

/* Fill e (if not NULL) with a printf-style message; returns code so that
 * callers can write `return err_set(e, ERR_DATA, "...")`. */
int err_set(struct err *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefix an existing message, e.g. with the file name: "path: <old msg>". */
int err_prefix(struct err *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Exit status a stage should use for an error code (1 usage/params, 2 data). */
int err_exit_status(int code);

#endif
