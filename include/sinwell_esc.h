/* sinwell_esc.h — the predictions for the mean escape time of minibatch
 * SGD from one well of sinwell.h, from θ* = 0 to |θ| ≥ 2πR (MORI-RATE):
 *
 *   exact_sde  the Itô SDE with the exact minibatch noise c_B Var_μ ℓ'_μ,
 *              c_B = (N − B)/(B(N − 1)) (quadrature, diffusion1d.h);
 *   paper_sde  the SDE with the paper's noise of Eq. 6 (quadrature);
 *   chain      the discrete chain of SGD with B = 1 (sinwell_chain_mfpt);
 *   eq15       Mori et al.'s Eq. 15 rate, summed over the well's two
 *              saddles: 2 √(h* |h_s|)/(2π) · C^{−(B/(η h*) + ½)}.
 */
#ifndef SGDN_SINWELL_ESC_H
#define SGDN_SINWELL_ESC_H

#include "sinwell.h"

typedef struct {
    double C, h, hs, Lstar, dL; /* ratio L(πR)/L*, h* = L''(0), h_s = L''(πR), L*, ΔL */
    double exact, qerr;         /* exact-noise SDE: mean escape time, quadrature error */
    double paper_sde;           /* the paper's SDE: mean escape time */
    double chain, cerr;         /* the discrete chain: mean escape time, grid error */
    double eq15;                /* Eq. 15: escape rate over both saddles */
} sinwell_esc;

/* The well's shape (C as the data set was built for) and the exact-noise
 * SDE's mean escape time (with grid intervals), for SGD with learning rate
 * eta and batch B.  Returns 0, SGDN_EDOM if the loss is not a double well
 * (h* ≤ 0 or h_s ≥ 0), SGDN_EDIVERGE if the quadrature failed. */
int sinwell_esc_well(const sinwell *w, double C, double eta, int B, int grid, sinwell_esc *o);

/* The other predictions (the paper's SDE, the discrete chain on M
 * intervals, Eq. 15) into o, after sinwell_esc_well.  Returns 0,
 * SGDN_EDIVERGE if the quadrature failed, or the chain's status. */
int sinwell_esc_predict(const sinwell *w, double eta, int B, int grid, int M, sinwell_esc *o);

#endif
