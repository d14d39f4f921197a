/* report: what the `report` stage assembles before it writes anything — the
 * stages' kv files and tables, the Russian labels of params.yaml `report:`
 * and `labels:`, the lines of the summary sheet and the conclusions — shared
 * by the workbook's sheets (report_sheets.c) and the literate report.
 *
 * Each stage of the study feeds the report through one "part": its files are
 * read by report_read_kv / report_read_table, its sheets are functions of the
 * form report_sheet_fn, its sentences live in params.yaml
 * report.conclusions. Adding a stage is adding a part; nothing else moves. */
#ifndef OC_REPORT_H
#define OC_REPORT_H

#include <stddef.h>
#include <time.h>

#include "core/err.h"
#include "io/kv.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"
#include "out/xlsxout.h"

/* One line of the summary sheet (Сводка): a heading when value is NULL. */
struct report_line {
    char *label, *value;
    enum xlsxout_kind kind;
};

struct report_table {
    char *name; /* the file's stem: "quality" for quality.tsv */
    struct table *t;
};

struct report {
    const struct params *p; /* params.yaml: the settings */
    const struct params *t; /* report/text.ru.yaml: the reader's text */
    const struct schema *s;
    const char *interim, *out, *data_dir, *version, *commit;
    int synthetic;
    time_t created;
    struct kvset *kv;            /* kv files by stem, and "conclusions" */
    struct kv *concl;            /* the report's own values and sentences (owned by kv) */
    struct report_table *tables; /* TSV files the parts read */
    size_t n_tables;
    struct report_line *lines; /* Сводка, in order */
    size_t n_lines;
    struct xlsxout *x; /* the workbook being written */
};

/* A sheet: written from what the parts read; 0 or an ERR_* code. */
typedef int (*report_sheet_fn)(struct report *r, const char *sheet_name, struct err *e);

struct report *report_alloc(const struct params *p, const struct params *t, const struct schema *s, struct err *e);
void report_free(struct report *r);

/* Read interim/<stem>.kv into the kv set under its stem. */
int report_read_kv(struct report *r, const char *stem, struct err *e);
/* Read interim/<stem>.tsv (string columns: force_str) under its stem. */
int report_read_table(struct report *r, const char *stem, const char *const *force_str, struct err *e);
/* A table read before, or NULL. */
const struct table *report_table(const struct report *r, const char *stem);
/* A value of a kv file read before (or of "conclusions"); ERR_DATA naming the
 * file and key when absent. */
int report_value(const struct report *r, const char *stem, const char *key, const char **out, struct err *e);

/* A label: params.yaml report.<path> (a string); ERR_PARAMS naming the key. */
int report_label(const struct report *r, const char *path, const char **out, struct err *e);
/* report.yes_no: the words for no and yes, in that order. */
int report_yes_no(const struct report *r, const char *words[2], struct err *e);
/* The word for `code` in the map report.<map> (checks, actions, tables);
 * ERR_PARAMS naming the map and the code when it has none. */
int report_word(const struct report *r, const char *map, const char *code, const char **out, struct err *e);
/* The reader's name of a data column: labels.columns.<name> when present,
 * else the name itself. */
const char *report_column_label(const struct report *r, const char *name);

/* Append a line to the summary sheet (value NULL: a heading). */
int report_line_add(struct report *r, const char *label, const char *value, enum xlsxout_kind kind, struct err *e);

/* A line of the summary sheet as data: its label report.<label>, its value
 * <stem>.<key> of a kv the parts read (stem NULL: a heading). */
struct report_line_spec {
    const char *label, *stem, *key;
    enum xlsxout_kind kind;
};
/* Append n lines. */
int report_lines_add(struct report *r, const struct report_line_spec *l, size_t n, struct err *e);

/* Set conclusions.<key>. */
int report_fact(struct report *r, const char *key, const char *value, struct err *e);
int report_fact_double(struct report *r, const char *key, double value, struct err *e);
/* Every report.conclusions.<name> filled from the values read so far, into
 * conclusions.<name>. */
int report_conclusions(struct report *r, struct err *e);

/* Write an xlsxout table as TSV (for the HTML report's {{table:...}}). */
int report_write_tsv(const struct xlsxout_table *t, const char *path, struct err *e);

#endif
