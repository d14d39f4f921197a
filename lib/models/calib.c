/* calib: Platt and isotonic calibration (see calib.h). */
#include "core/mem.h"
#include "models/calib.h"
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const calib_method_names[] = {"none", "sigmoid", "isotonic", NULL};

void calib_free(struct calib *c)
{
    if (c)
        FREE_ALL(c->x, c->y, c);
}

/* Platt: minimise sum -(T log P + (1 - T) log(1 - P)), P = expit(-(a s + b)),
 * T = (n1 + 1) / (n1 + 2) for a positive, 1 / (n0 + 2) for a negative; start
 * where sklearn starts (a = 0, b = log((n0 + 1) / (n1 + 1))); Newton with
 * step halving until the gradient vanishes. */
static int fit_sigmoid(const double *s, const int *y, size_t n, struct calib *c, struct err *e)
{
    double n1 = 0, n0;
    for (size_t i = 0; i < n; i++)
        n1 += y[i] != 0;
    n0 = (double)n - n1;
    double t1 = (n1 + 1.0) / (n1 + 2.0), t0 = 1.0 / (n0 + 2.0), a = 0, b = log((n0 + 1.0) / (n1 + 1.0));
    for (int it = 0; it < 200; it++) {
        /* The gradient and the Hessian of the loss in (a, b). */
        double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0, loss = 0;
        for (size_t i = 0; i < n; i++) {
            double p = stats_expit(-(a * s[i] + b)), t = y[i] ? t1 : t0, w = p * (1 - p);
            ga += (t - p) * s[i];
            gb += t - p;
            haa += w * s[i] * s[i];
            hab += w * s[i];
            hbb += w;
            loss -= t * log(fmax(p, 1e-300)) + (1 - t) * log(fmax(1 - p, 1e-300));
        }
        if (fabs(ga) + fabs(gb) < 1e-10 * (double)n)
            break;
        double det = haa * hbb - hab * hab;
        if (!(det > 0))
            return err_set(e, ERR_NUM, "sigmoid calibration: a singular Hessian (the scores do not vary?)");
        /* Newton: (a, b) -= H^-1 g, halved while the loss does not fall. */
        double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
        for (int h = 0; h < 60; h++) {
            double na = a - da, nb = b - db, nl = 0;
            for (size_t i = 0; i < n; i++) {
                double p = stats_expit(-(na * s[i] + nb)), t = y[i] ? t1 : t0;
                nl -= t * log(fmax(p, 1e-300)) + (1 - t) * log(fmax(1 - p, 1e-300));
            }
            if (nl <= loss) {
                a = na, b = nb;
                break;
            }
            da /= 2, db /= 2;
        }
    }
    c->a = a;
    c->b = b;
    return ERR_OK;
}

struct pt {
    double x, y;
};

static int by_x(const void *pa, const void *pb)
{
    const struct pt *a = pa, *b = pb;
    return a->x < b->x ? -1 : a->x > b->x;
}

/* Isotonic: sort by score, merge equal scores (mean label, weight = count),
 * pool adjacent violators, keep the ends of every flat run. */
static int fit_isotonic(const double *s, const int *y, size_t n, struct calib *c, struct err *e)
{
    struct pt *p = malloc((n + 1) * sizeof *p);
    double *w = malloc((n + 1) * sizeof *w);
    size_t *start = malloc((n + 1) * sizeof *start);
    if (!p || !w || !start) {
        free(p), free(w), free(start);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (struct pt){s[i], y[i] ? 1.0 : 0.0};
    qsort(p, n, sizeof *p, by_x);
    size_t m = 0; /* unique x, their mean y and count */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0;
        for (; j < n && p[j].x == p[i].x; j++)
            sum += p[j].y;
        p[m] = (struct pt){p[i].x, sum / (double)(j - i)};
        w[m++] = (double)(j - i);
        i = j;
    }
    /* PAV over blocks: block b covers unique points start[b].. with value v, weight ww. */
    double *v = malloc((m + 1) * sizeof *v), *ww = malloc((m + 1) * sizeof *ww);
    size_t nb = 0;
    for (size_t i = 0; v && ww && i < m; i++) {
        start[nb] = i, v[nb] = p[i].y, ww[nb++] = w[i];
        while (nb > 1 && v[nb - 2] >= v[nb - 1]) {
            double tw = ww[nb - 2] + ww[nb - 1];
            v[nb - 2] = (v[nb - 2] * ww[nb - 2] + v[nb - 1] * ww[nb - 1]) / tw;
            ww[nb - 2] = tw;
            nb--;
        }
    }
    int rc = v && ww ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t b = 0; !rc && b < nb; b++) /* every unique point takes its block's value */
        for (size_t i = start[b]; i < (b + 1 < nb ? start[b + 1] : m); i++)
            p[i].y = v[b];
    /* Keep the first, the last, and every point whose value differs from a neighbour's. */
    if (!rc && (!(c->x = malloc((m + 1) * sizeof *c->x)) || !(c->y = malloc((m + 1) * sizeof *c->y))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < m; i++)
        if (i == 0 || i + 1 == m || p[i - 1].y != p[i].y || p[i].y != p[i + 1].y) {
            c->x[c->n] = p[i].x;
            c->y[c->n++] = p[i].y;
        }
    free(p), free(w), free(start), free(v), free(ww);
    return rc;
}

int calib_fit(enum calib_method m, const double *score, const int *y, size_t n, struct calib **out, struct err *e)
{
    *out = NULL;
    if (n < 2)
        return err_set(e, ERR_DATA, "calibration needs at least 2 rows, found %zu", n);
    struct calib *c = calloc(1, sizeof *c);
    if (!c)
        return err_set(e, ERR_NOMEM, "out of memory");
    c->method = m;
    int rc = m == CALIB_SIGMOID ? fit_sigmoid(score, y, n, c, e) : m == CALIB_ISOTONIC ? fit_isotonic(score, y, n, c, e) : 0;
    if (rc) {
        calib_free(c);
        return rc;
    }
    *out = c;
    return ERR_OK;
}

int calib_logit_affine(const struct calib *c, double *a, double *b)
{
    int sigmoid = c && c->method == CALIB_SIGMOID;
    *a = sigmoid ? -c->a : 1.0;
    *b = sigmoid ? -c->b : 0.0;
    return !c || c->method != CALIB_ISOTONIC;
}

double calib_apply(const struct calib *c, double s)
{
    if (c->method == CALIB_SIGMOID)
        return stats_expit(-(c->a * s + c->b));
    if (c->method != CALIB_ISOTONIC || c->n == 0 || isnan(s))
        return s;
    if (s <= c->x[0])
        return c->y[0];
    if (s >= c->x[c->n - 1])
        return c->y[c->n - 1];
    size_t lo = 0, hi = c->n - 1; /* x[lo] < s < x[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->x[mid] <= s)
            lo = mid;
        else
            hi = mid;
    }
    if (c->x[lo] == s)
        return c->y[lo];
    return c->y[lo] + (s - c->x[lo]) * (c->y[hi] - c->y[lo]) / (c->x[hi] - c->x[lo]);
}

int calib_write(const struct calib *c, FILE *fp, struct err *e)
{
    (void)e;
    if (c->method == CALIB_SIGMOID)
        fprintf(fp, "calibration\tsigmoid\t%.17g\t%.17g\n", c->a, c->b);
    else if (c->method == CALIB_ISOTONIC) {
        fprintf(fp, "calibration\tisotonic\t%zu\n", c->n);
        for (size_t i = 0; i < c->n; i++)
            fprintf(fp, "%.17g\t%.17g\n", c->x[i], c->y[i]);
    } else
        fputs("calibration\tnone\n", fp);
    return ERR_OK;
}

/* "x<TAB>y" or "a<TAB>b": two numbers and nothing more. */
static int two_numbers(const char *s, double *a, double *b)
{
    char *end;
    *a = strtod(s, &end);
    if (end == s || *end != '\t')
        return -1;
    s = end + 1;
    *b = strtod(s, &end);
    return end == s || (*end && *end != '\n') ? -1 : 0;
}

int calib_read(const char *head, FILE *fp, const char *name, struct calib **out, struct err *e)
{
    *out = NULL;
    struct calib *c = calloc(1, sizeof *c);
    if (!c)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t len = strcspn(head, "\t\n");
    int m = -1, rc = 0;
    for (int k = 0; k < 3; k++)
        if (strlen(calib_method_names[k]) == len && strncmp(head, calib_method_names[k], len) == 0)
            m = k;
    if (m < 0)
        rc = err_set(e, ERR_DATA, "%s: calibration: expected none, sigmoid or isotonic, found \"%.*s\"", name,
                     (int)(len < 40 ? len : 40), head);
    c->method = (enum calib_method)(m < 0 ? 0 : m);
    const char *rest = head + len + (head[len] == '\t');
    if (!rc && m == CALIB_SIGMOID && two_numbers(rest, &c->a, &c->b))
        rc = err_set(e, ERR_DATA, "%s: calibration sigmoid: expected a<TAB>b, found \"%.40s\"", name, rest);
    char *end = NULL, *line = NULL;
    size_t cap = 0;
    long n = m == CALIB_ISOTONIC ? strtol(rest, &end, 10) : 0;
    if (!rc && m == CALIB_ISOTONIC && (end == rest || (*end && *end != '\n') || n < 1 || n > 10000000))
        rc = err_set(e, ERR_DATA, "%s: calibration isotonic: expected the number of points, found \"%.40s\"", name, rest);
    if (!rc && n && (!(c->x = malloc((size_t)n * sizeof *c->x)) || !(c->y = malloc((size_t)n * sizeof *c->y))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (long i = 0; !rc && i < n; i++, c->n++)
        if (getline(&line, &cap, fp) < 0 || two_numbers(line, &c->x[i], &c->y[i]) ||
            (i > 0 && !(c->x[i] > c->x[i - 1])) || !(c->y[i] >= 0 && c->y[i] <= 1))
            rc = err_set(e, ERR_DATA, "%s: calibration isotonic point %ld of %ld: expected an increasing score and a "
                                      "probability, found \"%.40s\"", name, i + 1, n, line && !feof(fp) ? line : "the end of the file");
    free(line);
    if (rc) {
        calib_free(c);
        return rc;
    }
    *out = c;
    return ERR_OK;
}
