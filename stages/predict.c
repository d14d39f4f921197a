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
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"
#include "models/pipeline.h"
#include "study/predict_study.h"

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

/* Run load, clean and merge on the export in `in` inside a new temporary
 * directory (*tmp; "" when none was made), into *merged. */
static int prepare_export(const char *params_path, const char *in, char *tmp, size_t tsize, char *merged, size_t msize,
                          struct err *e)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp, tsize, "%s/oneclick-predict.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmp)) {
        int rc = err_set(e, ERR_IO, "%s: cannot create a temporary directory: %s", tmp, strerror(errno));
        tmp[0] = '\0';
        return rc;
    }
    return prepare(params_path, in, tmp, merged, msize, e);
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
    char tmp[PATH_MAX] = "", merged[PATH_MAX + 16], path[PATH_MAX + 32], csv[PATH_MAX + 16];
    struct predict_origin o = {0};
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
    if (!rc && *in && !(rc = prepare_export(params_path, in, tmp, sizeof tmp, merged, sizeof merged, &e)))
        table_path = merged;
    if (!rc)
        rc = pipe_read_data(table_path, &s, 0, &t, &d, &e);
    if (!rc && (rc = pipeline_check_data(pipe, d, &e)))
        err_prefix(&e, "%s: ", table_path);
    o.file = *in ? cli_path(csv, sizeof csv, in, s.files[FILE_CUSTOMERS].name) : table_path;
    if (!rc && *in)
        rc = predict_origin_read(&o, cli_path(path, sizeof path, tmp, "load/customers.tsv"), s.id, &e);
    if (!rc && *in)
        rc = predict_report_dropped(&o, d, cli_path(path, sizeof path, tmp, "quality.tsv"), stderr, &e);
    if (!rc)
        rc = predict_check_categories(pipe, d, &o, stderr, &e);
    if (!rc)
        rc = predict_report_in_sample(*split ? split : predict_default_split(model, path, sizeof path), *split != '\0',
                                      d, stderr, &e);
    if (!rc)
        rc = predict_write(pipe, d, out, &e);
    if (tmp[0])
        rm_tree(tmp);
    int status = rc ? cli_fail("predict", &e) : 0;
    predict_origin_free(&o);
    pipe_data_free(d);
    table_free(t);
    pipeline_free(pipe);
    schema_free(&s);
    params_free(p);
    return status;
}
