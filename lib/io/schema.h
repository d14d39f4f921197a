/* schema: the `schema` section of params.yaml — which real column plays which
 * role. Stages name roles (id, target, nominal, ...), never column names.
 *
 * Every column of the export is named once, in schema.columns, under a key
 * (`promo_share: Акционные_покупки`); the roles here, the other sections of
 * params.yaml and report/text.ru.yaml refer to columns by key. The struct
 * below holds the export's names, resolved. */
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
    const char **keys, **columns; /* schema.columns: key -> the export's name, n_columns of each */
    size_t n_columns;
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

/* The export's name of the column with this key, or NULL. */
const char *schema_column(const struct schema *s, const char *key);
/* The key of an export's column; a column that is not in schema.columns (the
 * wide ones merge makes, named in schema.periods) is its own key. */
const char *schema_key(const struct schema *s, const char *column);
/* A column key written in params.yaml (the text `key`, at node n, inside
 * `what`) as the export's name; ERR_PARAMS naming file:line:col otherwise. */
int schema_column_at(const struct schema *s, const struct pnode *n, const char *key, const char *what,
                     const char **out, struct err *e);

/* The column the scalar at `path` of params.yaml names by its key. */
int schema_column_at_path(const struct params *p, const struct schema *s, const char *path, const char **out,
                          struct err *e);

/* The schema_period for a file role (FILE_REVENUE or FILE_MINUTES), else NULL. */
const struct schema_period *schema_period_of(const struct schema *s, enum schema_file_role role);

#endif
