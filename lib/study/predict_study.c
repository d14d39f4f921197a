/* predict_study: what predict says about the customers it scores (see
 * predict_study.h). */
#include "study/predict_study.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hashset.h"
#include "core/outfile.h"
#include "models/split.h"

/* Where each customer of the input came from: the id -> row of the load
 * stage's customers table (its source_line column is the CSV line). */
int predict_origin_read(struct predict_origin *o, const char *load_tsv, const char *id, struct err *e)
{
    const char *force[] = {id, NULL};
    int rc = table_read_tsv(load_tsv, force, &o->t, e);
    long lc = rc ? -1 : table_find(o->t, "source_line");
    o->id_col = rc ? -1 : table_find(o->t, id);
    if (!rc && (lc < 0 || o->id_col < 0 || o->t->cols[lc].type != COL_NUM))
        rc = err_set(e, ERR_DATA, "%s: expected the columns \"%s\" and source_line", load_tsv, id);
    if (!rc && !(o->ids = hashset_alloc(o->t->nrows)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    size_t dummy;
    for (size_t i = 0; !rc && i < o->t->nrows; i++)
        if (hashset_insert(o->ids, o->t->cols[o->id_col].str[i], i, &dummy) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        o->line = o->t->cols[lc].num;
    return rc;
}

/* "file:LINE" of a customer (row i of the scored data, as a fallback). */
static void origin_where(const struct predict_origin *o, const char *id, size_t i, char *buf, size_t size)
{
    size_t r;
    if (o->ids && hashset_find(o->ids, id, &r))
        snprintf(buf, size, "%s:%.0f", o->file, o->line[r]);
    else
        snprintf(buf, size, "%s:%zu", o->file, i + 2);
}

void predict_origin_free(struct predict_origin *o)
{
    hashset_free(o->ids);
    table_free(o->t);
}

/* A list of ids on one line: the first 20, then how many more. */
struct idlist {
    size_t n;
    char text[2048];
};

static void idlist_add(struct idlist *l, const char *item)
{
    size_t len = strlen(l->text);
    if (l->n++ < 20 && len + strlen(item) + 3 < sizeof l->text)
        snprintf(l->text + len, sizeof l->text - len, "%s%s", len ? ", " : "", item);
}

static const char *idlist_str(struct idlist *l)
{
    size_t len = strlen(l->text);
    if (l->n > 20)
        snprintf(l->text + len, sizeof l->text - len, " and %zu more", l->n - 20);
    return l->text;
}

/* Why clean dropped a customer, from its quality log: the checks whose
 * action is "customer dropped" list the ids in their detail. */
static const char *drop_reason(const struct table *q, const char *id)
{
    long ck = table_find(q, "check"), ac = table_find(q, "action"), dt = table_find(q, "detail");
    if (ck < 0 || ac < 0 || dt < 0)
        return "dropped by cleaning";
    size_t n = strlen(id);
    for (size_t i = 0; i < q->nrows; i++) {
        const char *a = q->cols[ac].str[i], *d = q->cols[dt].str[i], *c = q->cols[ck].str[i];
        if (!a || !d || !c || strcmp(a, "customer dropped") != 0)
            continue;
        for (const char *p = strstr(d, id); p; p = strstr(p + 1, id))
            if ((p == d || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
                return !strcmp(c, "inactive")  ? "not active for three months"
                       : !strcmp(c, "outlier") ? "anomalous revenue, an entry error"
                       : !strcmp(c, "missing") ? "a missing value"
                                               : c;
    }
    return "dropped by cleaning";
}

/* The customers of the export that were not scored, and why. */
int predict_report_dropped(const struct predict_origin *o, const struct pipe_data *d, const char *quality, FILE *notes,
                           struct err *e)
{
    struct hashset *scored = hashset_alloc(d->n);
    if (!scored)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t dummy;
    int rc = 0;
    for (size_t i = 0; !rc && i < d->n; i++)
        if (hashset_insert(scored, d->id[i], i, &dummy) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    struct table *q = NULL;
    if (!rc)
        rc = table_read_tsv(quality, NULL, &q, e);
    struct idlist l = {0};
    char item[256];
    for (size_t i = 0; !rc && i < o->t->nrows; i++) {
        const char *id = o->t->cols[o->id_col].str[i];
        if (hashset_find(scored, id, &dummy))
            continue;
        snprintf(item, sizeof item, "%s (%s)", id, drop_reason(q, id));
        idlist_add(&l, item);
    }
    if (!rc && l.n)
        fprintf(notes, "predict: %zu of %zu customers not scored, dropped by cleaning as in training: %s\n", l.n,
                o->t->nrows, idlist_str(&l));
    table_free(q);
    hashset_free(scored);
    return rc;
}

/* Categories the model never saw. An ordered category's unknown level has no
 * place in the order: an error naming the customer. An unordered one is
 * scored with none of the known categories' indicators set (scikit-learn's
 * handle_unknown="ignore"), and said. */
int predict_check_categories(const struct pipeline *pipe, const struct pipe_data *d, const struct predict_origin *o,
                             FILE *notes, struct err *e)
{
    const struct prep *pr = pipe->prep;
    char where[4200], item[512];
    for (size_t j = 0; j < pr->nfeat; j++) {
        const struct prep_feature *f = &pr->feat[j];
        if (f->role == PREP_NUMERIC)
            continue;
        struct idlist l = {0};
        for (size_t i = 0; i < d->n; i++) {
            const char *v = d->in[j].str[i];
            if (!v || prep_category_index(f, v) >= 0)
                continue;
            if (f->role == PREP_ORDINAL) {
                origin_where(o, d->id[i], i, where, sizeof where);
                char levels[1024] = "";
                for (size_t c = 0; c < f->ncat; c++)
                    snprintf(levels + strlen(levels), sizeof levels - strlen(levels), "%s\"%s\"", c ? ", " : "",
                             f->cats[c]);
                return err_set(e, ERR_DATA, "%s: customer %s: column \"%s\": expected one of %s (the levels the "
                               "model was trained on), found \"%s\"", where, d->id[i], f->name, levels, v);
            }
            snprintf(item, sizeof item, "%s \"%s\"", d->id[i], v);
            idlist_add(&l, item);
        }
        if (l.n)
            fprintf(notes, "predict: warning: %zu customer%s with a \"%s\" the model never saw, scored with none of "
                    "its %zu known categories%s%s%s: %s\n", l.n, l.n == 1 ? "" : "s", f->name, f->ncat,
                    f->drop_first ? " (as the reference category \"" : "", f->drop_first ? f->cats[0] : "",
                    f->drop_first ? "\" is)" : "", idlist_str(&l));
    }
    return 0;
}

/* The split train wrote with the model: models go to MODELS and the split to
 * INTERIM/train/, where MODELS is data/models beside data/interim, or
 * INTERIM/models (mk/train.mk). */
const char *predict_default_split(const char *model, char *buf, size_t size)
{
    const char *slash = strrchr(model, '/');
    int dir = slash ? (int)(slash - model) : 1;
    const char *base = slash ? model : ".";
    snprintf(buf, size, "%.*s/../train/split.tsv", dir, base);
    if (access(buf, F_OK) != 0)
        snprintf(buf, size, "%.*s/../interim/train/split.tsv", dir, base);
    return buf;
}

/* Customers that were in the training set of the model (split.tsv's train
 * rows): what the model says of them is in-sample. */
int predict_report_in_sample(const char *split, int required, const struct pipe_data *d, FILE *notes, struct err *e)
{
    if (!required && access(split, F_OK) != 0)
        return 0;
    unsigned char *is_test = calloc(d->n + 1, 1), *found = calloc(d->n + 1, 1);
    int rc = is_test && found ? split_file_read(split, d->id, d->n, "the scored data", 0, is_test, found, e)
                              : err_set(e, ERR_NOMEM, "out of memory");
    size_t n_in = 0;
    for (size_t i = 0; !rc && i < d->n; i++)
        n_in += found[i] && !is_test[i];
    free(is_test);
    free(found);
    if (!rc && n_in)
        fprintf(notes, "predict: note: %zu of %zu customers were in the training set of this model (%s): their "
                "probabilities are in-sample, too sure (a nearest-neighbours model gives them 0 or 1); their honest, "
                "out-of-fold ones are in the study's segment/customers.tsv\n", n_in, d->n, split);
    return rc;
}

int predict_write(const struct pipeline *pipe, const struct pipe_data *d, const char *out, struct err *e)
{
    double *proba = malloc((d->n + 1) * sizeof *proba);
    int rc = proba ? pipeline_predict_proba(pipe, d, NULL, d->n, proba, e) : err_set(e, ERR_NOMEM, "out of memory");
    struct outfile of;
    if (!rc)
        rc = outfile_open(out, &of, e);
    if (!rc) {
        fprintf(of.fp, "id\tproba\n");
        for (size_t i = 0; i < d->n; i++)
            fprintf(of.fp, "%s\t%.17g\n", d->id[i], proba[i]);
        rc = outfile_commit(&of, e);
    }
    free(proba);
    return rc;
}
