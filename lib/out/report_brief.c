/* Сводка: the decision brief, one page a head of marketing acts on.
 *
 *   the question;
 *   the headline numbers, each a number with its format (never text), and a
 *   plain-words note beside it;
 *   the action table: per segment the customers, the mean probability, the
 *   expected loss, how many get an offer and how many are held back, the
 *   segment's first offer and its channel, the campaign's expected effect;
 *   a total row;
 *   what to do next, in three sentences;
 *   two native bar charts over the action table: customers and money by
 *   segment.
 *
 * Every number comes from the stages' files (segment.kv, segments.tsv,
 * recommendations.tsv, metrics.kv); the words from report/text.ru.yaml
 * report.brief. Without the segment part the brief falls back to the findings
 * sheet (report_sheet_summary). Rows are written top-down: the workbook
 * streams them out in order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_sheets.h"

#define SEG "segment/segments"
#define REC "segment/recommendations"

enum { NCOL = 9 };
static const double col_width[NCOL] = {30, 12, 13, 14, 13, 13, 47, 11, 14};

struct brief_fmt {
    lxw_format *title, *sect, *label, *note, *head, *text, *count, *pct, *money, *number, *total_text, *total_count,
        *total_money;
};

static lxw_format *fmt(lxw_workbook *wb, const char *num, int bold, int wrap)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f)
        return NULL;
    if (num)
        format_set_num_format(f, num);
    if (bold)
        format_set_bold(f);
    if (wrap)
        format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static int brief_formats(lxw_workbook *wb, struct brief_fmt *f)
{
    *f = (struct brief_fmt){fmt(wb, NULL, 1, 0),        fmt(wb, NULL, 1, 0),        fmt(wb, NULL, 0, 1),
                            fmt(wb, NULL, 0, 1),        report_header_format(wb),   fmt(wb, NULL, 0, 1),
                            fmt(wb, "#,##0", 0, 0),     fmt(wb, "0.0%", 0, 0),      fmt(wb, "#,##0.0", 0, 0),
                            fmt(wb, "0.000", 0, 0),     fmt(wb, NULL, 1, 1),        fmt(wb, "#,##0", 1, 0),
                            fmt(wb, "#,##0.0", 1, 0)};
    lxw_format **all = (lxw_format **)f;
    for (size_t k = 0; k < sizeof *f / sizeof *all; k++)
        if (!all[k])
            return -1;
    format_set_font_size(f->title, 14);
    format_set_font_size(f->sect, 12);
    format_set_bottom(f->sect, LXW_BORDER_THIN);
    format_set_font_color(f->note, 0x404040);
    format_set_italic(f->note);
    for (lxw_format **t = &f->total_text; t <= &f->total_money; t++)
        format_set_top(*t, LXW_BORDER_THIN);
    return 0;
}

/* Lines a text of width w takes in a merged cell of width cw. */
static double lines_of(const char *s, double cw)
{
    double per = cw > 4 ? cw - 3 : 1;
    return ceil((double)xlsxout_width(s) / per);
}

/* The width of columns from..to-1 together. */
static double span(size_t from, size_t to)
{
    double w = 0;
    for (size_t j = from; j < to; j++)
        w += col_width[j];
    return w;
}

/* A section heading across the page. */
static void section(lxw_worksheet *ws, lxw_row_t row, const char *title, const struct brief_fmt *f)
{
    worksheet_set_row(ws, row, 20, NULL);
    worksheet_merge_range(ws, row, 0, row, NCOL - 1, title, f->sect);
}

/* One headline number: its label (A:C), the value (D) and a note (E:I). */
struct headline {
    const char *key;   /* report.brief.<key> (label), report.brief.notes.<key> (note, optional) */
    const char *stem;  /* where the value is */
    const char *vkey;
    lxw_format *format;
};

static int headline_row(struct report *r, lxw_worksheet *ws, lxw_row_t row, const struct headline *h,
                        const struct brief_fmt *f, struct err *e)
{
    char path[128], notes[128];
    const char *label, *value;
    char *note = NULL;
    snprintf(path, sizeof path, "brief.%s", h->key);
    snprintf(notes, sizeof notes, "report.brief.notes.%s", h->key);
    int rc = report_label(r, path, &label, e);
    if (!rc)
        rc = report_value(r, h->stem, h->vkey, &value, e);
    if (!rc && params_find(r->t, NULL, notes))
        rc = report_sentence(r, notes + strlen("report."), &note, e);
    char *end;
    double v = rc ? 0 : strtod(value, &end);
    if (!rc && (!*value || *end))
        rc = err_set(e, ERR_DATA, "%s.kv: %s: expected a number, found \"%s\"", h->stem, h->vkey, value);
    if (!rc) {
        double n = fmax(lines_of(label, span(0, 3)), note ? lines_of(note, span(4, NCOL)) : 1);
        worksheet_set_row(ws, row, 15.0 * n + 2, NULL);
        worksheet_merge_range(ws, row, 0, row, 2, label, f->label);
        worksheet_write_number(ws, row, 3, v, h->format);
        if (note)
            worksheet_merge_range(ws, row, 4, row, NCOL - 1, note, f->note);
    }
    free(note);
    return rc;
}

/* The segment's first lever (rank 1 in recommendations.tsv): its offer as a
 * segment sees it, and its channel in words; empty when it has none. */
static int first_offer(const struct report *r, const char *seg, char **offer, const char **channel, struct err *e)
{
    const struct table *t = report_table(r, REC);
    const struct column *key, *rank;
    *offer = NULL;
    *channel = "";
    int rc = report_col(r, REC, "segment", COL_STR, &key, e);
    if (!rc)
        rc = report_col(r, REC, "rank", COL_NUM, &rank, e);
    for (size_t i = 0; !rc && i < t->nrows; i++) {
        if (!key->str[i] || strcmp(key->str[i], seg) != 0 || rank->num[i] != 1)
            continue;
        struct kv *kv = kv_alloc();
        rc = kv ? report_rec_row(r, i, kv, e) : err_set(e, ERR_NOMEM, "out of memory");
        if (!rc && !(*offer = strdup(kv_get(kv, "offer"))))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        const struct column *ch;
        if (!rc)
            rc = report_col(r, REC, "channel", COL_STR, &ch, e);
        if (!rc && ch->str[i])
            rc = report_word(r, "channels", ch->str[i], channel, e);
        kv_free(kv);
        break;
    }
    return rc;
}

static double kv_num(const struct report *r, const char *key, const char *seg, int *rc, struct err *e)
{
    char k[128];
    const char *v;
    snprintf(k, sizeof k, "%s_%s", key, seg);
    if (*rc || (*rc = report_value(r, "segment", k, &v, e)))
        return NAN;
    return strtod(v, NULL);
}

/* A row of the action table as text: v = customers, mean probability, loss,
 * sent, held back, effect (NaN: empty). */
static int html_row(struct xlsxout_table *t, const char *name, const double *v, const char *offer,
                    const char *channel, struct err *e)
{
    char num[6][64];
    for (size_t k = 0; k < 6; k++)
        report_num(v[k], num[k], sizeof num[k]);
    const char *cells[NCOL] = {name, num[0], num[1], num[2], num[3], num[4], offer, channel, num[5]};
    return xlsxout_table_add_row(t, cells, e);
}

/* The action table's rows; *next is the row after the total. The same rows
 * go to tables/brief.tsv for the HTML (report_write_shown). */
static int action_table(struct report *r, lxw_worksheet *ws, lxw_row_t row, const struct brief_fmt *f,
                        lxw_row_t *next, struct err *e)
{
    static const enum xlsxout_kind hk[NCOL] = {XLSXOUT_TEXT, XLSXOUT_INT,  XLSXOUT_PERCENT, XLSXOUT_MONEY, XLSXOUT_INT,
                                               XLSXOUT_INT,  XLSXOUT_TEXT, XLSXOUT_TEXT,    XLSXOUT_MONEY};
    struct xlsxout_table *ht = NULL;
    static const char *const codes[NCOL] = {"segment", "n", "mean_probability", "expected_loss", "campaign_n",
                                            "control_n", "offer", "channel", "campaign_net"};
    const char *h[NCOL];
    const struct table *t = report_table(r, SEG);
    const struct column *key, *name, *n, *prob, *loss;
    int rc = report_headers(r, "brief", codes, NCOL, h, e);
    if (!rc)
        rc = report_col(r, SEG, "segment", COL_STR, &key, e);
    if (!rc)
        rc = report_col(r, SEG, "name", COL_STR, &name, e);
    if (!rc)
        rc = report_col(r, SEG, "n", COL_NUM, &n, e);
    if (!rc)
        rc = report_col(r, SEG, "mean_probability", COL_NUM, &prob, e);
    if (!rc)
        rc = report_col(r, SEG, "profit_at_risk", COL_NUM, &loss, e);
    if (!rc && !(ht = xlsxout_table_alloc(NCOL, h, hk)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (rc)
        return rc;
    double hl = 1;
    for (size_t j = 0; j < NCOL; j++)
        hl = fmax(hl, lines_of(h[j], col_width[j] + 2));
    worksheet_set_row(ws, row, 15.0 * hl + 3, NULL);
    for (size_t j = 0; j < NCOL; j++)
        worksheet_write_string(ws, row, (lxw_col_t)j, h[j], f->head);
    row++;
    for (size_t i = 0; i < t->nrows && !rc; i++, row++) {
        char *offer = NULL;
        const char *channel;
        rc = first_offer(r, key->str[i], &offer, &channel, e);
        double sent = kv_num(r, "campaign_n", key->str[i], &rc, e), held = kv_num(r, "control_n", key->str[i], &rc, e),
               net = kv_num(r, "campaign_net", key->str[i], &rc, e);
        if (!rc) {
            double lines = fmax(offer ? lines_of(offer, col_width[6]) : 1, lines_of(name->str[i], col_width[0]));
            worksheet_set_row(ws, row, 15.0 * lines + 2, NULL);
            worksheet_write_string(ws, row, 0, name->str[i], f->text);
            worksheet_write_number(ws, row, 1, n->num[i], f->count);
            worksheet_write_number(ws, row, 2, prob->num[i], f->pct);
            worksheet_write_number(ws, row, 3, loss->num[i], f->money);
            worksheet_write_number(ws, row, 4, sent, f->count);
            worksheet_write_number(ws, row, 5, held, f->count);
            if (offer && sent > 0) {
                worksheet_write_string(ws, row, 6, offer, f->text);
                worksheet_write_string(ws, row, 7, channel, f->text);
            }
            worksheet_write_number(ws, row, 8, net, f->money);
            rc = html_row(ht, name->str[i], (double[]){n->num[i], prob->num[i], loss->num[i], sent, held, net},
                          offer && sent > 0 ? offer : NULL, offer && sent > 0 ? channel : NULL, e);
        }
        free(offer);
    }
    const char *total, *loss_all;
    if (!rc)
        rc = report_label(r, "brief.total", &total, e);
    if (!rc)
        rc = report_value(r, "segment", "expected_loss_total", &loss_all, e);
    double n_all = 0;
    for (size_t i = 0; i < t->nrows; i++)
        n_all += n->num[i];
    double sent = kv_num(r, "campaign_n", "all", &rc, e), held = kv_num(r, "control_n", "all", &rc, e),
           net = kv_num(r, "campaign_net", "all", &rc, e);
    if (!rc) {
        worksheet_write_string(ws, row, 0, total, f->total_text);
        worksheet_write_number(ws, row, 1, n_all, f->total_count);
        worksheet_write_blank(ws, row, 2, f->total_text);
        worksheet_write_number(ws, row, 3, strtod(loss_all, NULL), f->total_money);
        worksheet_write_number(ws, row, 4, sent, f->total_count);
        worksheet_write_number(ws, row, 5, held, f->total_count);
        worksheet_write_blank(ws, row, 6, f->total_text);
        worksheet_write_blank(ws, row, 7, f->total_text);
        worksheet_write_number(ws, row, 8, net, f->total_money);
        rc = html_row(ht, total, (double[]){n_all, NAN, strtod(loss_all, NULL), sent, held, net}, NULL, NULL, e);
    }
    if (!rc)
        rc = report_write_shown(r, ht, NULL, 0, "brief", e);
    xlsxout_table_free(ht);
    *next = row + 1;
    return rc;
}

/* The two charts over the action table (header at `head`, n segments). */
static int charts(struct report *r, lxw_worksheet *ws, const char *name, lxw_row_t at, lxw_row_t head, size_t n,
                  struct err *e)
{
    static const struct {
        const char *title;
        lxw_col_t col, value;
    } c[] = {{"brief.chart_customers", 0, 1}, {"brief.chart_loss", 4, 3}};
    /* Side by side under the table: A:D and E:I are each about 480 px. */
    int rc = ERR_OK;
    for (size_t k = 0; k < 2 && !rc; k++) {
        const char *title;
        rc = report_label(r, c[k].title, &title, e);
        if (!rc)
            rc = xlsxout_range_chart(r->x, ws, at, c[k].col, name, head + 1, head + (lxw_row_t)n, 0, c[k].value, title,
                                     e);
    }
    return rc;
}

static int headlines(struct report *r, lxw_worksheet *ws, lxw_row_t *row, const struct brief_fmt *f, struct err *e)
{
    const struct headline h[] = {
        {"customers", "merge", "rows", f->count},
        {"decline_share", "conclusions", "positive_share", f->pct},
        {"roc_auc", "metrics", "test_roc_auc", f->number},
        {"expected_loss", "segment", "expected_loss_total", f->money},
        {"targeted", "segment", "target_ev_n", f->count},
        {"campaign_n", "segment", "campaign_n_all", f->count},
        {"control_n", "segment", "control_n_all", f->count},
        {"campaign_net", "segment", "campaign_net_all", f->money},
    };
    int rc = ERR_OK;
    for (size_t k = 0; k < sizeof h / sizeof h[0] && !rc; k++) {
        const char *v;
        struct err quiet = {0};
        /* A part that did not run (evaluate) leaves its line out. */
        if (report_value(r, h[k].stem, h[k].vkey, &v, &quiet))
            continue;
        rc = headline_row(r, ws, (*row)++, &h[k], f, e);
    }
    return rc;
}

/* The question, under the title and the synthetic-data banner. */
static int opening(struct report *r, lxw_worksheet *ws, lxw_row_t *row, const struct brief_fmt *f, struct err *e)
{
    const char *title, *question, *banner = NULL;
    int rc = report_label(r, "title", &title, e);
    if (!rc)
        rc = report_label(r, "question", &question, e);
    if (!rc && r->synthetic)
        rc = report_label(r, "synthetic", &banner, e);
    if (rc)
        return rc;
    double page = span(0, NCOL);
    worksheet_set_row(ws, 0, 22, NULL);
    worksheet_write_string(ws, 0, 0, title, f->title);
    *row = 1;
    if (banner) {
        worksheet_set_row(ws, *row, 15.0 * lines_of(banner, page) + 4, NULL);
        worksheet_merge_range(ws, *row, 0, *row, NCOL - 1, banner, r->x->fmt.header);
        (*row)++;
    }
    worksheet_set_row(ws, *row, 15.0 * lines_of(question, page) + 2, NULL);
    worksheet_merge_range(ws, *row, 0, *row, NCOL - 1, question, f->text);
    *row += 2;
    return ERR_OK;
}

/* The three next steps (conclusions.next_*, set by the segment part). */
static int next_steps(struct report *r, lxw_worksheet *ws, lxw_row_t *row, const struct brief_fmt *f, struct err *e)
{
    static const char *const keys[] = {"next_crm", "next_control", "next_money"};
    double page = span(0, NCOL);
    int rc = ERR_OK;
    for (size_t k = 0; k < 3 && !rc; k++) {
        const char *s;
        rc = report_value(r, "conclusions", keys[k], &s, e);
        if (!rc) {
            worksheet_set_row(ws, *row, 15.0 * lines_of(s, page) + 2, NULL);
            worksheet_merge_range(ws, *row, 0, *row, NCOL - 1, s, f->text);
            (*row)++;
        }
    }
    return rc;
}

int report_sheet_brief(struct report *r, const char *name, struct err *e)
{
    if (!report_table(r, SEG))
        return report_sheet_summary(r, name, e);
    lxw_worksheet *ws = workbook_add_worksheet(r->x->wb, name);
    struct brief_fmt f;
    if (!ws || brief_formats(r->x->wb, &f))
        return err_set(e, ERR_DATA, "sheet \"%s\": cannot add (a duplicate or invalid name?)", name);
    int rc;
    for (size_t j = 0; j < NCOL; j++)
        worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, col_width[j], NULL);
    lxw_row_t row = 0, head;
    const char *s_main, *s_act, *s_next;
    rc = opening(r, ws, &row, &f, e);
    if (!rc)
        rc = report_label(r, "brief.main", &s_main, e);
    if (!rc)
        rc = report_label(r, "brief.actions", &s_act, e);
    if (!rc)
        rc = report_label(r, "brief.next_steps", &s_next, e);
    if (!rc) {
        section(ws, row++, s_main, &f);
        rc = headlines(r, ws, &row, &f, e);
    }
    if (!rc) {
        section(ws, ++row, s_act, &f);
        head = row + 1;
        rc = action_table(r, ws, head, &f, &row, e);
    }
    if (!rc) {
        section(ws, ++row, s_next, &f);
        row++;
        rc = next_steps(r, ws, &row, &f, e);
    }
    if (!rc)
        rc = charts(r, ws, name, row + 1, head, report_table(r, SEG)->nrows, e);
    if (!rc) {
        worksheet_set_paper(ws, 9);
        worksheet_set_landscape(ws);
        worksheet_fit_to_pages(ws, 1, 1);
        worksheet_activate(ws);
    }
    return rc;
}
