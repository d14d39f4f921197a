/* segment: levels, segments, profit at risk, lever ranking, offers (see segment.h). */
#include "study/segment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

const char *const segment_channel_names[4] = {"email", "call", "site", NULL};

size_t segment_level(const double *t, size_t nt, double x)
{
    if (isnan(x))
        return SEGMENT_NONE;
    size_t k = 0;
    while (k < nt && x >= t[k])
        k++;
    return k;
}

static int check_ascending(const double *t, size_t n, const char *what, struct err *e)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(t[k]) || (k > 0 && !(t[k] > t[k - 1])))
            return err_set(e, ERR_PARAMS, "%s thresholds: expected finite and strictly ascending values, found %g "
                                          "at position %zu", what, t[k], k + 1);
    return 0;
}

int segment_assign(const struct segment_grid *g, const double *prob, const double *profit, size_t n,
                   size_t *risk, size_t *plevel, size_t *seg, struct err *e)
{
    int rc = check_ascending(g->risk_t, g->nrisk_t, "risk", e);
    if (!rc)
        rc = check_ascending(g->profit_t, g->nprofit_t, "profit", e);
    size_t ncell = (g->nrisk_t + 1) * (g->nprofit_t + 1);
    for (size_t c = 0; !rc && c < ncell; c++)
        if (g->cell[c] >= g->nseg)
            rc = err_set(e, ERR_PARAMS, "expected a segment for risk level %zu and profit level %zu, found none",
                         c / (g->nprofit_t + 1), c % (g->nprofit_t + 1));
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        size_t r = segment_level(g->risk_t, g->nrisk_t, prob[i]);
        size_t q = segment_level(g->profit_t, g->nprofit_t, profit[i]);
        if (risk)
            risk[i] = r;
        if (plevel)
            plevel[i] = q;
        if (seg)
            seg[i] = r == SEGMENT_NONE || q == SEGMENT_NONE ? SEGMENT_NONE : g->cell[r * (g->nprofit_t + 1) + q];
    }
    return 0;
}

double segment_profit_at_risk(const double *prob, const double *profit, const size_t *rows, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) {
        size_t i = rows ? rows[k] : k;
        if (!isnan(prob[i]) && !isnan(profit[i]))
            s += profit[i] * prob[i];
    }
    return s;
}

int segment_summarize(const double *prob, const double *profit, const size_t *seg, size_t n, size_t nseg, double loss_share,
                      struct segment_summary *out, struct err *e)
{
    double *psum = calloc(nseg + 1, sizeof *psum);
    if (!psum)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t s = 0; s < nseg; s++)
        out[s] = (struct segment_summary){0};
    for (size_t i = 0; i < n; i++) {
        if (seg[i] == SEGMENT_NONE)
            continue;
        if (seg[i] >= nseg) {
            free(psum);
            return err_set(e, ERR_DATA, "row %zu: segment %zu out of range (%zu segments)", i, seg[i], nseg);
        }
        struct segment_summary *o = &out[seg[i]];
        o->n++;
        psum[seg[i]] += prob[i];
        o->profit_total += profit[i];
        o->profit_at_risk += loss_share * profit[i] * prob[i];
    }
    for (size_t s = 0; s < nseg; s++) {
        struct segment_summary *o = &out[s];
        o->share = n ? (double)o->n / (double)n : NAN;
        o->mean_prob = o->n ? psum[s] / (double)o->n : NAN;
        o->profit_mean = o->n ? o->profit_total / (double)o->n : NAN;
    }
    free(psum);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int segment_median(const double *x, size_t n, double *out, struct err *e)
{
    double *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            v[k++] = x[i];
    qsort(v, k, sizeof *v, cmp_double);
    *out = stats_quantile_sorted(v, k, 0.5);
    free(v);
    return 0;
}

/* ---- levers ----------------------------------------------------------- */

int segment_lever_gap(const double *seg, size_t nseg, const double *ref, size_t nref, int increase, double *gap,
                      struct err *e)
{
    double d;
    int rc = stats_smd(seg, nseg, ref, nref, &d, e);
    if (rc)
        return rc;
    /* A lever that helps by increasing is on the harmful side when the
     * segment is below the reference. */
    *gap = increase ? -d : d;
    return 0;
}

/* 1 + how many values are strictly larger; NaN ranks last (n). */
static size_t rank_desc(const struct segment_lever_score *s, size_t n, size_t i, int by_phi)
{
    double v = by_phi ? s[i].mean_phi : s[i].gap;
    if (isnan(v))
        return n;
    size_t r = 1;
    for (size_t k = 0; k < n; k++) {
        double w = by_phi ? s[k].mean_phi : s[k].gap;
        r += !isnan(w) && w > v;
    }
    return r;
}

/* Does lever a come before lever b? */
static int before(const struct segment_lever_score *s, size_t a, size_t b)
{
    size_t ra = s[a].rank_phi + s[a].rank_gap, rb = s[b].rank_phi + s[b].rank_gap;
    if (ra != rb)
        return ra < rb;
    double pa = isnan(s[a].mean_phi) ? -INFINITY : s[a].mean_phi, pb = isnan(s[b].mean_phi) ? -INFINITY : s[b].mean_phi;
    if (pa != pb)
        return pa > pb;
    double ga = isnan(s[a].gap) ? -INFINITY : s[a].gap, gb = isnan(s[b].gap) ? -INFINITY : s[b].gap;
    if (ga != gb)
        return ga > gb;
    return a < b;
}

int segment_rank_levers(struct segment_lever_score *s, size_t n, size_t *order, struct err *e)
{
    (void)e;
    for (size_t i = 0; i < n; i++) {
        s[i].rank_phi = rank_desc(s, n, i, 1);
        s[i].rank_gap = rank_desc(s, n, i, 0);
    }
    /* Insertion sort: a handful of levers, and it is stable by construction. */
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        for (; k > 0 && before(s, i, order[k - 1]); k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    for (size_t k = 0; k < n; k++)
        s[order[k]].rank = k + 1;
    return 0;
}

size_t segment_pick_levers(const struct segment_lever *lev, size_t nlev, const char *const *drivers,
                           size_t ndrivers, size_t fallback, size_t *out, int *from_drivers)
{
    size_t m = 0;
    for (size_t d = 0; d < ndrivers; d++) {
        if (!drivers[d])
            continue;
        for (size_t l = 0; l < nlev; l++) {
            if (strcmp(drivers[d], lev[l].feature) != 0)
                continue;
            size_t k = 0;
            while (k < m && out[k] != l)
                k++;
            if (k == m)
                out[m++] = l;
        }
    }
    if (from_drivers)
        *from_drivers = m > 0;
    if (m == 0 && fallback != SEGMENT_NONE && fallback < nlev)
        out[m++] = fallback;
    return m;
}

const char *segment_offer_for(const struct segment_lever *l, int denied, enum segment_channel *channel)
{
    if (l->channel != SEGMENT_SITE && denied) {
        *channel = SEGMENT_SITE;
        return l->site_offer;
    }
    *channel = l->channel;
    return l->offer;
}

const char *segment_offer_code(const struct segment_lever *l, enum segment_channel channel)
{
    return channel == SEGMENT_SITE && l->channel != SEGMENT_SITE ? l->site_code : l->code;
}

int segment_offer_text(const char *tmpl, const struct schema *s, const struct table *t, size_t row, char **out,
                       struct err *e)
{
    char ref[TEXTREF_MAX];
    int rc = ERR_OK;
    *out = NULL;
    snprintf(ref, sizeof ref, "%s", tmpl);
    for (size_t c = 0; t && c < t->ncols && !rc; c++)
        if (t->cols[c].type == COL_STR)
            rc = textref_arg_text(ref, sizeof ref, schema_key(s, t->cols[c].name),
                                  t->cols[c].str[row] ? t->cols[c].str[row] : "", e);
    if (!rc && !(*out = strdup(ref)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    return rc;
}

double segment_whatif_value(double x, double target, int increase, double max_step)
{
    if (isnan(x))
        return x;
    if (increase)
        return x < target ? fmin(target, x + max_step) : x;
    return x > target ? fmax(target, x - max_step) : x;
}
