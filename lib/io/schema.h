/* schema: the `schema` section of params.yaml — which real column plays which
 * role. Stages name roles (id, target, nominal, ...), never column names. */
#ifndef OC_SCHEMA_H
#define OC_SCHEMA_H

#include <stddef.h>

#include "io/params.h"

enum schema_file_role { FILE_CUSTOMERS, FILE_REVENUE, FILE_MINUTES, FILE_PROFIT, FILE_COUNT };
/* The role names used in params.yaml and in data/interim file names. */
extern const char *const schema_file_roles[FILE_COUNT];

struct schema_file {
    const char *name; /* file name inside the data directory */
    char sep, decimal;
};

struct schema_ordinal {
    const char *column;
    const char **levels; /* lowest first */
    size_t n_levels;
};

/* A long table (id, period, value) that merge pivots wide. */
struct schema_period {
    const char *period, *value; /* column names */
    const char **labels;        /* expected period labels, in order */
    const char **wide;          /* wide column name for each label */
    size_t n;
};

struct schema {
    struct schema_file files[FILE_COUNT];
    const char *id;
    const char *target, *positive, *negative;
    const char **nominal;
    size_t n_nominal;
    struct schema_ordinal *ordinal;
    size_t n_ordinal;
    const char **numeric;
    size_t n_numeric;
    struct schema_period periods[2]; /* [0] revenue, [1] minutes */
    const char *profit_value;
};

/* Read and validate the schema section; strings point into p (keep p alive). */
int schema_read(const struct params *p, struct schema *s, struct err *e);
void schema_free(struct schema *s);

/* The schema_period for a file role (FILE_REVENUE or FILE_MINUTES), else NULL. */
const struct schema_period *schema_period_of(const struct schema *s, enum schema_file_role role);

#endif
