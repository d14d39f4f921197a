/* segment_levers: explanations tied to customers, levers ranked per segment,
 * personal offers with consent, what-if (steps 5-7 of stages/segment.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "study/segment_study.h"

int segment_study_explain(struct segment_study *st, const char *shap, const char *drivers, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n, explained = 0, with_drivers = 0;
    const char *const sforce[] = {"id", NULL}, *const dforce[] = {"id", "feature", "value", NULL};
    int rc = table_read_tsv(shap, sforce, &st->shap, e);
    long ic = rc ? -1 : table_find(st->shap, "id");
    if (!rc && (ic < 0 || st->shap->cols[ic].type != COL_STR))
        rc = err_set(e, ERR_DATA, "%s: expected a column \"id\"", shap);
    if (!rc && (!(st->shap_row = calloc(n + 1, sizeof *st->shap_row)) ||
                !(st->lever_col = calloc(sp->nlev + 1, sizeof *st->lever_col)) ||
                !(st->drivers = calloc(n + 1, sizeof *st->drivers))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        st->shap_row[i] = -1;
    for (size_t k = 0; !rc && k < st->shap->nrows; k++) {
        size_t i;
        const char *id = st->shap->cols[ic].str[k];
        if (!id || !hashset_find(st->row_of, id, &i))
            rc = err_set(e, ERR_DATA, "%s:%zu: expected a customer, found id %s", shap, k + 2, id ? id : "(empty)");
        else if (st->shap_row[i] < 0) {
            st->shap_row[i] = (long)k;
            explained++;
        }
    }
    /* Every lever needs its SHAP column: explain writes one per feature. */
    for (size_t l = 0; !rc && l < sp->nlev; l++) {
        st->lever_col[l] = table_find(st->shap, sp->lev[l].feature);
        if (st->lever_col[l] < 0 || st->shap->cols[st->lever_col[l]].type != COL_NUM)
            rc = err_set(e, ERR_DATA, "%s: expected a numeric column for the lever \"%s\", found none", shap,
                         sp->lev[l].feature);
    }
    if (!rc)
        rc = table_read_tsv(drivers, dforce, &st->drv, e);
    long di = rc ? -1 : table_find(st->drv, "id"), dr = rc ? -1 : table_find(st->drv, "rank");
    long df = rc ? -1 : table_find(st->drv, "feature");
    if (!rc && (di < 0 || dr < 0 || df < 0 || st->drv->cols[dr].type != COL_NUM))
        rc = err_set(e, ERR_DATA, "%s: expected the columns id, rank (a number) and feature", drivers);
    for (size_t k = 0; !rc && k < st->drv->nrows; k++) {
        size_t i;
        const char *id = st->drv->cols[di].str[k];
        double r = st->drv->cols[dr].num[k];
        if (!id || !hashset_find(st->row_of, id, &i))
            rc = err_set(e, ERR_DATA, "%s:%zu: expected a customer, found id %s", drivers, k + 2, id ? id : "(empty)");
        else if (!(r >= 1) || r != floor(r))
            rc = err_set(e, ERR_DATA, "%s:%zu: expected a rank 1, 2, ..., found %g", drivers, k + 2, r);
        else if (r <= SEGMENT_MAX_DRIVERS) {
            with_drivers += st->drivers[i][0] == NULL && r == 1;
            st->drivers[i][(size_t)r - 1] = st->drv->cols[df].str[k];
        }
    }
    if (!rc)
        rc = kv_set_long(st->kv, "explained", (long)explained, e);
    if (!rc)
        rc = kv_set_long(st->kv, "with_drivers", (long)with_drivers, e);
    return rc;
}

static int feature_index(const struct pipe_data *d, const char *name, size_t *j, struct err *e)
{
    for (*j = 0; *j < d->nfeat; (*j)++)
        if (strcmp(d->spec[*j].name, name) == 0)
            return 0;
    return err_set(e, ERR_DATA, "expected a feature \"%s\" in the customers table, found none", name);
}

int segment_study_levers(struct segment_study *st, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n, nl = sp->nlev, ns = sp->nseg;
    double *a = calloc(n + 1, sizeof *a), *b = calloc(n + 1, sizeof *b);
    struct segment_lever_score *sc = calloc(nl + 1, sizeof *sc);
    int rc = !a || !b || !sc || !(st->rec = calloc(ns * nl + 1, sizeof *st->rec)) ||
                     !(st->order = calloc(ns * nl + 1, sizeof *st->order))
                 ? err_set(e, ERR_NOMEM, "out of memory")
                 : 0;
    for (size_t g = 0; !rc && g < ns; g++) {
        for (size_t l = 0; !rc && l < nl; l++) {
            struct segment_rec *r = &st->rec[g * nl + l];
            size_t j, na = 0, nb = 0;
            double phi = 0;
            rc = feature_index(st->d, sp->lev[l].feature, &j, e);
            const double *x = rc ? NULL : st->d->in[j].num;
            for (size_t i = 0; !rc && i < n; i++) {
                if (st->seg[i] == g) {
                    a[na++] = x[i];
                    if (st->shap_row[i] >= 0) {
                        phi += st->shap->cols[st->lever_col[l]].num[st->shap_row[i]];
                        r->n_explained++;
                    }
                    for (size_t k = 0; k < SEGMENT_MAX_DRIVERS; k++)
                        if (st->drivers[i][k] && strcmp(st->drivers[i][k], sp->lev[l].feature) == 0) {
                            r->n_driver++;
                            break;
                        }
                } else if (st->d->y[i] == 0)
                    b[nb++] = x[i]; /* the active customers outside the segment */
            }
            sc[l].mean_phi = r->n_explained ? phi / (double)r->n_explained : NAN;
            if (!rc)
                rc = segment_lever_gap(a, na, b, nb, sp->lev[l].increase, &sc[l].gap, e);
            double sa = 0, sb = 0;
            for (size_t k = 0; k < na; k++)
                sa += a[k];
            for (size_t k = 0; k < nb; k++)
                sb += b[k];
            r->seg_mean = na ? sa / (double)na : NAN;
            r->ref_mean = nb ? sb / (double)nb : NAN;
        }
        if (!rc)
            rc = segment_rank_levers(sc, nl, &st->order[g * nl], e);
        for (size_t l = 0; !rc && l < nl; l++)
            st->rec[g * nl + l].sc = sc[l];
    }
    char key[96];
    for (size_t g = 0; !rc && g < ns && nl; g++) {
        snprintf(key, sizeof key, "top_lever_%s", sp->seg[g].key);
        rc = kv_set_str(st->kv, key, sp->lev[st->order[g * nl]].feature, e);
    }
    free(a);
    free(b);
    free(sc);
    return rc;
}

/* Append "sep" and s to *buf (malloc'ed, grown). */
static int append(char **buf, const char *sep, const char *s, struct err *e)
{
    size_t old = *buf ? strlen(*buf) : 0, add = (old ? strlen(sep) : 0) + strlen(s);
    char *t = realloc(*buf, old + add + 1);
    if (!t)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (!old)
        t[0] = '\0';
    else
        strcat(t, sep);
    strcat(t, s);
    *buf = t;
    return 0;
}

/* A customer offered the segment's lever (none of their own drivers is one):
 * the reason says it is the segment's. */
static int segment_reason_of_segment(char **reason, struct err *e)
{
    char ref[TEXTREF_MAX];
    int rc = textref_key(ref, sizeof ref, "segment.reason_of_segment", NULL, e);
    if (!rc)
        rc = textref_arg(ref, sizeof ref, "reason", *reason, e);
    char *copy = rc ? NULL : strdup(ref);
    if (!rc && !copy)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc) {
        free(*reason);
        *reason = copy;
    }
    return rc;
}

int segment_study_offers(struct segment_study *st, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n, nl = sp->nlev, with = 0, site_only = 0, from_drv = 0, at_risk = 0;
    size_t *pick = calloc(nl + 1, sizeof *pick);
    long cc = table_find(st->t, sp->consent_column);
    int rc = !pick || !(st->offers = calloc(n + 1, sizeof *st->offers)) ||
                     !(st->channels = calloc(n + 1, sizeof *st->channels)) ||
                     !(st->driver_text = calloc(n + 1, sizeof *st->driver_text)) ||
                     !(st->denied = calloc(n + 1, 1)) || !(st->offers_from = calloc(n + 1, sizeof *st->offers_from)) ||
                     !(st->offer = calloc(n + 1, sizeof *st->offer)) ||
                     !(st->channel = calloc(n + 1, sizeof *st->channel)) ||
                     !(st->code = calloc(n + 1, sizeof *st->code)) || !(st->reason = calloc(n + 1, sizeof *st->reason))
                 ? err_set(e, ERR_NOMEM, "out of memory")
                 : 0;
    if (!rc && (cc < 0 || st->t->cols[cc].type != COL_STR))
        rc = err_set(e, ERR_DATA, "expected a consent column \"%s\" of text in the customers table",
                     sp->consent_column);
    for (size_t i = 0; !rc && i < n; i++) {
        const char *consent = st->t->cols[cc].str[i];
        /* No recorded consent is no consent. */
        st->denied[i] = !consent || strcmp(consent, sp->consent_deny) == 0;
        for (size_t k = 0; !rc && k < SEGMENT_MAX_DRIVERS; k++)
            if (st->drivers[i][k])
                rc = append(&st->driver_text[i], "; ", st->drivers[i][k], e);
        if (rc || st->seg[i] == SEGMENT_NONE || !st->targeted[i])
            continue;
        /* Worth an offer (segment_money.c): the levers among the customer's
         * own drivers, else the segment's first lever. */
        at_risk++;
        int own = 0;
        size_t m = segment_pick_levers(sp->lev, nl, (const char *const *)st->drivers[i], SEGMENT_MAX_DRIVERS,
                                       nl ? st->order[st->seg[i] * nl] : SEGMENT_NONE, pick, &own);
        int site = 0;
        for (size_t k = 0; !rc && k < m; k++) {
            enum segment_channel ch;
            const char *tmpl = segment_offer_for(&sp->lev[pick[k]], st->denied[i], &ch);
            char *text = NULL;
            rc = segment_offer_text(tmpl, st->s, st->t, i, &text, e);
            if (!rc)
                rc = append(&st->offers[i], "; ", text, e);
            if (!rc)
                rc = append(&st->channels[i], "; ", segment_channel_names[ch], e);
            if (!rc)
                rc = append(&st->reason[i], "; ", sp->lev[pick[k]].reason, e);
            site += ch == SEGMENT_SITE && sp->lev[pick[k]].channel != SEGMENT_SITE;
            /* The CRM list carries the first two, each in its own columns. */
            if (!rc && k < 2) {
                st->offer[i][k] = text;
                st->channel[i][k] = ch;
                st->code[i][k] = segment_offer_code(&sp->lev[pick[k]], ch);
                text = NULL;
            }
            free(text);
        }
        if (!rc && m && !own)
            rc = segment_reason_of_segment(&st->reason[i], e);
        if (m) {
            with++;
            from_drv += own;
            site_only += st->denied[i] && site > 0;
            st->offers_from[i] = own ? "drivers" : "segment";
        }
    }
    if (!rc)
        rc = kv_set_long(st->kv, "at_risk_with_offers", (long)with, e);
    if (!rc)
        rc = kv_set_long(st->kv, "at_risk_without_offers", (long)(at_risk - with), e);
    if (!rc)
        rc = kv_set_long(st->kv, "offers_from_drivers", (long)from_drv, e);
    if (!rc)
        rc = kv_set_long(st->kv, "offers_from_segment", (long)(with - from_drv), e);
    if (!rc)
        rc = kv_set_long(st->kv, "offers_moved_on_site_no_consent", (long)site_only, e);
    free(pick);
    return rc;
}

/* The sample standard deviation of x[0..n) (NaN left out); 0 when n < 2. */
static double sd_of(const double *x, size_t n)
{
    double m = 0, ss = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            m += x[i], k++;
    if (k < 2)
        return 0;
    m /= (double)k;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - m) * (x[i] - m);
    return sqrt(ss / (double)(k - 1));
}

int segment_study_whatif(struct segment_study *st, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n, nl = sp->nlev, nf = 0, nr = 0;
    struct pipe_data moved = *st->d;
    size_t *rows = calloc(n + 1, sizeof *rows);
    double *x = calloc(n + 1, sizeof *x), *ref = calloc(n + 1, sizeof *ref), *p = calloc(n + 1, sizeof *p);
    struct prep_input *in = calloc(st->d->nfeat + 1, sizeof *in);
    int rc = !rows || !x || !ref || !p || !in || !(st->wi = calloc(nl + 1, sizeof *st->wi))
                 ? err_set(e, ERR_NOMEM, "out of memory")
                 : 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (st->group[i] == 1)
            rows[nf++] = i;
    for (size_t l = 0; !rc && l < nl; l++) {
        struct segment_whatif *w = &st->wi[l];
        size_t j;
        rc = feature_index(st->d, sp->lev[l].feature, &j, e);
        const double *orig = rc ? NULL : st->d->in[j].num;
        nr = 0;
        for (size_t i = 0; !rc && i < n; i++)
            if (st->group[i] == 2)
                ref[nr++] = orig[i];
        if (!rc)
            rc = segment_median(ref, nr, &w->target, e);
        w->max_step = sp->whatif_step * sd_of(ref, nr);
        /* Only the focus customers move; everyone else keeps their row. */
        for (size_t i = 0; !rc && i < n; i++)
            x[i] = orig[i];
        for (size_t k = 0; !rc && k < nf; k++) {
            size_t i = rows[k];
            x[i] = segment_whatif_value(orig[i], w->target, sp->lev[l].increase, w->max_step);
            w->n_moved += x[i] != orig[i];
        }
        memcpy(in, st->d->in, st->d->nfeat * sizeof *in);
        in[j].num = x;
        moved.in = in;
        if (!rc)
            rc = segment_scorer_predict(st->sc, &moved, rows, nf, p, e);
        w->mean_before = w->mean_after = w->par_before = w->par_after = 0;
        for (size_t k = 0; !rc && k < nf; k++) {
            size_t i = rows[k];
            w->mean_before += st->prob[i] / (double)nf;
            w->mean_after += p[k] / (double)nf;
            w->par_before += sp->money.loss_share * st->profit[i] * st->prob[i];
            w->par_after += sp->money.loss_share * st->profit[i] * p[k];
        }
        char key[128];
        snprintf(key, sizeof key, "whatif_saved_%zu", l + 1);
        if (!rc)
            rc = kv_set_double(st->kv, key, w->par_before - w->par_after, e);
    }
    /* The lever that saves the most profit at risk, for the report's sentence. */
    size_t best = 0;
    for (size_t l = 1; l < nl && !rc; l++)
        if (st->wi[l].par_before - st->wi[l].par_after > st->wi[best].par_before - st->wi[best].par_after)
            best = l;
    if (!rc && nl)
        rc = kv_set_str(st->kv, "whatif_best_lever", sp->lev[best].feature, e);
    if (!rc && nl)
        rc = kv_set_double(st->kv, "whatif_best_saved", st->wi[best].par_before - st->wi[best].par_after, e);
    if (!rc && nl)
        rc = kv_set_double(st->kv, "whatif_best_mean_change", st->wi[best].mean_after - st->wi[best].mean_before, e);
    if (!rc)
        rc = kv_set_long(st->kv, "whatif_bounded", isfinite(sp->whatif_step), e);
    if (!rc)
        rc = kv_set_long(st->kv, "whatif_unbounded", !isfinite(sp->whatif_step), e);
    if (!rc)
        rc = kv_set_double(st->kv, "whatif_step", isfinite(sp->whatif_step) ? sp->whatif_step : 0, e);
    FREE_ALL(rows, x, ref, p, in);
    return rc;
}
