/* bvn: the standard bivariate normal distribution with correlation rho.
 *
 * Genz's method (Drezner & Wesolowsky 1989 with Genz's double-precision
 * changes, "Numerical computation of rectangular bivariate and trivariate
 * normal and t probabilities", Stat. Comput. 14, 2004): Gauss-Legendre
 * quadrature with 6, 12 or 20 nodes chosen by |rho|, absolute accuracy about
 * 1e-15. This is the routine scipy < 1.16 reaches through mvnun, which phik
 * uses for its reference tables, so lib/phik agrees with the package.
 *
 * Arguments may be +-INFINITY; rho must lie in [-1, 1] (|rho| = 1 is the
 * degenerate line Y = +-X and is handled exactly). NaN in gives NaN out. */
#ifndef OC_BVN_H
#define OC_BVN_H

/* P(X > h, Y > k): the upper orthant, Genz's BVNU. */
double bvn_upper(double h, double k, double rho);

/* Phi2(h, k; rho) = P(X < h, Y < k): the CDF. */
double bvn_cdf(double h, double k, double rho);

/* P(a1 < X < b1, a2 < Y < b2) by inclusion-exclusion of upper orthants, as
 * Genz's BVNMVN does; for |rho| = 1 the exact interval formula
 * max(0, Phi(min upper) - Phi(max lower)) on the line. Returns 0 for an
 * empty rectangle (b <= a on either axis). */
double bvn_rect(double a1, double b1, double a2, double b2, double rho);

#endif
