/* eda: what the data look like, and how the two classes differ, before any
 * model.
 *
 *  1. every numeric column of every cleaned table and of customers.tsv:
 *     count, missing, mean, std, quartiles, skewness, IQR outliers, overall and
 *     by target class (eda/numeric.tsv);
 *  2. every categorical column: counts and shares, overall and by class
 *     (eda/categorical.tsv);
 *  3. the features ranked by the standardized mean difference between the
 *     classes (eda/smd.tsv); the findings the report cites (eda.kv);
 *  4. the data of every figure: the target balance; per numeric feature a
 *     histogram (a bar chart when it has few integer values) and a box plot by
 *     class; per categorical feature the shares by class; revenue and minutes
 *     by period and class. Each is figures/NAME.{tsv,gpv}, drawn by
 *     report/figures/<NAME up to '_'>.gp; eda/figures.txt lists them for Make.
 *
 * Reads the sections schema, eda and labels; what a reader sees is labelled
 * from labels (Russian, with units). */
#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"
#include "study/eda_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *clean = "data/interim/clean", *merged = "data/interim/customers.tsv";
    const char *out = "data/interim/eda", *figdir = "data/interim/figures", *kv_path = "data/interim/eda.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, eda)"},
        {"clean", &clean, "directory with the cleaned tables"},
        {"customers", &merged, "the merged table, one row per customer"},
        {"out", &out, "directory for numeric.tsv, categorical.tsv, smd.tsv and figures.txt"},
        {"figures", &figdir, "directory for the figures' data (NAME.tsv) and variables (NAME.gpv)"},
        {"kv", &kv_path, "key-value file with the findings"},
        {NULL, NULL, NULL},
    };
    struct eda_study c = {0};
    struct params *p = NULL;
    struct schema s = {0};
    int rc = stage_start(argc, argv,
                         "Describe every column overall and by class; write the "
                         "data of the figures.",
                         opts, &params_path, &p, &s, &c.e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = eda_study_setup(&c, p, &s, figdir);
    if (!rc)
        rc = eda_study_read(&c, clean, merged);
    if (!rc)
        rc = eda_study_run(&c);
    if (!rc)
        rc = eda_study_write(&c, out, kv_path);
    int status = stage_finish("eda", rc, &c.e, p, &s);
    eda_study_free(&c);
    return status;
}
