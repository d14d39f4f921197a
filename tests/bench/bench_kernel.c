/* bench_kernel: how far KernelSHAP is from the exact Shapley values on the
 * real data, to choose explain.kernel_budget and explain.background_k. The
 * chosen pipeline of a study run explains its first N test customers:
 *   - with every coalition (2^m - 2: exact for that background) against the
 *     sampled budgets, background k fixed: the sampling error;
 *   - exact with k centres against exact with K (the largest k asked): what
 *     summarising the training rows into k weighted points changes.
 * Errors are mean and max |phi - phi_exact| over customers and features, and
 * the mean relative to the mean |phi_exact|.
 *
 *   bench_kernel PARAMS INTERIM [N] [k,k,..] [budget,budget,..]
 * (INTERIM holds customers.tsv, train/split.tsv and models/best.pipeline.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain/explain.h"
#include "explain/explain_study.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static size_t parse_list(const char *s, size_t *out, size_t max)
{
    size_t n = 0;
    for (char *end; *s && n < max; s = *end ? end + 1 : end)
        out[n++] = strtoul(s, &end, 10);
    return n;
}

/* Explain rows X (n x q) with k centres and this budget; the phi and the seconds. */
static int run(const struct explain_study *st, const double *X, size_t n, size_t k, size_t budget,
               struct explain_result **out, double *secs, struct err *e)
{
    struct explain_opts o = {.kind = EXPLAIN_KERNEL, .background_k = k, .budget = budget,
                             .seed = (unsigned long)st->su.seed, .threads = 2};
    double t0 = now();
    int rc = explain_rows(st->pipe, X, n, st->Xtr, st->ntr, &o, out, e);
    *secs = now() - t0;
    return rc;
}

static void compare(const struct explain_result *a, const struct explain_result *x, size_t n, size_t m, double *mean,
                    double *max, double *rel)
{
    double sum = 0, scale = 0;
    *max = 0;
    for (size_t i = 0; i < n * m; i++) {
        double d = fabs(a->phi[i] - x->phi[i]);
        sum += d;
        *max = d > *max ? d : *max;
        scale += fabs(x->phi[i]);
    }
    *mean = sum / (double)(n * m);
    *rel = scale > 0 ? sum / scale : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_kernel PARAMS INTERIM [N] [k,..] [budget,..]\n");
        return 2;
    }
    char cus[4096], model[4096], split[4096];
    snprintf(cus, sizeof cus, "%s/customers.tsv", argv[2]);
    snprintf(model, sizeof model, "%s/models/best.pipeline", argv[2]);
    snprintf(split, sizeof split, "%s/train/split.tsv", argv[2]);
    size_t n = argc > 3 ? strtoul(argv[3], NULL, 10) : 5, ks[8], bs[16];
    size_t nk = parse_list(argc > 4 ? argv[4] : "5,10,20,40", ks, 8);
    size_t nb = parse_list(argc > 5 ? argv[5] : "128,256,512,1024,2048,4096", bs, 16);
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct explain_study st = {.s = &s};
    int rc = params_load(argv[1], &p, &e);
    if (!rc)
        rc = schema_read(p, &s, &e);
    if (!rc)
        rc = explain_setup_read(p, &st.su, &e);
    if (!rc)
        rc = explain_study_read(&st, cus, model, split, &e);
    size_t m = st.m, q = st.q;
    n = n < st.nt ? n : st.nt;
    double *X = rc ? NULL : malloc((n * q + 1) * sizeof *X);
    for (size_t i = 0; !rc && i < n; i++)
        memcpy(X + i * q, st.X + st.test[i] * q, q * sizeof *X);
    size_t all = ((size_t)1 << m) - 2;
    struct explain_result *exact[8] = {0};
    printf("# KernelSHAP against every coalition (%zu), %zu test customers, %zu features, %s pipeline\n", all, n, m,
           rc ? "?" : pipeline_family_names[st.pipe->cfg.family]);
    printf("k\tbudget\tmean_abs_error\tmax_abs_error\trelative_error\tseconds\n");
    for (size_t a = 0; !rc && a < nk; a++) {
        double secs, mean, max, rel;
        rc = run(&st, X, n, ks[a], all, &exact[a], &secs, &e);
        if (!rc)
            printf("%zu\tall\t0\t0\t0\t%.2f\n", ks[a], secs);
        for (size_t b = 0; !rc && b < nb && bs[b] < all; b++) {
            struct explain_result *r = NULL;
            rc = run(&st, X, n, ks[a], bs[b], &r, &secs, &e);
            if (!rc) {
                compare(r, exact[a], n, m, &mean, &max, &rel);
                printf("%zu\t%zu\t%.5f\t%.5f\t%.4f\t%.2f\n", ks[a], bs[b], mean, max, rel, secs);
            }
            explain_result_free(r);
        }
        fflush(stdout);
    }
    /* The background: each k's exact values against the largest k's. */
    if (!rc && nk > 1) {
        printf("# exact with k centres against exact with %zu\nk\tmean_abs_error\tmax_abs_error\trelative_error\n",
               ks[nk - 1]);
        for (size_t a = 0; a + 1 < nk; a++) {
            double mean, max, rel;
            compare(exact[a], exact[nk - 1], n, m, &mean, &max, &rel);
            printf("%zu\t%.5f\t%.5f\t%.4f\n", ks[a], mean, max, rel);
        }
    }
    for (size_t a = 0; a < nk; a++)
        explain_result_free(exact[a]);
    if (rc)
        fprintf(stderr, "bench_kernel: %s\n", e.msg);
    free(X);
    explain_study_free(&st);
    schema_free(&s);
    params_free(p);
    return rc ? 1 : 0;
}
