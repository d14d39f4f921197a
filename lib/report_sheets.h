/* report_sheets: the workbook's sheets. One function per sheet, fed by the
 * files of the stage it shows (read into struct report by that stage's part
 * function); the stage program lists them in the order they appear.
 *
 *   part "data" (load, clean, merge): report_data_read reads load.kv,
 *   clean.kv, merge.kv, quality.tsv, customers.tsv; sheets Качество данных
 *   (report_sheet_quality) and Клиенты (report_sheet_customers).
 *   parts "eda", "corr", "train", "evaluate" (report_stages.c): sheets
 *   Статистика, Корреляции, Модели, Метрики.
 *   Always: Сводка (report_sheet_summary) first, Параметры
 *   (report_sheet_params) last.
 *
 * A sheet whose table the literate report shows also writes it, with the
 * same Russian headers, to <out>/tables/<stem>.tsv for {{table:...}}. */
#ifndef OC_REPORT_SHEETS_H
#define OC_REPORT_SHEETS_H

#include "report.h"

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

/* ---- sheets (report_sheet_fn) ---- */
int report_sheet_summary(struct report *r, const char *name, struct err *e);
int report_sheet_quality(struct report *r, const char *name, struct err *e);
int report_sheet_customers(struct report *r, const char *name, struct err *e);
int report_sheet_params(struct report *r, const char *name, struct err *e);
int report_sheet_stats(struct report *r, const char *name, struct err *e);   /* eda/numeric.tsv */
int report_sheet_corr(struct report *r, const char *name, struct err *e);    /* corr/phik.tsv, colour scale */
int report_sheet_models(struct report *r, const char *name, struct err *e);  /* train/candidates.tsv */
int report_sheet_metrics(struct report *r, const char *name, struct err *e); /* evaluate/metrics.tsv, ROC */

/* ---- helpers for sheet functions ---- */
/* Write t as a sheet (xlsxout_sheet_from_table), with headers wrapped to
 * at most three lines so that long Russian labels do not make number columns
 * wide; and, when stem is not NULL, as <out>/tables/<stem>.tsv. */
int report_emit_table(struct report *r, const char *name, const char *stem, const struct xlsxout_table *t,
                      lxw_worksheet **ws, struct err *e);
/* interim/<stem>.tsv (read by a part) as a sheet, without the skip columns
 * (NULL-terminated, or NULL); headers from report.headers, else
 * labels.columns, else as they are; integers as integers, other numbers with
 * three decimals. *ws and *out (optional; free *out) receive the sheet and
 * the table written. */
int report_tsv_sheet(struct report *r, const char *name, const char *stem, const char *html_stem,
                     const char *const *skip, lxw_worksheet **ws, struct xlsxout_table **out, struct err *e);
/* A number as a cell string, %.17g (exact); "" for NaN. */
void report_num(double x, char *buf, size_t size);

#endif
