/* clean_study: the cleaning rules in the order they run (stages/clean.c is
 * its table of contents): whitespace, typos, period labels, impossible
 * values, missing values, duplicates, inactive customers, entry errors; every
 * check goes to the quality log, and the customers any rule marks are
 * dropped from every table. */
#ifndef OC_CLEAN_STUDY_H
#define OC_CLEAN_STUDY_H

#include "core/err.h"
#include "core/hashset.h"
#include "io/kv.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"
#include "study/cleaning.h"

struct clean_study {
    const struct params *p;
    const struct schema *s;
    struct table *t[FILE_COUNT];
    size_t id[FILE_COUNT];
    struct qlog q;
    struct kv *kv;
    struct hashset *drop; /* ids of customers to drop, every rule adds to it */
    struct err e;
};

/* The clean section's keys. Errors in c->e. */
int clean_study_setup(struct clean_study *c, const struct params *p, const struct schema *s);
/* The four tables load wrote (in/ROLE.tsv). */
int clean_study_read(struct clean_study *c, const char *in);
/* Every rule, in order. */
int clean_study_run(struct clean_study *c);
/* Drop the marked customers; the tables into out/, the quality log, clean.kv. */
int clean_study_write(struct clean_study *c, const char *out, const char *quality, const char *kv_path);
void clean_study_free(struct clean_study *c);

#endif
