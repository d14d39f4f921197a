/* explain: why the chosen model expects a decline, for each customer and
 * overall.
 *
 *  1. SHAP values of the chosen pipeline (train's best.pipeline) for every
 *     customer of customers.tsv, one value per original feature, with the
 *     explainer explain.explainer picks (lib/explain/explain.h); additivity
 *     base + sum(phi) = the model's output is checked for every row;
 *  2. on the test customers (train/split.tsv): the importance table, mean
 *     |phi|, the direction (the sign of the correlation between the feature's
 *     value and its phi; 0 for an unordered category), the permutation drop
 *     of ROC-AUC (explain.n_repeats, seed) and the rank by mean |phi|;
 *  3. per customer, the explain.top_k features pushing hardest towards a
 *     decline (the largest positive phi), for the segment stage's offers;
 *  4. the figures: summary beeswarm, bar chart of mean |phi|, dependence
 *     plots of the top 4 features, waterfall of the riskiest test customer. */
#include "explain/explain_study.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = "data/interim/customers.tsv", *model = "data/models/best.pipeline";
    const char *split = "data/interim/train/split.tsv", *out = "data/interim/explain";
    const char *figures = "data/interim/figures", *kv_path = "data/interim/explain.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, explain, seed)"},
        {"in", &in, "the merged table, one row per customer (every customer is explained)"},
        {"model", &model, "the chosen pipeline train saved"},
        {"split", &split, "train's split.tsv (id, set = train|test)"},
        {"out", &out, "directory for shap.tsv, drivers.tsv, importance.tsv"},
        {"figures", &figures,
         "directory for the figure data (shapbee_test, shapbar_test, "
         "shapdep_1..4, shapwf_top)"},
        {"kv", &kv_path, "key-value file with the explainer, additivity and the top features"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct explain_study st = {.s = &s};
    int rc = stage_start(argc, argv, "Explain the chosen model: SHAP values, importance, drivers, figures.", opts,
                         &params_path, &p, &s, &e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = explain_setup_read(p, &st.su, &e);
    if (!rc)
        rc = explain_study_read(&st, in, model, split, &e);
    if (!rc)
        rc = explain_study_run(&st, &e);
    if (!rc)
        rc = explain_study_write(&st, out, figures, kv_path, &e);
    int status = stage_finish("explain", rc, &e, p, &s);
    explain_study_free(&st);
    return status;
}
