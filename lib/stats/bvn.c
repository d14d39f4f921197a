/* bvn: standard bivariate normal probabilities by Genz's method.
 *
 * The upper orthant L(h, k; r) = P(X > h, Y > k) is written, following
 * Drezner & Wesolowsky, as Phi(-h)Phi(-k) plus a one-dimensional integral
 * over the correlation, and evaluated with a fixed Gauss-Legendre rule:
 *  - |r| < 0.925: integrate d/dt L along t in [0, asin r]; the integrand is
 *    smooth there, so 6/12/20 nodes (by |r|) reach double precision.
 *  - |r| >= 0.925: near +-1 that integrand peaks, so Genz subtracts the
 *    asymptotic (series) part analytically and integrates the remainder in
 *    the variable sqrt(1 - r^2)-scaled x, again with 20 nodes; r < 0 is
 *    reduced to r > 0 by reflecting Y.
 * Everything here is written from the published description (Genz 2004). */
#include "stats/bvn.h"

#include <math.h>

#define BVN_TWOPI 6.283185307179586476925286766559
#define BVN_SQRT2 1.4142135623730950488016887242097

/* Gauss-Legendre rules on [-1, 1], positive half (the rule is symmetric):
 * nodes x and weights w for 6, 12 and 20 points (Abramowitz & Stegun 25.4). */
static const double gl6_x[3] = {0.9324695142031521, 0.6612093864662645, 0.2386191860831969};
static const double gl6_w[3] = {0.1713244923791704, 0.3607615730481386, 0.4679139345726910};
static const double gl12_x[6] = {0.9815606342467192, 0.9041172563704749, 0.7699026741943047,
                                 0.5873179542866175, 0.3678314989981802, 0.1252334085114689};
static const double gl12_w[6] = {0.0471753363865118, 0.1069393259953184, 0.1600783285433462,
                                 0.2031674267230659, 0.2334925365383548, 0.2491470458134028};
static const double gl20_x[10] = {0.9931285991850949, 0.9639719272779138, 0.9122344282513259,
                                  0.8391169718222188, 0.7463319064601508, 0.6360536807265150,
                                  0.5108670019508271, 0.3737060887154195, 0.2277858511416451,
                                  0.0765265211334973};
static const double gl20_w[10] = {0.0176140071391521, 0.0406014298003869, 0.0626720483341091,
                                  0.0832767415767048, 0.1019301198172404, 0.1181945319615184,
                                  0.1316886384491766, 0.1420961093183820, 0.1491729864726037,
                                  0.1527533871307258};

static double phi_cdf(double z) { return 0.5 * erfc(-z / BVN_SQRT2); }

/* Phi(b) - Phi(a) for a <= b, taking the difference in the tail where both
 * values are small so that no digits cancel against 1. */
static double phi_interval(double a, double b)
{
    if (b <= a)
        return 0.0;
    if (a >= 0.0)
        return phi_cdf(-a) - phi_cdf(-b);
    return phi_cdf(b) - phi_cdf(a);
}

/* The finite-argument core, |r| <= 1. */
static double bvn_upper_finite(double h, double k, double r)
{
    const double *gx, *gw;
    int lg;
    double ar = fabs(r);
    if (ar < 0.3) {
        gx = gl6_x, gw = gl6_w, lg = 3;
    } else if (ar < 0.75) {
        gx = gl12_x, gw = gl12_w, lg = 6;
    } else {
        gx = gl20_x, gw = gl20_w, lg = 10;
    }
    double hk = h * k;
    double bvn = 0.0;
    if (ar < 0.925) {
        double hs = (h * h + k * k) / 2.0;
        double asr = asin(r);
        for (int i = 0; i < lg; i++) {
            /* both halves of the symmetric rule: t = asr * (1 +- x) / 2 */
            double sn = sin(asr * (1.0 - gx[i]) / 2.0);
            bvn += gw[i] * exp((sn * hk - hs) / (1.0 - sn * sn));
            sn = sin(asr * (1.0 + gx[i]) / 2.0);
            bvn += gw[i] * exp((sn * hk - hs) / (1.0 - sn * sn));
        }
        return bvn * asr / (2.0 * BVN_TWOPI) + phi_cdf(-h) * phi_cdf(-k);
    }
    /* Near +-1: reflect Y for r < 0, so that the series below is for r > 0. */
    if (r < 0.0) {
        k = -k;
        hk = -hk;
    }
    if (ar < 1.0) {
        double as = (1.0 - r) * (1.0 + r);
        double a = sqrt(as);
        double bs = (h - k) * (h - k);
        double c = (4.0 - hk) / 8.0;
        double d = (12.0 - hk) / 16.0;
        double asr = -(bs / as + hk) / 2.0;
        /* exp() below -100 is far under the 1e-15 target: skip it to avoid
         * underflow noise. */
        if (asr > -100.0)
            bvn = a * exp(asr) * (1.0 - c * (bs - as) * (1.0 - d * bs / 5.0) / 3.0 + c * d * as * as / 5.0);
        if (hk > -100.0) {
            double b = sqrt(bs);
            bvn -= exp(-hk / 2.0) * sqrt(BVN_TWOPI) * phi_cdf(-b / a) * b *
                   (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
        }
        a /= 2.0;
        for (int i = 0; i < lg; i++) {
            for (int s = -1; s <= 1; s += 2) {
                double xs = a * (s * gx[i] + 1.0);
                xs *= xs;
                double asr2 = -(bs / xs + hk) / 2.0;
                if (asr2 > -100.0) {
                    double rs = sqrt(1.0 - xs);
                    double sp = 1.0 + c * xs * (1.0 + d * xs);
                    double ep = exp(-hk * (1.0 - rs) / (2.0 * (1.0 + rs))) / rs;
                    bvn += a * gw[i] * exp(asr2) * (ep - sp);
                }
            }
        }
        bvn = -bvn / BVN_TWOPI;
    }
    if (r > 0.0)
        return bvn + phi_cdf(-fmax(h, k));
    bvn = -bvn;
    if (k > h) {
        if (h < 0.0)
            bvn += phi_cdf(k) - phi_cdf(h);
        else
            bvn += phi_cdf(-h) - phi_cdf(-k);
    }
    return bvn;
}

double bvn_upper(double h, double k, double rho)
{
    if (isnan(h) || isnan(k) || isnan(rho) || rho < -1.0 || rho > 1.0)
        return NAN;
    if (h == INFINITY || k == INFINITY)
        return 0.0;
    if (h == -INFINITY)
        return k == -INFINITY ? 1.0 : phi_cdf(-k);
    if (k == -INFINITY)
        return phi_cdf(-h);
    return bvn_upper_finite(h, k, rho);
}

double bvn_cdf(double h, double k, double rho)
{
    /* (-X, -Y) has the same correlation, so P(X < h, Y < k) = L(-h, -k). */
    return bvn_upper(-h, -k, rho);
}

double bvn_rect(double a1, double b1, double a2, double b2, double rho)
{
    if (isnan(a1) || isnan(b1) || isnan(a2) || isnan(b2) || isnan(rho) || rho < -1.0 || rho > 1.0)
        return NAN;
    if (b1 <= a1 || b2 <= a2)
        return 0.0;
    /* A full axis leaves the univariate interval of the other one. */
    if (a1 == -INFINITY && b1 == INFINITY)
        return phi_interval(a2, b2);
    if (a2 == -INFINITY && b2 == INFINITY)
        return phi_interval(a1, b1);
    /* On the line Y = X (or Y = -X) the rectangle is an interval of X:
     * mvnun reduces the singular covariance to exactly this. */
    if (rho == 1.0)
        return phi_interval(fmax(a1, a2), fmin(b1, b2));
    if (rho == -1.0)
        return phi_interval(fmax(a1, -b2), fmin(b1, -a2));
    /* Reflect an axis bounded only above, (-inf, b) -> (-b, +inf), so each
     * axis is either (a, +inf) or finite and fewer orthants are combined:
     * differences of tiny tails then keep their relative precision. */
    if (a1 == -INFINITY) {
        a1 = -b1, b1 = INFINITY, rho = -rho;
    }
    if (a2 == -INFINITY) {
        a2 = -b2, b2 = INFINITY, rho = -rho;
    }
    if (b1 == INFINITY && b2 == INFINITY)
        return bvn_upper_finite(a1, a2, rho);
    if (b1 == INFINITY)
        return bvn_upper_finite(a1, a2, rho) - bvn_upper_finite(a1, b2, rho);
    if (b2 == INFINITY)
        return bvn_upper_finite(a1, a2, rho) - bvn_upper_finite(b1, a2, rho);
    return bvn_upper_finite(a1, a2, rho) - bvn_upper_finite(b1, a2, rho) - bvn_upper_finite(a1, b2, rho) +
           bvn_upper_finite(b1, b2, rho);
}
