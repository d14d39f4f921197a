/* shap: the linear explainer and the helpers shared by every explainer
 * (grouping columns back into features, the additivity check). The tree
 * explainers live in shap_tree.c, KernelSHAP in shap_kernel.c. */
#include "explain/shap.h"

#include <math.h>

int shap_background_sum(const double *bw, size_t nb, double *wsum, struct err *e)
{
    double s = 0.0;
    for (size_t b = 0; b < nb; b++) {
        double w = bw ? bw[b] : 1.0;
        if (!(w >= 0.0) || !isfinite(w))
            return err_set(e, ERR_PARAMS, "shap: expected a non-negative background weight at row %zu, found %g",
                           b, w);
        s += w;
    }
    if (!(s > 0.0))
        return err_set(e, ERR_PARAMS, "shap: expected background weights with a positive sum, found %g", s);
    *wsum = s;
    return ERR_OK;
}

void shap_linear(const double *w, double b, const double *mean, const double *X, size_t n,
                 size_t p, double *phi, double *base)
{
    /* With independent features the Shapley value of a linear term is its
     * deviation from the mean term, and the mean output is the base. */
    double b0 = b;
    for (size_t j = 0; j < p; j++)
        b0 += w[j] * mean[j];
    *base = b0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            phi[i * p + j] = w[j] * (X[i * p + j] - mean[j]);
}

int shap_group_sum(const double *phi, size_t n, size_t p, const size_t *group, size_t m,
                   double *out, struct err *e)
{
    for (size_t c = 0; c < p; c++)
        if (group[c] >= m)
            return err_set(e, ERR_PARAMS, "shap: expected a group index below %zu for column %zu, found %zu",
                           m, c, group[c]);
    for (size_t i = 0; i < n; i++) {
        double *o = out + i * m;
        for (size_t g = 0; g < m; g++)
            o[g] = 0.0;
        for (size_t c = 0; c < p; c++)
            o[group[c]] += phi[i * p + c];
    }
    return ERR_OK;
}

double shap_additivity(const double *phi, size_t n, size_t p, double base, const double *fx,
                       double *gap)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = base;
        for (size_t j = 0; j < p; j++)
            s += phi[i * p + j];
        double g = fx[i] - s;
        if (gap)
            gap[i] = g;
        /* A NaN gap must not hide behind fabs() comparisons. */
        if (isnan(g))
            worst = NAN;
        else if (!isnan(worst) && fabs(g) > worst)
            worst = fabs(g);
    }
    return worst;
}
