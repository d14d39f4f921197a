/* load: read the four input CSVs, check them against the schema in
 * params.yaml, and write them as typed TSV to data/interim/load/.
 *
 * What is checked here is structure: the columns exist, numbers are numbers,
 * ids are unique, every customer has rows in each period table, the target has
 * one of its two labels. What the data means (typos, anomalies, inactive
 * customers) is the clean stage's business. */
#include <string.h>

#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"
#include "study/load_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = NULL, *out = "data/interim/load";
    const char *kv_path = "data/interim/load.kv", *target_opt = "yes", *check_opt = "no";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema)"},
        {"in", &in, "directory with the input CSVs named in schema.files"},
        {"out", &out, "directory for customers.tsv, revenue.tsv, minutes.tsv, profit.tsv"},
        {"kv", &kv_path, "key-value file with row counts and input paths"},
        {"target", &target_opt, "require the target column: yes, or no to score new customers"},
        {"check", &check_opt,
         "yes: read and check the CSVs, write nothing (is --in a usable "
         "export?)"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct load_study ls = {.s = &s};
    int rc = stage_start(argc, argv,
                         "Read the four input CSVs, check them against the "
                         "schema, write typed TSV.",
                         opts, &params_path, &p, &s, &e);
    if (rc < 0)
        return 0;
    ls.with_target = strcmp(target_opt, "no") != 0;
    if (!rc && ls.with_target && strcmp(target_opt, "yes") != 0)
        rc = err_set(&e, ERR_USAGE, "--target: expected yes or no, found \"%s\"", target_opt);
    int check_only = strcmp(check_opt, "yes") == 0;
    if (!rc && !check_only && strcmp(check_opt, "no") != 0)
        rc = err_set(&e, ERR_USAGE, "--check: expected yes or no, found \"%s\"", check_opt);
    if (!rc)
        rc = load_study_read(&ls, in, &e);
    if (!rc && !check_only)
        rc = load_study_write(&ls, out, kv_path, &e);
    int status = stage_finish("load", rc, &e, p, &s);
    load_study_free(&ls);
    return status;
}
