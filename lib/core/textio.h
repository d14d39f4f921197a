/* textio: the reader behind the model text files (logreg, svc, tree, knn).
 *
 * It reads one line at a time, counts lines, keeps a cursor into the line and
 * turns what it does not expect into "NAME:LINE:COL: expected X, found Y".
 * Two dialects, fixed by the separator, because the files (and the messages
 * the tests pin) already differ:
 *   '\t' (logreg, svc): "key<TAB>v<TAB>v"; one tab ends a field; numbers that
 *        overflow are rejected; errors quote up to 32 bytes and say "the end
 *        of the file" / "the end of the line";
 *   ' '  (tree, knn):   "key v v"; a run of spaces ends a field; an overflowing
 *        number reads as +-inf (the caller checks what it needs); errors
 *        quote up to 40 bytes and say "end of file" / "end of line". */
#ifndef OC_TEXTIO_H
#define OC_TEXTIO_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

struct textio {
    FILE *fp;
    const char *name; /* the file name the messages start with */
    size_t line;      /* the number of the current line (lines read so far) */
    char *buf;        /* the current line, without its '\n' */
    size_t cap;
    char *pos; /* the cursor: the next field */
    char sep;  /* '\t' or ' ': the dialect */
};

/* line: lines already read from fp (a model inside a larger file). */
void textio_init(struct textio *t, FILE *fp, const char *name, size_t line, char sep);
void textio_free(struct textio *t);

/* The 1-based column of s, a pointer into the current line. */
size_t textio_col(const struct textio *t, const char *s);

/* Read the next line; the cursor goes to its start. At the end of the file:
 * "expected a line, found [the ]end of [the ]file". */
int textio_line(struct textio *t, struct err *e);

/* Read the next line, which must be key, alone or followed by the separator;
 * the cursor goes past the separator. Errors: "NAME:LINE:1: expected \"key\",
 * found the end of the file" or "found \"<the line's first field>\"". */
int textio_key(struct textio *t, const char *key, struct err *e);

/* ERR_DATA "NAME:LINE:COL(at): expected <printf(fmt, ...)>, found \"<at>\"",
 * quoting at most 32 ('\t') or 40 (' ') bytes. */
int textio_fail(const struct textio *t, const char *at, struct err *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The word at the cursor (followed by a space or the end of the line), then
 * the cursor moves past it: "expected \"word\", found ...". */
int textio_word(struct textio *t, const char *word, struct err *e);

/* One number at the cursor ending at the separator or the end of the line;
 * the cursor moves past the separator: "expected a number, found ...". */
int textio_double(struct textio *t, double *x, struct err *e);

/* One integer in [lo, hi] at the cursor, ending at the end of the line or at a
 * byte in ends (e.g. "\t", "\t:", "" for the end of the line only); the cursor
 * moves past a separator and stops at any other end:
 * "expected an integer in [lo, hi], found ...". */
int textio_long(struct textio *t, long lo, long hi, const char *ends, long *v, struct err *e);

/* A line "key<SEP>number" and nothing more: textio_key, textio_double,
 * textio_eol. */
int textio_key_double(struct textio *t, const char *key, double *x, struct err *e);

/* Nothing left at the cursor: "expected [the ]end of [the ]line, found ...". */
int textio_eol(const struct textio *t, struct err *e);

/* Bytes left to read in fp if it is a regular file, else SIZE_MAX: readers
 * reject a count the rest of the file cannot hold before allocating for it. */
size_t textio_bytes_left(FILE *fp);

#endif
