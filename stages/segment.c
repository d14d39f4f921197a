/* segment: whom to keep, and with what.
 *
 *  1. every customer gets a probability of decline the model did not learn
 *     from: out-of-fold for the training customers (the chosen pipeline
 *     refitted per stratified fold, segment.folds), the final model's for the
 *     test customers (train/split.tsv says which is which);
 *  2. joined with the profit table; customers missing on either side are
 *     reported in segment.kv;
 *  3. segments: risk level (segment.risk) x profit level (segment.profit, a
 *     threshold may be the median profit), each named in segment.segments;
 *     per segment size, share, mean probability, profit and profit at risk
 *     (sum of profit x probability);
 *  4. the focus segment's profile against the active customers (target =
 *     schema.target.negative, outside the segment): means, standardized
 *     differences, Welch t / chi-squared, Holm;
 *  5. per segment, the levers (segment.levers) ranked by their mean SHAP
 *     contribution towards decline inside it (explain/shap.tsv) and by how far
 *     the segment is from the active customers on the lever's feature;
 *  6. personal offers for the customers at risk (segment.offers_for): their top
 *     drivers (explain/drivers.tsv) that are levers, else the segment's first
 *     lever; a customer who denied contact (segment.consent) gets only the
 *     on-site version;
 *  7. what-if: the focus segment re-scored with each lever's feature moved to
 *     the active customers' median (only in the direction that helps), by the
 *     same models that scored it: the mean change in probability and the
 *     profit at risk saved. An estimate of the model, not of the customers.
 * Mechanics: lib/segment*.c. Figures' data: --figures (mk/figures.mk). */
#include <stdio.h>
#include <stdlib.h>

#include "io/kv.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/stage.h"
#include "models/pipeline.h"
#include "study/segment.h"
#include "study/segment_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = "data/interim/customers.tsv";
    const char *split_path = "data/interim/train/split.tsv", *model_path = "data/models/best.pipeline";
    const char *profit_path = "data/interim/clean/profit.tsv", *shap_path = "data/interim/explain/shap.tsv";
    const char *drivers_path = "data/interim/explain/drivers.tsv", *out = "data/interim/segment";
    const char *figdir = "data/interim/figures", *kv_path = "data/interim/segment.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, segment, seed)"},
        {"in", &in, "the merged table, one row per customer"},
        {"split", &split_path, "train's split.tsv: id, set (train|test)"},
        {"model", &model_path, "the chosen pipeline train saved"},
        {"profit", &profit_path, "the cleaned profit table: id, schema.profit.value"},
        {"shap", &shap_path, "explain's shap.tsv: id, one SHAP column per feature, base, output"},
        {"drivers", &drivers_path, "explain's drivers.tsv: id, rank, feature, value, phi"},
        {"out", &out,
         "directory for customers.tsv, segments.tsv, profile.tsv, "
         "recommendations.tsv, whatif.tsv"},
        {"figures", &figdir,
         "directory for the figures' data: "
         "segment{scatter,sizes,profile,whatif}_*.{tsv,gpv}"},
        {"kv", &kv_path, "key-value file with the counts, thresholds and totals"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct segment_params sp = {0};
    struct segment_study st = {0};
    struct kv *kv = NULL;
    long seed = 0;
    int rc = stage_start(argc, argv,
                         "Score every customer honestly, segment by risk and "
                         "profit, profile, recommend.",
                         opts, &params_path, &p, &s, &e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = params_long(p, "seed", 0, 4294967295L, &seed, &e);
    if (!rc)
        rc = segment_params_read(p, &s, &sp, &e);
    if (!rc && !(kv = kv_alloc()))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    st.p = p;
    st.s = &s;
    st.sp = &sp;
    st.kv = kv;

    const struct segment_inputs inputs = {.customers = in,
                                          .split = split_path,
                                          .model = model_path,
                                          .profit = profit_path,
                                          .shap = shap_path,
                                          .drivers = drivers_path};
    if (!rc)
        rc = segment_study_run(&st, &inputs, (unsigned long)seed, &e);
    if (!rc)
        rc = segment_study_write(&st, out, figdir, &e);
    if (!rc)
        rc = kv_write(kv, kv_path, &e);
    int status = stage_finish("segment", rc, &e, p, &s);
    segment_study_free(&st);
    kv_free(kv);
    segment_params_free(&sp);
    return status;
}
