/* params: params.yaml read with libyaml into a tree that remembers line and
 * column of every node, with typed getters that validate type and range and
 * name `params.yaml:LINE:COL` and the key in their errors.
 *
 * Paths are dotted: "clean.outlier.max_revenue". A stage first checks that its
 * section has no unknown keys (params_check_keys), then reads what it needs. */
#ifndef OC_PARAMS_H
#define OC_PARAMS_H

#include <stddef.h>

#include "core/err.h"

enum pnode_kind { PNODE_SCALAR, PNODE_SEQ, PNODE_MAP };

struct pnode {
    enum pnode_kind kind;
    char *key;            /* key in the parent map, NULL for sequence items and the root */
    char *value;          /* scalar text (PNODE_SCALAR only) */
    int quoted;           /* the scalar was quoted: never a number or bool */
    size_t line, col;     /* 1-based position in the file */
    struct pnode **items; /* children of a map (with keys) or a sequence */
    size_t n;
    const char *file;     /* the file name used in messages */
};

struct params {
    char *file;
    struct pnode *root;
};

int params_load(const char *path, struct params **out, struct err *e);
void params_free(struct params *p);

/* The node at a dotted path (from `from`, or the root when from is NULL), or NULL. */
const struct pnode *params_find(const struct params *p, const struct pnode *from, const char *path);
/* A map child by key, or NULL. */
const struct pnode *pnode_child(const struct pnode *map, const char *key);

/* Typed conversion of one node; errors name file:line:col and `what` (a key path). */
int pnode_double(const struct pnode *n, const char *what, double min, double max, double *out, struct err *e);
int pnode_long(const struct pnode *n, const char *what, long min, long max, long *out, struct err *e);
int pnode_bool(const struct pnode *n, const char *what, int *out, struct err *e);
int pnode_string(const struct pnode *n, const char *what, const char **out, struct err *e);
/* One of `choices` (NULL-terminated); *out is its index. */
int pnode_enum(const struct pnode *n, const char *what, const char *const *choices, int *out, struct err *e);
int pnode_expect(const struct pnode *n, const char *what, enum pnode_kind kind, struct err *e);

/* Getters by dotted path from the root; a missing key is an error naming the key. */
int params_double(const struct params *p, const char *path, double min, double max, double *out, struct err *e);
int params_long(const struct params *p, const char *path, long min, long max, long *out, struct err *e);
int params_bool(const struct params *p, const char *path, int *out, struct err *e);
int params_string(const struct params *p, const char *path, const char **out, struct err *e);
int params_enum(const struct params *p, const char *path, const char *const *choices, int *out, struct err *e);
/* Several long settings into the fields of one struct: fields[] ends with a
 * NULL path; each is read as params_long into *(long *)((char *)obj + offset),
 * in order, and the first failure stops. */
struct params_long_field {
    const char *path;
    long min, max;
    size_t offset; /* offsetof(the struct, a long field) */
};
int params_longs(const struct params *p, const struct params_long_field *fields, void *obj, struct err *e);
/* A sequence of strings; *out points into the tree (free only the array with free()). */
int params_strings(const struct params *p, const char *path, const char ***out, size_t *n, struct err *e);
/* The node at path, which must exist and be of the given kind. */
int params_node(const struct params *p, const char *path, enum pnode_kind kind, const struct pnode **out, struct err *e);

/* Every key of the map at `path` must be in `allowed` (NULL-terminated). */
int params_check_keys(const struct params *p, const char *path, const char *const *allowed, struct err *e);
int pnode_check_keys(const struct pnode *map, const char *what, const char *const *allowed, struct err *e);

#endif
