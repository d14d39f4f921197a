/* search: distributions, spaces parsed from params.yaml, and the draw of the
 * candidates (see search.h). The cross-validation runner is search_cv.c. */
#include "models/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void dist_clear(struct search_dist *d)
{
    free(d->value);
    for (size_t i = 0; i < d->n; i++)
        dist_clear(&d->items[i]);
    free(d->items);
    memset(d, 0, sizeof *d);
}

void search_spaces_free(struct search_spaces *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->sp[i].n; k++) {
            free(s->sp[i].par[k].key);
            dist_clear(&s->sp[i].par[k].dist);
        }
        free(s->sp[i].par);
    }
    free(s->sp);
    free(s);
}

/* Round to 4 significant digits, as text. */
static void real_text(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.4g", x);
}

void search_dist_sample(const struct search_dist *d, gsl_rng *r, char *buf, size_t size)
{
    switch (d->kind) {
    case SEARCH_CONST:
        snprintf(buf, size, "%s", d->value);
        break;
    case SEARCH_CHOICE:
        search_dist_sample(&d->items[gsl_rng_uniform_int(r, d->n)], r, buf, size);
        break;
    case SEARCH_INT: {
        unsigned long span = (unsigned long)(d->hi - d->lo) + 1;
        snprintf(buf, size, "%.0f", d->lo + (double)gsl_rng_uniform_int(r, span));
        break;
    }
    case SEARCH_UNIFORM:
        real_text(d->lo + (d->hi - d->lo) * gsl_rng_uniform(r), buf, size);
        break;
    case SEARCH_LOGUNIFORM:
        real_text(exp(log(d->lo) + (log(d->hi) - log(d->lo)) * gsl_rng_uniform(r)), buf, size);
        break;
    }
}

/* Check a value the distribution can produce against the family. */
static int check_value(enum pipe_family f, const char *key, const char *v, const struct pnode *at, const char *what,
                       struct err *e)
{
    struct pipe_config c;
    pipeline_config_default(&c, f);
    int rc = pipeline_config_set(&c, key, v, e);
    if (rc)
        err_prefix(e, "%s:%zu:%zu: %s: ", at->file, at->line, at->col, what);
    return rc;
}

static int parse_dist(const struct pnode *n, enum pipe_family f, const char *key, const char *what,
                      struct search_dist *d, struct err *e);

static int parse_items(const struct pnode *seq, enum pipe_family f, const char *key, const char *what,
                       struct search_dist *d, struct err *e)
{
    if (seq->n == 0)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a non-empty list of choices", seq->file, seq->line,
                       seq->col, what);
    d->kind = SEARCH_CHOICE;
    if (!(d->items = calloc(seq->n, sizeof *d->items)))
        return err_set(e, ERR_NOMEM, "out of memory");
    d->n = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        int rc = parse_dist(seq->items[i], f, key, what, &d->items[i], e);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_range(const struct pnode *n, const struct pnode *arg, enum pipe_family f, const char *key,
                       const char *what, struct search_dist *d, struct err *e)
{
    static const char *const kinds[] = {"choice", "int", "uniform", "loguniform", NULL};
    int k = -1;
    for (int i = 0; kinds[i]; i++)
        if (!strcmp(arg->key, kinds[i]))
            k = i;
    if (n->n != 1 || k < 0)
        return err_set(e, ERR_PARAMS,
                       "%s:%zu:%zu: %s: expected a value, a list, or one of {choice: [...]}, {int: [lo, hi]}, "
                       "{uniform: [lo, hi]}, {loguniform: [lo, hi]}, found \"%s\"",
                       n->file, n->line, n->col, what, arg->key ? arg->key : "");
    int rc = pnode_expect(arg, what, PNODE_SEQ, e);
    if (rc)
        return rc;
    if (k == 0)
        return parse_items(arg, f, key, what, d, e);
    if (arg->n != 2)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected [lo, hi], found %zu values", arg->file, arg->line,
                       arg->col, what, arg->n);
    double lo, hi;
    rc = pnode_double(arg->items[0], what, k == 3 ? 1e-300 : -1e300, 1e300, &lo, e);
    if (!rc)
        rc = pnode_double(arg->items[1], what, lo, 1e300, &hi, e);
    if (!rc && k == 1 && (lo != floor(lo) || hi != floor(hi) || hi - lo > 1e9))
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected integer bounds, found [%g, %g]", arg->file, arg->line,
                     arg->col, what, lo, hi);
    if (rc)
        return rc;
    d->kind = k == 1 ? SEARCH_INT : k == 2 ? SEARCH_UNIFORM : SEARCH_LOGUNIFORM;
    d->lo = lo;
    d->hi = hi;
    /* Both ends must be values the family takes; what lies between then is too
     * for every hyperparameter the families have (all ranges are intervals). */
    char t[64];
    for (int end = 0; end < 2 && !rc; end++) {
        double x = end ? hi : lo;
        if (k == 1)
            snprintf(t, sizeof t, "%.0f", x);
        else
            real_text(x, t, sizeof t);
        rc = check_value(f, key, t, arg->items[end], what, e);
    }
    return rc;
}

static int parse_dist(const struct pnode *n, enum pipe_family f, const char *key, const char *what,
                      struct search_dist *d, struct err *e)
{
    switch (n->kind) {
    case PNODE_SCALAR:
        d->kind = SEARCH_CONST;
        if (!(d->value = strdup(n->value)))
            return err_set(e, ERR_NOMEM, "out of memory");
        return check_value(f, key, n->value, n, what, e);
    case PNODE_SEQ:
        return parse_items(n, f, key, what, d, e);
    case PNODE_MAP:
        return parse_range(n, n->n ? n->items[0] : n, f, key, what, d, e);
    }
    return 0;
}

int search_spaces_parse(const struct pnode *seq, const char *what, struct search_spaces **out, struct err *e)
{
    *out = NULL;
    int rc = pnode_expect(seq, what, PNODE_SEQ, e);
    if (rc)
        return rc;
    if (seq->n == 0)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected at least one space", seq->file, seq->line, seq->col,
                       what);
    struct search_spaces *s = calloc(1, sizeof *s);
    if (!s || !(s->sp = calloc(seq->n, sizeof *s->sp))) {
        free(s);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    s->n = seq->n;
    for (size_t i = 0; i < seq->n && !rc; i++) {
        const struct pnode *m = seq->items[i], *fam = NULL;
        struct search_space *sp = &s->sp[i];
        char w[256];
        snprintf(w, sizeof w, "%s[%zu]", what, i);
        rc = pnode_expect(m, w, PNODE_MAP, e);
        if (!rc && !(fam = pnode_child(m, "family")))
            rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: expected a key \"family\"", m->file, m->line, m->col, w);
        int f = 0;
        if (!rc)
            rc = pnode_enum(fam, w, pipeline_family_names, &f, e);
        sp->family = (enum pipe_family)f;
        sp->line = m->line;
        sp->col = m->col;
        if (!rc && !(sp->par = calloc(m->n, sizeof *sp->par)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < m->n && !rc; k++) {
            const struct pnode *it = m->items[k];
            if (!strcmp(it->key, "family"))
                continue;
            for (size_t j = 0; j < sp->n && !rc; j++)
                if (!strcmp(sp->par[j].key, it->key))
                    rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: %s: key \"%s\" given twice", it->file, it->line, it->col,
                                 w, it->key);
            struct search_param *sparam = &sp->par[sp->n];
            if (!rc && !(sparam->key = strdup(it->key)))
                rc = err_set(e, ERR_NOMEM, "out of memory");
            if (!rc) {
                sp->n++;
                char wk[320];
                snprintf(wk, sizeof wk, "%s.%s", w, it->key);
                rc = parse_dist(it, sp->family, it->key, wk, &sparam->dist, e);
            }
        }
    }
    if (rc) {
        search_spaces_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static int dist_can(const struct search_dist *d, const char *value)
{
    if (d->kind == SEARCH_CONST)
        return !strcmp(d->value, value);
    for (size_t i = 0; d->kind == SEARCH_CHOICE && i < d->n; i++)
        if (dist_can(&d->items[i], value))
            return 1;
    return 0;
}

int search_space_can_draw(const struct search_space *sp, const char *key, const char *value)
{
    for (size_t k = 0; k < sp->n; k++)
        if (!strcmp(sp->par[k].key, key))
            return dist_can(&sp->par[k].dist, value);
    /* Not in the space: the default, which for the scaler is standard. */
    struct pipe_config c;
    char buf[1024], want[256];
    pipeline_config_default(&c, sp->family);
    pipeline_config_format(&c, buf, sizeof buf);
    snprintf(want, sizeof want, "%s=%s", key, value);
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        if (!strcmp(t, want))
            return 1;
    return 0;
}

int search_draw(const struct search_spaces *s, size_t n_iter, unsigned long seed, struct search_candidate **out,
                struct err *e)
{
    *out = NULL;
    struct search_candidate *c = calloc(n_iter ? n_iter : 1, sizeof *c);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!c || !r) {
        free(c);
        if (r)
            gsl_rng_free(r);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    gsl_rng_set(r, seed);
    int rc = 0;
    char v[256];
    for (size_t i = 0; i < n_iter && !rc; i++) {
        size_t k = s->n > 1 ? gsl_rng_uniform_int(r, s->n) : 0;
        const struct search_space *sp = &s->sp[k];
        c[i].space = k;
        pipeline_config_default(&c[i].cfg, sp->family);
        for (size_t j = 0; j < sp->n && !rc; j++) {
            search_dist_sample(&sp->par[j].dist, r, v, sizeof v);
            rc = pipeline_config_set(&c[i].cfg, sp->par[j].key, v, e);
        }
        /* Always drawn, so that the stream does not depend on the space. */
        unsigned long own = gsl_rng_get(r);
        int fixed = 0;
        for (size_t j = 0; j < sp->n; j++)
            fixed |= !strcmp(sp->par[j].key, "random_state");
        if (!fixed)
            c[i].cfg.seed = own;
    }
    gsl_rng_free(r);
    if (rc) {
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}
