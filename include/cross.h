/* cross.h — the four theories' predictions from quantities measured at a
 * minimum, and a valley landscape with true minibatch SGD, for the
 * cross-paper scoreboard (CROSS).
 *
 * Escape-time predictions (mean first-passage time in the time t = ηk of
 * the SDE dθ = −L'dt + √(η C(θ)) dW, C the minibatch gradient-noise
 * variance; the caller divides by η for steps).  All are for one exit
 * over a saddle of curvature −h_s from a minimum of curvature h:
 *
 *   Kramers, constant noise C* = C(θ*):   (2π/√(h h_s)) exp(2ΔL/(η C*))
 *   Mori Eq. 15 (noise 2 L h/B):          (2π/√(h h_s)) (L_s/L*)^{B/(ηh) + 1/2}
 *   Meng Lemma 6, as printed:             2π/((1 − 1/(2κ))√(h h_s)) q^{κ − 1/2}
 *   Meng Lemma 6, Itô reading:            (2π/√(h h_s)) q^{κ + 1/2}
 *       with C = σ_g + σ_H (θ − θ*)², κ = h/(η σ_H), q = 1 + 2ΔL/(κ η σ_g).
 *
 * Under Mori's noise model σ_g = 2L*h/B and σ_H = h²/B, so κ = B/(ηh) and
 * q = L_s/L*: the Itô reading of Lemma 6 is Eq. 15 (the identity is tested).
 *
 * The valley (Wei's setting with true SGD noise).  Data: N/2 pairs (x, z)
 * i.i.d. N(0, 1), each used as (±x, z), labels y = σ z; model
 * f_μ(θ) = x_μ a(θ₂) θ₁, a = e^{βθ₂/2}; loss L = (1/2N) Σ (f_μ − y_μ)²
 *     = L* + ½ λ(θ₂) θ₁²,  λ = h₀ e^{βθ₂},  L* = ½⟨y²⟩, h₀ = ⟨x²⟩,
 * exactly (the mirrored pairs make ⟨xy⟩ = ⟨x³y⟩ = 0).  θ₂ is the degenerate
 * valley direction and the Hessian trace along the floor is T = λ(θ₂).  At
 * the floor the minibatch noise is C = c H with c = c_B ⟨x²y²⟩/h₀,
 * c_B = (N − B)/(B(N − 1)) (B-subsets without replacement).
 */
#ifndef SGDN_CROSS_H
#define SGDN_CROSS_H

#include "err.h"
#include "rng.h"
#include "sinwell.h"

double cross_kramers_time(double h, double hs, double dL, double eta, double Cstar);
double cross_mori_eq15_time(double h, double hs, double ratio, double B, double eta);
/* ito = 0: Lemma 6 as printed; 1: the Itô reading.  NaN when κ ≤ ½ (printed). */
double cross_meng_time(double h, double hs, double dL, double eta, double sg, double sH, int ito);

/* The without-replacement factor of the minibatch-mean variance. */
double cross_batch_factor(long N, long B);

/* On the periodic double well (sinwell.h), with C(θ) = c_B Var_μ ℓ'_μ(θ):
 *
 * the noise at the minimum σ_g = C(0) and its curvature σ_H = ½C''(0)
 * (central difference of the exact variance, step 10⁻³R); */
void cross_sinwell_noise(const sinwell *w, int B, double *sg, double *sH);
/* the mean escape time in steps from θ* = 0 to |θ| = 2πR of the Itô SDE
 * dθ = −L'dt + √(η C̃) dW by quadrature (reflecting at 0, by symmetry), with
 * C̃ = C (mori = 0) or Mori's model C̃ = 2 L h* c_B (mori = 1); err its
 * quadrature error.  Returns 0 or −1; */
SGDN_MUST_CHECK int cross_sinwell_sde_steps(const sinwell *w, int B, double eta, int mori, int grid, double *T,
                                            double *err);
/* one escape from θ* = 0, in steps (cap if not escaped by then): true
 * minibatch SGD (gauss = 0), or the Gaussian chain with SGD's per-step mean
 * and variance θ ← θ − ηL' + η√C ξ (gauss = 1); */
long cross_sinwell_escape(const sinwell *w, double eta, int B, int gauss, long cap, rng_stream *r);
/* the exact mean loss increase after one SGD step of batch 1 from θ* = 0
 * (the mean over the N data points). */
double cross_sinwell_first_step(const sinwell *w, double eta);

typedef struct {
    long N;
    double beta, sigma;
    double *x, *y;
    double h0, Lstar, vx2, mx2y2; /* ⟨x²⟩, ½⟨y²⟩, Var(x²), ⟨x²y²⟩ */
} cross_valley;

SGDN_MUST_CHECK int cross_valley_init(cross_valley *v, long N, double beta, double sigma, uint64_t seed,
                                      uint64_t stream);
void cross_valley_free(cross_valley *v);
double cross_valley_loss(const cross_valley *v, const double th[2]);
/* One SGD step with a uniform B-subset (distinct indices, B ≤ 64). */
void cross_valley_sgd_step(const cross_valley *v, double th[2], double eta, int B, rng_stream *r);
/* c = Σ/H at the valley floor (the noise constant of Wei's C = cH). */
double cross_valley_c(const cross_valley *v, int B);
/* Stationary E[θ₁²] of the discrete chain at fixed θ₂ with curvature λ:
 *   η² a² c_B⟨x²y²⟩ / (2ηλ − η² a⁴ (h₀² + c_B Var x²)),  a² = λ/h₀;
 * NaN if the chain has no stationary second moment.  wei = 1 gives the
 * small-η value of Wei's Theorem 1 instead, η c/2. */
double cross_valley_theta1_var(const cross_valley *v, double lambda, double eta, int B, int wei);
/* Expected change of the trace T = λ(θ₂) over K steps from λ0, by the
 * deterministic recursion θ₂ ← θ₂ − (η/2) β λ E[θ₁²](λ) (wei as above:
 * wei = 1 is Theorem 1, ΔT = −(η²c/4)(βλ)² per step). */
double cross_valley_trace_change(const cross_valley *v, double lambda0, double eta, int B, long K, int wei);

/* From θ = 0: K0 SGD steps to equilibrate θ₁, then K more; returns the
 * change of the trace λ(θ₂) over the K steps, *lambda0 its value at their
 * start. */
double cross_valley_window(const cross_valley *v, double eta, int B, long K0, long K, rng_stream *r, double *lambda0);

/* A valley setting of the scoreboard: step and batch; K0 steps for θ₁ to
 * equilibrate (five relaxation times 1/(ηh₀)) and K measured steps, enough
 * for Wei's initial rate η²c h₀/4 per step to lower T by the fraction
 * fall; then the caller's measured change of T per step (mean, SE) and the
 * mean predictions (Wei's Theorem 1, the finite-η chain). */
typedef struct {
    double eta;
    int B;
    long K, K0;
    double m, se, wei, corr;
} cross_valley_setting;
void cross_valley_plan(const cross_valley *v, double fall, cross_valley_setting *s);
/* One replicate of cross_valley_window for the setting: out[0] the change
 * of T over the K steps, out[1] and out[2] Wei's Theorem 1 and the finite-η
 * chain's prediction of that change from the same start. */
void cross_valley_replicate(const cross_valley *v, const cross_valley_setting *s, rng_stream *r, double out[3]);

/* Zhu's indicator as an order: the number of pairs (i, j) whose measured
 * log rates (standard errors se) differ by more than z·SE against the
 * order of ind (larger ind, faster), or at all when ind ties (|log ratio|
 * below tie). */
int cross_order_contradictions(int n, const double *ind, const double *lrate, const double *se, double tie,
                               double z);

#endif
