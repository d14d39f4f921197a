/* merge_study: one row per customer (stages/merge.c is its table of
 * contents). The period tables (revenue by month, minutes by month) are
 * pivoted wide with the column names of schema.periods and joined to the
 * customer table on the id; ids that do not match are counted. */
#ifndef OC_MERGE_STUDY_H
#define OC_MERGE_STUDY_H

#include "core/err.h"
#include "io/kv.h"
#include "io/schema.h"
#include "io/table.h"

struct merge_study {
    const struct schema *s;
    struct table *t[FILE_COUNT]; /* the cleaned tables (profit is not merged) */
    long id_col;                 /* of the customers table */
    struct table *m;             /* the merged table */
    struct kv *kv;               /* the counts */
};

/* The cleaned customers, revenue and minutes tables from in/. */
int merge_study_read(struct merge_study *ms, const char *in, struct err *e);
/* Pivot and join; how_inner: leave out a customer without every period value. */
int merge_study_run(struct merge_study *ms, int how_inner, struct err *e);
void merge_study_free(struct merge_study *ms);

#endif
