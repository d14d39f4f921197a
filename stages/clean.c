/* clean: the cleaning rules of the study, in the order they apply.
 *
 *  1. trim whitespace in every text cell;
 *  2. fix known typos (clean.typos: table -> column -> wrong -> right);
 *  3. every period label is one the schema expects;
 *  4. impossible values stop the run (clean.ranges);
 *  5. customers with a missing value or period are dropped (clean.missing);
 *  6. rows identical but for the id are reported (dropped if asked);
 *  7. customers not active in every period are dropped (clean.activity);
 *  8. customers with an anomalous revenue are dropped (clean.outlier).
 *
 * Every finding goes to the quality log, every count to clean.kv. */
#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"
#include "study/clean_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = "data/interim/load", *out = "data/interim/clean";
    const char *quality = "data/interim/quality.tsv", *kv_path = "data/interim/clean.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, clean)"},
        {"in", &in, "directory with the tables the load stage wrote"},
        {"out", &out, "directory for the cleaned tables"},
        {"quality", &quality, "the quality log: every check, rows affected, action"},
        {"kv", &kv_path, "key-value file with the counts"},
        {NULL, NULL, NULL},
    };
    struct clean_study c = {0};
    struct params *p = NULL;
    struct schema s = {0};
    int rc = stage_start(argc, argv,
                         "Clean the loaded tables: typos, duplicates, missing "
                         "values, anomalies, activity.",
                         opts, &params_path, &p, &s, &c.e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = clean_study_setup(&c, p, &s);
    if (!rc)
        rc = clean_study_read(&c, in);
    if (!rc)
        rc = clean_study_run(&c);
    if (!rc)
        rc = clean_study_write(&c, out, quality, kv_path);
    int status = stage_finish("clean", rc, &c.e, p, &s);
    clean_study_free(&c);
    return status;
}
