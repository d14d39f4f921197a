/* eda_study: what the data look like, and how the two classes differ,
 * before any model (stages/eda.c is its table of contents): statistics of
 * every column overall and by class, frequencies, the SMD ranking, the
 * findings (eda.kv), and the data of every figure, listed in figures.txt. */
#ifndef OC_EDA_STUDY_H
#define OC_EDA_STUDY_H

#include "core/err.h"
#include "core/hashset.h"
#include "io/kv.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"
#include "out/textref.h"
#include "study/eda.h"

/* The tables eda reads: the three cleaned ones and the merged customers. */
enum { EDA_T_CLEAN_CUSTOMERS, EDA_T_CLEAN_REVENUE, EDA_T_CLEAN_MINUTES, EDA_T_CUSTOMERS, EDA_T_COUNT };

struct eda_study {
    const struct params *p;
    const struct schema *s;
    struct table *t[EDA_T_COUNT];
    int *cls[EDA_T_COUNT];
    const char *names[3]; /* class names (references): negative, positive, all */
    struct textrefs refs; /* the references to the reader's text the files get */
    long bins, max_discrete, top;
    struct table *numeric, *categorical, *smd;
    struct kv *kv;
    struct hashset *figs; /* figure names, in the order drawn */
    const char *figdir;
    struct err e;
};

/* The eda section; errors in c->e. */
int eda_study_setup(struct eda_study *c, const struct params *p, const struct schema *s, const char *figdir);
/* The cleaned tables (clean/) and the merged one, and each row's class. */
int eda_study_read(struct eda_study *c, const char *clean, const char *merged);
/* Statistics, frequencies, findings, SMD, and the figures' data (into figdir). */
int eda_study_run(struct eda_study *c);
/* numeric.tsv, categorical.tsv, smd.tsv and figures.txt into out/, eda.kv. */
int eda_study_write(struct eda_study *c, const char *out, const char *kv_path);
void eda_study_free(struct eda_study *c);

#endif
