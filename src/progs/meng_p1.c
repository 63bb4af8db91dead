/* meng_p1 — MENG-P1: the trace of the gradient-noise covariance around a
 * GD minimum of a CNN is quadratic in the displacement, with its vertex at
 * the minimum (Meng et al., Proposition 1, Fig. 1(a, b), App. 7.5.1).
 *
 * w*: ZHU's CNN (nn_zhu_cnn, 11,330 parameters; the paper's "plain CNN"
 * with the same layers) trained by full-batch GD, η = 0.1, 3,000
 * iterations, on ntrain clean images of the Fashion-MNIST training split
 * (Glorot-uniform start).  For conv1 (scale 10⁻³) and conv2 (scale 10⁻⁴)
 * the layer's parameters (weights and biases) move to w*_L + x u with
 * x = i·scale, i = −10..10, the other layers fixed, along three directions
 * u, each normalised to ‖u‖² = n_L (one unit per parameter, so that x is
 * the paper's per-parameter shift):
 *   ones    u = (1, …, 1): the formula w_L ± i·scale as printed;
 *   random  Rademacher ±1 from stream (seed, 2);
 *   eigvec  the top eigenvector of the layer's Hessian block H_LL (Lanczos
 *           on exact Hessian-vector products).
 * At each point Tr Σ(w) = (1/n) Σ_i ‖∇ℓ_i(w) − ∇L(w)‖², exactly from the n
 * per-sample gradients: the covariance of one sample's gradient (a
 * minibatch of b has Σ/b, which scales the curve and not its shape).
 * Its sampling error as an estimate over the data distribution,
 * sd(‖∇ℓ_i − ∇L‖²)/√n, is reported per point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <lapacke.h>

#include "err.h"
#include "fmnist.h"
#include "nn.h"
#include "polyfit.h"
#include "rng.h"
#include "run.h"
#include "spectral.h"

#define NDIR 3
static const char *dir_name[NDIR] = {"ones", "random", "eigvec"};

/* Tr Σ(θ) from per-sample gradients in chunks; *se its sampling error;
 * *gdev the largest |mean of the per-sample gradients − ∇L| relative to
 * |∇L|_∞ (a control of the per-sample pass). */
static double trace_cov(nn_eval *e, const double *theta, const fmnist_set *tr, size_t D,
                        double *G, double *gfull, double *gsum, double *se, double *gdev)
{
    int n = tr->n, chunk = 100;
    nn_loss_grad(e, theta, (nn_data){tr->x, tr->y, NULL, n}, gfull, NULL);
    memset(gsum, 0, D * sizeof *gsum);
    double s1 = 0, s2 = 0;
    /* >>> snippet meng-p1-trace */
    for (int s0 = 0; s0 < n; s0 += chunk) {
        int m = n - s0 < chunk ? n - s0 : chunk;
        nn_data d = {tr->x + (size_t)s0 * tr->d, tr->y + s0, NULL, m};
        nn_grad_per_sample(e, theta, d, G, NULL); /* rows ∇ℓ_i, i in the chunk */
        for (int i = 0; i < m; i++) {
            const double *gi = G + (size_t)i * D;
            double q = 0;
            for (size_t k = 0; k < D; k++) {
                double dk = gi[k] - gfull[k];
                q += dk * dk;
                gsum[k] += gi[k];
            }
            s1 += q, s2 += q * q; /* |∇ℓ_i − ∇L|² and its square */
        }
    }
    double tr_cov = s1 / n; /* Tr Σ = (1/n) Σ_i |∇ℓ_i − ∇L|² */
    /* <<< snippet */
    *se = sqrt(fmax(s2 / n - tr_cov * tr_cov, 0) / n);
    double dev = 0, gmax = 0;
    for (size_t k = 0; k < D; k++) {
        dev = fmax(dev, fabs(gsum[k] / n - gfull[k]));
        gmax = fmax(gmax, fabs(gfull[k]));
    }
    *gdev = gmax > 0 ? dev / gmax : dev;
    return tr_cov;
}

/* the layer block of the Hessian: x (n_L) → (H (0, x, 0))_L */
typedef struct {
    nn_eval *e;
    const double *theta;
    nn_data d;
    size_t D, off, nL;
    double *v, *hv;
} block_ctx;

static void block_op(void *c, const double *x, double *y)
{
    block_ctx *b = c;
    memset(b->v, 0, b->D * sizeof *b->v);
    memcpy(b->v + b->off, x, b->nL * sizeof *x);
    nn_hvp(b->e, b->theta, b->d, b->v, b->hv);
    memcpy(y, b->hv + b->off, b->nL * sizeof *y);
}

/* The residual sum of squares of the least-squares quartic through
 * (x_j, y_j), j < n (n ≥ 6), on x/xmax for conditioning: the alternative of
 * the lack-of-fit test.  QR (LAPACKE dgels): the residual is the last
 * n − 5 entries of the transformed right-hand side.  Returns SGDN_OK or
 * SGDN_ELAPACK. */
static int quartic_rss(const double *x, const double *y, size_t n, double xmax, double *rss)
{
    double *A = SGDN_NEW(A, sgdn_mul(n, 5)), *b = SGDN_NEW(b, n);
    for (size_t j = 0; j < n; j++) {
        for (size_t k = 0; k < 5; k++)
            A[j * 5 + k] = pow(x[j] / xmax, (double)k);
        b[j] = y[j];
    }
    int info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, 5, 1, A, 5, b, 1);
    *rss = 0;
    for (size_t j = 5; j < n; j++)
        *rss += b[j] * b[j];
    free(A), free(b);
    return info || !isfinite(*rss) ? SGDN_ELAPACK : SGDN_OK;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_p1", "MENG-P1: Tr C(w) along lines through a GD minimum of a CNN, quadratic fits",
              argc, argv);
    long ntrain = run.ci ? 200 : 1000, iters = run.ci ? 200 : 3000, npts = 10;
    long lsteps = run.ci ? 20 : 40;
    double lr = 0.1, scale1 = 1e-3, scale2 = 1e-4, alpha = 0.05;
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"ntrain", OPT_INT, &ntrain, 10, 60000, "clean training images"},
        {"iters", OPT_INT, &iters, 1, 1e7, "GD iterations to w*"},
        {"lr", OPT_DOUBLE, &lr, 1e-6, 10, "GD learning rate eta"},
        {"points", OPT_INT, &npts, 3, 64, "points i = 1..points on each side of w* (at least 3: the lack-of-fit test needs 2 dof)"},
        {"scale-conv1", OPT_DOUBLE, &scale1, 1e-12, 1, "step per point, conv1"},
        {"scale-conv2", OPT_DOUBLE, &scale2, 1e-12, 1, "step per point, conv2"},
        {"lanczos-steps", OPT_INT, &lsteps, 2, 1000, "Lanczos steps for the top eigenvector of a layer block"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    run_parse(&run, spec);

    char err[1024];
    fmnist_set all, train;
    if (fmnist_load_at_least(datadir, "train", (int)ntrain, "--ntrain", &all, err, sizeof err))
        run_fail(&run, "%s", err);
    rng_stream rsub;
    rng_init(&rsub, (uint64_t)run.seed, 0);
    fmnist_random_subset(&all, (int)ntrain, &rsub, &train);
    fmnist_free(&all);

    nn_net net;
    nn_zhu_cnn(&net);
    size_t D = net.D;
    nn_eval *e = nn_eval_new(&net);
    double *w = SGDN_NEW(w, D), *g = SGDN_NEW(g, D), *theta = SGDN_NEW(theta, D);
    nn_init_params(&net, w, (uint64_t)run.seed, 1);
    nn_data dtr = {train.x, train.y, NULL, train.n};

    /* w*: full-batch GD */
    long correct = 0;
    double loss = 0;
    for (long t = 0; t <= iters; t++) {
        loss = nn_loss_grad(e, w, dtr, g, &correct);
        if (!isfinite(loss))
            run_fail(&run, "GD diverged: loss %g at iteration %ld", loss, t);
        if (t == iters)
            break;
        for (size_t k = 0; k < D; k++)
            w[k] -= lr * g[k];
        run_progress(&run, "GD to w*", (t + 1.0) / iters);
    }
    double gnorm = 0;
    for (size_t k = 0; k < D; k++)
        gnorm += g[k] * g[k];
    gnorm = sqrt(gnorm);

    /* the two layers and their directions */
    const nn_layer *L[2] = {NULL, NULL};
    for (int i = 0, nc = 0; i < net.nl && nc < 2; i++)
        if (net.l[i].kind == NN_CONV)
            L[nc++] = &net.l[i];
    double scale[2] = {scale1, scale2}, lam1[2], lres[2];
    double *U[2][NDIR];
    nn_hvp_prepare(e, w, dtr);
    for (int l = 0; l < 2; l++) {
        size_t nL = L[l]->nw + L[l]->nb;
        for (int d = 0; d < NDIR; d++)
            U[l][d] = SGDN_NEW(U[l][d], nL);
        rng_stream r;
        rng_init(&r, (uint64_t)run.seed, 2 + (uint64_t)l);
        for (size_t k = 0; k < nL; k++)
            U[l][0][k] = 1.0, U[l][1][k] = rng_rademacher(&r);
        block_ctx bc = {e, w, dtr, D, L[l]->woff, nL, SGDN_NEW(bc.v, D), SGDN_NEW(bc.hv, D)};
        rng_init(&r, (uint64_t)run.seed, 10 + (uint64_t)l);
        if (spectral_lanczos(nL, block_op, &bc, 1, (int)lsteps, &r, &lam1[l], U[l][2], NULL) < 0)
            run_fail(&run, "Lanczos failed on layer conv%d", l + 1);
        /* the true residual ‖H_LL u − λ u‖/λ of the Ritz pair */
        double *hu = SGDN_NEW(hu, nL), rr = 0, uu = 0;
        block_op(&bc, U[l][2], hu);
        for (size_t k = 0; k < nL; k++)
            rr += (hu[k] - lam1[l] * U[l][2][k]) * (hu[k] - lam1[l] * U[l][2][k]), uu += U[l][2][k] * U[l][2][k];
        lres[l] = sqrt(rr / uu) / fabs(lam1[l]);
        for (int d = 0; d < NDIR; d++) { /* ‖u‖² = n_L */
            double nn2 = 0;
            for (size_t k = 0; k < nL; k++)
                nn2 += U[l][d][k] * U[l][d][k];
            for (size_t k = 0; k < nL; k++)
                U[l][d][k] *= sqrt(nL / nn2);
        }
        free(hu), free(bc.v), free(bc.hv);
    }
    nn_hvp_release(e);

    /* Tr Σ along every line */
    int np = 2 * (int)npts + 1;
    double *G = SGDN_NEW(G, sgdn_mul(100, D)), *gsum = SGDN_NEW(gsum, D);
    double *X = SGDN_NEW(X, np), *Y = SGDN_NEW(Y, 2 * NDIR * np), *S = SGDN_NEW(S, 2 * NDIR * np);
    double gdev_max = 0, tr0 = NAN, se0 = NAN;
    for (int j = 0; j < np; j++)
        X[j] = j - npts;
    tr0 = trace_cov(e, w, &train, D, G, g, gsum, &se0, &gdev_max);
    int done = 0;
    for (int l = 0; l < 2; l++)
        for (int d = 0; d < NDIR; d++)
            for (int j = 0; j < np; j++) {
                double *y = Y + (l * NDIR + d) * np, *s = S + (l * NDIR + d) * np, gdev;
                if (j == npts) { /* w* itself */
                    y[j] = tr0, s[j] = se0;
                    continue;
                }
                memcpy(theta, w, D * sizeof *w);
                size_t nL = L[l]->nw + L[l]->nb;
                for (size_t k = 0; k < nL; k++)
                    theta[L[l]->woff + k] += X[j] * scale[l] * U[l][d][k];
                y[j] = trace_cov(e, theta, &train, D, G, g, gsum, &s[j], &gdev);
                gdev_max = fmax(gdev_max, gdev);
                run_progress(&run, "Tr C along the lines", ++done / (2.0 * NDIR * (np - 1)));
            }
    run_require_finite(&run, Y, 2 * NDIR * np, "Tr C");

    FILE *f = run_open(&run, ".tsv", "layer\tdirection\ti\tx\ttrace\tse\tfit\trel\tfit_rel");
    FILE *ff = run_open(&run, "-fit.tsv", "layer\tdirection\tr2\tr2_line\tc0\tc0_se\tc1\tc1_se\tc2\tc2_se\tvertex\tvertex_se\tvertex_rel\tchi2_dof\tF_lof\tp_lof");
    polyfit_quad P[2][NDIR];
    double xs[64 * 2 + 1], Flof[2][NDIR];
    for (int l = 0; l < 2; l++)
        for (int d = 0; d < NDIR; d++) {
            double *y = Y + (l * NDIR + d) * np, *s = S + (l * NDIR + d) * np;
            for (int j = 0; j < np; j++)
                xs[j] = X[j] * scale[l];
            if (polyfit_quadratic(xs, y, np, &P[l][d]))
                run_fail(&run, "quadratic fit failed (conv%d, %s)", l + 1, dir_name[d]);
            polyfit_quad *p = &P[l][d];
            /* lack of fit: the F statistic of the quartic's two extra terms */
            double rss4;
            if (quartic_rss(xs, y, np, npts * scale[l], &rss4))
                run_fail(&run, "quartic fit failed (conv%d, %s)", l + 1, dir_name[d]);
            if (!(rss4 > 0))
                run_fail(&run, "quartic fit exact (conv%d, %s): no residual for the lack-of-fit test", l + 1,
                         dir_name[d]);
            Flof[l][d] = ((p->rss - rss4) / 2) / (rss4 / (np - 5));
            double chi2 = 0;
            for (int j = 0; j < np; j++) {
                double fit = p->c[0] + p->c[1] * xs[j] + p->c[2] * xs[j] * xs[j], z = (y[j] - fit) / s[j];
                chi2 += z * z;
                fprintf(f, "conv%d\t%s\t%d\t%.6g\t%.9g\t%.4g\t%.9g\t%.6g\t%.6g\n", l + 1, dir_name[d],
                        (int)X[j], xs[j], y[j], s[j], fit, y[j] / tr0 - 1, fit / tr0 - 1);
            }
            fprintf(f, "\n\n");
            double xmax = npts * scale[l];
            double plof = gsl_cdf_fdist_Q(Flof[l][d], 2, np - 5);
            fprintf(ff, "conv%d\t%s\t%.6f\t%.6f\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\t%.3g\t%.4f\t%.4g\t%.4g\t%.3g\n",
                    l + 1, dir_name[d], p->r2, p->r2_line, p->c[0], p->se[0], p->c[1], p->se[1], p->c[2],
                    p->se[2], p->vertex, p->vertex_se, p->vertex / xmax, chi2 / (np - 3), Flof[l][d], plof);
            char key[64];
#define VAL(name, fmt, x) (snprintf(key, sizeof key, "conv%d-%s-%s", l + 1, dir_name[d], name), run_value(&run, key, fmt, x))
            VAL("r2", "%.4f", p->r2);
            VAL("r2-line", "%.3f", p->r2_line);
            VAL("sigma-g", "%.4g", p->c[0]);
            VAL("rho", "%.3g", p->c[1] / 2);
            VAL("rho-se", "%.2g", p->se[1] / 2);
            VAL("sigma-h", "%.4g", p->c[2]);
            VAL("sigma-h-se", "%.2g", p->se[2]);
            VAL("vertex", "%.3g", p->vertex);
            VAL("vertex-se", "%.2g", p->vertex_se);
            VAL("vertex-rel", "%.3f", p->vertex / xmax);
            VAL("curv-rel", "%.4g", p->c[2] / p->c[0]); /* σ_H/σ_g: PLD's λ1 (F4) or β (F9) that matches */
            VAL("chi2-dof", "%.3g", chi2 / (np - 3));
            VAL("vertex-t", "%.1f", p->vertex / p->vertex_se);
            VAL("c2-t", "%.1f", p->c[2] / p->se[2]);
            VAL("F", "%.3g", Flof[l][d]);
            VAL("F-p", "%.2g", plof);
#undef VAL
        }
    run_close(&run, f);
    run_close(&run, ff);

    run_value(&run, "ntrain", "%ld", ntrain);
    run_value(&run, "iters", "%ld", iters);
    run_value(&run, "lr", "%g", lr);
    run_value(&run, "D", "%zu", D);
    run_value(&run, "loss", "%.3g", loss);
    run_value(&run, "train-acc", "%.1f", 100.0 * correct / train.n);
    run_value(&run, "grad-norm", "%.3g", gnorm);
    run_value(&run, "trace0", "%.4g", tr0);
    run_value(&run, "trace0-se", "%.2g", se0);
    run_value(&run, "points", "%ld", npts);
    run_value(&run, "scale-conv1", "%g", scale1);
    run_value(&run, "scale-conv2", "%g", scale2);
    for (int l = 0; l < 2; l++) {
        char key[64];
        snprintf(key, sizeof key, "conv%d-n", l + 1);
        run_value(&run, key, "%zu", L[l]->nw + L[l]->nb);
        snprintf(key, sizeof key, "conv%d-lambda1", l + 1);
        run_value(&run, key, "%.4g", lam1[l]);
        snprintf(key, sizeof key, "conv%d-lanczos-res", l + 1);
        run_value(&run, key, "%.2g", lres[l]);
    }

    /* Checks, fixed before the run.  Proposition 1 and Fig. 1: along every
     * line Tr C is a quadratic (no lack of fit), with a minimum (c2 > 0)
     * whose vertex is at w* (ρ ≈ 0).  Each is a test at level α/m, m = the
     * 3·2·NDIR paper rows (Bonferroni: a true quadratic with its vertex at
     * w* passes all of them with probability ≥ 1 − α), on the OLS standard
     * errors with n − 3 dof and the F test of the quartic's two extra terms
     * with (2, n − 5) dof. */
    int m = 3 * 2 * NDIR;
    double arow = alpha / m, t1 = gsl_cdf_tdist_Qinv(arow, np - 3), t2 = gsl_cdf_tdist_Qinv(arow / 2, np - 3);
    double fcrit = gsl_cdf_fdist_Qinv(arow, 2, np - 5);
    run_value(&run, "alpha", "%g", alpha);
    run_value(&run, "rows", "%d", m);
    run_value(&run, "t-one", "%.2f", t1);
    run_value(&run, "t-two", "%.2f", t2);
    run_value(&run, "F-crit", "%.3g", fcrit);
    run_value(&run, "npoints", "%d", np);
    char basis[3][160];
    snprintf(basis[0], sizeof basis[0], "one-sided t(%d) at %g/%d (Bonferroni): %.2f OLS SE", np - 3, alpha, m, t1);
    snprintf(basis[1], sizeof basis[1], "two-sided t(%d) at %g/%d (Bonferroni): %.2f delta-method SE", np - 3, alpha,
             m, t2);
    snprintf(basis[2], sizeof basis[2], "F(2, %d) critical value at %g/%d (Bonferroni)", np - 5, alpha, m);
    for (int l = 0; l < 2; l++)
        for (int d = 0; d < NDIR; d++) {
            polyfit_quad *p = &P[l][d];
            double xmax = npts * scale[l];
            char check[128], note[256];
            snprintf(check, sizeof check, "curvature of Tr C: lower bound of c2 = sigma_H, conv%d, %s", l + 1, dir_name[d]);
            snprintf(note, sizeof note, "c2 = %.4g +- %.2g (1 SE), R2 %.3f (line %.3f)", p->c[2], p->se[2], p->r2,
                     p->r2_line);
            run_check(&run, (run_check_row){.id = "MENG-P1", .tests = CHECK_PAPER, .check = check,
                .rel = REL_GE, .measured = p->c[2] - t1 * p->se[2], .predicted = 0, .tol = 0,
                .basis = basis[0], .alt_name = "no curvature (c2 = 0)", .alt = -t1 * p->se[2], .note = note});
            snprintf(check, sizeof check, "vertex / half-range at w*, conv%d, %s", l + 1, dir_name[d]);
            snprintf(note, sizeof note, "vertex %.3g +- %.2g (1 SE) at half-range %.3g", p->vertex, p->vertex_se, xmax);
            run_check(&run, (run_check_row){.id = "MENG-P1", .tests = CHECK_PAPER, .check = check,
                .rel = REL_EQ, .measured = p->vertex / xmax, .predicted = 0, .tol = t2 * p->vertex_se / xmax,
                .basis = basis[1], .note = note});
            snprintf(check, sizeof check, "lack of fit of the quadratic (F vs quartic), conv%d, %s", l + 1, dir_name[d]);
            snprintf(note, sizeof note, "F = %.4g, p = %.2g, %d points, R2 %.4f", Flof[l][d],
                     gsl_cdf_fdist_Q(Flof[l][d], 2, np - 5), np, p->r2);
            run_check(&run, (run_check_row){.id = "MENG-P1", .tests = CHECK_PAPER, .check = check,
                .rel = REL_LE, .measured = Flof[l][d], .predicted = fcrit, .tol = 0, .basis = basis[2],
                .note = note});
        }
    run_check(&run, (run_check_row){.id = "MENG-P1", .tests = CHECK_CONTROL,
        .check = "mean of per-sample gradients vs full gradient (max rel. deviation)", .rel = REL_LE,
        .measured = gdev_max, .predicted = 0, .tol = 1e-9, .basis = "rounding",
        .note = "every point of every line"});

    for (int l = 0; l < 2; l++)
        for (int d = 0; d < NDIR; d++)
            free(U[l][d]);
    free(w), free(g), free(theta), free(G), free(gsum), free(X), free(Y), free(S);
    nn_eval_free(e);
    fmnist_free(&train);
    return run_finish(&run);
}
