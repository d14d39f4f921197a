/* svc_io: the owned copy of libsvm's model and its text format (see svc.h). */
#include <errno.h>
#include <libsvm/svm.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/outfile.h"
#include "models/svc.h"
#include "models/svc_model.h"
#include "core/textio.h"

/* ---- text ----------------------------------------------------------------- */

static const char *const kernel_names[] = {"linear", "poly", "rbf", "sigmoid", NULL};
static const char *const gamma_names[] = {"scale", "auto", "value", NULL};

int svc_write(const struct svc *m, FILE *fp, struct err *e)
{
    const struct svc_params *q = &m->params;
    const struct svm_model *lm = m->model;
    fprintf(fp, "svc\t1\nkernel\t%s\nC\t%.17g\ngamma_mode\t%s\ngamma_value\t%.17g\ngamma\t%.17g\n",
            kernel_names[q->kernel], q->C, gamma_names[q->gamma_mode], q->gamma, m->gamma);
    fprintf(fp, "degree\t%d\ncoef0\t%.17g\nclass_weight\t%s\ntol\t%.17g\ncache_size\t%.17g\n", q->degree, q->coef0,
            q->class_weight_balanced ? "balanced" : "none", q->tol, q->cache_size);
    fprintf(fp, "shrinking\t%d\nprobability\t%d\nseed\t%lu\np\t%zu\n", q->shrinking ? 1 : 0, q->probability ? 1 : 0,
            q->seed, m->p);
    fprintf(fp, "labels\t%d\t%d\nn_support\t%d\t%d\nrho\t%.17g\n", lm->label[0], lm->label[1], lm->nSV[0],
            lm->nSV[1], lm->rho[0]);
    if (lm->probA)
        fprintf(fp, "probA\t%.17g\nprobB\t%.17g\n", lm->probA[0], lm->probB[0]);
    else
        fputs("probA\t-\nprobB\t-\n", fp);
    for (int i = 0; i < lm->l; i++) {
        fprintf(fp, "sv\t%.17g", lm->sv_coef[0][i]);
        for (const struct svm_node *s = lm->SV[i]; s->index != -1; s++)
            fprintf(fp, "\t%d:%.17g", s->index, s->value);
        fputc('\n', fp);
    }
    fputs("end\n", fp);
    if (ferror(fp))
        return err_set(e, ERR_IO, "svc: write failed: %s", strerror(errno));
    return ERR_OK;
}

static int write_cb(const void *obj, FILE *fp, struct err *e)
{
    return svc_write(obj, fp, e);
}

int svc_save(const struct svc *m, const char *path, struct err *e)
{
    return fileio_save(path, write_cb, m, e);
}

/* key<TAB>one integer; unlike logreg's files a trailing tab passes (as it
 * always has: the format did not change). */
static int rd_key_long(struct textio *r, const char *key, long lo, long hi, long *v, struct err *e)
{
    int rc = textio_key(r, key, e);
    if (!rc)
        rc = textio_long(r, lo, hi, "\t", v, e);
    return rc ? rc : textio_eol(r, e);
}

static int rd_key_word(struct textio *r, const char *key, const char *const *names, int *which, struct err *e)
{
    int rc = textio_key(r, key, e);
    if (rc)
        return rc;
    for (int k = 0; names[k]; k++)
        if (strcmp(r->pos, names[k]) == 0) {
            *which = k;
            return ERR_OK;
        }
    return textio_fail(r, r->pos, e, "a %s name", key);
}

static const char *const weight_names[] = {"none", "balanced", NULL};

static int read_params(struct textio *r, struct svc_params *q, double *gamma, size_t *p, struct err *e)
{
    long v;
    int w, rc;
    if ((rc = rd_key_long(r, "svc", 1, 1, &v, e)) || (rc = rd_key_word(r, "kernel", kernel_names, &w, e)))
        return rc;
    q->kernel = (enum svc_kernel)w;
    if ((rc = textio_key_double(r, "C", &q->C, e)) || (rc = rd_key_word(r, "gamma_mode", gamma_names, &w, e)))
        return rc;
    q->gamma_mode = (enum svc_gamma)w;
    if ((rc = textio_key_double(r, "gamma_value", &q->gamma, e)) ||
        (rc = textio_key_double(r, "gamma", gamma, e)) ||
        (rc = rd_key_long(r, "degree", 0, INT_MAX, &v, e)))
        return rc;
    q->degree = (int)v;
    if ((rc = textio_key_double(r, "coef0", &q->coef0, e)) ||
        (rc = rd_key_word(r, "class_weight", weight_names, &q->class_weight_balanced, e)) ||
        (rc = textio_key_double(r, "tol", &q->tol, e)) ||
        (rc = textio_key_double(r, "cache_size", &q->cache_size, e)) ||
        (rc = rd_key_long(r, "shrinking", 0, 1, &v, e)))
        return rc;
    q->shrinking = (int)v;
    if ((rc = rd_key_long(r, "probability", 0, 1, &v, e)))
        return rc;
    q->probability = (int)v;
    if ((rc = rd_key_long(r, "seed", 0, LONG_MAX, &v, e)))
        return rc;
    q->seed = (unsigned long)v;
    if ((rc = rd_key_long(r, "p", 1, INT32_MAX / 2, &v, e)))
        return rc;
    *p = (size_t)v;
    return ERR_OK;
}

/* The labels, counts, rho, Platt pair and the "sv" lines. */
static int read_model(struct textio *r, const struct svc_params *q, size_t p, struct svm_model **out, struct err *e)
{
    long lab[2], nsv[2];
    double rho, pa = 0, pb = 0;
    int rc;
    if ((rc = textio_key(r, "labels", e)) || (rc = textio_long(r, -1, 1, "\t", &lab[0], e)) ||
        (rc = textio_long(r, -1, 1, "\t", &lab[1], e)) || (rc = textio_eol(r, e)))
        return rc;
    if (!((lab[0] == 1 && lab[1] == -1) || (lab[0] == -1 && lab[1] == 1)))
        return err_set(e, ERR_DATA, "%s:%zu:8: expected labels 1 -1 or -1 1, found %ld %ld", r->name, r->line, lab[0],
                       lab[1]);
    if ((rc = textio_key(r, "n_support", e)) || (rc = textio_long(r, 0, INT32_MAX / 4, "\t", &nsv[0], e)) ||
        (rc = textio_long(r, 0, INT32_MAX / 4, "\t", &nsv[1], e)) || (rc = textio_eol(r, e)))
        return rc;
    if ((rc = textio_key_double(r, "rho", &rho, e)))
        return rc;
    if (q->probability) {
        if ((rc = textio_key_double(r, "probA", &pa, e)) || (rc = textio_key_double(r, "probB", &pb, e)))
            return rc;
    } else {
        /* No Platt pair: "-" or nothing. */
        if ((rc = textio_key(r, "probA", e)) || (r->pos += r->pos[0] == '-', rc = textio_eol(r, e)) ||
            (rc = textio_key(r, "probB", e)) || (r->pos += r->pos[0] == '-', rc = textio_eol(r, e)))
            return rc;
    }
    size_t l = (size_t)(nsv[0] + nsv[1]);
    /* Room for the densest case (p nodes + terminator per vector): the
     * stream is read once, so the count is not known in advance. */
    struct svm_model *m = svc_model_alloc(l, l * (p + 1), q->probability);
    if (!m)
        return err_set(e, ERR_NOMEM, "%s:%zu:1: out of memory for %zu support vectors", r->name, r->line, l);
    struct svm_node *nd = l ? m->SV[0] : NULL;
    for (size_t i = 0; i < l; i++) {
        if ((rc = textio_key(r, "sv", e)) || (rc = textio_double(r, &m->sv_coef[0][i], e)))
            goto fail;
        m->SV[i] = nd;
        long prev = 0;
        while (*r->pos) {
            long idx;
            if ((rc = textio_long(r, prev + 1, (long)p, "\t:", &idx, e)))
                goto fail;
            if (*r->pos != ':') {
                rc = textio_fail(r, r->pos, e, "index:value");
                goto fail;
            }
            r->pos++;
            nd->index = (int)idx;
            if ((rc = textio_double(r, &nd->value, e)))
                goto fail;
            nd++;
            prev = idx;
        }
        (nd++)->index = -1;
    }
    if ((rc = textio_key(r, "end", e)))
        goto fail;
    m->param.svm_type = C_SVC;
    m->param.kernel_type = (int)q->kernel;
    m->param.degree = q->degree;
    m->param.coef0 = q->coef0;
    m->param.C = q->C;
    m->param.eps = q->tol;
    m->param.cache_size = q->cache_size;
    m->param.shrinking = q->shrinking;
    m->param.probability = q->probability;
    m->rho[0] = rho;
    m->label[0] = (int)lab[0];
    m->label[1] = (int)lab[1];
    m->nSV[0] = (int)nsv[0];
    m->nSV[1] = (int)nsv[1];
    if (m->probA) {
        m->probA[0] = pa;
        m->probB[0] = pb;
    }
    *out = m;
    return ERR_OK;
fail:
    svc_model_free(m);
    return rc;
}

int svc_read(FILE *fp, const char *name, size_t *line, struct svc **out, struct err *e)
{
    *out = NULL;
    struct textio r;
    textio_init(&r, fp, name ? name : "svc", line ? *line : 0, '\t');
    struct svc_params q;
    svc_params_default(&q);
    double gamma = 0;
    size_t p = 0;
    struct svm_model *lm = NULL;
    int rc = read_params(&r, &q, &gamma, &p, e);
    if (!rc)
        rc = read_model(&r, &q, p, &lm, e);
    textio_free(&r);
    if (line)
        *line = r.line;
    if (rc)
        return rc;
    struct svc *m = calloc(1, sizeof *m);
    if (!m) {
        svc_model_free(lm);
        return err_set(e, ERR_NOMEM, "%s: out of memory for the model", r.name);
    }
    lm->param.gamma = gamma;
    m->model = lm;
    m->p = p;
    m->gamma = gamma;
    m->params = q;
    svc_model_summary(m);
    *out = m;
    return ERR_OK;
}

static int read_cb(FILE *fp, const char *name, void *out, struct err *e)
{
    return svc_read(fp, name, NULL, out, e);
}

int svc_load(const char *path, struct svc **out, struct err *e)
{
    *out = NULL;
    return fileio_load(path, read_cb, out, e);
}
