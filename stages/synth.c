/* synth: write a synthetic «В один клик» export (the four CSVs, real schema
 * and quirks, a planted target) for the demo run and the scale benchmarks.
 *
 *     synth --params params.yaml --out data/synthetic     # synth.n and seed
 *     synth --n 1000000 --seed 7 --out /tmp/big           # no params file
 *
 * The command line overrides params.yaml; without either, 1300 customers
 * (the size of the real export) with seed 42. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"
#include "io/params.h"
#include "study/synth.h"

/* Sentinel defaults: cli_parse keeps the pointer when an option is absent, so
 * comparing pointers tells "not given" from any value the user could type. */
static const char FROM_PARAMS_N[] = "synth.n of --params, else 1300";
static const char FROM_PARAMS_SEED[] = "seed of --params, else 42";
static const char FROM_PARAMS_NOISE[] = "synth.noise of --params, else 1.0";
static const char NO_PARAMS[] = "none";

#define MAX_N 1000000000L
#define MAX_SEED 4294967295L /* mt19937 seeds are 32-bit */

static int parse_long(const char *opt, const char *s, long min, long max, long *out, struct err *e)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return err_set(e, ERR_USAGE, "--%s: expected an integer in %ld..%ld, found \"%s\"", opt, min, max, s);
    *out = v;
    return 0;
}

static int parse_double(const char *opt, const char *s, double min, double max, double *out, struct err *e)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min && v <= max))
        return err_set(e, ERR_USAGE, "--%s: expected a number in %g..%g, found \"%s\"", opt, min, max, s);
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *params_path = NO_PARAMS, *n_arg = FROM_PARAMS_N, *seed_arg = FROM_PARAMS_SEED;
    const char *noise_arg = FROM_PARAMS_NOISE, *out = "data/synthetic";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (keys: synth.n, synth.noise, seed)"},
        {"n", &n_arg, "number of customers, 1..1000000000"},
        {"seed", &seed_arg, "seed of the mt19937 generator, 0..4294967295"},
        {"noise", &noise_arg, "sd of the noise on the risk score; larger gives a lower attainable ROC-AUC"},
        {"out", &out, "directory for market_file.csv, market_money.csv, market_time.csv, money.csv"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    long n = 1300, seed = 42;
    double noise = SYNTH_NOISE;

    int rc = cli_parse(argc, argv,
                       "Write a synthetic customer export: the real schema and quirks, a planted churn target.",
                       opts, &e);
    if (rc < 0)
        return 0;
    outfile_hold(); /* the outputs land together, at cli_finish */
    /* params.yaml first, then the command line on top of it. */
    if (!rc && params_path != NO_PARAMS) {
        static const char *const keys[] = {"n", "noise", NULL};
        rc = params_load(params_path, &p, &e);
        if (!rc && params_find(p, NULL, "synth"))
            rc = params_check_keys(p, "synth", keys, &e);
        if (!rc && n_arg == FROM_PARAMS_N)
            rc = params_long(p, "synth.n", 1, MAX_N, &n, &e);
        if (!rc && seed_arg == FROM_PARAMS_SEED)
            rc = params_long(p, "seed", 0, MAX_SEED, &seed, &e);
        if (!rc && noise_arg == FROM_PARAMS_NOISE && params_find(p, NULL, "synth.noise"))
            rc = params_double(p, "synth.noise", 0.001, 100.0, &noise, &e);
    }
    if (!rc && n_arg != FROM_PARAMS_N)
        rc = parse_long("n", n_arg, 1, MAX_N, &n, &e);
    if (!rc && seed_arg != FROM_PARAMS_SEED)
        rc = parse_long("seed", seed_arg, 0, MAX_SEED, &seed, &e);
    if (!rc && noise_arg != FROM_PARAMS_NOISE)
        rc = parse_double("noise", noise_arg, 0.001, 100.0, &noise, &e);
    params_free(p);

    struct synth_opts so = {.n = (size_t)n, .seed = (unsigned long)seed, .noise = noise};
    struct synth_summary sum;
    if (!rc)
        rc = synth_run(&so, out, &sum, &e);
    if ((rc = cli_finish("synth", rc, &e)))
        return rc;
    printf("synth: %zu customers, %.1f%% declined, %zu typo rows, %zu inactive, outlier id %lu, in %s\n", sum.n,
           100.0 * (double)sum.declined / (double)sum.n, sum.typo, sum.inactive, sum.outlier_id, out);
    return 0;
}
