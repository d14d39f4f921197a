/* report_sheets: the workbook's sheets. One function per sheet, fed by the
 * files of the stage it shows (read into struct report by that stage's part
 * function); the stage program lists them in the order they appear.
 *
 *   part "data" (load, clean, merge): report_data_read reads load.kv,
 *   clean.kv, merge.kv, quality.tsv, customers.tsv; sheets Качество данных
 *   (report_sheet_quality) and Клиенты (report_sheet_customers).
 *   parts "eda", "corr", "train", "evaluate" (report_stages.c): sheets
 *   Статистика, Корреляции, Модели, Метрики.
 *   part "explain" (report_explain.c): explain.kv, explain/importance.tsv;
 *   sheet Важность признаков.
 *   part "segment" (report_segment.c): segment.kv and the segment/ tables; sheets
 *   Сегменты and Рекомендации (report_recommend.c), and the Клиенты sheet
 *   gains each customer's probability, segment, drivers and offers.
 *   Always: Сводка (report_sheet_summary) first, Параметры
 *   (report_sheet_params) last.
 *
 * A sheet whose table the literate report shows also writes it, with the
 * same Russian headers, to <out>/tables/<stem>.tsv for {{table:...}}. */
#ifndef OC_REPORT_SHEETS_H
#define OC_REPORT_SHEETS_H

#include "out/report.h"

/* ---- parts: read a stage's files and set its facts (conclusions.*); then,
 * once the conclusions are computed, add its lines to the summary ---- */
int report_data_read(struct report *r, struct err *e);
int report_data_summary(struct report *r, struct err *e);

int report_eda_read(struct report *r, struct err *e);
int report_eda_summary(struct report *r, struct err *e);
int report_corr_read(struct report *r, struct err *e);
int report_train_read(struct report *r, struct err *e);
int report_evaluate_read(struct report *r, struct err *e);
int report_evaluate_summary(struct report *r, struct err *e);
int report_explain_read(struct report *r, struct err *e);
int report_explain_summary(struct report *r, struct err *e);
int report_segment_read(struct report *r, struct err *e);
int report_segment_summary(struct report *r, struct err *e);

/* ---- sheets (report_sheet_fn) ---- */
int report_sheet_summary(struct report *r, const char *name, struct err *e);  /* the findings, line by line */
int report_sheet_brief(struct report *r, const char *name, struct err *e);    /* the one-page decision brief */
int report_sheet_glossary(struct report *r, const char *name, struct err *e); /* the terms in plain words */
int report_sheet_quality(struct report *r, const char *name, struct err *e);
int report_sheet_customers(struct report *r, const char *name, struct err *e);
int report_sheet_params(struct report *r, const char *name, struct err *e);
int report_sheet_stats(struct report *r, const char *name, struct err *e);   /* eda/numeric.tsv */
int report_sheet_corr(struct report *r, const char *name, struct err *e);    /* corr/phik.tsv, colour scale */
int report_sheet_models(struct report *r, const char *name, struct err *e);  /* train/candidates.tsv */
int report_sheet_metrics(struct report *r, const char *name, struct err *e); /* evaluate/metrics.tsv, ROC */
int report_sheet_importance(struct report *r, const char *name, struct err *e);      /* bar chart, beeswarm */
int report_sheet_segments(struct report *r, const char *name, struct err *e);        /* segments, profile, what-if */
int report_sheet_recommendations(struct report *r, const char *name, struct err *e); /* levers per segment */
int report_sheet_targeting(struct report *r, const char *name, struct err *e); /* who gets offers, sensitivity */
int report_sheet_crm(struct report *r, const char *name, struct err *e); /* the CRM list, and offers.csv */
/* segment/sensitivity.tsv, for report_sheet_targeting (report_target.c). */
int report_target_read(struct report *r, struct err *e);

/* ---- helpers for sheet functions ---- */
/* Write t as a sheet (xlsxout_sheet_from_table), with headers wrapped to
 * at most three lines so that long Russian labels do not make number columns
 * wide, the header row and the first frozen_cols columns frozen; and, when
 * stem is not NULL, as <out>/tables/<stem>.tsv. */
int report_emit_table(struct report *r, const char *name, const char *stem, const struct xlsxout_table *t,
                      unsigned frozen_cols, lxw_worksheet **ws, struct err *e);
/* interim/<stem>.tsv (read by a part) as a sheet, without the skip columns
 * (NULL-terminated, or NULL); headers from report.headers, else
 * labels.columns, else as they are; integers as integers, other numbers with
 * three decimals. *ws and *out (optional; free *out) receive the sheet and
 * the table written. */
int report_tsv_sheet(struct report *r, const char *name, const char *stem, const char *html_stem,
                     const char *const *skip, lxw_worksheet **ws, struct xlsxout_table **out, struct err *e);
/* A number as a cell string, %.17g (exact); "" for NaN. */
void report_num(double x, char *buf, size_t size);
/* Longest word of s, in code points; what a cell shows, in characters,
 * roughly as Excel formats it. */
size_t report_longest_word(const char *s);
/* Ids that are all plain integers (no leading zero, at most 15 digits) are
 * shown as numbers (no "number stored as text"); any other id as text. */
enum xlsxout_kind report_id_kind(char *const *ids, size_t n);
size_t report_shown_width(enum xlsxout_kind k, const char *s);
/* Column widths for t's header wrapped over its data: each column fits its
 * data, the longest word of its header and a third of the header, within
 * [8, maxw] and at least width[j] as given; width[j] receives it. Returns
 * the lines the most wrapped header takes. */
size_t report_fit_header(const struct xlsxout_table *t, size_t maxw, size_t *width);
/* A new format for table headers: bold, light blue, a thin bottom border,
 * wrapped and top-aligned (NULL when out of memory). */
lxw_format *report_header_format(lxw_workbook *wb);

/* ---- report_blocks.c ---- */
/* The n headers report.columns.<table>.<code> of the codes, into out. */
int report_headers(const struct report *r, const char *table, const char *const *codes, size_t n, const char **out,
                   struct err *e);
/* The column `name` of the table read as interim/<stem>.tsv, of that type;
 * ERR_DATA naming the file and the column when absent. */
int report_col(const struct report *r, const char *stem, const char *name, enum col_type type,
               const struct column **out, struct err *e);
/* t on ws from `row`: a bold title line (unless NULL), a wrapped header,
 * the cells in their kinds' formats. width[ncols] holds the sheet's column
 * widths so far and is widened to fit t (apply with report_block_widths);
 * *next is the first row after the block. */
int report_block(struct report *r, lxw_worksheet *ws, unsigned row, const char *title, const struct xlsxout_table *t,
                 size_t *width, unsigned *next, struct err *e);
void report_block_widths(lxw_worksheet *ws, const size_t *width, size_t n);
/* A sheet of tables one under the other: the first, untitled, with its header
 * on row 1 (frozen, autofilter), the others under their titles; the columns
 * as wide as the widest. *ws: the sheet; *next: the first row after. */
struct report_sheet_block {
    const char *title;
    const struct xlsxout_table *t;
};
int report_blocks_sheet(struct report *r, const char *name, const struct report_sheet_block *b, size_t n,
                        lxw_worksheet **ws, unsigned *next, struct err *e);
/* The end of a table builder: *out = t when rc is 0, else t freed; rc. */
int report_table_out(int rc, struct xlsxout_table *t, struct xlsxout_table **out);
/* The sentence report.<path> citing only the kv files (*out: free it). */
int report_sentence(const struct report *r, const char *path, char **out, struct err *e);
/* The columns cols[0..ncols) of t (all when cols is NULL) as
 * <out>/tables/<stem>.tsv, each number as the reader sees it (12,7 %,
 * 1 234,56, 0,123, 1 296; GENERAL columns are p-values: 0,012, < 0,001),
 * for the HTML report. */
int report_write_shown(const struct report *r, const struct xlsxout_table *t, const size_t *cols, size_t ncols,
                       const char *stem, struct err *e);
/* The sentence report.<path> (one template or a conclusion's items, see
 * report_text.h) citing {row.KEY} from row and {stem.key} from the kv files. */
int report_fill_row(const struct report *r, const char *path, const struct kv *row, char **out, struct err *e);

/* ---- report_recommend.c ---- */
/* An offer template with each {column} shown as [the column's label]
 * (*out malloc'ed). */
int report_offer_shown(const struct report *r, const char *tmpl, char **out, struct err *e);
/* Row i of segment/recommendations.tsv as kv: its numbers (%.17g), codes in
 * words (helps, channel), texts, offers as report_offer_shown shows them. */
int report_rec_row(const struct report *r, size_t i, struct kv *kv, struct err *e);
/* Whether the customers of segment `key` get offers (segments.tsv at_risk). */
int report_segment_at_risk(const struct report *r, const char *key, int *at_risk, struct err *e);

#endif
