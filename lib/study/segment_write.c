/* segment_write: the segment stage's tables and the data of its figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "out/eda_fig.h"
#include "study/segment_study.h"
#include "out/figure.h"
#include "out/text.h"

/* A table with the given columns; a name starting with '$' is text (the '$'
 * dropped), others numbers. */
static int table_with(const char *const *cols, size_t nrows, struct table **out, struct err *e)
{
    struct table *t = table_alloc();
    int rc = t ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (; !rc && *cols; cols++)
        rc = table_add_column(t, **cols == '$' ? *cols + 1 : *cols, **cols == '$' ? COL_STR : COL_NUM, NULL, e);
    if (!rc)
        rc = table_set_rows(t, nrows, e);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

static int put_str(struct table *t, const char *col, size_t row, const char *v, struct err *e)
{
    return table_set_str(t, (size_t)table_find(t, col), row, v, e);
}

static void put_num(struct table *t, const char *col, size_t row, double v)
{
    t->cols[table_find(t, col)].num[row] = v;
}

static int write_and_free(struct table *t, const char *dir, const char *name, struct err *e)
{
    char path[4096];
    int rc = table_write_tsv(t, cli_path(path, sizeof path, dir, name), e);
    table_free(t);
    return rc;
}

/* The CRM list's columns of customer i: priority, control group, the first
 * two offers with their codes and channels, the reason. */
static int crm_cells(const struct segment_study *st, struct table *t, size_t i, struct err *e)
{
    static const char *const cols[2][3] = {{"offer_code", "offer", "channel"}, {"offer2_code", "offer2", "channel2"}};
    int rc = ERR_OK;
    put_num(t, "priority", i, st->priority[i] ? (double)st->priority[i] : NAN);
    put_num(t, "control", i, st->targeted[i] ? st->control[i] : NAN);
    for (size_t k = 0; k < 2 && !rc && st->offer[i][k]; k++) {
        rc = put_str(t, cols[k][0], i, st->code[i][k], e);
        if (!rc)
            rc = put_str(t, cols[k][1], i, st->offer[i][k], e);
        if (!rc)
            rc = put_str(t, cols[k][2], i, segment_channel_names[st->channel[i][k]], e);
    }
    if (!rc && st->reason[i])
        rc = put_str(t, "reason", i, st->reason[i], e);
    return rc;
}

static int customers_table(const struct segment_study *st, const char *dir, struct err *e)
{
    static const char *const cols[] = {"$id", "probability", "$source", "profit", "$risk", "$profit_level",
                                       "$segment", "$segment_name", "$consent_denied", "$drivers", "$offers",
                                       "$channels", "$offers_from", "insample_probability", "expected_loss",
                                       "expected_saving", "targeted", "$lever_drivers", "$context_drivers", "priority", "control",
                                       "$offer_code", "$offer", "$channel", "$offer2_code", "$offer2", "$channel2",
                                       "$reason", NULL};
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n;
    struct table *t = NULL;
    int rc = table_with(cols, n, &t, e);
    for (size_t i = 0; !rc && i < n; i++) {
        size_t g = st->seg[i];
        rc = put_str(t, "id", i, st->d->id[i], e);
        put_num(t, "probability", i, st->prob[i]);
        put_num(t, "profit", i, st->profit[i]);
        put_num(t, "insample_probability", i, st->insample[i]);
        put_num(t, "expected_loss", i, st->loss[i]);
        put_num(t, "expected_saving", i, st->saving[i]);
        put_num(t, "targeted", i, st->targeted[i]);
        if (!rc)
            rc = put_str(t, "source", i, st->is_train[i] ? "oof" : "test", e);
        if (!rc && st->risk[i] != SEGMENT_NONE)
            rc = put_str(t, "risk", i, sp->risk_levels[st->risk[i]], e);
        if (!rc && st->plevel[i] != SEGMENT_NONE)
            rc = put_str(t, "profit_level", i, sp->profit_levels[st->plevel[i]], e);
        if (!rc && g != SEGMENT_NONE)
            rc = put_str(t, "segment", i, sp->seg[g].key, e);
        if (!rc && g != SEGMENT_NONE)
            rc = put_str(t, "segment_name", i, sp->seg[g].name, e);
        if (!rc)
            rc = put_str(t, "consent_denied", i, st->denied[i] ? "1" : "0", e);
        if (!rc)
            rc = put_str(t, "drivers", i, st->driver_text[i], e);
        /* What the store can act on (levers) apart from the context. */
        char lv[2048] = "", cx[2048] = "";
        for (size_t k = 0; k < SEGMENT_MAX_DRIVERS; k++) {
            const char *d = st->drivers[i][k];
            int lever = 0;
            for (size_t l = 0; d && l < sp->nlev; l++)
                lever |= strcmp(sp->lev[l].feature, d) == 0;
            char *to = lever ? lv : cx;
            if (d)
                snprintf(to + strlen(to), sizeof lv - strlen(to), "%s%s", *to ? "; " : "", d);
        }
        if (!rc && *lv)
            rc = put_str(t, "lever_drivers", i, lv, e);
        if (!rc && *cx)
            rc = put_str(t, "context_drivers", i, cx, e);
        if (!rc)
            rc = put_str(t, "offers", i, st->offers[i], e);
        if (!rc)
            rc = put_str(t, "channels", i, st->channels[i], e);
        if (!rc)
            rc = put_str(t, "offers_from", i, st->offers_from[i], e);
        if (!rc)
            rc = crm_cells(st, t, i, e);
    }
    return rc ? (table_free(t), rc) : write_and_free(t, dir, "customers.tsv", e);
}

/* The targeting rule under every cost and response of the grid. */
static int sensitivity_table(const struct segment_study *st, const char *dir, struct err *e)
{
    static const char *const cols[] = {"offer_cost", "response", "n_targeted", "net_effect", NULL};
    struct table *t = NULL;
    int rc = table_with(cols, st->ngrid, &t, e);
    for (size_t k = 0; !rc && k < st->ngrid; k++) {
        put_num(t, "offer_cost", k, st->grid[k].cost);
        put_num(t, "response", k, st->grid[k].response);
        put_num(t, "n_targeted", k, (double)st->grid[k].n);
        put_num(t, "net_effect", k, st->grid[k].net);
    }
    return rc ? (table_free(t), rc) : write_and_free(t, dir, "sensitivity.tsv", e);
}

static int segments_table(const struct segment_study *st, const char *dir, struct err *e)
{
    static const char *const cols[] = {"$segment", "$name", "$risk", "$profit_level", "n", "share",
                                       "mean_probability", "profit_total", "profit_mean", "profit_at_risk",
                                       "profit_at_risk_share", "focus", "at_risk", NULL};
    const struct segment_params *sp = st->sp;
    double total = 0;
    for (size_t g = 0; g < sp->nseg; g++)
        total += st->sum[g].profit_at_risk;
    struct table *t = NULL;
    int rc = table_with(cols, sp->nseg, &t, e);
    for (size_t g = 0; !rc && g < sp->nseg; g++) {
        const struct segment_summary *m = &st->sum[g];
        rc = put_str(t, "segment", g, sp->seg[g].key, e);
        if (!rc)
            rc = put_str(t, "name", g, sp->seg[g].name, e);
        if (!rc)
            rc = put_str(t, "risk", g, sp->risk_levels[sp->seg[g].risk], e);
        if (!rc)
            rc = put_str(t, "profit_level", g, sp->profit_levels[sp->seg[g].profit], e);
        put_num(t, "n", g, (double)m->n);
        put_num(t, "share", g, m->share);
        put_num(t, "mean_probability", g, m->mean_prob);
        put_num(t, "profit_total", g, m->profit_total);
        put_num(t, "profit_mean", g, m->profit_mean);
        put_num(t, "profit_at_risk", g, m->profit_at_risk);
        put_num(t, "profit_at_risk_share", g, total > 0 ? m->profit_at_risk / total : NAN);
        put_num(t, "focus", g, g == sp->focus);
        put_num(t, "at_risk", g, sp->offers_for[sp->seg[g].risk]);
    }
    return rc ? (table_free(t), rc) : write_and_free(t, dir, "segments.tsv", e);
}

static int recommendations_table(const struct segment_study *st, const char *dir, struct err *e)
{
    static const char *const cols[] = {"$segment", "$segment_name", "rank", "$feature", "$label", "$helps",
                                       "mean_phi", "rank_phi", "segment_mean", "reference_mean", "gap", "rank_gap",
                                       "n_explained", "n_driver", "$channel", "$offer", "$site_offer", NULL};
    const struct segment_params *sp = st->sp;
    size_t nl = sp->nlev;
    struct table *t = NULL;
    int rc = table_with(cols, sp->nseg * nl, &t, e);
    for (size_t g = 0, r = 0; !rc && g < sp->nseg; g++)
        for (size_t k = 0; !rc && k < nl; k++, r++) {
            size_t l = st->order[g * nl + k];
            const struct segment_rec *c = &st->rec[g * nl + l];
            const struct segment_lever *lv = &sp->lev[l];
            rc = put_str(t, "segment", r, sp->seg[g].key, e);
            if (!rc)
                rc = put_str(t, "segment_name", r, sp->seg[g].name, e);
            if (!rc)
                rc = put_str(t, "feature", r, lv->feature, e);
            if (!rc)
                rc = put_str(t, "label", r, segment_column_label(st, lv->feature), e);
            if (!rc)
                rc = put_str(t, "helps", r, lv->increase ? "increase" : "decrease", e);
            if (!rc)
                rc = put_str(t, "channel", r, segment_channel_names[lv->channel], e);
            if (!rc)
                rc = put_str(t, "offer", r, lv->offer, e);
            if (!rc)
                rc = put_str(t, "site_offer", r, lv->site_offer, e);
            put_num(t, "rank", r, (double)c->sc.rank);
            put_num(t, "mean_phi", r, c->sc.mean_phi);
            put_num(t, "rank_phi", r, (double)c->sc.rank_phi);
            put_num(t, "segment_mean", r, c->seg_mean);
            put_num(t, "reference_mean", r, c->ref_mean);
            put_num(t, "gap", r, c->sc.gap);
            put_num(t, "rank_gap", r, (double)c->sc.rank_gap);
            put_num(t, "n_explained", r, (double)c->n_explained);
            put_num(t, "n_driver", r, (double)c->n_driver);
        }
    return rc ? (table_free(t), rc) : write_and_free(t, dir, "recommendations.tsv", e);
}

static int whatif_table(const struct segment_study *st, const char *dir, struct err *e)
{
    static const char *const cols[] = {"$segment", "$feature", "$label", "$helps", "target", "max_step", "n_segment", "n_moved",
                                       "mean_probability_before", "mean_probability_after", "mean_change",
                                       "profit_at_risk_before", "profit_at_risk_after", "profit_at_risk_saved",
                                       "$note", NULL};
    const struct segment_params *sp = st->sp;
    const char *note = segment_label(sp, "estimate", "estimate");
    struct table *t = NULL;
    int rc = table_with(cols, sp->nlev, &t, e);
    for (size_t l = 0; !rc && l < sp->nlev; l++) {
        const struct segment_whatif *w = &st->wi[l];
        rc = put_str(t, "segment", l, sp->seg[sp->focus].key, e);
        if (!rc)
            rc = put_str(t, "feature", l, sp->lev[l].feature, e);
        if (!rc)
            rc = put_str(t, "label", l, segment_column_label(st, sp->lev[l].feature), e);
        if (!rc)
            rc = put_str(t, "helps", l, sp->lev[l].increase ? "increase" : "decrease", e);
        if (!rc)
            rc = put_str(t, "note", l, note, e);
        put_num(t, "target", l, w->target);
        put_num(t, "max_step", l, w->max_step);
        put_num(t, "n_segment", l, (double)st->sum[sp->focus].n);
        put_num(t, "n_moved", l, (double)w->n_moved);
        put_num(t, "mean_probability_before", l, w->mean_before);
        put_num(t, "mean_probability_after", l, w->mean_after);
        put_num(t, "mean_change", l, w->mean_after - w->mean_before);
        put_num(t, "profit_at_risk_before", l, w->par_before);
        put_num(t, "profit_at_risk_after", l, w->par_after);
        put_num(t, "profit_at_risk_saved", l, w->par_before - w->par_after);
    }
    return rc ? (table_free(t), rc) : write_and_free(t, dir, "whatif.tsv", e);
}

/* ---- figures ------------------------------------------------------------ */

static int fig_vars(struct kv *v, const struct segment_study *st, const char *title_key, struct err *e)
{
    const struct segment_params *sp = st->sp;
    char title[TEXTREF_MAX];
    /* A segment's title names it as {segment} (or {label}, as eda's do). */
    snprintf(title, sizeof title, "%s", segment_label(sp, title_key, ""));
    int rc = textref_arg(title, sizeof title, "label", sp->seg[sp->focus].name, e);
    if (!rc)
        rc = textref_arg(title, sizeof title, "segment", sp->seg[sp->focus].name, e);
    return rc ? rc : kv_set_str(v, "title", title, e);
}

/* A figure's words: the variable, and its text's key under segment. (with
 * the fallback segment_label takes). */
struct fig_word {
    const char *var, *key, *fallback;
};

static int fig_words(struct kv *v, const struct segment_study *st, const struct fig_word *w, size_t n, struct err *e)
{
    int rc = ERR_OK;
    for (size_t k = 0; k < n && !rc; k++)
        rc = kv_set_str(v, w[k].var, segment_label(st->sp, w[k].key, w[k].fallback), e);
    return rc;
}

/* The end of every figure: its files when rc is 0; t and v freed either way. */
static int fig_end(int rc, struct kv *v, struct table *t, const char *dir, const char *name, struct err *e)
{
    /* The templates draw a note instead of bars when there are no rows (an
     * empty focus segment): gnuplot cannot plot an empty file. */
    if (!rc && !kv_get(v, "rows"))
        rc = kv_set_long(v, "rows", (long)t->nrows, e);
    /* A scatter sampled at scale keeps every segment's share of points. */
    if (!rc)
        rc = figure_write(dir, name, t, "seg", v, e);
    table_free(t);
    kv_free(v);
    return rc;
}

/* Probability x profit, one colour per segment, the thresholds as lines. */
static int fig_scatter(const struct segment_study *st, const char *dir, struct err *e)
{
    const struct segment_params *sp = st->sp;
    struct kv *v = NULL;
    struct table *t = NULL;
    int rc = 0;
    size_t n = st->d->n;
    char key[64], val[64];
    static const char *const sc_cols[] = {"probability", "profit", "seg", NULL};
    if (!(v = kv_alloc()))
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = table_with(sc_cols, n, &t, e);
    for (size_t i = 0; !rc && i < n; i++) {
        put_num(t, "probability", i, st->prob[i]);
        put_num(t, "profit", i, st->profit[i]);
        put_num(t, "seg", i, st->seg[i] == SEGMENT_NONE ? NAN : (double)st->seg[i]);
    }
    static const struct fig_word x = {"xlabel", "axes.probability", "probability"},
                                 thr = {"threshold", "axes.threshold", "threshold"};
    if (!rc)
        rc = fig_vars(v, st, "titles.scatter", e);
    if (!rc)
        rc = fig_words(v, st, &x, 1, e);
    if (!rc)
        rc = kv_set_str(v, "ylabel", segment_column_label(st, st->s->profit_value), e);
    snprintf(val, sizeof val, "%zu", sp->nseg);
    if (!rc)
        rc = kv_set_str(v, "nseg", val, e);
    for (size_t g = 0; !rc && g < sp->nseg; g++) {
        snprintf(key, sizeof key, "label_%zu", g);
        rc = kv_set_str(v, key, sp->seg[g].name, e);
    }
    snprintf(val, sizeof val, "%zu", sp->nrisk_t);
    if (!rc)
        rc = kv_set_str(v, "nrisk", val, e);
    for (size_t k = 0; !rc && k < sp->nrisk_t; k++) {
        snprintf(key, sizeof key, "risk_%zu", k + 1);
        snprintf(val, sizeof val, "%.17g", sp->risk_t[k]);
        rc = kv_set_str(v, key, val, e);
    }
    snprintf(val, sizeof val, "%zu", sp->nprofit_t);
    if (!rc)
        rc = kv_set_str(v, "nprofit", val, e);
    for (size_t k = 0; !rc && k < sp->nprofit_t; k++) {
        snprintf(key, sizeof key, "profit_%zu", k + 1);
        snprintf(val, sizeof val, "%.17g", st->profit_t[k]);
        rc = kv_set_str(v, key, val, e);
    }
    if (!rc)
        rc = fig_words(v, st, &thr, 1, e);
    return fig_end(rc, v, t, dir, "segmentscatter_all", e);
}

/* Segment sizes and profit at risk, side by side. */
static int fig_sizes(const struct segment_study *st, const char *dir, struct err *e)
{
    const struct segment_params *sp = st->sp;
    struct kv *v = NULL;
    struct table *t = NULL;
    int rc = 0;
    static const char *const sz_cols[] = {"x", "$name", "n", "profit_at_risk", "focus", NULL};
    if (!(v = kv_alloc()))
        return err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = table_with(sz_cols, sp->nseg, &t, e);
    for (size_t g = 0; !rc && g < sp->nseg; g++) {
        put_num(t, "x", g, (double)g);
        rc = put_str(t, "name", g, sp->seg[g].name, e);
        put_num(t, "n", g, (double)st->sum[g].n);
        put_num(t, "profit_at_risk", g, st->sum[g].profit_at_risk);
        put_num(t, "focus", g, g == sp->focus);
    }
    static const struct fig_word w[] = {{"ylabel_n", "axes.customers", "customers"},
                                        {"ylabel_par", "axes.profit_at_risk", "profit at risk"}};
    if (!rc)
        rc = fig_vars(v, st, "titles.sizes", e);
    if (!rc)
        rc = fig_words(v, st, w, 2, e);
    return fig_end(rc, v, t, dir, "segmentsizes_all", e);
}

/* The focus profile: standardized differences of the numeric features. */
static int fig_profile(const struct segment_study *st, const char *dir, struct err *e)
{
    struct kv *v = NULL;
    struct table *t = NULL;
    int rc = 0;
    static const char *const pr_cols[] = {"y", "$label", "smd", "significant", NULL};
    const struct table *pf = st->profile;
    size_t np = 0;
    long kc = table_find(pf, "kind"), sm = table_find(pf, "smd"), ph = table_find(pf, "p_holm");
    long lc = table_find(pf, "label");
    for (size_t r = 0; r < pf->nrows; r++)
        np += strcmp(pf->cols[kc].str[r], "numeric") == 0;
    if (!(v = kv_alloc()))
        return err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = table_with(pr_cols, np, &t, e);
    for (size_t r = 0, k = 0; !rc && r < pf->nrows; r++) {
        if (strcmp(pf->cols[kc].str[r], "numeric") != 0)
            continue;
        put_num(t, "y", k, (double)(np - 1 - k));
        rc = put_str(t, "label", k, pf->cols[lc].str[r], e);
        put_num(t, "smd", k, pf->cols[sm].num[r]);
        put_num(t, "significant", k, pf->cols[ph].num[r] < 0.05);
        k++;
    }
    static const struct fig_word w[] = {
        {"xlabel", "axes.smd", "smd"}, {"reference", "reference", "reference"}, {"empty", "empty", "empty"}};
    if (!rc)
        rc = fig_vars(v, st, "titles.profile", e);
    if (!rc)
        rc = fig_words(v, st, w, 3, e);
    /* Rows with a difference to draw: none when the focus segment is empty. */
    size_t drawn = 0;
    for (size_t r = 0; !rc && r < t->nrows; r++)
        drawn += isfinite(t->cols[table_find(t, "smd")].num[r]);
    if (!rc)
        rc = kv_set_long(v, "rows", (long)drawn, e);
    return fig_end(rc, v, t, dir, "segmentprofile_focus", e);
}

/* What-if: change of the mean probability and the profit at risk saved. */
static int fig_whatif(const struct segment_study *st, const char *dir, struct err *e)
{
    const struct segment_params *sp = st->sp;
    struct kv *v = NULL;
    struct table *t = NULL;
    int rc = 0;
    size_t nl = sp->nlev;
    static const char *const wi_cols[] = {"y", "$label", "delta_pp", "saved", NULL};
    if (!(v = kv_alloc()))
        return err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = table_with(wi_cols, nl, &t, e);
    for (size_t l = 0; !rc && l < nl; l++) {
        const struct segment_whatif *w = &st->wi[l];
        put_num(t, "y", l, (double)(nl - 1 - l));
        rc = put_str(t, "label", l, segment_column_label(st, sp->lev[l].feature), e);
        put_num(t, "delta_pp", l, 100.0 * (w->mean_after - w->mean_before));
        put_num(t, "saved", l, w->par_before - w->par_after);
    }
    static const struct fig_word w[] = {{"xlabel_delta", "axes.delta", "delta"},
                                        {"xlabel_saved", "axes.saved", "saved"},
                                        {"note", "estimate", "estimate"}};
    if (!rc)
        rc = fig_vars(v, st, "titles.whatif", e);
    if (!rc)
        rc = fig_words(v, st, w, 3, e);
    return fig_end(rc, v, t, dir, "segmentwhatif_focus", e);
}

static int figures(const struct segment_study *st, const char *dir, struct err *e)
{
    int rc = fig_scatter(st, dir, e);
    if (!rc)
        rc = fig_sizes(st, dir, e);
    if (!rc)
        rc = fig_profile(st, dir, e);
    if (!rc)
        rc = fig_whatif(st, dir, e);
    return rc;
}

int segment_study_write(struct segment_study *st, const char *out, const char *figdir, struct err *e)
{
    char path[4096];
    int rc = customers_table(st, out, e);
    if (!rc)
        rc = segments_table(st, out, e);
    if (!rc)
        rc = table_write_tsv(st->profile, cli_path(path, sizeof path, out, "profile.tsv"), e);
    if (!rc)
        rc = recommendations_table(st, out, e);
    if (!rc)
        rc = whatif_table(st, out, e);
    if (!rc)
        rc = sensitivity_table(st, out, e);
    if (!rc)
        rc = figures(st, figdir, e);
    return rc;
}

