/* meng_escape — MENG-L6, MENG-T7: mean escape time vs barrier height for
 * the power-law dynamic (PLD), Langevin dynamic (GLD) and SGD.
 *
 * Loss (the paper's formula for ℓ is garbled; REPRODUCTION.md's reading):
 * a C¹ piecewise-quadratic well with curvature Ha at the minimum joined to an
 * inverted parabola of curvature −|Hb| at the saddle,
 *     ℓ(u) = ½Ha u²             (u < u1),
 *            ΔL0 − ½|Hb|(u − b)² (u ≥ u1),
 * u1 = √(2ΔL0/(Ha(1 + Ha/|Hb|))), b = u1(1 + Ha/|Hb|): the barrier ΔL0 moves
 * the saddle out as √ΔL0 and leaves both curvatures unchanged.  The training
 * loss is L(w) = mean_i ℓ(w − x_i), x_i ~ N(0, 0.05), i = 1..n; w* and the
 * saddle s are the zeros of L'.
 *
 * Dynamics (paper, App. 7.5.5): w ← w − ηL'(w) + η√C(w) ξ with
 *     PLD C = λ2²(1 + λ1(w − w*)²),  GLD C = σ²,
 * and SGD w ← w − ηℓ'(w − x_I), I uniform (batch 1).  Escape: the first
 * step with w ≥ s.  Predictions, in steps:
 *   - exact for the iteration: Nyström solution of T = 1 + QT (sde.h);
 *   - the Itô SDE dw = −L'dt + √(ηC)dB, mean first-passage time by
 *     quadrature (diffusion1d.h), divided by η;
 *   - the paper's Fokker–Planck form (Zwanzig): the same with the drift
 *     −L' + ½ηC' (its Itô equivalent);
 *   - Lemma 6 / Table 1 (Kramers for GLD).
 * Theorem 7: a 2-D well L1(w1) + ½h2 w2² with C = λ2²(1 + λ1|w − w*|²)I; the
 * theorem's d-dependence predicts τ(2-D)/τ(1-D) = (1 − 1/(2κ))/(1 − 1/κ)
 * here (same Ha, Hb, h2 at both ends, so the determinant factors cancel).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "diffusion1d.h"
#include "rng.h"
#include "run.h"
#include "sde.h"
#include "stats.h"

#define NDATA 100

typedef struct {
    double Ha, Hb, dL0, u1, b;
    double x[NDATA];
    int n;
    /* dynamic */
    int kind; /* 0 PLD, 1 GLD, 2 SGD (its SDE) */
    double l1, l2, sigma, eta, wstar, paper_fp;
} loss1d;

static double ell_grad(const loss1d *L, double u)
{
    return u < L->u1 ? L->Ha * u : -L->Hb * (u - L->b);
}
static double ell(const loss1d *L, double u)
{
    return u < L->u1 ? 0.5 * L->Ha * u * u : L->dL0 - 0.5 * L->Hb * (u - L->b) * (u - L->b);
}
static double Lgrad(double w, void *vp)
{
    const loss1d *L = vp;
    double s = 0;
    for (int i = 0; i < L->n; i++)
        s += ell_grad(L, w - L->x[i]);
    return s / L->n;
}
static double Lval(const loss1d *L, double w)
{
    double s = 0;
    for (int i = 0; i < L->n; i++)
        s += ell(L, w - L->x[i]);
    return s / L->n;
}
static double Cvar(double w, void *vp)
{
    const loss1d *L = vp;
    if (L->kind == 0)
        return L->l2 * L->l2 * (1 + L->l1 * (w - L->wstar) * (w - L->wstar));
    if (L->kind == 1)
        return L->sigma * L->sigma;
    double m = Lgrad(w, vp), v = 0; /* SGD, batch 1: the variance of ℓ'(w − x_I) */
    for (int i = 0; i < L->n; i++) {
        double g = ell_grad(L, w - L->x[i]) - m;
        v += g * g;
    }
    return v / L->n;
}
/* diffusion1d: a = −L' (+ ½ηC' for the paper's FP form), b² = ηC */
static double sde_drift(double w, void *vp)
{
    const loss1d *L = vp;
    double a = -Lgrad(w, vp);
    if (L->paper_fp && L->kind == 0)
        a += 0.5 * L->eta * L->l2 * L->l2 * 2 * L->l1 * (w - L->wstar);
    return a;
}
static double sde_b2(double w, void *vp) { return ((loss1d *)vp)->eta * Cvar(w, vp); }

static void loss_setup(loss1d *L, double dL0)
{
    L->dL0 = dL0;
    L->u1 = sqrt(2 * dL0 / (L->Ha * (1 + L->Ha / L->Hb)));
    L->b = L->u1 * (1 + L->Ha / L->Hb);
}

/* w* and s: the sign changes of L' (− to + then + to −), refined by bisection. */
static int critical_points(loss1d *L, double *wstar, double *sad)
{
    double lo = -2, hi = L->b + 2, h = (hi - lo) / 4000, prev = Lgrad(lo, L);
    int found = 0;
    double pts[2];
    for (int k = 1; k <= 4000 && found < 2; k++) {
        double x = lo + k * h, g = Lgrad(x, L);
        if ((found == 0 && prev < 0 && g >= 0) || (found == 1 && prev > 0 && g <= 0)) {
            double a = x - h, c = x;
            for (int it = 0; it < 100; it++) {
                double m = 0.5 * (a + c), gm = Lgrad(m, L);
                if ((gm < 0) == (found == 0))
                    a = m;
                else
                    c = m;
            }
            pts[found++] = 0.5 * (a + c);
        }
        prev = g;
    }
    if (found < 2)
        return -1;
    *wstar = pts[0], *sad = pts[1];
    return 0;
}

/* Exact mean exit time of SGD (batch 1) as a Markov chain: from w it moves to
 * w − ηℓ'(w − x_i) with probability 1/n each, so on a uniform grid on
 * [lo, s] with linear interpolation, T = 1 + (1/n) Σ_i 1[w_i' < s] T(w_i').
 * Its noise is the folded, non-Gaussian spread of ℓ' over the data, which no
 * Gaussian model of the same variance reproduces near the inflection of L. */
static double sgd_chain_exit(const loss1d *L, double lo, double s, double w0, int n)
{
    double h = (s - lo) / (n - 1);
    double *A = calloc((size_t)n * n, sizeof *A), *T = malloc(n * sizeof *T);
    lapack_int *piv = malloc(n * sizeof *piv);
    for (int r = 0; r < n; r++) {
        double w = lo + r * h;
        A[(size_t)r * n + r] += 1.0;
        T[r] = 1.0;
        for (int i = 0; i < L->n; i++) {
            double y = w - L->eta * ell_grad(L, w - L->x[i]);
            if (y >= s)
                continue;
            double u = (y - lo) / h;
            if (u < 0)
                u = 0; /* below the grid: reflect onto its first node */
            int j = (int)floor(u);
            if (j >= n - 1)
                j = n - 2;
            double t = u - j;
            A[(size_t)r * n + j] -= (1 - t) / L->n;
            A[(size_t)r * n + j + 1] -= t / L->n;
        }
    }
    double res = NAN;
    if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, A, n, piv, T, 1) == 0) {
        double u = (w0 - lo) / h;
        int j = (int)floor(u);
        res = (1 - (u - j)) * T[j] + (u - j) * T[j + 1];
    }
    free(A), free(T), free(piv);
    return res;
}

/* SGD with batch 1, escape at w ≥ s; −1 if censored. */
static long sgd_escape(const loss1d *L, double w0, double s, long maxsteps, rng_stream *r)
{
    double w = w0;
    for (long t = 1; t <= maxsteps; t++) {
        w -= L->eta * ell_grad(L, w - L->x[rng_uniform_int(r, L->n)]);
        if (w >= s)
            return t;
    }
    return -1;
}

typedef struct {
    double mean, se;
    long escaped, n;
} esc_stat;

static esc_stat summarise(const long *st, long n)
{
    stats_acc a;
    stats_acc_init(&a);
    long esc = 0;
    for (long i = 0; i < n; i++)
        if (st[i] > 0) {
            stats_acc_add(&a, (double)st[i]);
            esc++;
        }
    esc_stat e = {a.mean, stats_acc_se(&a), esc, n};
    return e;
}

/* 2-D PLD on L1(w1) + ½h2 w2²; L1 from the same family, no data (x = 0). */
static long escape_2d(const loss1d *L, double h2, double s, long maxsteps, rng_stream *r)
{
    double w1 = 0, w2 = 0, e = L->eta, l2 = L->l2 * L->l2;
    for (long t = 1; t <= maxsteps; t++) {
        double amp = e * sqrt(l2 * (1 + L->l1 * (w1 * w1 + w2 * w2)));
        double g1 = ell_grad(L, w1);
        w1 += -e * g1 + amp * rng_normal(r);
        w2 += -e * h2 * w2 + amp * rng_normal(r);
        if (w1 >= s)
            return t;
    }
    return -1;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_escape", "MENG-L6/T7: mean escape time vs barrier height, PLD vs GLD vs SGD", argc, argv);
    long reps = run.ci ? 100 : 400, ngrid = run.ci ? 400 : 700, reps2 = run.ci ? 150 : 600;
    long maxsteps = 20000000, sgd_max = run.ci ? 20000 : 200000;
    double Ha = 4, Hb = 4, l1 = 1, l2 = 4, sigma = 4, eta = 0.1, h2 = 4, eta2 = 0.1;
    opts_list pldL = {6, {1, 2, 4, 8, 16, 32}}, gldL = {6, {1, 2, 3, 4, 5, 6}}, sgdL = {2, {0.5, 1}},
              twoL = {3, {2, 8, 32}};
    if (!run.ci)
        gldL = (opts_list){8, {1, 2, 3, 4, 5, 6, 7, 8}};
    opts_spec spec[] = {
        {"reps", OPT_INT, &reps, 2, 1e7, "escape runs per barrier height and dynamic"},
        {"reps2", OPT_INT, &reps2, 2, 1e7, "escape runs per barrier, 2-D well (Theorem 7)"},
        {"grid", OPT_INT, &ngrid, 50, 4000, "Nystrom nodes for the exact mean exit time"},
        {"maxsteps", OPT_INT, &maxsteps, 10, 1e12, "cap on steps per run (PLD, GLD)"},
        {"sgd-max", OPT_INT, &sgd_max, 10, 1e12, "cap on steps per SGD run"},
        {"pld", OPT_LIST, &pldL, 0.2, 1000, "barrier heights for PLD"},
        {"gld", OPT_LIST, &gldL, 0.2, 50, "barrier heights for GLD"},
        {"sgd", OPT_LIST, &sgdL, 0.2, 50, "barrier heights for SGD"},
        {"twod", OPT_LIST, &twoL, 0.2, 1000, "barrier heights for the 2-D well"},
        {"Ha", OPT_DOUBLE, &Ha, 0.1, 19, "curvature at the minimum"},
        {"Hb", OPT_DOUBLE, &Hb, 0.1, 100, "|curvature| at the saddle"},
        {"lambda1", OPT_DOUBLE, &l1, 0, 100, "PLD lambda1"},
        {"lambda2", OPT_DOUBLE, &l2, 0.01, 100, "PLD lambda2"},
        {"sigma", OPT_DOUBLE, &sigma, 0.01, 100, "GLD noise std"},
        {"eta", OPT_DOUBLE, &eta, 1e-4, 0.4, "learning rate"},
        {0}};
    run_parse(&run, spec);
    if (eta * Ha >= 2)
        run_usage_error(&run, "eta * Ha must be < 2 (stable well)");
    uint64_t seed = (uint64_t)run.seed;
    char note[320], check[200];

    loss1d L = {.Ha = Ha, .Hb = Hb, .n = NDATA, .l1 = l1, .l2 = l2, .sigma = sigma, .eta = eta};
    {
        rng_stream r;
        rng_init(&r, seed, 0);
        for (int i = 0; i < NDATA; i++)
            L.x[i] = sqrt(0.05) * rng_normal(&r);
    }
    double sg = l2 * l2, sH = l2 * l2 * l1, kap = Ha / (eta * sH);
    FILE *f = run_open(&run, ".tsv",
                       "dynamic\tdL0\tdL\tmean_steps\tse\tescaped\truns\tchain_exact\tchain_err\tito_sde\tito_err\tpaper_fp\tlemma6\tx_pld");
    const char *names[3] = {"PLD", "GLD", "SGD"};
    const opts_list *lists[3] = {&pldL, &gldL, &sgdL};
    double fitx[3][64], fity[3][64], fitsy[3][64], fitc[3][64], fiti[3][64], fitp[3][64];
    int nfit[3] = {0, 0, 0};
    int ncomp = pldL.n + gldL.n;
    double zb = stats_z_bonferroni(0.01, ncomp);
    double maxz[2] = {0, 0};
    long *st = malloc((reps > reps2 ? reps : reps2) * sizeof *st);
    int stream = 1;
    for (int k = 0; k < 3; k++) {
        L.kind = k;
        for (int i = 0; i < lists[k]->n; i++, stream++) {
            double dL0 = lists[k]->v[i], ws, s;
            loss_setup(&L, dL0);
            L.wstar = 0;
            if (critical_points(&L, &ws, &s))
                run_fail(&run, "no barrier at dL0 = %g", dL0);
            L.wstar = ws;
            double dL = Lval(&L, s) - Lval(&L, ws);
            esc_stat e;
            double chain = NAN, cerr = NAN, gauss_chain = NAN;
            if (k < 2) {
                sde1d m = {Lgrad, Cvar, &L, eta};
                /* >>> snippet meng-escape-mc */
                sde1d_escape_many(&m, ws, s, maxsteps, seed, (uint64_t)stream, reps, st);
                /* <<< snippet */
                e = summarise(st, reps);
                if (e.escaped < reps)
                    run_fail(&run, "%s: %ld of %ld runs did not escape within %ld steps (dL0 = %g)", names[k],
                             reps - e.escaped, reps, maxsteps, dL0);
                double Tc[2];
                for (int r = 0; r < 2; r++) {
                    sde_grid g;
                    int n = (int)(r ? ngrid : ngrid / 2);
                    sde_grid_sinh(&g, n, ws - 20, s, ws, 0.1);
                    double *T = malloc(n * sizeof *T);
                    if (sde1d_chain_exit_time(&m, &g, s, T))
                        run_fail(&run, "Nystrom exit time failed");
                    Tc[r] = sde_grid_interp(&g, T, ws);
                    free(T);
                    sde_grid_free(&g);
                }
                chain = Tc[1], cerr = fabs(Tc[1] - Tc[0]);
            } else {
#pragma omp parallel for schedule(dynamic, 4)
                for (long j = 0; j < reps; j++) {
                    rng_stream r;
                    rng_init_sub(&r, seed, (uint64_t)stream, (uint64_t)j);
                    st[j] = sgd_escape(&L, ws, s, sgd_max, &r);
                }
                e = summarise(st, reps);
                double Tg[2];
                for (int r = 0; r < 2; r++)
                    Tg[r] = sgd_chain_exit(&L, ws - 2, s, ws, (int)(r ? 3 * ngrid : 3 * ngrid / 2));
                chain = Tg[1], cerr = fabs(Tg[1] - Tg[0]);
                {
                    sde1d m = {Lgrad, Cvar, &L, eta};
                    sde_grid g;
                    sde_grid_sinh(&g, (int)ngrid, ws - 20, s, ws, 0.02);
                    double *T = malloc(g.n * sizeof *T);
                    if (sde1d_chain_exit_time(&m, &g, s, T))
                        run_fail(&run, "Nystrom exit time failed (SGD)");
                    gauss_chain = sde_grid_interp(&g, T, ws);
                    free(T);
                    sde_grid_free(&g);
                }
            }
            /* SDE predictions by quadrature, in steps */
            diffusion1d d = {sde_drift, sde_b2, &L};
            double Ti, Ei, Tp = NAN, Ep;
            L.paper_fp = 0;
            if (diffusion1d_mfpt(&d, ws - 20, ws, s, 20000, &Ti, &Ei))
                Ti = INFINITY, Ei = 0;
            if (k == 0) {
                L.paper_fp = 1;
                diffusion1d_mfpt(&d, ws - 20, ws, s, 20000, &Tp, &Ep);
                L.paper_fp = 0;
                Tp /= eta;
            }
            Ti /= eta, Ei /= eta;
            /* Lemma 6 (reading: 2π/((1 − 1/(2κ))√(Ha|Hb|)) (1 + 2ΔL/(κησg))^{κ−½}),
             * Kramers for GLD and SGD (with σ² = C(w*)), all in steps */
            double Cw = Cvar(ws, &L), xp = 1 + 2 * dL / (kap * eta * sg), lem;
            if (k == 0)
                lem = 2 * M_PI / ((1 - 1 / (2 * kap)) * sqrt(Ha * Hb)) * pow(xp, kap - 0.5) / eta;
            else
                lem = 2 * M_PI / sqrt(Ha * Hb) * exp(2 * dL / (eta * Cw)) / eta;
            fprintf(f, "%s\t%g\t%.5g\t%.6g\t%.4g\t%ld\t%ld\t%.6g\t%.2g\t%.6g\t%.2g\t%.6g\t%.6g\t%.5g\n", names[k], dL0,
                    dL, e.escaped ? e.mean : NAN, e.se, e.escaped, e.n, chain, cerr, Ti, Ei, Tp, lem, xp);
            if (k < 2) {
                double z = (e.mean - chain) / hypot(e.se, cerr);
                maxz[k] = fmax(maxz[k], fabs(z));
                snprintf(check, sizeof check, "%s mean escape steps vs exact iteration, dL = %.3g", names[k], dL);
                snprintf(note, sizeof note, "%.1f +- %.1f steps (%ld runs); exact iteration %.1f; Ito SDE %.1f; %s %.1f",
                         e.mean, e.se, reps, chain, Ti, k ? "Kramers" : "Lemma 6", lem);
                run_claim(&run, "MENG-L6", check, REL_EQ, e.mean, chain, zb * hypot(e.se, cerr),
                          "Bonferroni z (1%) x SE (+ Nystrom error)", "reproduced with correction", note);
                int j = nfit[k]++;
                fitx[k][j] = k == 0 ? log(xp) : dL;
                fity[k][j] = log(e.mean);
                fitsy[k][j] = e.se / e.mean;
                fitc[k][j] = log(chain);
                fiti[k][j] = log(Ti);
                fitp[k][j] = k == 0 ? log(Tp) : log(lem);
            } else {
                /* SGD: the fraction escaped within the cap vs 1 − e^{−cap/T}
                 * (escape is nearly memoryless), T the exact mean exit time of
                 * the SGD chain (its Gaussian-noise model is reported beside). */
                double pp = 1 - exp(-(double)sgd_max / chain), lo, hi;
                stats_binom_wilson(e.escaped, e.n, 0.01, &lo, &hi);
                snprintf(check, sizeof check, "SGD fraction escaped in %ld steps, dL = %.3g", sgd_max, dL);
                snprintf(note, sizeof note, "%ld of %ld; C(w*) = %.3g; exact SGD chain %.3g, Gaussian iteration %.3g, Ito SDE %.3g steps",
                         e.escaped, e.n, Cw, chain, gauss_chain, Ti);
                double frac = (double)e.escaped / e.n;
                run_claim(&run, "MENG-L6", check, REL_EQ, frac, pp, pp < frac ? frac - lo : hi - frac,
                          "99% Wilson interval", "reproduced with correction", note);
                char key[32];
                snprintf(key, sizeof key, "sgd-C%d", i);
                run_value(&run, key, "%.3g", Cw);
                snprintf(key, sizeof key, "sgd-T%d", i);
                run_value(&run, key, "%.3g", Ti);
                snprintf(key, sizeof key, "sgd-Tchain%d", i);
                run_value(&run, key, "%.3g", chain);
                snprintf(key, sizeof key, "sgd-Tgauss%d", i);
                run_value(&run, key, "%.3g", gauss_chain);
                snprintf(key, sizeof key, "sgd-esc%d", i);
                run_value(&run, key, "%ld", e.escaped);
            }
            run_progress(&run, "barriers", (double)stream / (pldL.n + gldL.n + sgdL.n + twoL.n));
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "kappa", "%.3g", kap);
    run_value(&run, "zb", "%.2f", zb);
    run_value(&run, "maxz-pld", "%.2f", maxz[0]);
    run_value(&run, "maxz-gld", "%.2f", maxz[1]);
    run_value(&run, "sgd-max", "%ld", sgd_max);

    /* Growth laws, fitted over the upper half of the barriers: PLD log τ vs
     * log(1 + 2ΔL/(κησg)) (paper slope κ − ½), GLD log τ vs ΔL (Kramers
     * slope 2/(ησ²)); the same fit on the exact iteration and the Itô SDE. */
    for (int k = 0; k < 2; k++) {
        int n0 = nfit[k] / 2, n = nfit[k] - n0;
        stats_fit fm, fc, fi, fp;
        double chi2;
        if (n < 2)
            break;
        stats_fit_line_weighted(fitx[k] + n0, fity[k] + n0, fitsy[k] + n0, n, &fm, &chi2);
        stats_fit_line(fitx[k] + n0, fitc[k] + n0, n, &fc);
        stats_fit_line(fitx[k] + n0, fiti[k] + n0, n, &fi);
        stats_fit_line(fitx[k] + n0, fitp[k] + n0, n, &fp);
        double paper = k == 0 ? kap - 0.5 : 2 / (eta * sigma * sigma);
        double zz = stats_z_two_sided(0.01);
        snprintf(note, sizeof note, "slope %.3f +- %.3f; exact iteration %.3f; Ito SDE %.3f; %s %.3f; paper %.3f",
                 fm.b, fm.se_b, fc.b, fi.b, k ? "Kramers" : "paper-FP SDE", fp.b, paper);
        snprintf(check, sizeof check, "%s growth slope vs exact iteration", names[k]);
        run_claim(&run, "MENG-L6", check, REL_EQ, fm.b, fc.b, zz * fm.se_b, "2.58 SE of slope",
                  "reproduced with correction", note);
        snprintf(check, sizeof check, "%s growth slope vs paper (%s)", names[k], k ? "2/(eta sigma^2)" : "kappa - 1/2");
        /* Fixed in advance by the Itô derivation: PLD's κ − ½ is refuted (the
         * iteration's exponent is about κ + ½); GLD's Kramers slope holds. */
        run_claim(&run, "MENG-L6", check, k == 0 ? REL_NE : REL_EQ, fm.b, paper, zz * fm.se_b, "2.58 SE of slope",
                  "reproduced with correction", note);
        const char *nm = k ? "gld" : "pld";
        char key[48];
        snprintf(key, sizeof key, "%s-slope", nm), run_value(&run, key, "%.3f", fm.b);
        snprintf(key, sizeof key, "%s-slope-se", nm), run_value(&run, key, "%.3f", fm.se_b);
        snprintf(key, sizeof key, "%s-slope-chain", nm), run_value(&run, key, "%.3f", fc.b);
        snprintf(key, sizeof key, "%s-slope-ito", nm), run_value(&run, key, "%.3f", fi.b);
        snprintf(key, sizeof key, "%s-slope-alt", nm), run_value(&run, key, "%.3f", fp.b);
        snprintf(key, sizeof key, "%s-slope-paper", nm), run_value(&run, key, "%.3f", paper);
    }

    /* ---- Theorem 7: 2-D well vs the 1-D well at the same barrier -------- */
    FILE *f7 = run_open(&run, "-2d.tsv", "dL0\tmean2d\tse2d\tmean1d\tse1d\tratio\tratio_se\ttheorem7_ratio");
    double thr = (1 - 1 / (2 * kap)) / (1 - 1 / kap), zb7 = stats_z_bonferroni(0.01, twoL.n);
    double r7[64], r7se[64], m2[64], m2se[64], x7[64];
    int all_agree = 1;
    loss1d L2 = L;
    L2.n = 1, L2.x[0] = 0, L2.kind = 0, L2.wstar = 0, L2.eta = eta2;
    for (int i = 0; i < twoL.n; i++, stream += 2) {
        loss_setup(&L2, twoL.v[i]);
        double s = L2.b;
        long *s1 = malloc(reps2 * sizeof *s1);
        sde1d m = {Lgrad, Cvar, &L2, eta2};
        sde1d_escape_many(&m, 0, s, maxsteps, seed, (uint64_t)stream, reps2, s1);
#pragma omp parallel for schedule(dynamic, 4)
        for (long j = 0; j < reps2; j++) {
            rng_stream r;
            rng_init_sub(&r, seed, (uint64_t)stream + 1, (uint64_t)j);
            st[j] = escape_2d(&L2, h2, s, maxsteps, &r);
        }
        esc_stat e2 = summarise(st, reps2), e1 = summarise(s1, reps2);
        free(s1);
        if (e2.escaped < reps2 || e1.escaped < reps2)
            run_fail(&run, "2-D well: censored runs");
        double ratio = e2.mean / e1.mean, rse = ratio * hypot(e2.se / e2.mean, e1.se / e1.mean);
        fprintf(f7, "%g\t%.6g\t%.4g\t%.6g\t%.4g\t%.5g\t%.3g\t%.5g\n", twoL.v[i], e2.mean, e2.se, e1.mean, e1.se, ratio,
                rse, thr);
        r7[i] = ratio, r7se[i] = rse, m2[i] = log(e2.mean), m2se[i] = e2.se / e2.mean;
        loss_setup(&L2, twoL.v[i]);
        x7[i] = log(1 + 2 * twoL.v[i] / (kap * eta2 * sg));
        all_agree &= fabs(ratio - thr) <= zb7 * rse;
        char key[32];
        snprintf(key, sizeof key, "t7-ratio%d", i), run_value(&run, key, "%.3f", ratio);
        snprintf(key, sizeof key, "t7-ratiose%d", i), run_value(&run, key, "%.3f", rse);
        run_progress(&run, "2-D well", (double)stream / (pldL.n + gldL.n + sgdL.n + 2 * twoL.n));
    }
    run_close(&run, f7);
    for (int i = 0; i < twoL.n; i++) {
        snprintf(check, sizeof check, "tau(2-D)/tau(1-D) vs Theorem 7, dL = %g", twoL.v[i]);
        snprintf(note, sizeof note, "Theorem 7 ratio (1-1/(2 kappa))/(1-1/kappa) = %.3f; %s", thr,
                 all_agree ? "all heights agree" : "the ratio falls with the barrier: the 2-D exponent is lower");
        /* This reproduction's finding, fixed so that a change fails: the
         * measured ratio departs from Theorem 7's constant at every height. */
        run_claim(&run, "MENG-T7", check, REL_NE, r7[i], thr, zb7 * r7se[i],
                  "Bonferroni z (1%) x SE of ratio", "not reproduced", note);
    }
    if (twoL.n >= 2) {
        stats_fit f2;
        double chi2;
        stats_fit_line_weighted(x7, m2, m2se, twoL.n, &f2, &chi2);
        run_value(&run, "t7-slope", "%.2f", f2.b);
        run_value(&run, "t7-slope-se", "%.2f", f2.se_b);
    }
    run_value(&run, "t7-theorem", "%.3f", thr);
    run_value(&run, "reps2", "%ld", reps2);
    run_value(&run, "Ha", "%g", Ha);
    run_value(&run, "Hb", "%g", Hb);
    run_value(&run, "h2", "%g", h2);
    run_value(&run, "eta", "%g", eta);
    free(st);
    return run_finish(&run);
}
