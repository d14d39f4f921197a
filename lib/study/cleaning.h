/* cleaning: the mechanics of the clean stage — each function applies one rule
 * to a table and says how many rows it touched, and the quality log that
 * records every finding and action (data/interim/quality.tsv). */
#ifndef OC_CLEANING_H
#define OC_CLEANING_H

#include <stddef.h>

#include "core/hashset.h"
#include "io/table.h"

/* The quality log: one row per finding. `check` and `action` are stable codes
 * (the report translates them with labels from params.yaml). */
struct qlog {
    struct table *t; /* check, table, column, rows, action, detail */
};

int qlog_init(struct qlog *q, struct err *e);
void qlog_free(struct qlog *q);
int qlog_add(struct qlog *q, const char *check, const char *table, const char *column, size_t rows,
             const char *action, const char *detail, struct err *e);

/* Trim leading and trailing ASCII whitespace (and NBSP) in every string cell; *changed = cells changed. */
int clean_trim(struct table *t, size_t *changed, struct err *e);
/* Replace every cell of column col equal to `from` by `to`; *changed = cells replaced. */
int clean_replace(struct table *t, size_t col, const char *from, const char *to, size_t *changed, struct err *e);

/* The first row whose numeric value lies outside [min, max], or (size_t)-1. */
size_t clean_first_outside(const struct table *t, size_t col, double min, double max);

/* Add to `drop` the id of every row where column col is missing; *rows = count. */
int clean_mark_missing(const struct table *t, size_t id_col, size_t col, struct hashset *drop, size_t *rows,
                       struct err *e);

/* Rows identical in every column except id_col and skip_col (e.g. source_line):
 * *groups = groups of such rows, *extra = rows beyond the first of each group;
 * when mark is not NULL, those extra rows' ids are added to it. */
int clean_duplicates_but_id(const struct table *t, size_t id_col, long skip_col, size_t *groups, size_t *extra,
                            struct hashset *mark, char *detail, size_t detail_size, struct err *e);

/* Keep only rows whose id is not in drop; *removed = rows removed. */
int clean_drop_ids(struct table *t, size_t id_col, const struct hashset *drop, size_t *removed, struct err *e);

/* Append up to `max` of the set's ids (in insertion order) to buf, comma-separated. */
void clean_list_ids(const struct hashset *h, size_t max, char *buf, size_t size);

#endif
