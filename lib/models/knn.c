#include "core/mem.h"
#include "core/fileio.h"
#include "models/knn.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "core/textio.h"

void knn_params_default(struct knn_params *par)
{
    par->n_neighbors = 5;
    par->weights = KNN_UNIFORM;
    par->p = 2;
}

int knn_weights_parse(const char *s, enum knn_weights *w, struct err *e)
{
    if (!strcmp(s, "uniform"))
        *w = KNN_UNIFORM;
    else if (!strcmp(s, "distance"))
        *w = KNN_DISTANCE;
    else
        return err_set(e, ERR_PARAMS, "weights: expected uniform or distance, found \"%s\"", s);
    return ERR_OK;
}

static int check_params(const struct knn_params *par, size_t n, struct err *e)
{
    if (par->n_neighbors < 1 || par->n_neighbors > n)
        return err_set(e, ERR_PARAMS, "knn: expected n_neighbors in [1, %zu], found %zu", n,
                       par->n_neighbors);
    if (par->weights != KNN_UNIFORM && par->weights != KNN_DISTANCE)
        return err_set(e, ERR_PARAMS, "knn: expected weights uniform or distance, found %d",
                       (int)par->weights);
    if (par->p != 1 && par->p != 2)
        return err_set(e, ERR_PARAMS, "knn: expected p 1 or 2, found %d", par->p);
    return ERR_OK;
}

static int check_rows(const double *X, size_t n, size_t p, struct err *e)
{
    for (size_t i = 0; i < n * p; i++)
        if (!isfinite(X[i]))
            return err_set(e, ERR_DATA,
                           "knn: row %zu, column %zu: expected a finite number, found %g", i / p,
                           i % p, X[i]);
    return ERR_OK;
}

static struct knn *knn_alloc(size_t n, size_t p)
{
    struct knn *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n = n;
    m->n_features = p;
    m->X = malloc((n && p ? n * p : 1) * sizeof *m->X);
    m->y = malloc((n ? n : 1) * sizeof *m->y);
    if (!m->X || !m->y) {
        knn_free(m);
        return NULL;
    }
    return m;
}

int knn_fit(const double *X, const int *y, size_t n, size_t p, const struct knn_params *par,
            struct knn **out, struct err *e)
{
    *out = NULL;
    if (n == 0 || p == 0)
        return err_set(e, ERR_DATA, "knn: expected at least one row and one column, found "
                       "%zu x %zu", n, p);
    if (p > SIZE_MAX / sizeof(double) / n)
        return err_set(e, ERR_NOMEM, "knn: out of memory");
    int rc = check_params(par, n, e);
    if (rc || (rc = check_rows(X, n, p, e)))
        return rc;
    for (size_t i = 0; i < n; i++)
        if (y[i] != 0 && y[i] != 1)
            return err_set(e, ERR_DATA, "knn: row %zu: expected a label 0 or 1, found %d", i,
                           y[i]);
    struct knn *m = knn_alloc(n, p);
    if (!m)
        return err_set(e, ERR_NOMEM, "knn: out of memory");
    m->par = *par;
    memcpy(m->X, X, n * p * sizeof *X);
    memcpy(m->y, y, n * sizeof *y);
    *out = m;
    return ERR_OK;
}

void knn_free(struct knn *m)
{
    if (m)
        FREE_ALL(m->X, m->y, m);
}

/* A neighbour candidate; the heap orders by distance, then by row. */
struct cand {
    double d;
    size_t i;
};

static int cand_less(struct cand a, struct cand b) { return a.d < b.d || (a.d == b.d && a.i < b.i); }

/* Restore the max-heap property below slot `at` of h[0, k). */
static void sift_down(struct cand *h, size_t k, size_t at)
{
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, big = at;
        if (l < k && cand_less(h[big], h[l]))
            big = l;
        if (r < k && cand_less(h[big], h[r]))
            big = r;
        if (big == at)
            return;
        struct cand t = h[at];
        h[at] = h[big];
        h[big] = t;
        at = big;
    }
}

static void sift_up(struct cand *h, size_t at)
{
    while (at > 0) {
        size_t up = (at - 1) / 2;
        if (!cand_less(h[up], h[at]))
            return;
        struct cand t = h[at];
        h[at] = h[up];
        h[up] = t;
        at = up;
    }
}

/* Offer row i at distance d to the heap h of at most k (*size so far): it
 * displaces the worst when it comes before it by (distance, index), the tie
 * rule in knn.h, whatever order the rows are offered in. */
static void offer(struct cand *h, size_t k, size_t *size, double d, size_t i)
{
    struct cand c = {d, i};
    if (*size < k) {
        h[*size] = c;
        sift_up(h, (*size)++);
    } else if (cand_less(c, h[0])) {
        h[0] = c;
        sift_down(h, k, 0);
    }
}

/* Heapsort the k survivors into ascending order. */
static void sort_heap(struct cand *h, size_t k)
{
    for (size_t end = k; end > 1; end--) {
        struct cand t = h[0];
        h[0] = h[end - 1];
        h[end - 1] = t;
        sift_down(h, end - 1, 0);
    }
}

/* Fill h[0, k) with the k nearest rows to x, nearest first. For p = 2 the
 * distances are squared. */
static void nearest(const struct knn *m, const double *x, struct cand *h)
{
    size_t k = m->par.n_neighbors, p = m->n_features, size = 0;
    for (size_t i = 0; i < m->n; i++) {
        const double *r = m->X + i * p;
        /* Once the heap is full a row must beat its worst member; the terms
         * are non-negative, so a partial sum already past it settles that. */
        double bound = size == k ? h[0].d : INFINITY, d = 0.0;
        if (m->par.p == 1)
            for (size_t j = 0; j < p && d <= bound; j++)
                d += fabs(x[j] - r[j]);
        else
            for (size_t j = 0; j < p && d <= bound; j++) {
                double t = x[j] - r[j];
                d += t * t;
            }
        offer(h, k, &size, d, i);
    }
    sort_heap(h, k);
}

/* P(y = 1) from the k nearest h[0, k), nearest first. Sums in neighbour
 * order, then w1 / (w0 + w1): the order of scikit-learn's predict_proba, so
 * the roundings agree. */
static double vote(const struct knn *m, const struct cand *h)
{
    size_t k = m->par.n_neighbors;
    double w0 = 0.0, w1 = 0.0;
    if (m->par.weights == KNN_UNIFORM || h[0].d > 0.0) {
        for (size_t j = 0; j < k; j++) {
            double w = 1.0;
            if (m->par.weights == KNN_DISTANCE)
                w = 1.0 / (m->par.p == 2 ? sqrt(h[j].d) : h[j].d);
            if (m->y[h[j].i])
                w1 += w;
            else
                w0 += w;
        }
    } else {
        /* A neighbour at distance 0 has infinite weight: only the rows at
         * distance 0 vote, each with weight 1. */
        for (size_t j = 0; j < k && h[j].d == 0.0; j++) {
            if (m->y[h[j].i])
                w1 += 1.0;
            else
                w0 += 1.0;
        }
    }
    return w1 / (w0 + w1);
}

/* The rows checked, and room for the k nearest candidates (*h: free it). */
static int query_start(const struct knn *m, const double *X, size_t n, struct cand **h, struct err *e)
{
    int rc = check_rows(X, n, m->n_features, e);
    if (rc)
        return rc;
    *h = malloc(m->par.n_neighbors * sizeof **h);
    return *h ? ERR_OK : err_set(e, ERR_NOMEM, "knn: out of memory");
}

int knn_kneighbors(const struct knn *m, const double *x, size_t *idx, double *dist,
                   struct err *e)
{
    struct cand *h;
    size_t k = m->par.n_neighbors;
    int rc = query_start(m, x, 1, &h, e);
    if (rc)
        return rc;
    nearest(m, x, h);
    for (size_t j = 0; j < k; j++) {
        idx[j] = h[j].i;
        dist[j] = m->par.p == 2 ? sqrt(h[j].d) : h[j].d;
    }
    free(h);
    return ERR_OK;
}

int knn_predict_proba(const struct knn *m, const double *X, size_t n, double *out, struct err *e)
{
    struct cand *h;
    int rc = query_start(m, X, n, &h, e);
    if (rc)
        return rc;
    for (size_t q = 0; q < n; q++) {
        nearest(m, X + q * m->n_features, h);
        out[q] = vote(m, h);
    }
    free(h);
    return ERR_OK;
}

/* ---- coalitions of a query and background rows (KernelSHAP) ----------- */

struct knn_mix {
    const struct knn *m;
    size_t nb, ng;
    const size_t *group;
    double *db;      /* nb x ng x n: per background row, group, training row: the distance terms */
    double *dx;      /* ng x n: the same for the query */
    double *a;       /* n: the query's part of a coalition's distances */
    double *d;       /* n: a coalition's distances for one background row */
    size_t *ordb;    /* nb x n: the training rows by distance to each background row */
    size_t *ordx;    /* n: by distance to the query */
    struct cand *h;  /* k */
    size_t *in, *out; /* the coalition's groups, the others */
};

static double term(int p, double u, double v)
{
    double t = u - v;
    return p == 1 ? fabs(t) : t * t;
}

/* d[group[j] * n + t] = the sum over the columns j of a group of the terms
 * between x and training row t, for every training row (group-major, so a
 * coalition's sums run along contiguous rows). */
static void group_terms(const struct knn *m, const size_t *group, size_t ng, const double *x, double *d)
{
    size_t p = m->n_features, n = m->n;
    for (size_t i = 0; i < ng * n; i++)
        d[i] = 0.0;
    for (size_t t = 0; t < n; t++) {
        const double *r = m->X + t * p;
        for (size_t j = 0; j < p; j++)
            d[group[j] * n + t] += term(m->par.p, x[j], r[j]);
    }
}

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    return cand_less(*x, *y) ? -1 : cand_less(*y, *x);
}

/* ord = the training rows nearest first by the group terms d (ng x n);
 * scratch holds n candidates. */
static void order_rows(const double *d, size_t n, size_t ng, struct cand *scratch, size_t *ord)
{
    for (size_t t = 0; t < n; t++) {
        double s = 0.0;
        for (size_t g = 0; g < ng; g++)
            s += d[g * n + t];
        scratch[t] = (struct cand){s, t};
    }
    qsort(scratch, n, sizeof *scratch, cand_cmp);
    for (size_t t = 0; t < n; t++)
        ord[t] = scratch[t].i;
}

size_t knn_mix_bytes(const struct knn *m, size_t nb, size_t ng)
{
    if (!nb || !ng || m->n > SIZE_MAX / sizeof(double) / (nb + 2) / (ng + 2))
        return SIZE_MAX;
    return m->n * (nb + 2) * (ng + 2) * sizeof(double);
}

void knn_mix_free(struct knn_mix *x)
{
    if (x)
        FREE_ALL(x->db, x->dx, x->a, x->d, x->ordb, x->ordx, x->h, x->in, x->out, x);
}

int knn_mix_new(const struct knn *m, const double *B, size_t nb, const size_t *group, size_t ng,
                struct knn_mix **out, struct err *e)
{
    *out = NULL;
    if (nb == 0 || ng == 0)
        return err_set(e, ERR_PARAMS, "knn: expected background rows and groups, found %zu and %zu", nb, ng);
    for (size_t j = 0; j < m->n_features; j++)
        if (group[j] >= ng)
            return err_set(e, ERR_PARAMS, "knn: expected a group index below %zu for column %zu, found %zu", ng,
                           j, group[j]);
    int rc = check_rows(B, nb, m->n_features, e);
    if (rc)
        return rc;
    if (knn_mix_bytes(m, nb, ng) == SIZE_MAX)
        return err_set(e, ERR_NOMEM, "knn: out of memory");
    struct knn_mix *x = calloc(1, sizeof *x);
    if (!x)
        return err_set(e, ERR_NOMEM, "knn: out of memory");
    size_t n = m->n, k = m->par.n_neighbors;
    x->m = m;
    x->nb = nb;
    x->ng = ng;
    x->group = group;
    x->db = malloc(nb * n * ng * sizeof *x->db);
    x->dx = malloc(n * ng * sizeof *x->dx);
    x->a = malloc(n * sizeof *x->a);
    x->d = malloc(n * sizeof *x->d);
    x->ordb = malloc(nb * n * sizeof *x->ordb);
    x->ordx = malloc(n * sizeof *x->ordx);
    x->h = malloc((n > k ? n : k) * sizeof *x->h);
    x->in = malloc(ng * sizeof *x->in);
    x->out = malloc(ng * sizeof *x->out);
    if (!x->db || !x->dx || !x->a || !x->d || !x->ordb || !x->ordx || !x->h || !x->in || !x->out) {
        knn_mix_free(x);
        return err_set(e, ERR_NOMEM, "knn: out of memory");
    }
    for (size_t b = 0; b < nb; b++) {
        group_terms(m, group, ng, B + b * m->n_features, x->db + b * ng * n);
        order_rows(x->db + b * ng * n, n, ng, x->h, x->ordb + b * n);
    }
    *out = x;
    return ERR_OK;
}

int knn_mix_row(struct knn_mix *x, const double *q, struct err *e)
{
    int rc = check_rows(q, 1, x->m->n_features, e);
    if (rc)
        return rc;
    group_terms(x->m, x->group, x->ng, q, x->dx);
    order_rows(x->dx, x->m->n, x->ng, x->h, x->ordx);
    return ERR_OK;
}

/* A coalition's distances are sums of whole rows of group terms (the query's
 * groups once, then each background row's), in the order of the groups, so
 * the additions are independent along the training rows. Then the training
 * rows are offered to the heap nearest first to whichever of the query and
 * the background row contributes more groups, so the heap holds near rows
 * early and few are displaced later. The visiting order does not change the
 * result: rows are compared by (distance, index), the tie rule of knn.h. */
void knn_mix_proba(struct knn_mix *x, const unsigned char *take, double *out)
{
    const struct knn *m = x->m;
    size_t n = m->n, k = m->par.n_neighbors, nb = x->nb, ng = x->ng, nin = 0, nout = 0;
    for (size_t g = 0; g < ng; g++) {
        if (take[g])
            x->in[nin++] = g;
        else
            x->out[nout++] = g;
    }
    double *a = x->a, *d = x->d;
    struct cand *h = x->h;
    for (size_t t = 0; t < n; t++)
        a[t] = 0.0;
    for (size_t j = 0; j < nin; j++) {
        const double *row = x->dx + x->in[j] * n;
        for (size_t t = 0; t < n; t++)
            a[t] += row[t];
    }
    for (size_t b = 0; b < nb; b++) {
        const double *db = x->db + b * ng * n;
        memcpy(d, a, n * sizeof *d);
        for (size_t j = 0; j < nout; j++) {
            const double *row = db + x->out[j] * n;
            for (size_t t = 0; t < n; t++)
                d[t] += row[t];
        }
        const size_t *ord = nin >= nout ? x->ordx : x->ordb + b * n;
        size_t size = 0;
        for (size_t r = 0; r < n; r++)
            offer(h, k, &size, d[ord[r]], ord[r]);
        sort_heap(h, k);
        out[b] = vote(m, h);
    }
}

int knn_write(const struct knn *m, FILE *fp, struct err *e)
{
    if (fprintf(fp, "knn 1\nn_neighbors %zu\nweights %s\np %d\nn %zu\nn_features %zu\n",
                m->par.n_neighbors, m->par.weights == KNN_DISTANCE ? "distance" : "uniform",
                m->par.p, m->n, m->n_features) < 0)
        return err_set(e, ERR_IO, "knn: write failed");
    for (size_t i = 0; i < m->n; i++) {
        if (fprintf(fp, "%d", m->y[i]) < 0)
            return err_set(e, ERR_IO, "knn: write failed");
        for (size_t j = 0; j < m->n_features; j++)
            if (fprintf(fp, " %.17g", m->X[i * m->n_features + j]) < 0)
                return err_set(e, ERR_IO, "knn: write failed");
        if (fputc('\n', fp) == EOF)
            return err_set(e, ERR_IO, "knn: write failed");
    }
    return ERR_OK;
}

static int write_cb(const void *obj, FILE *fp, struct err *e)
{
    return knn_write(obj, fp, e);
}

int knn_save(const struct knn *m, const char *path, struct err *e)
{
    return fileio_save(path, write_cb, m, e);
}

/* Past the field that ended at end, which must be a space or the end of the line. */
static int rd_skip(struct textio *r, char *end)
{
    if (*end != ' ' && *end != '\0')
        return -1;
    r->pos = end;
    while (*r->pos == ' ')
        r->pos++;
    return 0;
}

/* A line "key value" with an integer value in [lo, hi]. */
static int rd_key_long(struct textio *r, const char *key, long lo, long hi, long *v, struct err *e)
{
    int rc = textio_line(r, e);
    if (rc)
        return rc;
    size_t n = strlen(key);
    if (strncmp(r->pos, key, n) || r->pos[n] != ' ')
        return textio_fail(r, r->pos, e, "%s", key);
    r->pos += n + 1;
    char *end;
    errno = 0;
    *v = strtol(r->pos, &end, 10);
    if (end == r->pos || errno || *v < lo || *v > hi || *end)
        return textio_fail(r, r->pos, e, "an integer in range");
    return ERR_OK;
}

/* The training rows: "label x1 ... xp", one a line. */
static int read_rows(struct textio *r, struct knn *m, struct err *e)
{
    int rc;
    for (size_t i = 0; i < m->n; i++) {
        if ((rc = textio_line(r, e)))
            return rc;
        if ((r->pos[0] != '0' && r->pos[0] != '1') || rd_skip(r, r->pos + 1))
            return textio_fail(r, r->pos, e, "a label 0 or 1");
        m->y[i] = r->buf[0] - '0';
        for (size_t j = 0; j < m->n_features; j++) {
            char *end;
            double v = strtod(r->pos, &end);
            if (end == r->pos || !isfinite(v) || rd_skip(r, end))
                return textio_fail(r, r->pos, e, "a finite number");
            m->X[i * m->n_features + j] = v;
        }
        if (*r->pos)
            return textio_eol(r, e);
    }
    return ERR_OK;
}

int knn_read(FILE *fp, const char *name, struct knn **out, struct err *e)
{
    struct textio r;
    struct knn_params par;
    struct knn *m = NULL;
    long ver, k, pw, n, p;
    int rc;
    *out = NULL;
    textio_init(&r, fp, name ? name : "knn", 0, ' ');
    if ((rc = rd_key_long(&r, "knn", 1, 1, &ver, e)) ||
        (rc = rd_key_long(&r, "n_neighbors", 1, LONG_MAX, &k, e)))
        goto done;
    if ((rc = textio_line(&r, e)))
        goto done;
    if (strncmp(r.pos, "weights ", 8)) {
        rc = textio_fail(&r, r.pos, e, "weights");
        goto done;
    }
    r.pos += 8;
    if ((rc = knn_weights_parse(r.pos, &par.weights, e))) {
        rc = textio_fail(&r, r.pos, e, "uniform or distance");
        goto done;
    }
    if ((rc = rd_key_long(&r, "p", 1, 2, &pw, e)) ||
        (rc = rd_key_long(&r, "n", 1, LONG_MAX, &n, e)) ||
        (rc = rd_key_long(&r, "n_features", 1, LONG_MAX, &p, e)))
        goto done;
    par.n_neighbors = (size_t)k;
    par.p = (int)pw;
    /* Row and feature counts the rest of the file cannot hold are corrupt;
     * when they would also allocate more than 1 MiB they are rejected before
     * allocating, so a tiny file cannot take gigabytes. Smaller ones go on and
     * fail on the line where the rows run out, which names the place.
     * The shortest row, "0 0 ... 0\n", has 2 bytes per feature + 2 (+ 1 for
     * the last); in memory a row takes 8 bytes per feature + 4. */
    size_t left = textio_bytes_left(fp);
    int fits = left == SIZE_MAX ||
               ((size_t)p <= (left + 1) / 2 && (size_t)n <= (left + 1) / (2 * (size_t)p + 2));
    int big = (size_t)n > (1u << 18) || (size_t)p > (1u << 17) / (size_t)n;
    if (!fits && big) {
        rc = err_set(e, ERR_DATA, "%s:%zu:1: expected %ld rows of %ld features, found only %zu bytes left in "
                     "the file", r.name, r.line + 1, n, p, left);
        goto done;
    }
    if ((size_t)p > SIZE_MAX / sizeof(double) / (size_t)n || !(m = knn_alloc((size_t)n, (size_t)p))) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", r.name);
        goto done;
    }
    m->par = par;
    if ((rc = read_rows(&r, m, e)))
        goto done;
    if ((rc = check_params(&m->par, m->n, e))) {
        err_prefix(e, "%s: ", r.name);
        rc = ERR_DATA;
        if (e)
            e->code = ERR_DATA;
        goto done;
    }
    *out = m;
    m = NULL;
done:
    knn_free(m);
    textio_free(&r);
    return rc;
}

static int read_cb(FILE *fp, const char *name, void *out, struct err *e)
{
    return knn_read(fp, name, out, e);
}

int knn_load(const char *path, struct knn **out, struct err *e)
{
    *out = NULL;
    return fileio_load(path, read_cb, out, e);
}
