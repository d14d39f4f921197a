/* segment_params: the `segment` section of params.yaml, checked (see segment.h
 * and the comments of the section itself). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/utf8.h"

#include "out/textref.h"
#include "study/segment.h"

/* A child that must exist; the error names where its parent is. */
static int child(const struct pnode *map, const char *key, const char *what, const struct pnode **out,
                 struct err *e)
{
    *out = map ? pnode_child(map, key) : NULL;
    if (!*out)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a key \"%s\", found none", map ? map->file : "params",
                       map ? map->line : 0, map ? map->col : 0, what, key);
    return 0;
}

static int child_string(const struct pnode *map, const char *key, const char *what, const char **out,
                        struct err *e)
{
    const struct pnode *n;
    int rc = child(map, key, what, &n, e);
    return rc ? rc : pnode_string(n, what, out, e);
}

static long index_of(const char *const *names, size_t n, const char *s)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(names[k], s) == 0)
            return (long)k;
    return -1;
}

/* risk or profit: thresholds (numbers; profit may say `median`) and level names. */
static int read_levels(const struct params *p, const char *sec, int allow_median, double **t, size_t *nt,
                       const char ***levels, struct err *e)
{
    char path[64], what[96];
    const struct pnode *m, *th, *lv;
    static const char *const keys[] = {"thresholds", "levels", NULL};
    snprintf(path, sizeof path, "segment.%s", sec);
    int rc = params_node(p, path, PNODE_MAP, &m, e);
    if (!rc)
        rc = pnode_check_keys(m, path, keys, e);
    snprintf(what, sizeof what, "%s.thresholds", path);
    if (!rc)
        rc = child(m, "thresholds", path, &th, e);
    if (!rc)
        rc = pnode_expect(th, what, PNODE_SEQ, e);
    if (!rc && th->n == 0)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected at least one threshold, found none", th->file,
                     th->line, th->col, what);
    if (!rc && !(*t = calloc(th->n, sizeof **t)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < th->n; k++) {
        const struct pnode *x = th->items[k];
        if (allow_median && x->kind == PNODE_SCALAR && strcmp(x->value, "median") == 0) {
            (*t)[k] = NAN;
            continue;
        }
        rc = pnode_double(x, what, allow_median ? -1e300 : 0.0, allow_median ? 1e300 : 1.0, &(*t)[k], e);
        if (!rc && k > 0 && !((*t)[k] > (*t)[k - 1]))
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected ascending thresholds, found %s after a larger one",
                         x->file, x->line, x->col, what, x->value);
    }
    if (!rc)
        *nt = th->n;
    snprintf(what, sizeof what, "%s.levels", path);
    if (!rc)
        rc = child(m, "levels", path, &lv, e);
    if (!rc)
        rc = pnode_expect(lv, what, PNODE_SEQ, e);
    if (!rc && lv->n != th->n + 1)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected %zu level names (one more than thresholds), found %zu",
                     lv->file, lv->line, lv->col, what, th->n + 1, lv->n);
    if (!rc && !(*levels = calloc(lv->n, sizeof **levels)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < lv->n; k++)
        rc = pnode_string(lv->items[k], what, &(*levels)[k], e);
    return rc;
}

static int read_segments(const struct params *p, struct segment_params *sp, struct err *e)
{
    static const char *const keys[] = {"key", "risk", "profit", NULL};
    const char *what = "segment.segments";
    const struct pnode *seq, *f;
    size_t ncell = (sp->nrisk_t + 1) * (sp->nprofit_t + 1);
    int rc = params_node(p, what, PNODE_SEQ, &seq, e);
    if (!rc && (!(sp->seg = calloc(seq->n + 1, sizeof *sp->seg)) || !(sp->cell = malloc(ncell * sizeof *sp->cell))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t c = 0; !rc && c < ncell; c++)
        sp->cell[c] = SEGMENT_NONE;
    for (size_t k = 0; !rc && k < seq->n; k++) {
        const struct pnode *m = seq->items[k];
        struct segment_def *d = &sp->seg[k];
        const char *r, *q;
        rc = pnode_expect(m, what, PNODE_MAP, e);
        if (!rc)
            rc = pnode_check_keys(m, what, keys, e);
        if (!rc)
            rc = child_string(m, "key", what, &d->key, e);
        if (!rc && !ascii_name(d->key))
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a key of [A-Za-z0-9_], found \"%s\"", m->file,
                         m->line, m->col, what, d->key);
        for (size_t j = 0; !rc && j < k; j++)
            if (strcmp(sp->seg[j].key, d->key) == 0)
                rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected unique keys, found \"%s\" twice", m->file,
                             m->line, m->col, what, d->key);
        if (!rc && !(d->name = textrefs_key(sp->refs, "segment.names", d->key, e)))
            rc = e->code;
        if (!rc)
            rc = child_string(m, "risk", what, &r, e);
        if (!rc)
            rc = child_string(m, "profit", what, &q, e);
        long ri = rc ? -1 : index_of(sp->risk_levels, sp->nrisk_t + 1, r);
        long qi = rc ? -1 : index_of(sp->profit_levels, sp->nprofit_t + 1, q);
        f = rc ? NULL : pnode_child(m, ri < 0 ? "risk" : "profit");
        if (!rc && (ri < 0 || qi < 0))
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a level of segment.%s, found \"%s\"", f->file,
                         f->line, f->col, what, ri < 0 ? "risk" : "profit", ri < 0 ? r : q);
        if (!rc) {
            d->risk = (size_t)ri;
            d->profit = (size_t)qi;
            size_t c = d->risk * (sp->nprofit_t + 1) + d->profit;
            if (sp->cell[c] != SEGMENT_NONE)
                rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected one segment per pair of levels, found \"%s\" "
                                            "and \"%s\" for (%s, %s)", m->file, m->line, m->col, what,
                             sp->seg[sp->cell[c]].key, d->key, r, q);
            sp->cell[c] = k;
        }
    }
    if (!rc)
        sp->nseg = seq->n;
    for (size_t c = 0; !rc && c < ncell; c++)
        if (sp->cell[c] == SEGMENT_NONE)
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a segment for risk \"%s\" and profit \"%s\", found "
                                        "none", seq->file, seq->line, seq->col, what,
                         sp->risk_levels[c / (sp->nprofit_t + 1)], sp->profit_levels[c % (sp->nprofit_t + 1)]);
    return rc;
}

static int is_numeric_feature(const struct schema *s, const char *name)
{
    for (size_t j = 0; j < s->n_numeric; j++)
        if (strcmp(s->numeric[j], name) == 0)
            return 1;
    for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < s->periods[k].n; j++)
            if (strcmp(s->periods[k].wide[j], name) == 0)
                return 1;
    return 0;
}

/* A list of positive numbers at path, ascending. */
static int positive_list(const struct params *p, const char *path, double **out, size_t *n, struct err *e)
{
    const struct pnode *seq;
    int rc = params_node(p, path, PNODE_SEQ, &seq, e);
    if (!rc && (seq->n == 0 || !(*out = calloc(seq->n, sizeof **out))))
        rc = seq->n ? err_set(e, ERR_NOMEM, "out of memory")
                    : err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected at least one value", seq->file, seq->line,
                              seq->col, path);
    for (size_t k = 0; !rc && k < seq->n; k++) {
        rc = pnode_double(seq->items[k], path, 0, 1e12, &(*out)[k], e);
        if (!rc && k > 0 && !((*out)[k] > (*out)[k - 1]))
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected ascending values", seq->items[k]->file,
                         seq->items[k]->line, seq->items[k]->col, path);
    }
    if (!rc)
        *n = seq->n;
    return rc;
}

/* segment.money: the loss share, the offer's cost and response, the grid. */
static int read_money(const struct params *p, struct segment_money *m, struct err *e)
{
    static const char *const keys[] = {"loss_share", "offer_cost", "response", "sensitivity", NULL};
    static const char *const grid_keys[] = {"offer_cost", "response", NULL};
    int rc = params_check_keys(p, "segment.money", keys, e);
    if (!rc)
        rc = params_double(p, "segment.money.loss_share", 0, 1, &m->loss_share, e);
    if (!rc)
        rc = params_double(p, "segment.money.offer_cost", 0, 1e12, &m->offer_cost, e);
    if (!rc)
        rc = params_double(p, "segment.money.response", 0, 1, &m->response, e);
    if (!rc)
        rc = params_check_keys(p, "segment.money.sensitivity", grid_keys, e);
    if (!rc)
        rc = positive_list(p, "segment.money.sensitivity.offer_cost", &m->cost_grid, &m->ncost, e);
    if (!rc)
        rc = positive_list(p, "segment.money.sensitivity.response", &m->response_grid, &m->nresponse, e);
    return rc;
}

/* A reference to segment.offers.<feature key>.<what> of the text file. */
static const char *offer_ref(struct textrefs *refs, const char *feature, const char *what, struct err *e)
{
    char ref[TEXTREF_MAX];
    if (textref_key(ref, sizeof ref - 32, "segment.offers", feature, e))
        return NULL;
    snprintf(ref + strlen(ref) - 1, 32, ".%s}", what);
    return textrefs_keep(refs, ref, e);
}

/* The codes a CRM system files a lever's offers under: the feature's key and
 * the channel, upper case (PROMO_SHARE-EMAIL, PROMO_SHARE-SITE). */
static int offer_codes(struct textrefs *refs, const char *key, struct segment_lever *l, struct err *e)
{
    char code[160];
    for (int site = 0; site <= (l->channel != SEGMENT_SITE); site++) {
        const char *ch = segment_channel_names[site ? SEGMENT_SITE : l->channel];
        int n = snprintf(code, sizeof code, "%s-%s", key, ch);
        if (n < 0 || (size_t)n >= sizeof code)
            return err_set(e, ERR_PARAMS, "segment.levers: expected a feature key of at most 100 characters, found "
                                          "\"%s\"", key);
        for (char *c = code; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        const char *kept = textrefs_keep(refs, code, e);
        if (!kept)
            return e->code;
        *(site ? &l->site_code : &l->code) = kept;
    }
    return ERR_OK;
}

/* An offer's moves (feature key: increase | decrease) must move its own lever
 * the way that lowers the risk, and no other lever the other way: a customer
 * with that lever among their drivers would be pushed towards a decline. */
static int check_moves(const struct schema *s, const struct segment_params *sp, size_t k, const struct pnode *mv,
                       const char *name, struct err *e)
{
    static const char *const dirs[] = {"decrease", "increase", NULL};
    const struct segment_lever *own = &sp->lev[k];
    int rc = pnode_expect(mv, name, PNODE_MAP, e), moves_own = 0;
    for (size_t i = 0; !rc && i < mv->n; i++) {
        const struct pnode *c = mv->items[i];
        const char *col;
        int up = 0;
        rc = schema_column_at(s, c, c->key, name, &col, e);
        if (!rc)
            rc = pnode_enum(c, name, dirs, &up, e);
        for (size_t j = 0; !rc && j < sp->nlev; j++) {
            const struct segment_lever *l = &sp->lev[j];
            if (strcmp(l->feature, col) != 0)
                continue;
            moves_own |= j == k && up == l->increase;
            if (up != l->increase)
                rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: segment.levers.%s: the offer for %s %ss %s, whose risk falls "
                                            "as it %ss: a customer with %s among their drivers would be pushed the "
                                            "wrong way",
                             c->file, c->line, c->col, name, schema_key(s, own->feature), dirs[up], c->key,
                             dirs[l->increase], c->key);
        }
    }
    if (!rc && !moves_own)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: segment.levers.%s: expected the offer for %s to %s it, found no such "
                                    "entry", mv->file, mv->line, mv->col, name, schema_key(s, own->feature),
                     dirs[own->increase]);
    return rc;
}

static int read_levers(const struct params *p, const struct schema *s, struct segment_params *sp, struct err *e)
{
    static const char *const keys[] = {"feature", "helps", "channel", "moves", "site_moves", NULL};
    static const char *const helps[] = {"decrease", "increase", NULL};
    const char *what = "segment.levers";
    const struct pnode *seq, *n;
    int rc = params_node(p, what, PNODE_SEQ, &seq, e);
    if (!rc && !(sp->lev = calloc(seq->n + 1, sizeof *sp->lev)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < seq->n; k++) {
        const struct pnode *m = seq->items[k];
        struct segment_lever *l = &sp->lev[k];
        int ch = 0;
        rc = pnode_expect(m, what, PNODE_MAP, e);
        if (!rc)
            rc = pnode_check_keys(m, what, keys, e);
        const char *key = NULL;
        if (!rc)
            rc = child_string(m, "feature", what, &key, e);
        if (!rc)
            rc = schema_column_at(s, pnode_child(m, "feature"), key, what, &l->feature, e);
        if (!rc && !is_numeric_feature(s, l->feature)) {
            n = pnode_child(m, "feature");
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a numeric feature of the schema, found \"%s\"",
                         n->file, n->line, n->col, what, l->feature);
        }
        for (size_t j = 0; !rc && j < k; j++)
            if (strcmp(sp->lev[j].feature, l->feature) == 0)
                rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected one lever per feature, found \"%s\" twice",
                             m->file, m->line, m->col, what, l->feature);
        if (!rc)
            rc = child(m, "helps", what, &n, e);
        if (!rc)
            rc = pnode_enum(n, "segment.levers.helps", helps, &l->increase, e);
        if (!rc)
            rc = child(m, "channel", what, &n, e);
        if (!rc)
            rc = pnode_enum(n, "segment.levers.channel", segment_channel_names, &ch, e);
        l->channel = (enum segment_channel)ch;
        /* The offers' text: segment.offers.<feature>.offer (and .site_offer,
         * for customers who denied contact) of the text file. */
        if (!rc && !(l->offer = offer_ref(sp->refs, key, "offer", e)))
            rc = e->code;
        if (!rc && l->channel != SEGMENT_SITE && !(l->site_offer = offer_ref(sp->refs, key, "site_offer", e)))
            rc = e->code;
        if (!rc && !(l->reason = offer_ref(sp->refs, key, "reason", e)))
            rc = e->code;
        if (!rc)
            rc = offer_codes(sp->refs, key, l, e);
    }
    if (!rc)
        sp->nlev = seq->n;
    /* What each offer moves, checked against every lever (all read by now). */
    for (size_t k = 0; !rc && k < sp->nlev; k++) {
        const struct pnode *m = seq->items[k], *mv = pnode_child(m, "moves"), *smv = pnode_child(m, "site_moves");
        int contact = sp->lev[k].channel != SEGMENT_SITE;
        if (!mv || (contact && !smv))
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected %s, what the offer%s change (feature: increase or "
                                        "decrease), found none", m->file, m->line, m->col, what,
                         !mv ? "moves" : "site_moves", !mv ? "" : "'s on-site version");
        else if (!contact && smv)
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: a site lever has no on-site version: site_moves is not for it",
                         smv->file, smv->line, smv->col, what);
        if (!rc)
            rc = check_moves(s, sp, k, mv, "moves", e);
        if (!rc && smv)
            rc = check_moves(s, sp, k, smv, "site_moves", e);
    }
    return rc;
}

/* segment.consent: an ordinal of the schema, and its level that denies contact. */
static int read_consent(const struct params *p, const struct schema *s, struct segment_params *sp, struct err *e)
{
    static const char *const ckeys[] = {"column", "deny", NULL};
    const struct pnode *n;
    int rc = params_node(p, "segment.consent", PNODE_MAP, &n, e);
    if (!rc)
        rc = pnode_check_keys(n, "segment.consent", ckeys, e);
    if (!rc)
        rc = schema_column_at_path(p, s, "segment.consent.column", &sp->consent_column, e);
    if (!rc)
        rc = params_string(p, "segment.consent.deny", &sp->consent_deny, e);
    if (rc)
        return rc;
    const struct schema_ordinal *o = NULL;
    for (size_t j = 0; j < s->n_ordinal; j++)
        if (strcmp(s->ordinal[j].column, sp->consent_column) == 0)
            o = &s->ordinal[j];
    n = params_find(p, NULL, o ? "segment.consent.deny" : "segment.consent.column");
    if (!o)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: segment.consent.column: expected an ordinal of the schema, "
                                      "found \"%s\"", n->file, n->line, n->col, sp->consent_column);
    if (index_of(o->levels, o->n_levels, sp->consent_deny) < 0)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: segment.consent.deny: expected a level of \"%s\", found \"%s\"",
                       n->file, n->line, n->col, o->column, sp->consent_deny);
    return ERR_OK;
}

int segment_params_read(const struct params *p, const struct schema *s, struct segment_params *sp, struct err *e)
{
    static const char *const keys[] = {"folds", "shuffle_folds", "risk", "profit", "segments", "focus", "offers_for",
                                       "consent", "levers", "whatif_step", "money", "control_share", NULL};
    memset(sp, 0, sizeof *sp);
    if (!(sp->refs = calloc(1, sizeof *sp->refs)))
        return err_set(e, ERR_NOMEM, "out of memory");
    const char *focus = NULL;
    const char **of = NULL;
    size_t nof = 0;
    const struct pnode *n;
    int rc = params_check_keys(p, "segment", keys, e);
    /* whatif_step: a number of SDs, or none (all the way to the median). */
    const struct pnode *ws = rc ? NULL : params_find(p, NULL, "segment.whatif_step");
    sp->whatif_step = INFINITY;
    if (ws && !(ws->kind == PNODE_SCALAR && !ws->quoted && strcmp(ws->value, "none") == 0))
        rc = pnode_double(ws, "segment.whatif_step", 0, 1e6, &sp->whatif_step, e);
    if (!rc)
        rc = read_money(p, &sp->money, e);
    if (!rc)
        rc = params_double(p, "segment.control_share", 0, 0.5, &sp->control_share, e);
    if (!rc)
        rc = params_long(p, "segment.folds", 2, 100, &sp->folds, e);
    if (!rc)
        rc = params_bool(p, "segment.shuffle_folds", &sp->shuffle, e);
    if (!rc)
        rc = read_levels(p, "risk", 0, &sp->risk_t, &sp->nrisk_t, &sp->risk_levels, e);
    if (!rc)
        rc = read_levels(p, "profit", 1, &sp->profit_t, &sp->nprofit_t, &sp->profit_levels, e);
    if (!rc)
        rc = read_segments(p, sp, e);
    if (!rc)
        rc = params_string(p, "segment.focus", &focus, e);
    for (size_t k = 0; !rc && k <= sp->nseg; k++) {
        if (k == sp->nseg) {
            n = params_find(p, NULL, "segment.focus");
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: segment.focus: expected the key of a segment, found \"%s\"",
                         n->file, n->line, n->col, focus);
        } else if (strcmp(sp->seg[k].key, focus) == 0) {
            sp->focus = k;
            break;
        }
    }
    if (!rc)
        rc = params_strings(p, "segment.offers_for", &of, &nof, e);
    if (!rc && !(sp->offers_for = calloc(sp->nrisk_t + 1, 1)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < nof; k++) {
        long r = index_of(sp->risk_levels, sp->nrisk_t + 1, of[k]);
        n = params_find(p, NULL, "segment.offers_for")->items[k];
        if (r < 0)
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: segment.offers_for: expected a level of segment.risk, found "
                                        "\"%s\"", n->file, n->line, n->col, of[k]);
        else
            sp->offers_for[r] = 1;
    }
    free(of);
    if (!rc)
        rc = read_consent(p, s, sp, e);
    if (!rc)
        rc = read_levers(p, s, sp, e);
    if (rc)
        segment_params_free(sp);
    return rc;
}

void segment_params_free(struct segment_params *sp)
{
    FREE_ALL(sp->risk_t, sp->risk_levels, sp->profit_t, sp->profit_levels, sp->seg, sp->cell, sp->offers_for, sp->lev,
             sp->money.cost_grid, sp->money.response_grid);
    if (sp->refs)
        textrefs_free(sp->refs);
    free(sp->refs);
    memset(sp, 0, sizeof *sp);
}

const char *segment_label(const struct segment_params *sp, const char *path, const char *fallback)
{
    char ref[TEXTREF_MAX], full[320];
    struct err e = {0};
    snprintf(full, sizeof full, "segment.%s", path);
    const char *s = textref_key(ref, sizeof ref, full, NULL, &e) || textref_arg_text(ref, sizeof ref, "", fallback, &e)
                        ? NULL
                        : textrefs_keep(sp->refs, ref, &e);
    return s ? s : fallback;
}
