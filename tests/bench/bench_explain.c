/* bench_explain: time the exact explainers on the real test set: linear SHAP
 * of train's logreg pipeline, path-dependent and interventional TreeSHAP of its
 * tree pipeline (background: the 972 training rows), each over the 324 test
 * customers, additivity checked.
 *
 *   make data/interim/train.kv DATA=data/raw && make build/release/libstudy.a
 *   gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Ilib tests/bench/bench_explain.c build/release/libstudy.a \
 *       $(pkg-config --libs gsl yaml-0.1 libcmark xlsxwriter) -llinear -lsvm -lcsv -lpthread -lm \
 *       -o /tmp/bench_explain && /tmp/bench_explain [interim-dir] [models-dir]
 *
 * Target: each explainer under one second (the "explaining the real
 * test set with the exact explainers takes under a second"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain/explain.h"
#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "io/table.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *interim = argc > 1 ? argv[1] : "data/interim", *models = argc > 2 ? argv[2] : "data/models";
    char path[4096];
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct table *t = NULL, *sp = NULL;
    struct pipe_data *d = NULL;
    static const char *const strs[] = {"id", "set", NULL};
    if (params_load("params.yaml", &p, &e) || schema_read(p, &s, &e))
        return fprintf(stderr, "bench_explain: %s\n", e.msg), 2;
    snprintf(path, sizeof path, "%s/customers.tsv", interim);
    if (pipe_read_data(path, &s, 1, &t, &d, &e))
        return fprintf(stderr, "bench_explain: %s: %s\n", path, e.msg), 2;
    snprintf(path, sizeof path, "%s/train/split.tsv", interim);
    if (table_read_tsv(path, strs, &sp, &e) || sp->nrows != d->n)
        return fprintf(stderr, "bench_explain: %s: %s\n", path, e.msg), 2;
    /* split.tsv lists the customers in table order. */
    size_t *test = malloc(d->n * sizeof *test), *train = malloc(d->n * sizeof *train), nt = 0, ntr = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(sp->cols[0].str[i], d->id[i]))
            return fprintf(stderr, "bench_explain: split.tsv is not in table order\n"), 2;
        if (!strcmp(sp->cols[1].str[i], "test"))
            test[nt++] = i;
        else
            train[ntr++] = i;
    }
    const struct {
        const char *model;
        enum explain_kind kind;
    } runs[] = {{"logreg", EXPLAIN_LINEAR}, {"tree", EXPLAIN_TREE_PATH}, {"tree", EXPLAIN_TREE_INTERVENTIONAL}};
    int status = 0;
    for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
        struct pipeline *pl = NULL;
        snprintf(path, sizeof path, "%s/%s.pipeline", models, runs[k].model);
        if (pipeline_load(path, &pl, &e))
            return fprintf(stderr, "bench_explain: %s\n", e.msg), 2;
        size_t q = pipeline_nout(pl);
        double *Xt = malloc(nt * q * sizeof *Xt), *Xtr = malloc(ntr * q * sizeof *Xtr);
        struct explain_result *r = NULL;
        struct explain_opts o = {.kind = runs[k].kind};
        double t0 = now();
        int rc = pipeline_transform(pl, d, test, nt, Xt, &e);
        if (!rc)
            rc = pipeline_transform(pl, d, train, ntr, Xtr, &e);
        if (!rc)
            rc = explain_rows(pl, Xt, nt, Xtr, ntr, &o, &r, &e);
        double secs = now() - t0;
        if (rc)
            return fprintf(stderr, "bench_explain: %s\n", e.msg), 2;
        int fast = secs < 1.0, exact = r->max_gap < 1e-9;
        printf("%-20s %-7s %zu test rows, %zu background: %.3f s, max additivity gap %.3g (%s, %s)\n",
               explain_kind_names[runs[k].kind], runs[k].model, nt, r->nbackground, secs, r->max_gap,
               fast ? "under 1 s" : "OVER 1 s", exact ? "exact" : "NOT EXACT");
        status |= !fast || !exact;
        explain_result_free(r);
        free(Xt);
        free(Xtr);
        pipeline_free(pl);
    }
    free(test);
    free(train);
    table_free(sp);
    pipe_data_free(d);
    table_free(t);
    schema_free(&s);
    params_free(p);
    return status;
}
