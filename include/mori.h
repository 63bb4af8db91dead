/* mori.h — estimators for the noise model of Mori et al. (Eq. 6, 7, 44).
 *
 * The SGD noise strength (their §5.2) is
 *     𝒩 = (1/N) Σ_μ |∇ℓ_μ|² − |∇L|²,   L = (1/N) Σ_μ ℓ_μ,
 * computed exactly from per-sample gradients, accumulated chunk by chunk
 * so that the N × D matrix of all of them is never held.  For the
 * mean-square loss ℓ = ½ Σ_k (f_k − t_k)² with residuals r = f − t, the
 * identity (1/N) Σ_μ |∇ℓ_μ|² = (1/N) Σ_μ r_μᵀ (J_μ J_μᵀ) r_μ holds, and the
 * decoupling approximation (Eq. 7) replaces the average of the product by
 * the product of the averages:
 *     (1/N) Σ_μ r_μᵀ (J_μ J_μᵀ) r_μ  ≈  Σ_{k,k'} R_kk' Ḡ_kk',
 *     R = (1/N) Σ_μ r_μ r_μᵀ (Tr R = 2L),  Ḡ = (1/N) Σ_μ J_μ J_μᵀ (Tr Ḡ = Tr G).
 * With one output this is 2L·Tr G, Eq. 6's 𝒩 ≈ 2L Tr H; with K outputs
 * and residuals spread evenly over them (R = (2L/K) I) it is (2L/K) Tr G.
 */
#ifndef SGDN_MORI_H
#define SGDN_MORI_H

#include <stddef.h>

/* Sums over samples for 𝒩: the count, Σ|g_μ|², Σ g_μ (D-vector). */
typedef struct {
    size_t D;
    long n;
    double sq;
    double *sum;
} mori_noise_acc;

void mori_noise_acc_init(mori_noise_acc *a, size_t D);
void mori_noise_acc_free(mori_noise_acc *a);
/* Add n per-sample gradients G (n × D, row-major), in row order. */
void mori_noise_acc_add(mori_noise_acc *a, const double *G, long n);
/* 𝒩 = sq/n − |sum/n|²; *gnorm2 (may be NULL) gets |∇L|². */
double mori_noise_strength(const mori_noise_acc *a, double *gnorm2);

/* The decoupled value Σ_kk' R_kk' Ḡ_kk' from per-sample residuals r
 * (n × K) and per-sample blocks JJ (n × K × K): R and Ḡ are accumulated
 * into R, G (K × K each, zeroed by the caller before the first chunk,
 * divided by N by the caller); the exact (1/N)Σ r_μᵀ JJ_μ r_μ into *exact. */
void mori_decouple_acc(int K, long n, const double *r, const double *JJ, double *R, double *G,
                       double *exact);

/* The participation ratio of Eq. 44: p_i = h_i / Σ_j h_j over the positive
 * h_i, n = 1 / Σ p_i².  Returns NaN if no h_i is positive. */
double mori_participation(const double *h, int n);

/* Two-sample Kolmogorov–Smirnov statistic sup_x |F_a(x) − F_b(x)| of the
 * samples a[0..na), b[0..nb) (not modified). */
double mori_ks(const double *a, int na, const double *b, int nb);

#endif
