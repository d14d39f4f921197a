/* bench_capped: the model families whose cost grows faster than n (KNN:
 * every prediction scans the training rows, O(n^2) per fold; SVC: libsvm's
 * SMO, between n^2 and n^3), timed on a capped subsample.
 *
 *   bench_capped --params PARAMS --in customers.tsv [--out results.tsv]
 *
 * PARAMS is a bench params file (tests/bench/mkparams.sh): it reads
 * bench.cap.FAMILY (the most training rows that family sees), bench.n_iter
 * (candidates per family) and bench.capped_spaces (search spaces in
 * train.spaces' format), and train.test_size, train.folds, seed.
 * As the train stage does, it holds out the stratified test rows; then it
 * keeps min(cap, n_train) of the training rows in a random order (seed), draws
 * n_iter candidates from each capped space alone and cross-validates them on those
 * rows with train.folds folds on train.threads threads. One TSV row per
 * family: customers, rows used, candidates, folds, wall and CPU seconds.
 * The peak memory is the process's (maxrss_kb on every row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "models/search.h"
#include "models/split.h"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* One family's search on the first `cap` of the shuffled training rows: a
 * line of timings and memory to out. */
static int run_capped(const struct params *p, struct search_space *sp1, const struct pipe_data *d,
                      const size_t *rows, size_t ntrain, size_t *use, long n_iter, long folds, long seed, long threads,
                      FILE *out, struct err *e)
{
    struct search_spaces one = {.sp = sp1, .n = 1};
    struct search_candidate *c = NULL;
    struct search_result *res = NULL;
    struct search_opts o = {.folds = (size_t)folds, .seed = (unsigned long)seed, .threads = (int)threads};
    char key[64];
    long cap;
    snprintf(key, sizeof key, "bench.cap.%s", pipeline_family_names[sp1->family]);
    int rc = params_long(p, key, 10, 100000000L, &cap, e);
    if (rc)
        return rc;
    size_t nrows = ntrain < (size_t)cap ? ntrain : (size_t)cap;
    memcpy(use, rows, nrows * sizeof *use);
    qsort(use, nrows, sizeof *use, cmp_size);
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    rc = search_draw(&one, (size_t)n_iter, (unsigned long)seed, &c, e);
    if (!rc)
        rc = search_cv(d, use, nrows, c, (size_t)n_iter, &o, &res, e);
    double w = clock_s(CLOCK_MONOTONIC) - w0, cp = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (!rc) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(out, "%s\t%zu\t%zu\t%ld\t%ld\t%.3f\t%.3f\t%ld\t%.4f\n",
                pipeline_family_names[sp1->family], d->n, nrows, n_iter, folds, w, cp, ru.ru_maxrss,
                res->best >= 0 ? search_mean(res, (size_t)res->best, SEARCH_ROC_AUC) : 0.0);
        fflush(out);
    }
    search_result_free(res);
    free(c);
    return rc;
}

int main(int argc, char **argv)
{
    const char *pp = NULL, *in = NULL, *outp = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--params") == 0)
            pp = argv[i + 1];
        else if (strcmp(argv[i], "--in") == 0)
            in = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            outp = argv[i + 1];
    }
    if (!pp || !in) {
        fprintf(stderr, "usage: bench_capped --params PARAMS --in customers.tsv [--out results.tsv]\n");
        return 1;
    }
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct table *t = NULL;
    struct pipe_data *d = NULL;
    struct split_tt *sp = NULL;
    struct search_spaces *spaces = NULL;
    const struct pnode *node;
    long n_iter, folds, seed, threads;
    double test_size;
    if (params_load(pp, &p, &e) || schema_read(p, &s, &e) || params_long(p, "seed", 0, 4294967295L, &seed, &e) ||
        params_long(p, "bench.n_iter", 1, 100000, &n_iter, &e) ||
        params_long(p, "train.folds", 2, 100, &folds, &e) || params_long(p, "train.threads", 1, 64, &threads, &e) ||
        params_double(p, "train.test_size", 0.01, 0.99, &test_size, &e) ||
        params_node(p, "bench.capped_spaces", PNODE_SEQ, &node, &e) ||
        search_spaces_parse(node, "bench.capped_spaces", &spaces, &e) || pipe_read_data(in, &s, 1, &t, &d, &e) ||
        split_train_test(d->y, d->n, test_size, (unsigned long)seed, &sp, &e)) {
        fprintf(stderr, "bench_capped: %s\n", e.msg);
        return 2;
    }
    /* The training rows in a seeded random order: a family capped at k takes
     * the first k of them (sorted back into row order). */
    size_t *rows = malloc(sp->ntrain * sizeof *rows), *use = malloc(sp->ntrain * sizeof *use);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rows || !use || !r) {
        fprintf(stderr, "bench_capped: out of memory\n");
        return 2;
    }
    gsl_rng_set(r, (unsigned long)seed);
    memcpy(rows, sp->train, sp->ntrain * sizeof *rows);
    split_shuffle(r, rows, sp->ntrain);

    FILE *out = outp ? fopen(outp, "a") : stdout;
    if (!out) {
        perror(outp);
        return 2;
    }
    int rc = 0;
    for (size_t k = 0; k < spaces->n && !rc; k++)
        rc = run_capped(p, &spaces->sp[k], d, rows, sp->ntrain, use, n_iter, folds, seed, threads, out, &e);
    if (rc)
        fprintf(stderr, "bench_capped: %s\n", e.msg);
    if (outp)
        fclose(out);
    gsl_rng_free(r);
    free(rows);
    free(use);
    split_tt_free(sp);
    pipe_data_free(d);
    table_free(t);
    search_spaces_free(spaces);
    schema_free(&s);
    params_free(p);
    return rc ? 2 : 0;
}
