/* load_study: read the four input CSVs, check them against the schema and
 * keep them as typed tables (stages/load.c is its table of contents). What
 * is checked is structure: the columns exist, numbers are numbers, ids are
 * unique, every customer has rows in each period table, the target has one of
 * its two labels. What the data mean is the clean stage's business. */
#ifndef OC_LOAD_STUDY_H
#define OC_LOAD_STUDY_H

#include "core/err.h"
#include "io/schema.h"
#include "io/table.h"

struct load_study {
    const struct schema *s;
    int with_target;              /* require the target column (not when scoring new customers) */
    struct table *t[FILE_COUNT];  /* typed, with a source_line column */
    char paths[FILE_COUNT][4096]; /* the CSVs read, for messages */
    size_t orphans[FILE_COUNT];   /* rows of a period or profit table whose id is no customer's */
};

/* One CSV at a time from in/ (schema.files): read, convert, check. */
int load_study_read(struct load_study *ls, const char *in, struct err *e);
/* ROLE.tsv into out/, and load.kv (row counts, file names). */
int load_study_write(const struct load_study *ls, const char *out, const char *kv_path, struct err *e);
void load_study_free(struct load_study *ls);

#endif
