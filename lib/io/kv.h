/* kv: the `key<TAB>value` files in which stages report scalars (counts,
 * metrics, thresholds) for the report template to cite by key.
 *
 * Format: one `key\tvalue\n` per line, keys unique, in the order they were
 * set; no header. Keys are [A-Za-z0-9_][A-Za-z0-9_.-]* so a template can name
 * them as {{stem.key}}; values are any UTF-8 text without tab, CR or LF
 * (possibly empty). Doubles are written with %.17g, so they read back exactly. */
#ifndef OC_KV_H
#define OC_KV_H

#include <stddef.h>

#include "core/err.h"

struct kv {
    size_t n, cap;
    char **keys; /* n owned strings, insertion order */
    char **vals; /* n owned strings */
};

struct kv *kv_alloc(void);
void kv_free(struct kv *kv);

/* Set a value; setting an existing key replaces its value in place.
 * ERR_DATA for a bad key or a value with a tab/CR/LF. */
int kv_set_str(struct kv *kv, const char *key, const char *val, struct err *e);
int kv_set_double(struct kv *kv, const char *key, double x, struct err *e);
int kv_set_long(struct kv *kv, const char *key, long x, struct err *e);

/* The value of key, or NULL when absent. */
const char *kv_get(const struct kv *kv, const char *key);

/* Strict numeric access: ERR_DATA when the key is absent or its whole value
 * is not a number ("nan" and "inf" are accepted for doubles, as %.17g writes them). */
int kv_get_double(const struct kv *kv, const char *key, double *x, struct err *e);
int kv_get_long(const struct kv *kv, const char *key, long *x, struct err *e);

/* Write atomically (lib/outfile) in insertion order. */
int kv_write(const struct kv *kv, const char *path, struct err *e);

/* Read a kv file; errors are "path:line:col: expected ..., found ...". */
int kv_read(const char *path, struct kv **out, struct err *e);

/* kvset: several kv files by name (the file's stem: "metrics" for
 * data/interim/metrics.tsv), the usual context of a report template. */
struct kvset {
    size_t n, cap;
    char **names;
    struct kv **kvs;
};

struct kvset *kvset_alloc(void);
void kvset_free(struct kvset *s);
/* Add a kv under name; takes ownership of kv, also on failure. ERR_DATA when
 * the name is taken or is not [A-Za-z0-9_-]+ (no dots: {{name.key}} splits at
 * the first dot). */
int kvset_add(struct kvset *s, const char *name, struct kv *kv, struct err *e);
/* Read path and add it under its stem (base name up to the first dot). */
int kvset_add_file(struct kvset *s, const char *path, struct err *e);
const char *kvset_get(const struct kvset *s, const char *name, const char *key);
/* kvset_get with the signature of mdreport_lookup: ctx is a struct kvset *. */
const char *kvset_lookup(void *ctx, const char *name, const char *key);

#endif
