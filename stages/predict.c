/* predict: score customers with a saved pipeline (what `train` wrote to
 * data/models/): P(activity declines) per customer.
 *
 * The input is either the four CSVs of an export (--in DIR), which go
 * through the study's own load, clean and merge programs in a temporary
 * directory so that new customers are prepared exactly as the training ones
 * were, or an already merged customers.tsv-shaped table (--table). The
 * target column is not needed (load runs with --target no); where it is
 * present, load still checks its labels.
 *
 * It says what it did not score, or not score as trained, on stderr:
 * customers the cleaning dropped (with the reason), categories the model
 * never saw (ids and values; an unknown level of an ordered category is an
 * error naming the CSV file, line and customer), and customers that were in
 * the model's training set (their probabilities are in-sample). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cli.h"
#include "core/hashset.h"
#include "core/outfile.h"
#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "io/table.h"
#include "models/split.h"

/* Remove a directory tree the stages wrote (plain files and directories). */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[PATH_MAX];
    struct stat st;
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rm_tree(path);
        else
            remove(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Run one stage program (argv[0] is its path) and wait for it. */
static int run(char *const *argv, struct err *e)
{
    pid_t pid = fork();
    if (pid < 0)
        return err_set(e, ERR_IO, "cannot start %s: %s", argv[0], strerror(errno));
    if (pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "predict: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return err_set(e, ERR_IO, "waiting for %s: %s", argv[0], strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return err_set(e, WIFEXITED(status) && WEXITSTATUS(status) == 1 ? ERR_PARAMS : ERR_DATA,
                       "%s failed (exit status %d); its message is above", argv[0],
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

/* load -> clean -> merge on the CSVs of dir, into tmp/customers.tsv. */
static int prepare(const char *params, const char *dir, const char *tmp, char *merged, size_t size, struct err *e)
{
    char self[PATH_MAX], bin[PATH_MAX], prog[PATH_MAX + 16], a[PATH_MAX + 16], b[PATH_MAX + 16], c[PATH_MAX + 16],
        d[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0)
        return err_set(e, ERR_IO, "cannot find the stage programs: /proc/self/exe: %s", strerror(errno));
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    snprintf(bin, sizeof bin, "%.*s", slash ? (int)(slash - self) : 1, slash ? self : ".");

    snprintf(prog, sizeof prog, "%s/load", bin);
    snprintf(a, sizeof a, "%s/load", tmp);
    snprintf(b, sizeof b, "%s/load.kv", tmp);
    if (mkdir(a, 0700) != 0)
        return err_set(e, ERR_IO, "%s: cannot create: %s", a, strerror(errno));
    int rc = run((char *const[]){prog, "--params", (char *)params, "--in", (char *)dir, "--out", a, "--kv", b,
                                 "--target", "no", NULL},
                 e);
    snprintf(prog, sizeof prog, "%s/clean", bin);
    snprintf(b, sizeof b, "%s/clean", tmp);
    snprintf(c, sizeof c, "%s/quality.tsv", tmp);
    snprintf(d, sizeof d, "%s/clean.kv", tmp);
    if (!rc && mkdir(b, 0700) != 0)
        rc = err_set(e, ERR_IO, "%s: cannot create: %s", b, strerror(errno));
    if (!rc)
        rc = run((char *const[]){prog, "--params", (char *)params, "--in", a, "--out", b, "--quality", c, "--kv", d,
                                 NULL},
                 e);
    snprintf(prog, sizeof prog, "%s/merge", bin);
    snprintf(merged, size, "%s/customers.tsv", tmp);
    snprintf(d, sizeof d, "%s/merge.kv", tmp);
    if (!rc)
        rc = run((char *const[]){prog, "--params", (char *)params, "--in", b, "--out", merged, "--kv", d, NULL}, e);
    return rc;
}

/* Where each customer of the input came from: the id -> row of the load
 * stage's customers table (its source_line column is the CSV line). */
struct origin {
    const char *file;     /* the customers CSV, or the --table file */
    struct table *t;      /* load/customers.tsv (NULL with --table) */
    struct hashset *ids;  /* id -> row of t */
    const double *line;   /* t's source_line */
    long id_col;
};

static int origin_read(struct origin *o, const char *load_tsv, const char *id, struct err *e)
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
static void origin_where(const struct origin *o, const char *id, size_t i, char *buf, size_t size)
{
    size_t r;
    if (o->ids && hashset_find(o->ids, id, &r))
        snprintf(buf, size, "%s:%.0f", o->file, o->line[r]);
    else
        snprintf(buf, size, "%s:%zu", o->file, i + 2);
}

static void origin_free(struct origin *o)
{
    hashset_free(o->ids);
    table_free(o->t);
}

/* A list of ids on one stderr line: the first 20, then how many more. */
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
static int report_dropped(const struct origin *o, const struct pipe_data *d, const char *quality, struct err *e)
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
        fprintf(stderr, "predict: %zu of %zu customers not scored, dropped by cleaning as in training: %s\n", l.n,
                o->t->nrows, idlist_str(&l));
    table_free(q);
    hashset_free(scored);
    return rc;
}

/* Categories the model never saw. An ordered category's unknown level has no
 * place in the order: an error naming the customer. An unordered one is
 * scored with none of the known categories' indicators set (scikit-learn's
 * handle_unknown="ignore"), and said. */
static int check_categories(const struct pipeline *pipe, const struct pipe_data *d, const struct origin *o,
                            struct err *e)
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
            fprintf(stderr, "predict: warning: %zu customer%s with a \"%s\" the model never saw, scored with none of "
                    "its %zu known categories%s%s%s: %s\n", l.n, l.n == 1 ? "" : "s", f->name, f->ncat,
                    f->drop_first ? " (as the reference category \"" : "", f->drop_first ? f->cats[0] : "",
                    f->drop_first ? "\" is)" : "", idlist_str(&l));
    }
    return 0;
}

/* The split train wrote with the model: models go to MODELS and the split to
 * INTERIM/train/, where MODELS is data/models beside data/interim, or
 * INTERIM/models (mk/train.mk). */
static const char *default_split(const char *model, char *buf, size_t size)
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
static int report_in_sample(const char *split, int required, const struct pipe_data *d, struct err *e)
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
        fprintf(stderr, "predict: note: %zu of %zu customers were in the training set of this model (%s): their "
                "probabilities are in-sample, too sure (a nearest-neighbours model gives them 0 or 1); their honest, "
                "out-of-fold ones are in the study's segment/customers.tsv\n", n_in, d->n, split);
    return rc;
}

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *model = "data/models/best.pipeline", *in = "", *table_path = "";
    const char *out = "predictions.tsv", *split = "";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (section: schema)"},
        {"model", &model, "the saved pipeline"},
        {"in", &in, "a directory with the four CSVs of an export (run through load, clean, merge)"},
        {"table", &table_path, "or: a merged customers.tsv-shaped table"},
        {"out", &out, "the predictions: id, proba (P of the positive class)"},
        {"split", &split, "the training split of the model (train's split.tsv; by default the one train wrote "
                          "beside the model, when it is there): its training customers are in-sample"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct pipeline *pipe = NULL;
    struct table *t = NULL;
    struct pipe_data *d = NULL;
    double *proba = NULL;
    char tmp[PATH_MAX] = "", merged[PATH_MAX + 16], path[PATH_MAX + 32];
    struct origin o = {0};
    int rc = cli_parse(argc, argv, "Score customers with a saved pipeline: id and the probability of a decline.",
                       opts, &e);
    if (rc < 0)
        return 0;
    if (!rc && !*in == !*table_path)
        rc = err_set(&e, ERR_USAGE, "give exactly one of --in DIR and --table FILE (see --help)");
    if (!rc)
        rc = params_load(params_path, &p, &e);
    if (!rc)
        rc = schema_read(p, &s, &e);
    if (!rc)
        rc = pipeline_load(model, &pipe, &e);
    if (!rc && *in) {
        const char *base = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/oneclick-predict.XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp)) {
            rc = err_set(&e, ERR_IO, "%s: cannot create a temporary directory: %s", tmp, strerror(errno));
            tmp[0] = '\0';
        }
        if (!rc)
            rc = prepare(params_path, in, tmp, merged, sizeof merged, &e);
        table_path = merged;
    }
    if (!rc)
        rc = pipe_read_data(table_path, &s, 0, &t, &d, &e);
    if (!rc && (rc = pipeline_check_data(pipe, d, &e)))
        err_prefix(&e, "%s: ", table_path);
    if (!rc && *in) {
        char csv[PATH_MAX + 16];
        o.file = cli_path(csv, sizeof csv, in, s.files[FILE_CUSTOMERS].name);
        rc = origin_read(&o, cli_path(path, sizeof path, tmp, "load/customers.tsv"), s.id, &e);
        if (!rc)
            rc = report_dropped(&o, d, cli_path(path, sizeof path, tmp, "quality.tsv"), &e);
        o.file = strdup(csv);
        if (!rc && !o.file)
            rc = err_set(&e, ERR_NOMEM, "out of memory");
    } else
        o.file = strdup(table_path);
    if (!rc)
        rc = check_categories(pipe, d, &o, &e);
    if (!rc)
        rc = report_in_sample(*split ? split : default_split(model, path, sizeof path), *split != '\0', d, &e);
    if (!rc && !(proba = malloc((d->n + 1) * sizeof *proba)))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = pipeline_predict_proba(pipe, d, NULL, d->n, proba, &e);
    struct outfile of;
    if (!rc)
        rc = outfile_open(out, &of, &e);
    if (!rc) {
        fprintf(of.fp, "id\tproba\n");
        for (size_t i = 0; i < d->n; i++)
            fprintf(of.fp, "%s\t%.17g\n", d->id[i], proba[i]);
        rc = outfile_commit(&of, &e);
    }
    if (tmp[0])
        rm_tree(tmp);
    int status = rc ? cli_fail("predict", &e) : 0;
    origin_free(&o);
    free((char *)o.file);
    free(proba);
    pipe_data_free(d);
    table_free(t);
    pipeline_free(pipe);
    schema_free(&s);
    params_free(p);
    return status;
}
