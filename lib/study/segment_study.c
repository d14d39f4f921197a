/* segment_study: reading, honest scoring, profit, segments, profile (steps 1-4
 * of stages/segment.c). */
#include "core/mem.h"
#include "study/segment_study.h"
#include "models/groups.h"
#include "models/split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *segment_column_label(const struct segment_study *st, const char *name)
{
    struct err e = {0};
    const char *ref = textrefs_column(st->sp->refs, schema_key(st->s, name), name, &e);
    return ref ? ref : name;
}

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n + 1, size);
}

int segment_study_read(struct segment_study *st, const char *in, const char *split, const char *model,
                       struct err *e)
{
    int rc = pipe_read_data(in, st->s, 1, &st->t, &st->d, e);
    if (!rc)
        rc = pipeline_load(model, &st->final, e);
    if (!rc && (rc = pipeline_check_data(st->final, st->d, e)))
        err_prefix(e, "%s against %s: ", model, in);
    size_t n = rc ? 0 : st->d->n;
    if (!rc && (!(st->row_of = hashset_alloc(n)) || !(st->is_train = xcalloc(n, 1))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        size_t first;
        int r = hashset_insert(st->row_of, st->d->id[i], i, &first);
        if (r < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        else if (r > 0)
            rc = err_set(e, ERR_DATA, "%s: expected unique ids, found %s on rows %zu and %zu", in, st->d->id[i],
                         first + 1, i + 1);
    }
    /* Which customers the final model learned from. */
    unsigned char *is_test = rc ? NULL : xcalloc(n, 1);
    if (!rc && !is_test)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = split_file_read(split, st->d->id, n, in, SPLIT_EVERY_CUSTOMER | SPLIT_ONLY_CUSTOMERS, is_test, NULL, e);
    for (size_t i = 0; !rc && i < n; i++)
        st->is_train[i] = !is_test[i];
    free(is_test);
    return rc;
}

int segment_study_score(struct segment_study *st, unsigned long seed, struct err *e)
{
    const struct pipe_data *d = st->d;
    size_t n = d->n, ntr = 0, changed = 0;
    size_t *tr = xcalloc(n, sizeof *tr);
    double *pin = xcalloc(n, sizeof *pin), diff = 0.0;
    int rc = !tr || !pin || !(st->prob = xcalloc(n, sizeof *st->prob)) ||
                     !(st->insample = xcalloc(n, sizeof *st->insample))
                 ? err_set(e, ERR_NOMEM, "out of memory")
                 : 0;
    /* Twins (identical features) share a fold, as in train's search. */
    size_t *group = rc ? NULL : xcalloc(n, sizeof *group), nmulti, nrows;
    if (!rc)
        rc = group ? groups_find(d, group, &nmulti, &nrows, e) : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = segment_scorer_fit(d, st->is_train, group, st->final, (size_t)st->sp->folds, st->sp->shuffle, seed,
                                &st->sc, e);
    free(group);
    if (!rc)
        rc = segment_scorer_predict(st->sc, d, NULL, n, st->prob, e);
    /* The in-sample probabilities, only to show how much they would flatter. */
    for (size_t i = 0; !rc && i < n; i++) {
        st->insample[i] = NAN;
        if (st->is_train[i])
            tr[ntr++] = i;
    }
    if (!rc)
        rc = pipeline_predict_proba(st->final, d, tr, ntr, pin, e);
    for (size_t k = 0; !rc && k < ntr; k++) {
        st->insample[tr[k]] = pin[k];
        diff += fabs(pin[k] - st->prob[tr[k]]);
        changed += pin[k] != st->prob[tr[k]];
    }
    if (!rc)
        rc = kv_set_str(st->kv, "model_family", pipeline_family_names[st->final->cfg.family], e);
    if (!rc)
        rc = kv_set_long(st->kv, "customers", (long)n, e);
    if (!rc)
        rc = kv_set_long(st->kv, "scored_oof", (long)ntr, e);
    if (!rc)
        rc = kv_set_long(st->kv, "scored_test", (long)(n - ntr), e);
    if (!rc)
        rc = kv_set_long(st->kv, "folds", st->sp->folds, e);
    if (!rc)
        rc = kv_set_double(st->kv, "oof_vs_insample_mean_abs_diff", ntr ? diff / (double)ntr : NAN, e);
    if (!rc)
        rc = kv_set_long(st->kv, "oof_differs_from_insample", (long)changed, e);
    free(tr);
    free(pin);
    return rc;
}

/* Up to `max` ids joined by commas into buf, "..." when there are more. */
static void ids_text(char *buf, size_t size, const char *const *ids, size_t n, size_t max)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && k < max; k++) {
        int w = snprintf(buf + used, size - used, "%s%s", k ? "," : "", ids[k]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    if (n > max && used + 4 < size)
        strcat(buf, ",...");
}

int segment_study_profit(struct segment_study *st, const char *path, struct err *e)
{
    const char *idname = st->s->id, *const force[] = {idname, NULL};
    struct table *pt = NULL;
    size_t n = st->d->n, nmiss = 0, nextra = 0;
    const char **miss = NULL, **extra = NULL;
    unsigned char *has = NULL;
    char buf[2048];
    int rc = table_read_tsv(path, force, &pt, e);
    long ic = rc ? -1 : table_find(pt, idname), vc = rc ? -1 : table_find(pt, st->s->profit_value);
    if (!rc && (ic < 0 || vc < 0 || pt->cols[ic].type != COL_STR || pt->cols[vc].type != COL_NUM))
        rc = err_set(e, ERR_DATA, "%s: expected a text column \"%s\" and a numeric column \"%s\"", path, idname,
                     st->s->profit_value);
    if (!rc && (!(st->profit = xcalloc(n, sizeof *st->profit)) || !(has = xcalloc(n, 1)) ||
                !(miss = xcalloc(n, sizeof *miss)) || !(extra = xcalloc(pt->nrows, sizeof *extra))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        st->profit[i] = NAN;
    for (size_t k = 0; !rc && k < pt->nrows; k++) {
        size_t i;
        const char *id = pt->cols[ic].str[k];
        if (!id || !hashset_find(st->row_of, id, &i)) {
            extra[nextra++] = id ? id : "";
            continue;
        }
        if (has[i])
            rc = err_set(e, ERR_DATA, "%s:%zu: expected one profit per customer, found id %s again", path, k + 2, id);
        has[i] = 1;
        st->profit[i] = pt->cols[vc].num[k];
    }
    for (size_t i = 0; !rc && i < n; i++)
        if (isnan(st->profit[i]))
            miss[nmiss++] = st->d->id[i];
    /* Who is on one side only: the report names them. */
    if (!rc)
        rc = kv_set_long(st->kv, "customers_without_profit", (long)nmiss, e);
    ids_text(buf, sizeof buf, miss, nmiss, 50);
    if (!rc)
        rc = kv_set_str(st->kv, "customers_without_profit_ids", buf, e);
    if (!rc)
        rc = kv_set_long(st->kv, "profit_without_customer", (long)nextra, e);
    ids_text(buf, sizeof buf, extra, nextra, 50);
    if (!rc)
        rc = kv_set_str(st->kv, "profit_without_customer_ids", buf, e);
    free(has);
    free(miss);
    free(extra);
    table_free(pt);
    return rc;
}

/* segment.kv: the thresholds, the totals, and each segment's numbers. */
static int assign_kv(struct segment_study *st, double med, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n;
    char key[96];
    int rc = 0;
    for (size_t k = 0; !rc && k < sp->nrisk_t; k++) {
        snprintf(key, sizeof key, "risk_threshold_%zu", k + 1);
        rc = kv_set_double(st->kv, key, sp->risk_t[k], e);
    }
    for (size_t k = 0; !rc && k < sp->nprofit_t; k++) {
        snprintf(key, sizeof key, "profit_threshold_%zu", k + 1);
        rc = kv_set_double(st->kv, key, st->profit_t[k], e);
        snprintf(key, sizeof key, "profit_threshold_%zu_rule", k + 1);
        if (!rc)
            rc = kv_set_str(st->kv, key, isnan(sp->profit_t[k]) ? "median" : "value", e);
    }
    if (!rc)
        rc = kv_set_double(st->kv, "profit_median", med, e);
    size_t unseg = 0, at_risk = 0;
    double total = 0, par = 0, par_at_risk = 0;
    for (size_t i = 0; i < n; i++) {
        unseg += st->seg[i] == SEGMENT_NONE;
        if (st->seg[i] == SEGMENT_NONE)
            continue;
        total += st->profit[i];
        par += sp->money.loss_share * st->profit[i] * st->prob[i];
        if (sp->offers_for[st->risk[i]]) {
            at_risk++;
            par_at_risk += sp->money.loss_share * st->profit[i] * st->prob[i];
        }
    }
    if (!rc)
        rc = kv_set_long(st->kv, "segmented", (long)(n - unseg), e);
    if (!rc)
        rc = kv_set_long(st->kv, "unsegmented", (long)unseg, e);
    if (!rc)
        rc = kv_set_long(st->kv, "at_risk", (long)at_risk, e);
    if (!rc)
        rc = kv_set_double(st->kv, "profit_total", total, e);
    if (!rc)
        rc = kv_set_double(st->kv, "profit_at_risk_total", par, e);
    if (!rc)
        rc = kv_set_double(st->kv, "profit_at_risk_at_risk", par_at_risk, e);
    if (!rc)
        rc = kv_set_str(st->kv, "focus", sp->seg[sp->focus].key, e);
    if (!rc)
        rc = kv_set_str(st->kv, "focus_name", sp->seg[sp->focus].name, e);
    for (size_t g2 = 0; !rc && g2 < sp->nseg; g2++) {
        const struct segment_summary *m = &st->sum[g2];
        snprintf(key, sizeof key, "n_%s", sp->seg[g2].key);
        rc = kv_set_long(st->kv, key, (long)m->n, e);
        const struct {
            const char *name;
            double v;
        } vals[] = {{"share", m->share},
                    {"mean_probability", m->mean_prob},
                    {"profit", m->profit_total},
                    {"profit_at_risk", m->profit_at_risk}};
        for (size_t k = 0; !rc && k < sizeof vals / sizeof *vals; k++) {
            snprintf(key, sizeof key, "%s_%s", vals[k].name, sp->seg[g2].key);
            rc = kv_set_double(st->kv, key, vals[k].v, e);
        }
    }
    return rc;
}

int segment_study_assign(struct segment_study *st, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n;
    double med = NAN;
    int rc = segment_median(st->profit, n, &med, e);
    if (!rc && (!(st->profit_t = xcalloc(sp->nprofit_t, sizeof *st->profit_t)) ||
                !(st->risk = xcalloc(n, sizeof *st->risk)) || !(st->plevel = xcalloc(n, sizeof *st->plevel)) ||
                !(st->seg = xcalloc(n, sizeof *st->seg)) || !(st->sum = xcalloc(sp->nseg, sizeof *st->sum))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    /* `median` is the median profit of the customers. */
    for (size_t k = 0; !rc && k < sp->nprofit_t; k++)
        st->profit_t[k] = isnan(sp->profit_t[k]) ? med : sp->profit_t[k];
    struct segment_grid g = {sp->risk_t, sp->nrisk_t, st->profit_t, sp->nprofit_t, sp->cell, sp->nseg};
    if (!rc)
        rc = segment_assign(&g, st->prob, st->profit, n, st->risk, st->plevel, st->seg, e);
    if (!rc)
        rc = segment_summarize(st->prob, st->profit, st->seg, n, sp->nseg, sp->money.loss_share, st->sum, e);
    if (!rc)
        rc = assign_kv(st, med, e);
    return rc;
}

int segment_study_profile(struct segment_study *st, struct err *e)
{
    size_t n = st->d->n, nf = 0, nr = 0, f = st->sp->focus;
    if (!(st->group = xcalloc(n, 1)))
        return err_set(e, ERR_NOMEM, "out of memory");
    /* The reference: customers whose activity stayed the same, outside the segment. */
    for (size_t i = 0; i < n; i++) {
        st->group[i] = st->seg[i] == f ? 1 : st->d->y[i] == 0 ? 2 : 0;
        nf += st->group[i] == 1;
        nr += st->group[i] == 2;
    }
    int rc = segment_profile(st->d, st->group, &st->profile, e);
    size_t col = 0;
    if (!rc)
        rc = table_add_column(st->profile, "label", COL_STR, &col, e);
    for (size_t r = 0; !rc && r < st->profile->nrows; r++)
        rc = table_set_str(st->profile, col, r, segment_column_label(st, st->profile->cols[0].str[r]), e);
    size_t sig = 0;
    long ph = rc ? -1 : table_find(st->profile, "p_holm");
    for (size_t r = 0; !rc && r < st->profile->nrows; r++)
        sig += st->profile->cols[ph].num[r] < 0.05;
    if (!rc)
        rc = kv_set_long(st->kv, "profile_focus_n", (long)nf, e);
    if (!rc)
        rc = kv_set_long(st->kv, "profile_reference_n", (long)nr, e);
    if (!rc)
        rc = kv_set_long(st->kv, "profile_significant_holm_005", (long)sig, e);
    return rc;
}

void segment_study_free(struct segment_study *st)
{
    size_t n = st->d ? st->d->n : 0;
    for (size_t i = 0; i < n; i++) {
        if (st->offers)
            free(st->offers[i]);
        if (st->channels)
            free(st->channels[i]);
        if (st->driver_text)
            free(st->driver_text[i]);
        if (st->offer)
            free(st->offer[i][0]), free(st->offer[i][1]);
        if (st->reason)
            free(st->reason[i]);
    }
    FREE_ALL(st->offer, st->channel, st->code, st->reason, st->priority, st->control, st->offers, st->loss, st->saving,
             st->targeted, st->grid, st->channels, st->driver_text, st->offers_from, st->denied, st->wi, st->rec,
             st->order, st->drivers);
    table_free(st->drv);
    free(st->lever_col);
    free(st->shap_row);
    table_free(st->shap);
    table_free(st->profile);
    FREE_ALL(st->group, st->sum, st->seg, st->plevel, st->risk, st->profit_t, st->profit, st->insample, st->prob,
             st->is_train);
    segment_scorer_free(st->sc);
    pipeline_free(st->final);
    hashset_free(st->row_of);
    pipe_data_free(st->d);
    table_free(st->t);
    memset(st, 0, sizeof *st);
}

int segment_study_run(struct segment_study *st, const struct segment_inputs *in, unsigned long seed,
                      struct err *e)
{
    /* 1. Honest probabilities. */
    int rc = segment_study_read(st, in->customers, in->split, in->model, e);
    if (!rc)
        rc = segment_study_score(st, seed, e);
    /* 2-3. Profit, levels, segments. */
    if (!rc)
        rc = segment_study_profit(st, in->profit, e);
    if (!rc)
        rc = segment_study_assign(st, e);
    if (!rc)
        rc = segment_study_money(st, e);
    /* 4. The focus segment against the active customers. */
    if (!rc)
        rc = segment_study_profile(st, e);
    /* 5-6. Levers by segment, personal offers. */
    if (!rc)
        rc = segment_study_explain(st, in->shap, in->drivers, e);
    if (!rc)
        rc = segment_study_levers(st, e);
    if (!rc)
        rc = segment_study_offers(st, e);
    if (!rc)
        rc = segment_study_crm(st, seed, e);
    /* 7. What-if on the focus segment. */
    if (!rc)
        rc = segment_study_whatif(st, e);
    return rc;
}
