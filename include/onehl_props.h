/* onehl_props.h — Propositions 2–5 of Zhu et al. at a one-hidden-layer
 * net's parameters θ (onehl.h): the Fisher–Hessian orderings (ICML Prop. 2,
 * ICLR Prop. 4), the alignment â of the noise with the top Hessian
 * direction against the propositions' bound a (ICML Prop. 3, ICLR Prop. 5),
 * and a finite-difference check that the Hessian is the Gauss–Newton
 * matrix almost everywhere.
 *
 * With J_i = ∇θ f_i and the per-sample derivatives r_i, c_i of
 * onehl_derivs, on the N samples:
 *   H = (1/N) Σ c_i J_iJ_iᵀ,  F = (1/N) Σ r_i² J_iJ_iᵀ (the paper's Fisher,
 *   uncentred),  Σ = F − ∇L∇Lᵀ,  ∇L = (1/N) Σ r_i J_i.
 * Every matrix is a weighted sum of J_iJ_iᵀ, so its nonzero spectrum is
 * that of an r×r matrix M = (1/N) Lᵀ diag(e) L for any factor L with
 * L Lᵀ = J Jᵀ (the Gram matrix, onehl_gram) over the samples that
 * contribute: r = min(D, Na), never a D×D matrix when D is large.
 */
#ifndef SGDN_ONEHL_PROPS_H
#define SGDN_ONEHL_PROPS_H

#include "err.h"
#include "nn.h"
#include "onehl.h"
#include "rng.h"

typedef struct {
    double lam1, uSu;     /* λ1(H) and u1ᵀΣu1 */
    double trS, trH;      /* Tr Σ, Tr H */
    double ahat;          /* â = u1ᵀΣu1 · Tr H / (λ1 Tr Σ) */
    double abound;        /* the proposition's a: ICML Eq. 83, ICLR e^{−2C} */
    double eps_or_C;      /* ICML ε = max|φ(f_i) − y_i| − δ; ICLR C = max|f_i| */
    /* extreme eigenvalues of the two orderings' differences, over the range
     * of J: ICML F − δ²H and (δ+ε)²H − F; ICLR H − e^{−C}F and e^{C}F − H */
    double ord1_min, ord1_max, ord2_min, ord2_max;
    double fd_err, fd_tol; /* |Hv − central difference of ∇L| / |Hv|, its rounding */
    double grad2_over_uFu; /* ‖∇L‖² / u1ᵀFu1: the propositions' regime is ≤ δ² */
    long n_active;         /* samples that contribute to H, F or Σ */
} onehl_props;

/* The propositions at θ for the net o on the data d (inputs d.x: n × 2,
 * idx NULL), with δ the ICML clip (as in onehl_init) and h the step of the
 * central difference; the direction of the finite-difference check is
 * drawn from r, unit by unit like θ.
 * Returns SGDN_OK, SGDN_ESING (a Gram matrix that is not positive
 * semidefinite) or SGDN_ELAPACK (the eigen-solver failed); on failure *q
 * is left partly set and must not be used. */
SGDN_MUST_CHECK int onehl_props_eval(const onehl *o, nn_data d, const double *theta, double delta,
                                     double h, rng_stream *r, onehl_props *q);

#endif
