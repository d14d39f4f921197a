/* merge: one row per customer. The period tables (revenue by month, minutes by
 * month) are pivoted wide with the column names from schema.periods and joined
 * to the customer table on the id; ids that do not match are reported. */
#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"
#include "study/merge_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = "data/interim/clean", *out = "data/interim/customers.tsv";
    const char *kv_path = "data/interim/merge.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, merge)"},
        {"in", &in, "directory with the cleaned tables"},
        {"out", &out, "the merged table, one row per customer"},
        {"kv", &kv_path, "key-value file with the counts"},
        {NULL, NULL, NULL},
    };
    static const char *const keys[] = {"how", NULL}, *const hows[] = {"inner", "left", NULL};
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct merge_study ms = {.s = &s};
    int how = 0;
    int rc = stage_start(argc, argv, "Pivot the period tables wide and join them to the customers on the id.", opts,
                         &params_path, &p, &s, &e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = params_check_keys(p, "merge", keys, &e);
    if (!rc)
        rc = params_enum(p, "merge.how", hows, &how, &e);
    if (!rc)
        rc = merge_study_read(&ms, in, &e);
    if (!rc)
        rc = merge_study_run(&ms, how == 0, &e);
    if (!rc)
        rc = table_write_tsv(ms.m, out, &e);
    if (!rc)
        rc = kv_write(ms.kv, kv_path, &e);
    int status = stage_finish("merge", rc, &e, p, &s);
    merge_study_free(&ms);
    return status;
}
