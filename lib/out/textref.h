/* textref: references to the reader's text, resolved where it is drawn.
 *
 * The stages that compute (eda, corr, evaluate, explain, segment) never read
 * Russian text. Where a label, a title or a sentence goes into a file they
 * write, they write a reference to it instead; the steps that draw and write
 * (bin/text before gnuplot, the report) resolve it against the text file
 * report/text.ru.yaml. So editing a title reruns the figures and the report,
 * never the model.
 *
 * A reference:  ${PATH[,PATH...][|NAME=VALUE...]}
 *   PATH   dot-separated keys of the text file; the first that exists is
 *          taken. Each key is %-encoded (textref_key does it), so a column
 *          name may hold any character.
 *   VALUE  text (%-encoded by textref_arg_text) or references, nested.
 *          In the text found, "{NAME}" is replaced by the value.
 *   An argument with an empty NAME is the text to use when no PATH exists;
 *   without one, a missing PATH is an error naming it.
 * Text outside references is copied as is. */
#ifndef OC_TEXTREF_H
#define OC_TEXTREF_H

#include <stddef.h>

#include "core/err.h"
#include "io/params.h"

/* Room for a reference: a title over a label, with its arguments. */
enum { TEXTREF_MAX = 2048 };

/* out = "${prefix.KEY}" with key %-encoded (key NULL: "${prefix}"). */
int textref_key(char *out, size_t size, const char *prefix, const char *key, struct err *e);
/* Add the alternative prefix.KEY (tried when the paths before it are absent).
 */
int textref_or(char *ref, size_t size, const char *prefix, const char *key, struct err *e);
/* Add the argument NAME=VALUE; value is inserted as is (text or references). */
int textref_arg(char *ref, size_t size, const char *name, const char *value, struct err *e);
/* Add the argument NAME=TEXT, text %-encoded (data: a category, an id). */
int textref_arg_text(char *ref, size_t size, const char *name, const char *text, struct err *e);

/* A reference to a data column's label: labels.columns.KEY (its key in
 * schema.columns: lib/io/schema.h schema_key), or the column's name itself
 * when the text file has none. */
int textref_column(char *out, size_t size, const char *key, const char *name, struct err *e);

/* References that live as long as a stage's run: made and kept in a pool,
 * freed together (the stages hand them around as plain strings). */
struct textrefs {
    char **s;
    size_t n, cap;
};
/* A copy of ref kept in the pool, or NULL (e says why). */
const char *textrefs_keep(struct textrefs *pool, const char *ref, struct err *e);
/* textref_key and textref_column, kept in the pool. */
const char *textrefs_key(struct textrefs *pool, const char *prefix, const char *key, struct err *e);
const char *textrefs_column(struct textrefs *pool, const char *key, const char *name, struct err *e);
void textrefs_free(struct textrefs *pool);

/* in with every reference resolved against text, into a new string (*out,
 * the caller frees). `where` names the file (and line) for errors. */
int textref_resolve(const struct params *text, const char *in, const char *where, char **out, struct err *e);

#endif
