/* bench_search: the randomized search of the train stage on the real data,
 * timed: candidates per second with 1 and with 2 threads, per family.
 *
 *   make data/interim/customers.tsv DATA=data/raw
 *   make build/release/libstudy.a
 *   gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Ilib tests/bench/bench_search.c build/release/libstudy.a \
 *       $(pkg-config --libs gsl yaml-0.1 libcmark xlsxwriter) -llinear -lsvm -lcsv -lpthread -lm \
 *       -o /tmp/bench_search && /tmp/bench_search [params.yaml] [customers.tsv] [n_iter]
 *
 * It draws the candidates of params.yaml's train section (n_iter from the
 * command line if given), cross-validates them on the training rows of the
 * split as the stage does (twins grouped on one side and in one fold, the
 * same folds), and prints a TSV line per thread count: wall and CPU time,
 * candidates per second, the best mean ROC-AUC; the time per family on
 * stderr. `make bench` compares it with tests/bench/sklearn_search.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/params.h"
#include "models/groups.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "models/search.h"
#include "models/split.h"

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int die(const struct err *e)
{
    fprintf(stderr, "bench_search: %s\n", e->msg);
    return 2;
}

/* The search on 1 and 2 threads: a line each, and the last one's per family. */
static int timed(const struct pipe_data *d, const struct split_tt *sp, const size_t *group,
                 const struct search_candidate *c, long n_iter, long folds, long seed, struct err *e)
{
    for (int threads = 1; threads <= 2; threads++) {
        struct search_opts o = {.folds = (size_t)folds, .seed = (unsigned long)seed, .threads = threads, .group = group};
        struct search_result *r = NULL;
        double w0 = wall(), c0 = cpu();
        if (search_cv(d, sp->train, sp->ntrain, c, (size_t)n_iter, &o, &r, e))
            return -1;
        double w = wall() - w0, cp = cpu() - c0;
        printf("bench_search\t%ld\t%ld\t%d\t%.3f\t%.3f\t%.1f\t%.4f\n", n_iter, folds, threads, w, cp,
               (double)n_iter / w, r->best >= 0 ? search_mean(r, (size_t)r->best, SEARCH_ROC_AUC) : 0.0);
        for (int f = 0; threads == 2 && f < PIPE_NFAMILY; f++) {
            double secs = 0;
            size_t n = 0;
            for (size_t i = 0; i < r->ncand; i++)
                if ((int)c[i].cfg.family == f) {
                    secs += r->fit_time[i] * (double)folds;
                    n++;
                }
            fprintf(stderr, "    %-7s %3zu candidates, %6.2f s of fits (%.3f s per candidate)\n",
                    pipeline_family_names[f], n, secs, n ? secs / (double)n : 0.0);
        }
        search_result_free(r);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *pp = argc > 1 ? argv[1] : "params.yaml", *in = argc > 2 ? argv[2] : "data/interim/customers.tsv";
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct table *t = NULL;
    struct pipe_data *d = NULL;
    struct split_tt *sp = NULL;
    struct search_spaces *spaces = NULL;
    struct search_candidate *c = NULL;
    const struct pnode *node;
    size_t *group = NULL, ngroups, nrows;
    long n_iter, folds, seed;
    double test_size;
    if (params_load(pp, &p, &e) || schema_read(p, &s, &e) || params_long(p, "seed", 0, 4294967295L, &seed, &e) ||
        params_long(p, "train.n_iter", 1, 100000, &n_iter, &e) || params_long(p, "train.folds", 2, 100, &folds, &e) ||
        params_double(p, "train.test_size", 0.01, 0.99, &test_size, &e) ||
        params_node(p, "train.spaces", PNODE_SEQ, &node, &e) || search_spaces_parse(node, "train.spaces", &spaces, &e))
        return die(&e);
    if (argc > 3)
        n_iter = atol(argv[3]);
    /* As the train stage: twins grouped on one side of the split and in one fold. */
    if (pipe_read_data(in, &s, 1, &t, &d, &e) || !(group = malloc((d->n + 1) * sizeof *group)) ||
        groups_find(d, group, &ngroups, &nrows, &e) ||
        split_group_train_test(d->y, group, d->n, test_size, (unsigned long)seed, &sp, &e) ||
        search_draw(spaces, (size_t)n_iter, (unsigned long)seed, &c, &e))
        return die(&e);
    fprintf(stderr, "bench_search: %ld candidates x %ld folds on %zu training rows, %zu features\n", n_iter, folds,
            sp->ntrain, d->nfeat);
    printf("bench\tcandidates\tfolds\tthreads\twall_s\tcpu_s\tcandidates_per_s\tbest_cv_roc_auc\n");
    if (timed(d, sp, group, c, n_iter, folds, seed, &e))
        return die(&e);
    free(c);
    free(group);
    split_tt_free(sp);
    pipe_data_free(d);
    table_free(t);
    search_spaces_free(spaces);
    schema_free(&s);
    params_free(p);
    return 0;
}
