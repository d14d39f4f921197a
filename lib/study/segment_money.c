/* segment_money: what the probabilities mean in roubles, and who is worth an
 * offer (step 3b of stages/segment.c; see segment_study.h). Every number here
 * rests on stated assumptions from params.yaml segment.money: the share of a
 * customer's profit lost when activity declines, an offer's cost and the
 * share of the expected loss it saves. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/segment_study.h"

/* Revenue in the last period over the first, summed over the customers of
 * one class (y) with both: the trajectory the loss share could be read from. */
static double revenue_change(const struct segment_study *st, int y)
{
    const struct schema_period *sp = &st->s->periods[0];
    long a = table_find(st->t, sp->wide[0]), b = table_find(st->t, sp->wide[sp->n - 1]);
    double first = 0, last = 0;
    for (size_t i = 0; a >= 0 && b >= 0 && i < st->d->n; i++)
        if (st->d->y[i] == y && !isnan(st->t->cols[a].num[i]) && !isnan(st->t->cols[b].num[i])) {
            first += st->t->cols[a].num[i];
            last += st->t->cols[b].num[i];
        }
    return first > 0 ? last / first - 1 : NAN;
}

/* A rule's totals under a cost and a response: customers, the expected saving
 * less the offers' cost, and the decliners it leaves out. */
struct rule_sum {
    size_t n, declined_out;
    double saving, cost;
};

static struct rule_sum sum_rule(const struct segment_study *st, const unsigned char *in, double cost, double response)
{
    struct rule_sum r = {0};
    for (size_t i = 0; i < st->d->n; i++) {
        if (isnan(st->loss[i]))
            continue;
        if (in[i]) {
            r.n++;
            r.saving += response * st->loss[i];
            r.cost += cost;
        } else if (st->d->y[i]) {
            r.declined_out++;
        }
    }
    return r;
}

static int put_rule(struct segment_study *st, const char *name, const struct rule_sum *r, struct err *e)
{
    char key[96];
    const struct {
        const char *what;
        double v;
    } v[] = {{"n", (double)r->n},
             {"saving", r->saving},
             {"cost", r->cost},
             {"net", r->saving - r->cost},
             {"declined_out", (double)r->declined_out}};
    int rc = 0;
    for (size_t k = 0; !rc && k < sizeof v / sizeof *v; k++) {
        snprintf(key, sizeof key, "%s_%s", name, v[k].what);
        rc = kv_set_double(st->kv, key, v[k].v, e);
    }
    return rc;
}

int segment_study_money(struct segment_study *st, struct err *e)
{
    const struct segment_params *sp = st->sp;
    const struct segment_money *m = &sp->money;
    size_t n = st->d->n, ng = m->ncost * m->nresponse;
    unsigned char *focus = calloc(n + 1, 1), *ev = calloc(n + 1, 1);
    int rc = !focus || !ev || !(st->loss = calloc(n + 1, sizeof *st->loss)) ||
                     !(st->saving = calloc(n + 1, sizeof *st->saving)) || !(st->targeted = calloc(n + 1, 1)) ||
                     !(st->grid = calloc(ng + 1, sizeof *st->grid))
                 ? err_set(e, ERR_NOMEM, "out of memory")
                 : 0;
    /* Per customer: the expected loss p x share x profit, what an offer saves
     * of it, and whether that beats the offer's cost. */
    for (size_t i = 0; !rc && i < n; i++) {
        st->loss[i] = st->prob[i] * m->loss_share * st->profit[i];
        st->saving[i] = m->response * st->loss[i];
        st->targeted[i] = ev[i] = !isnan(st->saving[i]) && st->saving[i] > m->offer_cost;
        focus[i] = st->seg[i] == sp->focus;
    }
    struct rule_sum r_ev = sum_rule(st, ev, m->offer_cost, m->response);
    struct rule_sum r_focus = sum_rule(st, focus, m->offer_cost, m->response);
    if (!rc)
        rc = put_rule(st, "target_ev", &r_ev, e);
    if (!rc)
        rc = put_rule(st, "target_focus", &r_focus, e);
    /* The sensitivity grid: who the rule would target and the net effect. */
    for (size_t a = 0; !rc && a < m->ncost; a++)
        for (size_t b = 0; b < m->nresponse; b++) {
            for (size_t i = 0; i < n; i++)
                ev[i] = !isnan(st->loss[i]) && m->response_grid[b] * st->loss[i] > m->cost_grid[a];
            struct rule_sum r = sum_rule(st, ev, m->cost_grid[a], m->response_grid[b]);
            st->grid[a * m->nresponse + b] = (struct segment_grid_cell){m->cost_grid[a], m->response_grid[b], r.n,
                                                                        r.saving - r.cost};
        }
    st->ngrid = ng;
    double loss_total = 0;
    for (size_t i = 0; !rc && i < n; i++)
        loss_total += isnan(st->loss[i]) ? 0 : st->loss[i];
    const struct {
        const char *key;
        double v;
    } kv[] = {{"loss_share", m->loss_share},
              {"offer_cost", m->offer_cost},
              {"response", m->response},
              {"expected_loss_total", loss_total},
              {"revenue_change_declined", revenue_change(st, 1)},
              {"revenue_change_kept", revenue_change(st, 0)}};
    for (size_t k = 0; !rc && k < sizeof kv / sizeof *kv; k++)
        rc = kv_set_double(st->kv, kv[k].key, kv[k].v, e);
    free(focus);
    free(ev);
    return rc;
}
