/* corr: how the features move together, and which of them move with the target.
 *
 *  1. Pearson and Spearman matrices over the numeric features
 * (pairwise-complete rows; Spearman ranks ties by their average position);
 *  2. phi_K for every pair of columns but the id, the target included: numbers
 *     in corr.bins equal-width bins, categories by value, noise correction per
 *     corr.noise_correction (phik_matrix's defaults); with its significance Z;
 *  3. the variance inflation factor of every numeric feature;
 *  4. flags (corr.thresholds): pairs with |r| or |rho| >= abs_r and features
 *     with VIF >= vif (multicollinearity), features whose phi_K with the target
 *     is >= phik_target (possible leakage);
 *  5. heatmap data for the Pearson, Spearman and phi_K figures.
 *
 * Matrices go to --out as TSV (first column `feature`, then one column per
 * feature), the counts and the strongest pairs to --kv. */
#include <gsl/gsl_errno.h>

#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"
#include "stats/corr_study.h"

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; errors come back as codes instead. */
    gsl_set_error_handler_off();
    const char *params_path = "params.yaml", *in = "data/interim/customers.tsv", *out = "data/interim/corr";
    const char *figdir = "data/interim/figures", *kv_path = "data/interim/corr.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, corr)"},
        {"in", &in, "the merged table, one row per customer"},
        {"out", &out, "directory for pearson, spearman, phik, phik_z, vif and flags .tsv"},
        {"figures", &figdir, "directory for the heatmap data (NAME.tsv, NAME.gpv)"},
        {"kv", &kv_path, "key-value file with the counts and the strongest pairs"},
        {NULL, NULL, NULL},
    };
    struct corr_study c = {0};
    struct params *p = NULL;
    struct schema s = {0};
    int rc = stage_start(argc, argv,
                         "Correlations: Pearson, Spearman, phi_K and its "
                         "significance, VIF, flags.",
                         opts, &params_path, &p, &s, &c.e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = corr_study_setup(&c, p, &s, in);
    if (!rc)
        rc = corr_study_run(&c);
    if (!rc)
        rc = corr_study_write(&c, out, figdir, kv_path);
    int status = stage_finish("corr", rc, &c.e, p, &s);
    corr_study_free(&c);
    return status;
}
