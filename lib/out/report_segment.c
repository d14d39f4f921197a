/* The segment part of the report: whom to keep, and with what. Reads
 * segment.kv and segment/{segments,profile,recommendations,whatif,customers}.tsv;
 * sets the facts of the focus segment, its levers and the what-if
 * (conclusions.focus_*, whatif_*); adds the segments, the recommendations and
 * the sentences to Сводка; writes the sheet Сегменты (the segments, the
 * focus profile, the what-if labelled as an estimate, two figures). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "out/mdreport.h"
#include "out/report_sheets.h"

#define SEG "segment/segments"
#define REC "segment/recommendations"
#define WIF "segment/whatif"
#define PRO "segment/profile"

static const char *const seg_nums[] = {"n", "share", "mean_probability", "profit_total", "profit_mean",
                                       "profit_at_risk", "profit_at_risk_share", "focus", "at_risk", NULL};

/* Row i of segments.tsv as kv: key, name and the numbers. */
static int seg_row(const struct report *r, size_t i, struct kv *kv, struct err *e)
{
    const struct column *c;
    int rc = ERR_OK;
    for (size_t k = 0; seg_nums[k] && !rc; k++) {
        char buf[64];
        rc = report_col(r, SEG, seg_nums[k], COL_NUM, &c, e);
        report_num(rc ? NAN : c->num[i], buf, sizeof buf);
        if (!rc)
            rc = kv_set_str(kv, seg_nums[k], buf, e);
    }
    static const char *const texts[] = {"segment", "name", NULL};
    for (size_t k = 0; texts[k] && !rc; k++) {
        rc = report_col(r, SEG, texts[k], COL_STR, &c, e);
        if (!rc)
            rc = kv_set_str(kv, texts[k], c->str[i] ? c->str[i] : "", e);
    }
    /* An empty segment has no means: its sentences say so instead. */
    if (!rc)
        rc = kv_set_str(kv, "empty", strtod(kv_get(kv, "n"), NULL) > 0 ? "0" : "1", e);
    return rc;
}

/* The segments' rows by decreasing profit at risk (ties: file order). */
static int by_par(const struct report *r, size_t **order, size_t *n, struct err *e)
{
    const struct column *par;
    int rc = report_col(r, SEG, "profit_at_risk", COL_NUM, &par, e);
    if (rc)
        return rc;
    *n = report_table(r, SEG)->nrows;
    size_t *o = malloc((*n + 1) * sizeof *o);
    if (!o)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        size_t j = i;
        for (; j > 0 && par->num[o[j - 1]] < par->num[i]; j--)
            o[j] = o[j - 1];
        o[j] = i;
    }
    *order = o;
    return ERR_OK;
}

static int read_tables(struct report *r, struct err *e)
{
    static const char *const seg_str[] = {"segment", "name", "risk", "profit_level", NULL};
    static const char *const pro_str[] = {"feature", "kind", "level", "test", "label", NULL};
    static const char *const rec_str[] = {"segment", "segment_name", "feature", "label", "helps",
                                          "channel", "offer",        "site_offer", NULL};
    static const char *const wif_str[] = {"segment", "feature", "label", "helps", "note", NULL};
    static const char *const cus_str[] = {"id",          "source",        "risk",           "profit_level",
                                          "segment",     "segment_name",  "consent_denied", "drivers",
                                          "offers",      "channels",      "offers_from",    "lever_drivers",
                                          "context_drivers", "offer_code", "offer", "channel", "offer2_code",
                                          "offer2",      "channel2",      "reason", NULL};
    int rc = report_read_kv(r, "segment", e);
    if (!rc)
        rc = report_read_table(r, SEG, seg_str, e);
    if (!rc)
        rc = report_read_table(r, PRO, pro_str, e);
    if (!rc)
        rc = report_read_table(r, REC, rec_str, e);
    if (!rc)
        rc = report_read_table(r, WIF, wif_str, e);
    if (!rc)
        rc = report_read_table(r, "segment/customers", cus_str, e);
    return rc;
}

/* conclusions.focus_*: the focus segment's numbers and whether its profit
 * at risk is the largest; focus_levers: its first levers in words. */
static int focus_facts(struct report *r, struct err *e)
{
    const struct column *focus, *par, *key;
    int rc = report_col(r, SEG, "focus", COL_NUM, &focus, e);
    if (!rc)
        rc = report_col(r, SEG, "profit_at_risk", COL_NUM, &par, e);
    if (!rc)
        rc = report_col(r, SEG, "segment", COL_STR, &key, e);
    if (rc)
        return rc;
    size_t n = report_table(r, SEG)->nrows, f = n;
    double max_other = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (focus->num[i] != 0 && f == n)
            f = i;
    if (f == n)
        return err_set(e, ERR_DATA, "%s/%s.tsv: expected a focus segment (focus = 1), found none", r->interim, SEG);
    for (size_t i = 0; i < n; i++)
        if (i != f && par->num[i] > max_other)
            max_other = par->num[i];
    struct kv *row = kv_alloc();
    if (!row)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = seg_row(r, f, row, e);
    static const char *const facts[][2] = {{"n", "focus_n"},
                                           {"share", "focus_share"},
                                           {"mean_probability", "focus_mean_probability"},
                                           {"profit_total", "focus_profit"},
                                           {"profit_at_risk", "focus_par"},
                                           {"profit_at_risk_share", "focus_par_share"}};
    for (size_t k = 0; k < sizeof facts / sizeof facts[0] && !rc; k++)
        rc = report_fact(r, facts[k][1], kv_get(row, facts[k][0]), e);
    int empty = !rc && strcmp(kv_get(row, "empty"), "1") == 0;
    if (!rc)
        rc = report_fact(r, "focus_empty", empty ? "1" : "0", e);
    if (!rc)
        rc = report_fact(r, "focus_par_is_largest", par->num[f] > max_other ? "1" : "0", e);
    kv_free(row);
    /* No customers, no levers to name (their means are undefined). */
    if (!rc && empty)
        return report_fact(r, "focus_levers", "", e);

    /* Its first report.focus_levers levers, numbered, in rank order. */
    long want;
    const struct column *rs;
    if (!rc)
        rc = params_long(r->p, "report.focus_levers", 1, 100, &want, e);
    if (!rc)
        rc = report_col(r, REC, "segment", COL_STR, &rs, e);
    char text[8192] = "";
    size_t len = 0, said = 0;
    for (size_t i = 0; !rc && i < report_table(r, REC)->nrows && said < (size_t)want; i++) {
        if (!rs->str[i] || strcmp(rs->str[i], key->str[f]) != 0)
            continue;
        struct kv *kv = kv_alloc();
        char *s = NULL;
        rc = kv ? report_rec_row(r, i, kv, e) : err_set(e, ERR_NOMEM, "out of memory");
        if (!rc)
            rc = report_fill_row(r, "sentences.lever", kv, &s, e);
        if (!rc && len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%zu) %s", said ? "; " : "", said + 1, s);
        said++;
        free(s);
        kv_free(kv);
    }
    if (!rc && said == 0)
        rc = err_set(e, ERR_DATA, "%s/%s.tsv: expected the levers of the focus segment \"%s\", found none",
                     r->interim, REC, key->str[f]);
    return rc ? rc : report_fact(r, "focus_levers", text, e);
}

/* conclusions.whatif_*: the lever that saves the most profit at risk. */
static int whatif_facts(struct report *r, struct err *e)
{
    const struct column *saved, *label, *before, *after, *moved, *pb;
    int rc = report_col(r, WIF, "profit_at_risk_saved", COL_NUM, &saved, e);
    if (!rc)
        rc = report_col(r, WIF, "label", COL_STR, &label, e);
    if (!rc)
        rc = report_col(r, WIF, "mean_probability_before", COL_NUM, &before, e);
    if (!rc)
        rc = report_col(r, WIF, "mean_probability_after", COL_NUM, &after, e);
    if (!rc)
        rc = report_col(r, WIF, "n_moved", COL_NUM, &moved, e);
    if (!rc)
        rc = report_col(r, WIF, "profit_at_risk_before", COL_NUM, &pb, e);
    if (rc)
        return rc;
    size_t n = report_table(r, WIF)->nrows, best = n;
    for (size_t i = 0; i < n; i++)
        if (best == n || saved->num[i] > saved->num[best])
            best = i;
    /* No lever, or none that lowers the risk: the sentence is not said. */
    int helps = best < n && saved->num[best] > 0;
    rc = report_fact(r, "whatif_helps", helps ? "1" : "0", e);
    if (!rc)
        rc = report_fact(r, "whatif_label", helps && label->str[best] ? label->str[best] : "", e);
    static const char *const keys[] = {"whatif_saved", "whatif_before", "whatif_after", "whatif_moved",
                                       "whatif_par_before"};
    const struct column *cols[] = {saved, before, after, moved, pb};
    for (size_t k = 0; k < 5 && !rc; k++)
        rc = report_fact_double(r, keys[k], helps ? cols[k]->num[best] : 0, e);
    return rc;
}

/* conclusions.risk_thresholds, profit_thresholds: the boundaries of the
 * levels as segment.kv has them (risk_threshold_1, 2...), "0,70; 0,90", a
 * median threshold marked so (report.median). */
static int threshold_facts(struct report *r, struct err *e)
{
    static const char *const kinds[] = {"risk", "profit"};
    const char *median, *unit;
    int rc = report_label(r, "median", &median, e);
    if (!rc)
        rc = report_label(r, "profit_threshold_unit", &unit, e);
    for (size_t k = 0; k < 2 && !rc; k++) {
        char text[2048] = "", key[64], out[128];
        size_t len = 0;
        for (int i = 1; !rc; i++) {
            snprintf(key, sizeof key, "%s_threshold_%d", kinds[k], i);
            const char *v = kvset_get(r->kv, "segment", key);
            if (!v)
                break;
            rc = mdreport_format(v, k ? "money" : "%.2f", out, sizeof out, e);
            snprintf(key, sizeof key, "%s_threshold_%d_rule", kinds[k], i);
            const char *rule = kvset_get(r->kv, "segment", key);
            int is_median = rule && strcmp(rule, "median") == 0;
            if (!rc && len < sizeof text)
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s%s%s%s%s", len ? "; " : "", out,
                                        k ? " " : "", k ? unit : "", is_median ? " " : "", is_median ? median : "");
        }
        snprintf(key, sizeof key, "%s_thresholds", kinds[k]);
        if (!rc)
            rc = report_fact(r, key, text, e);
    }
    return rc;
}

int report_segment_read(struct report *r, struct err *e)
{
    int rc = read_tables(r, e);
    if (!rc)
        rc = threshold_facts(r, e);
    if (!rc)
        rc = focus_facts(r, e);
    if (!rc)
        rc = whatif_facts(r, e);
    if (!rc)
        rc = report_target_read(r, e);
    /* What to do next: the brief's three sentences, for the HTML too. */
    static const char *const next[][2] = {
        {"brief.next.crm", "next_crm"}, {"brief.next.control", "next_control"}, {"brief.next.money", "next_money"}};
    for (size_t k = 0; k < 3 && !rc; k++) {
        char *s = NULL;
        rc = report_sentence(r, next[k][0], &s, e);
        if (!rc)
            rc = report_fact(r, next[k][1], s, e);
        free(s);
    }
    return rc;
}

/* The first levers of each segment whose customers get offers, under the
 * heading rec, segments in the order given. */
static int summary_levers(struct report *r, const char *rec, const size_t *order, size_t n, struct err *e)
{
    int rc = 0;
    long per;
    const struct column *rs, *rank;
    if (!rc)
        rc = params_long(r->p, "report.summary_levers", 1, 100, &per, e);
    if (!rc)
        rc = report_col(r, REC, "segment", COL_STR, &rs, e);
    if (!rc)
        rc = report_col(r, REC, "rank", COL_NUM, &rank, e);
    if (!rc)
        rc = report_line_add(r, rec, NULL, XLSXOUT_TEXT, e);
    const struct column *key = NULL;
    if (!rc)
        rc = report_col(r, SEG, "segment", COL_STR, &key, e);
    for (size_t k = 0; k < n && !rc; k++) {
        int at_risk = 0;
        const char *sk = key->str[order[k]] ? key->str[order[k]] : "";
        rc = report_segment_at_risk(r, sk, &at_risk, e);
        /* An empty segment has nobody to make an offer to. */
        const struct column *nseg;
        if (!rc)
            rc = report_col(r, SEG, "n", COL_NUM, &nseg, e);
        at_risk = at_risk && !rc && nseg->num[order[k]] > 0;
        for (size_t i = 0; at_risk && !rc && i < report_table(r, REC)->nrows; i++) {
            if (!rs->str[i] || strcmp(rs->str[i], sk) != 0 || rank->num[i] > (double)per)
                continue;
            struct kv *kv = kv_alloc();
            char *label = NULL, *value = NULL;
            rc = kv ? report_rec_row(r, i, kv, e) : err_set(e, ERR_NOMEM, "out of memory");
            if (!rc)
                rc = report_fill_row(r, "sentences.summary_lever_label", kv, &label, e);
            if (!rc)
                rc = report_fill_row(r, "sentences.summary_lever", kv, &value, e);
            if (!rc)
                rc = report_line_add(r, label, value, XLSXOUT_TEXT, e);
            free(label);
            free(value);
            kv_free(kv);
        }
    }
    return rc;
}

int report_segment_summary(struct report *r, struct err *e)
{
    static const struct report_line_spec head = {"summary.segments", NULL, NULL, XLSXOUT_TEXT},
                                          totals[] = {
                                              {"summary.profit_at_risk_total", "segment", "profit_at_risk_total",
                                               XLSXOUT_MONEY},
                                              {"summary.focus", "conclusions", "segments", XLSXOUT_TEXT},
                                          },
                                          whatif = {"summary.whatif", "conclusions", "whatif", XLSXOUT_TEXT},
                                          offers = {"summary.offers", "conclusions", "offers", XLSXOUT_TEXT};
    const char *rec, *wi;
    size_t *order = NULL, n = 0;
    int rc = report_label(r, "summary.recommendations", &rec, e);
    if (!rc)
        rc = report_value(r, "conclusions", "whatif", &wi, e);
    if (!rc)
        rc = by_par(r, &order, &n, e);
    if (!rc)
        rc = report_lines_add(r, &head, 1, e);
    /* Each segment, the one with the most profit at risk first. */
    for (size_t k = 0; k < n && !rc; k++) {
        struct kv *kv = kv_alloc();
        char *s = NULL;
        rc = kv ? seg_row(r, order[k], kv, e) : err_set(e, ERR_NOMEM, "out of memory");
        if (!rc)
            rc = report_fill_row(r, "sentences.summary_segment", kv, &s, e);
        if (!rc)
            rc = report_line_add(r, kv_get(kv, "name"), s, XLSXOUT_TEXT, e);
        free(s);
        kv_free(kv);
    }
    if (!rc)
        rc = report_lines_add(r, totals, 2, e);
    if (!rc)
        rc = summary_levers(r, rec, order, n, e);
    if (!rc && *wi)
        rc = report_lines_add(r, &whatif, 1, e);
    if (!rc)
        rc = report_lines_add(r, &offers, 1, e);
    free(order);
    return rc;
}

/* ---- Сегменты ---- */

static int segments_table(struct report *r, const char *yn[2], struct xlsxout_table **out, struct err *e)
{
    static const char *const codes[] = {"name",          "n",          "share",          "mean_probability",
                                        "profit_total",  "profit_mean", "profit_at_risk", "profit_at_risk_share",
                                        "at_risk",       "focus"};
    static const enum xlsxout_kind kinds[] = {XLSXOUT_TEXT,  XLSXOUT_INT,   XLSXOUT_PERCENT, XLSXOUT_PERCENT,
                                              XLSXOUT_MONEY, XLSXOUT_MONEY, XLSXOUT_MONEY,   XLSXOUT_PERCENT,
                                              XLSXOUT_TEXT,  XLSXOUT_TEXT};
    enum { NC = sizeof codes / sizeof codes[0] };
    const char *h[NC];
    int rc = report_headers(r, "segments", codes, NC, h, e);
    struct xlsxout_table *t = rc ? NULL : xlsxout_table_alloc(NC, h, kinds);
    if (!rc && !t)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < report_table(r, SEG)->nrows; i++) {
        struct kv *kv = kv_alloc();
        rc = kv ? seg_row(r, i, kv, e) : err_set(e, ERR_NOMEM, "out of memory");
        const char *cells[NC];
        for (size_t j = 0; j < NC && !rc; j++) {
            cells[j] = kv_get(kv, codes[j]);
            if (j >= 8)
                cells[j] = yn[strtod(cells[j], NULL) != 0];
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
        kv_free(kv);
    }
    return report_table_out(rc, t, out);
}

/* The focus profile: the numeric features by |standardized difference|,
 * then each category's levels with the shares. */
static int profile_tables(struct report *r, const char *yn[2], struct xlsxout_table **num, struct xlsxout_table **cat,
                          struct err *e)
{
    static const char *const ncodes[] = {"label", "segment", "reference", "smd", "p_holm", "significant"};
    static const char *const ccodes[] = {"label", "level", "segment_share", "reference_share", "p_holm", "significant"};
    static const enum xlsxout_kind nk[] = {XLSXOUT_TEXT,   XLSXOUT_NUMBER,  XLSXOUT_NUMBER,
                                           XLSXOUT_NUMBER, XLSXOUT_PVALUE, XLSXOUT_TEXT};
    static const enum xlsxout_kind ck[] = {XLSXOUT_TEXT,    XLSXOUT_TEXT,    XLSXOUT_PERCENT,
                                           XLSXOUT_PERCENT, XLSXOUT_PVALUE, XLSXOUT_TEXT};
    const char *nh[6], *ch[6];
    const struct column *kind, *label, *level, *sv, *rv, *smd, *ph;
    int rc = report_headers(r, "profile_numeric", ncodes, 6, nh, e);
    if (!rc)
        rc = report_headers(r, "profile_categories", ccodes, 6, ch, e);
    if (!rc)
        rc = report_col(r, PRO, "kind", COL_STR, &kind, e);
    if (!rc)
        rc = report_col(r, PRO, "label", COL_STR, &label, e);
    if (!rc)
        rc = report_col(r, PRO, "level", COL_STR, &level, e);
    if (!rc)
        rc = report_col(r, PRO, "segment", COL_NUM, &sv, e);
    if (!rc)
        rc = report_col(r, PRO, "reference", COL_NUM, &rv, e);
    if (!rc)
        rc = report_col(r, PRO, "smd", COL_NUM, &smd, e);
    if (!rc)
        rc = report_col(r, PRO, "p_holm", COL_NUM, &ph, e);
    if (rc)
        return rc;
    size_t n = report_table(r, PRO)->nrows, *o = malloc((n + 1) * sizeof *o), m = 0;
    *num = xlsxout_table_alloc(6, nh, nk);
    *cat = xlsxout_table_alloc(6, ch, ck);
    if (!o || !*num || !*cat)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    /* Numeric rows by decreasing |smd| (insertion: stable). */
    for (size_t i = 0; i < n && !rc; i++) {
        if (!kind->str[i] || strcmp(kind->str[i], "numeric") != 0)
            continue;
        size_t j = m++;
        for (; j > 0 && fabs(smd->num[o[j - 1]]) < fabs(smd->num[i]); j--)
            o[j] = o[j - 1];
        o[j] = i;
    }
    for (size_t k = 0; k < m && !rc; k++) {
        size_t i = o[k];
        char b[4][64];
        report_num(sv->num[i], b[0], 64);
        report_num(rv->num[i], b[1], 64);
        report_num(smd->num[i], b[2], 64);
        report_num(ph->num[i], b[3], 64);
        const char *cells[6] = {label->str[i], b[0], b[1], b[2], b[3], yn[ph->num[i] < 0.05]};
        rc = xlsxout_table_add_row(*num, cells, e);
    }
    /* A category's test is on its own row; its levels follow it. */
    double p = NAN;
    for (size_t i = 0; i < n && !rc; i++) {
        if (kind->str[i] && strcmp(kind->str[i], "categorical") == 0)
            p = ph->num[i];
        if (!kind->str[i] || strcmp(kind->str[i], "level") != 0)
            continue;
        char b[3][64];
        report_num(sv->num[i], b[0], 64);
        report_num(rv->num[i], b[1], 64);
        report_num(p, b[2], 64);
        const char *cells[6] = {label->str[i], level->str[i], b[0], b[1], b[2], isnan(p) ? "" : yn[p < 0.05]};
        rc = xlsxout_table_add_row(*cat, cells, e);
    }
    free(o);
    return rc;
}

static int whatif_table(struct report *r, struct xlsxout_table **out, struct err *e)
{
    static const char *const codes[] = {"label",
                                        "helps",
                                        "target",
                                        "max_step",
                                        "n_moved",
                                        "mean_probability_before",
                                        "mean_probability_after",
                                        "mean_change_pp",
                                        "profit_at_risk_before",
                                        "profit_at_risk_after",
                                        "profit_at_risk_saved"};
    static const enum xlsxout_kind kinds[] = {XLSXOUT_TEXT,    XLSXOUT_TEXT,    XLSXOUT_NUMBER,
                                              XLSXOUT_NUMBER,  XLSXOUT_INT,     XLSXOUT_PERCENT,
                                              XLSXOUT_PERCENT, XLSXOUT_TENTHS,  XLSXOUT_MONEY,
                                              XLSXOUT_MONEY,   XLSXOUT_MONEY};
    enum { NC = sizeof codes / sizeof codes[0] };
    const char *h[NC];
    const struct column *c[NC];
    int rc = report_headers(r, "whatif", codes, NC, h, e);
    for (size_t j = 0; j < NC && !rc; j++)
        rc = report_col(r, WIF, j == 7 ? "mean_change" : codes[j], j < 2 ? COL_STR : COL_NUM, &c[j], e);
    struct xlsxout_table *t = rc ? NULL : xlsxout_table_alloc(NC, h, kinds);
    if (!rc && !t)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < report_table(r, WIF)->nrows; i++) {
        char b[NC][64];
        const char *cells[NC];
        cells[0] = c[0]->str[i];
        rc = report_word(r, "helps", c[1]->str[i] ? c[1]->str[i] : "", &cells[1], e);
        for (size_t j = 2; j < NC; j++) {
            /* The change in percentage points, as the what-if figure shows it. */
            report_num(j == 7 ? 100.0 * c[j]->num[i] : c[j]->num[i], b[j], 64);
            cells[j] = b[j];
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    return report_table_out(rc, t, out);
}

int report_sheet_segments(struct report *r, const char *name, struct err *e)
{
    const char *yn[2];
    struct xlsxout_table *seg = NULL, *num = NULL, *cat = NULL, *wif = NULL;
    char *s_profile = NULL, *s_categories = NULL, *s_whatif = NULL;
    int rc = report_yes_no(r, yn, e);
    /* The titles cite the kv files ({segment.focus_name}...). */
    if (!rc)
        rc = report_sentence(r, "sentences.profile_title", &s_profile, e);
    if (!rc)
        rc = report_sentence(r, "sentences.categories_title", &s_categories, e);
    if (!rc)
        rc = report_sentence(r, "sentences.whatif_title", &s_whatif, e);
    if (!rc)
        rc = segments_table(r, yn, &seg, e);
    if (!rc)
        rc = profile_tables(r, yn, &num, &cat, e);
    if (!rc)
        rc = whatif_table(r, &wif, e);
    const struct report_sheet_block b[] = {{NULL, seg}, {s_profile, num}, {s_categories, cat}, {s_whatif, wif}};
    lxw_worksheet *ws = NULL;
    unsigned row = 0;
    if (!rc)
        rc = report_blocks_sheet(r, name, b, 4, &ws, &row, e);
    if (!rc) {
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9);
        worksheet_fit_to_pages(ws, 1, 0);
    }
    /* The figures under the tables: who is where, what the levers would do. */
    char path[4096];
    if (!rc)
        rc = xlsxout_insert_png(ws, row + 2, 0, cli_path(path, sizeof path, r->out, "figures/segmentscatter_all.png"),
                                0.7, "segments", e);
    if (!rc)
        rc = xlsxout_insert_png(ws, row + 26, 0, cli_path(path, sizeof path, r->out, "figures/segmentwhatif_focus.png"),
                                0.7, "what-if", e);
    /* The HTML's copies: the columns that fit a page. */
    static const size_t seg_cols[] = {0, 1, 2, 3, 4, 6, 7}, wif_cols[] = {0, 1, 5, 6, 7, 10};
    if (!rc)
        rc = report_write_shown(r, seg, seg_cols, 7, "segments", e);
    if (!rc)
        rc = report_write_shown(r, num, NULL, 0, "profile", e);
    if (!rc)
        rc = report_write_shown(r, cat, NULL, 0, "profile_categories", e);
    if (!rc)
        rc = report_write_shown(r, wif, wif_cols, 6, "whatif", e);
    xlsxout_table_free(seg);
    xlsxout_table_free(num);
    xlsxout_table_free(cat);
    xlsxout_table_free(wif);
    free(s_profile);
    free(s_categories);
    free(s_whatif);
    return rc;
}
