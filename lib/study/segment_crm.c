/* The CRM list's order and its control group.
 *
 * Priority: the targeted customers by expected saving, largest first (ties in
 * the data's order), numbered from 1. Control group: in each segment, a share
 * (segment.control_share, rounded to the nearest customer) of its targeted
 * customers, drawn at random from one generator seeded with the study's seed
 * and walked through the segments in order: they get no offer, so that next
 * quarter the campaign's effect is the difference between the two groups. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "core/order.h"
#include "models/split.h"
#include "study/segment_study.h"

/* Priorities 1.. of the targeted customers by expected saving, largest
 * first (ties in the data's order, a missing saving last); rows is scratch
 * of n. 0, or -1 when out of memory. */
static int number_by_saving(struct segment_study *st, size_t *rows)
{
    size_t n = st->d->n, m = 0;
    double *saving = malloc((n + 1) * sizeof *saving);
    size_t *order = malloc((n + 1) * sizeof *order);
    int rc = saving && order ? 0 : -1;
    for (size_t i = 0; i < n && !rc; i++)
        if (st->targeted[i]) {
            rows[m] = i;
            saving[m++] = st->saving[i];
        }
    if (!rc)
        rc = order_by(saving, m, 1, order);
    for (size_t k = 0; k < m && !rc; k++)
        st->priority[rows[order[k]]] = (long)k + 1;
    free(saving);
    free(order);
    return rc;
}

/* Hold back round(share x targeted) customers of every segment. */
static void draw_control(struct segment_study *st, gsl_rng *r, size_t *rows)
{
    size_t n = st->d->n;
    for (size_t g = 0; g < st->sp->nseg; g++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (st->targeted[i] && st->seg[i] == g)
                rows[m++] = i;
        size_t take = (size_t)floor(st->sp->control_share * (double)m + 0.5);
        split_shuffle(r, rows, m);
        for (size_t k = 0; k < take && k < m; k++)
            st->control[rows[k]] = 1;
    }
}

/* Per segment and in all: who gets an offer (targeted, not held back), who is
 * held back, and the campaign's expected net effect (their savings less the
 * offers' cost), for the report's action table. */
static int campaign_kv(struct segment_study *st, struct err *e)
{
    const struct segment_params *sp = st->sp;
    size_t n = st->d->n;
    int rc = ERR_OK;
    for (size_t g = 0; g <= sp->nseg && !rc; g++) {
        size_t sent = 0, held = 0;
        double net = 0;
        for (size_t i = 0; i < n; i++) {
            if (!st->targeted[i] || (g < sp->nseg && st->seg[i] != g))
                continue;
            held += st->control[i];
            sent += !st->control[i];
            if (!st->control[i])
                net += st->saving[i] - sp->money.offer_cost;
        }
        char key[3][96];
        const char *sfx = g < sp->nseg ? sp->seg[g].key : "all";
        snprintf(key[0], sizeof key[0], "campaign_n_%s", sfx);
        snprintf(key[1], sizeof key[1], "control_n_%s", sfx);
        snprintf(key[2], sizeof key[2], "campaign_net_%s", sfx);
        rc = kv_set_long(st->kv, key[0], (long)sent, e);
        if (!rc)
            rc = kv_set_long(st->kv, key[1], (long)held, e);
        if (!rc)
            rc = kv_set_double(st->kv, key[2], net, e);
    }
    return rc;
}

int segment_study_crm(struct segment_study *st, unsigned long seed, struct err *e)
{
    size_t n = st->d->n;
    size_t *rows = malloc((n + 1) * sizeof *rows);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = !rows || !r || !(st->priority = calloc(n + 1, sizeof *st->priority)) ||
                     !(st->control = calloc(n + 1, 1))
                 ? err_set(e, ERR_NOMEM, "out of memory")
                 : ERR_OK;
    if (!rc && number_by_saving(st, rows))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc) {
        gsl_rng_set(r, seed);
        draw_control(st, r, rows);
        rc = kv_set_double(st->kv, "control_share", st->sp->control_share, e);
    }
    if (!rc)
        rc = campaign_kv(st, e);
    gsl_rng_free(r);
    free(rows);
    return rc;
}
