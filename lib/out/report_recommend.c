/* The recommendations of the segment part: each segment's levers, ranked by
 * the segment stage (segment/recommendations.tsv), in words: what to change,
 * the numbers behind it, the offer. The sheet Рекомендации, and the row
 * values the sentences of Сводка and the conclusions cite. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_sheets.h"

#define REC "segment/recommendations"

int report_offer_shown(const struct report *r, const char *tmpl, char **out, struct err *e)
{
    /* An offer names the customer's value of a column as «{column}»; without
     * a customer it says whose: segment.any.<column> of the text file, the
     * quotes dropped ("в любимой категории покупателя"). */
    size_t cap = strlen(tmpl) * 4 + 256, n = 0;
    char *s = malloc(cap);
    if (!s)
        return err_set(e, ERR_NOMEM, "out of memory");
    static const char lq[] = "\u00ab", rq[] = "\u00bb";
    int rc = ERR_OK;
    for (const char *p = tmpl; *p && !rc;) {
        const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
        size_t lit = open && close ? (size_t)(open - p) : strlen(p);
        int quoted = open && close && lit >= strlen(lq) && memcmp(open - strlen(lq), lq, strlen(lq)) == 0 &&
                     strncmp(close + 1, rq, strlen(rq)) == 0;
        size_t keep = quoted ? lit - strlen(lq) : lit;
        if (n + keep + 1 > cap)
            break;
        memcpy(s + n, p, keep);
        n += keep;
        p += lit;
        if (!(open && close))
            break;
        char path[300];
        size_t k = (size_t)(close - open - 1);
        snprintf(path, sizeof path, "segment.any.%.*s", (int)(k < 256 ? k : 256), open + 1);
        const struct pnode *w = params_find(r->t, NULL, path);
        if (!w || w->kind != PNODE_SCALAR) {
            rc = err_set(e, ERR_DATA, "report/text.ru.yaml: expected %s, the words for an offer's «{%.*s}» where no "
                                      "one customer is meant, found none", path, (int)(k < 256 ? k : 256), open + 1);
            break;
        }
        int wn = snprintf(s + n, cap - n, "%s", w->value);
        if (wn < 0 || (size_t)wn >= cap - n)
            break;
        n += (size_t)wn;
        p = close + 1 + (quoted ? strlen(rq) : 0);
    }
    s[n] = '\0';
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return ERR_OK;
}

/* Set key to the number x (%.17g; "" for NaN). */
static int set_num(struct kv *kv, const char *key, double x, struct err *e)
{
    char buf[64];
    report_num(x, buf, sizeof buf);
    return kv_set_str(kv, key, buf, e);
}

int report_rec_row(const struct report *r, size_t i, struct kv *kv, struct err *e)
{
    static const char *const nums[] = {"rank", "mean_phi", "segment_mean", "reference_mean", "gap", "n_driver",
                                       "n_explained", NULL};
    const struct column *c;
    int rc = ERR_OK;
    for (size_t k = 0; nums[k] && !rc; k++) {
        rc = report_col(r, REC, nums[k], COL_NUM, &c, e);
        if (!rc)
            rc = set_num(kv, nums[k], c->num[i], e);
    }
    const char *word;
    /* Codes in words. */
    static const char *const coded[][2] = {{"helps", "helps"}, {"channel", "channels"}};
    for (size_t k = 0; k < 2 && !rc; k++) {
        rc = report_col(r, REC, coded[k][0], COL_STR, &c, e);
        if (!rc)
            rc = report_word(r, coded[k][1], c->str[i] ? c->str[i] : "", &word, e);
        if (!rc)
            rc = kv_set_str(kv, coded[k][0], word, e);
    }
    static const char *const texts[] = {"segment", "segment_name", "label", NULL};
    for (size_t k = 0; texts[k] && !rc; k++) {
        rc = report_col(r, REC, texts[k], COL_STR, &c, e);
        if (!rc)
            rc = kv_set_str(kv, texts[k], c->str[i] ? c->str[i] : "", e);
    }
    static const char *const offers[] = {"offer", "site_offer", NULL};
    for (size_t k = 0; offers[k] && !rc; k++) {
        char *s = NULL;
        rc = report_col(r, REC, offers[k], COL_STR, &c, e);
        if (!rc)
            rc = report_offer_shown(r, c->str[i] ? c->str[i] : "", &s, e);
        if (!rc)
            rc = kv_set_str(kv, offers[k], s, e);
        free(s);
    }
    return rc;
}

/* Whether segment `key` is one whose customers get offers (segments.tsv at_risk). */
int report_segment_at_risk(const struct report *r, const char *key, int *at_risk, struct err *e)
{
    const struct column *k, *a;
    int rc = report_col(r, "segment/segments", "segment", COL_STR, &k, e);
    if (!rc)
        rc = report_col(r, "segment/segments", "at_risk", COL_NUM, &a, e);
    *at_risk = 0;
    for (size_t i = 0; !rc && i < report_table(r, "segment/segments")->nrows; i++)
        if (k->str[i] && strcmp(k->str[i], key) == 0)
            *at_risk = a->num[i] != 0;
    return rc;
}

/* ---- Рекомендации ---- */

int report_sheet_recommendations(struct report *r, const char *name, struct err *e)
{
    static const char *const codes[] = {"segment_name", "at_risk",  "rank",     "label",   "helps",
                                        "mean_phi",     "segment_mean", "reference_mean", "gap", "n_driver",
                                        "channel",      "offer",    "site_offer"};
    enum { NC = sizeof codes / sizeof codes[0] };
    static const enum xlsxout_kind kinds[NC] = {XLSXOUT_TEXT,   XLSXOUT_TEXT,   XLSXOUT_INT,    XLSXOUT_TEXT,
                                                XLSXOUT_TEXT,   XLSXOUT_NUMBER, XLSXOUT_NUMBER, XLSXOUT_NUMBER,
                                                XLSXOUT_NUMBER, XLSXOUT_INT,    XLSXOUT_TEXT,   XLSXOUT_TEXT,
                                                XLSXOUT_TEXT};
    /* The HTML shows the first levers of the segments that get offers, the
     * columns that fit a page. */
    static const size_t html_cols[] = {0, 2, 3, 4, 6, 7, 11};
    enum { NH = sizeof html_cols / sizeof html_cols[0] };
    const char *h[NC], *hh[NH], *yes_no[2];
    enum xlsxout_kind hk[NH];
    long per;
    int rc = report_headers(r, "recommendations", codes, NC, h, e);
    if (!rc)
        rc = params_long(r->p, "report.focus_levers", 1, 100, &per, e);
    if (!rc)
        rc = report_yes_no(r, yes_no, e);
    if (rc)
        return rc;
    for (size_t j = 0; j < NH; j++) {
        hh[j] = h[html_cols[j]];
        hk[j] = kinds[html_cols[j]];
    }
    struct xlsxout_table *t = xlsxout_table_alloc(NC, h, kinds), *ht = xlsxout_table_alloc(NH, hh, hk);
    struct kv *kv = NULL;
    if (!t || !ht)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    size_t nrows = report_table(r, REC)->nrows;
    for (size_t i = 0; i < nrows && !rc; i++) {
        kv_free(kv);
        if (!(kv = kv_alloc())) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        rc = report_rec_row(r, i, kv, e);
        int at_risk = 0;
        if (!rc)
            rc = report_segment_at_risk(r, kv_get(kv, "segment"), &at_risk, e);
        if (rc)
            break;
        const char *cells[NC], *hc[NH];
        for (size_t j = 0; j < NC; j++)
            cells[j] = j == 1 ? yes_no[at_risk] : kv_get(kv, codes[j]);
        rc = xlsxout_table_add_row(t, cells, e);
        for (size_t j = 0; j < NH; j++)
            hc[j] = cells[html_cols[j]];
        if (!rc && at_risk && strtod(kv_get(kv, "rank"), NULL) <= (double)per)
            rc = xlsxout_table_add_row(ht, hc, e);
    }
    kv_free(kv);
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 1, NULL, e);
    if (!rc)
        rc = report_write_shown(r, ht, NULL, 0, "recommendations", e);
    xlsxout_table_free(t);
    xlsxout_table_free(ht);
    return rc;
}
