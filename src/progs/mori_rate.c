/* mori_rate — MORI-RATE: escape rate from a 1-D double well with
 * L(θ*) > 0 under the SDE of Mori et al. (Eq. 4 with the noise of Eq. 6):
 *
 *     dθ = −L'(θ) dt + √(2 η h* L(θ) / B) dW        (Itô),
 *
 * against the paper's Eq. 15,
 *
 *     κ = (1/2π) √(h* |h_s|) · [L(θ_s)/L(θ*)]^{−(B/(η h*) + 1/2)},
 *
 * the exact rate 1/T, T the mean first-passage time by quadrature
 * (diffusion1d_mfpt), and Euler–Maruyama simulation; and, as the contrast,
 * Langevin dynamics with constant noise dθ = −L' dt + √(2D) dW, whose
 * Kramers rate is Arrhenius, κ ∝ e^{−ΔL/D}.
 *
 * The wells: quartic, at fixed curvature h* = L''(θ*),
 *
 *     L(θ) = L* + ΔL (1 − θ²/a²)²,   a² = 8 ΔL / h*,
 *
 * minima ±a (L = L*), saddle 0 (L = L* + ΔL), |h_s| = h* /2.  Escape starts
 * at θ* = −a and ends at the other minimum +a; a reflecting wall at −2a
 * (where L − L* = 9ΔL) closes the left side.  Two families: ΔL = 1 and
 * ΔL = 2, each at the same ratios C = L(θ_s)/L(θ*), i.e. L* = ΔL/(C − 1).
 * Within a family ΔL is fixed and L* varies; across families, wells of the
 * same C are exact rescalings of each other, L₂(θ) = 2 L₁(θ/√2), under which
 * the SDE is invariant (φ = θ/√2 obeys the same equation), so their rates
 * are equal exactly.  The Langevin drift −L' does not involve L* at all, so
 * under Langevin all wells of one family are the same process.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diffusion1d.h"
#include "rng.h"
#include "run.h"
#include "stats.h"

#define MAXC 12
#define NFAM 2

typedef struct {
    double Lstar, dL, a2, h; /* L* , ΔL, a², h* */
    double temp;             /* SGD SDE: η h* /B; Langevin: unused */
    double D;                /* Langevin: noise D; SGD SDE: 0 */
} well;

static double well_loss(const well *w, double th)
{
    double s = 1 - th * th / w->a2;
    return w->Lstar + w->dL * s * s;
}

static double well_grad(const well *w, double th)
{
    return -4 * w->dL * th * (1 - th * th / w->a2) / w->a2;
}

static double drift(double th, void *p) { return -well_grad(p, th); }

/* The noise variance b²(θ): 2 (η h* /B) L(θ) for the SGD SDE, 2D for Langevin. */
static double noise_var(double th, void *p)
{
    const well *w = p;
    return w->D > 0 ? 2 * w->D : 2 * w->temp * well_loss(w, th);
}

/* One Euler–Maruyama escape from −a to +a with reflection at −2a; returns
 * the passage time, or −1 if it exceeds tmax. */
static double escape_em(const well *w, double dt, double tmax, rng_stream *r)
{
    double a = sqrt(w->a2), l = -2 * a, th = -a, sdt = sqrt(dt);
    long k = 0, kmax = (long)(tmax / dt);
    /* >>> snippet mori-rate-em */
    while (th < a) {
        double b2 = noise_var(th, (void *)w); /* 2ηh*L(θ)/B, or 2D */
        th += -well_grad(w, th) * dt + sqrt(b2) * sdt * rng_normal(r);
        if (th < l)
            th = 2 * l - th; /* reflecting wall, far in the tail */
        if (++k > kmax)
            return -1;
    }
    /* <<< snippet */
    return k * dt;
}

typedef struct {
    double mean, se, exact, qerr;
} esc;

/* R escapes in parallel, one stream per (stream, replicate); the passage
 * times are stored by replicate and reduced in order. */
static esc measure(run_ctx *run, const well *w, uint64_t stream, long R, double dt, int grid,
                   double *times)
{
    esc e;
    diffusion1d df = {drift, noise_var, (void *)w};
    double a = sqrt(w->a2);
    if (diffusion1d_mfpt(&df, -2 * a, -a, a, grid, &e.exact, &e.qerr))
        run_fail(run, "quadrature failed for L* = %g, dL = %g", w->Lstar, w->dL);
    double tmax = 60 * e.exact; /* P(T > 60 E T) ~ e^{-60} for an exponential law */
    int failed = 0;
#pragma omp parallel for schedule(dynamic) reduction(| : failed)
    for (long i = 0; i < R; i++) {
        rng_stream r;
        rng_init_sub(&r, (uint64_t)run->seed, stream, (uint64_t)i);
        times[i] = escape_em(w, dt, tmax, &r);
        failed |= times[i] < 0;
    }
    if (failed)
        run_fail(run, "an escape exceeded 60 times the exact mean first-passage time");
    stats_acc s;
    stats_acc_init(&s);
    for (long i = 0; i < R; i++)
        stats_acc_add(&s, times[i]);
    e.mean = s.mean, e.se = stats_acc_se(&s);
    return e;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "mori_rate", "MORI-RATE: escape rate vs barrier ratio, SGD-noise SDE vs Langevin", argc,
              argv);
    long reps = run.ci ? 100 : 400, grid = 20000, Bsz = 1;
    double eta = 0.25, D = 0.5, dt = run.ci ? 0.005 : 0.0025;
    opts_list Cl = {4, {1.5, 2, 2.5, 3}};
    opts_spec spec[] = {
        {"reps", OPT_INT, &reps, 10, 1e7, "escapes per well"},
        {"eta", OPT_DOUBLE, &eta, 1e-3, 10, "learning rate in the noise 2 eta h* L / B"},
        {"B", OPT_INT, &Bsz, 1, 1e6, "batch size in the noise"},
        {"D", OPT_DOUBLE, &D, 0.05, 10, "Langevin noise strength (variance 2D)"},
        {"dt", OPT_DOUBLE, &dt, 1e-5, 0.05, "Euler-Maruyama step"},
        {"Cs", OPT_LIST, &Cl, 1.01, 1e3, "barrier ratios L(theta_s)/L(theta*), comma-separated, increasing"},
        {"grid", OPT_INT, &grid, 100, 1e8, "quadrature grid intervals"},
        {0}};
    run_parse(&run, spec);
    const double *Cs = Cl.v;
    int nC = Cl.n;
    if (nC < 2 || nC > MAXC)
        run_usage_error(&run, "--Cs takes 2 to %d ratios", MAXC);
    for (int j = 1; j < nC; j++)
        if (Cs[j] <= Cs[j - 1])
            run_usage_error(&run, "--Cs: ratios must increase");

    const double h = 1.0, dLs[NFAM] = {1.0, 2.0};
    const double temp = eta * h / Bsz, expo = Bsz / (eta * h) + 0.5; /* T and Eq. 15's exponent */
    double *times = malloc((size_t)reps * sizeof *times);
    esc sg[NFAM][MAXC], lg[NFAM];
    double k15[MAXC];

    FILE *f = run_open(&run, ".tsv",
                       "dL\tLstar\tC\tT_mean\tT_se\tkappa\tkappa_lo\tkappa_hi\tkappa_exact\tquad_err\tkappa_eq15");
    FILE *fl = run_open(&run, "_langevin.tsv",
                        "dL\tT_mean\tT_se\tkappa\tkappa_lo\tkappa_hi\tkappa_exact\tquad_err\tkappa_kramers");
    double z95 = stats_z_two_sided(0.05);
    for (int fam = 0; fam < NFAM; fam++) {
        for (int j = 0; j < nC; j++) {
            well w = {dLs[fam] / (Cs[j] - 1), dLs[fam], 8 * dLs[fam] / h, h, temp, 0};
            sg[fam][j] = measure(&run, &w, 1 + (uint64_t)(fam * MAXC + j), reps, dt, (int)grid, times);
            /* >>> snippet mori-rate-eq15 */
            k15[j] = sqrt(h * h / 2) / (2 * M_PI) * pow(Cs[j], -expo); /* Eq. 15, |h_s| = h* /2 */
            /* <<< snippet */
            esc *e = &sg[fam][j];
            fprintf(f, "%g\t%.6g\t%g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t%.3g\t%.6g\n", dLs[fam], w.Lstar,
                    Cs[j], e->mean, e->se, 1 / e->mean, 1 / (e->mean + z95 * e->se),
                    1 / (e->mean - z95 * e->se), 1 / e->exact, e->qerr / (e->exact * e->exact), k15[j]);
            run_progress(&run, "wells", (fam * (nC + 1) + j + 1.0) / (NFAM * (nC + 1)));
        }
        fprintf(f, "\n\n");
        /* Langevin: L* does not enter −L', so one run per family */
        well w = {1.0, dLs[fam], 8 * dLs[fam] / h, h, 0, D};
        lg[fam] = measure(&run, &w, 100 + (uint64_t)fam, reps, dt, (int)grid, times);
        double kk = sqrt(h * h / 2) / (2 * M_PI) * exp(-dLs[fam] / D); /* Kramers */
        esc *e = &lg[fam];
        fprintf(fl, "%g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t%.3g\t%.6g\n", dLs[fam], e->mean, e->se, 1 / e->mean,
                1 / (e->mean + z95 * e->se), 1 / (e->mean - z95 * e->se), 1 / e->exact,
                e->qerr / (e->exact * e->exact), kk);
        run_progress(&run, "wells", (fam + 1.0) / NFAM);
    }
    free(times);
    run_close(&run, f);
    run_close(&run, fl);
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nC; j++)
            run_require_finite(&run, &sg[fam][j].mean, 1, "mean escape time");

    /* --- checks -------------------------------------------------------- */
    const double alpha = 0.01;
    char basis[160];
    /* (1) simulation vs quadrature, every SGD-SDE well: max |z| against the
     * Bonferroni quantile over all wells (the Euler–Maruyama bias must
     * stay below it). */
    int m = NFAM * nC;
    double zmax = 0;
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nC; j++) {
            esc *e = &sg[fam][j];
            double zz = fabs(e->mean - e->exact) / hypot(e->se, e->qerr);
            zmax = zz > zmax ? zz : zmax;
        }
    double zb = stats_z_bonferroni(alpha, m);
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d wells)", m);
    run_claim(&run, "MORI-RATE", "max |z| of Euler-Maruyama mean escape time vs exact quadrature", REL_LE, zmax,
              0, zb, basis, "reproduced", "validates the simulation and the exact prediction of the SDE");

    /* (2) same dL, different L*: log rate ratio between the smallest and
     * the largest C of family dL = 1. */
    esc *lo = &sg[0][0], *hi = &sg[0][nC - 1];
    double lr_m = log(hi->mean / lo->mean), lr_se = hypot(lo->se / lo->mean, hi->se / hi->mean);
    double lr_x = log(hi->exact / lo->exact), lr_p = expo * log(Cs[nC - 1] / Cs[0]);
    double z = stats_z_two_sided(alpha);
    run_claim(&run, "MORI-RATE", "same dL, different L*: log(k1/k2) measured vs exact quadrature", REL_EQ, lr_m,
              lr_x, z * lr_se, "z (1%) x SE (delta method)", "reproduced",
              "equal barriers dL, different L*: different rates");
    run_claim(&run, "MORI-RATE", "same dL, different L*: rates differ (log ratio > z SE)", REL_GE, lr_m,
              z * lr_se, 0, "z (1%) x SE", "reproduced", "Langevin would give equal rates here");
    run_claim(&run, "MORI-RATE", "same dL, different L*: log(k1/k2) measured vs Eq. 15", REL_EQ, lr_m, lr_p,
              z * lr_se, "z (1%) x SE (delta method)", "reproduced",
              "Eq. 15 is the large-barrier limit; exact value in the report");

    /* (3) same ratio, different dL (rescaled wells): log rate difference at
     * every C, max |z| against Bonferroni. */
    double zr = 0;
    for (int j = 0; j < nC; j++) {
        esc *e1 = &sg[0][j], *e2 = &sg[1][j];
        double d = log(e1->mean / e2->mean), s = hypot(e1->se / e1->mean, e2->se / e2->mean);
        zr = fabs(d) / s > zr ? fabs(d) / s : zr;
    }
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d ratios)", nC);
    run_claim(&run, "MORI-RATE", "same ratio C, dL = 1 vs 2: max |z| of log rate difference", REL_LE, zr, 0,
              stats_z_bonferroni(alpha, nC), basis, "reproduced", "exact: equal by scale invariance");

    /* (4) Langevin: the same two families have different rates, Arrhenius. */
    double ll_m = log(lg[1].mean / lg[0].mean), ll_se = hypot(lg[0].se / lg[0].mean, lg[1].se / lg[1].mean);
    double ll_x = log(lg[1].exact / lg[0].exact), ll_p = (dLs[1] - dLs[0]) / D;
    run_claim(&run, "MORI-RATE", "Langevin, dL = 2 vs 1: log(k1/k2) measured vs exact quadrature", REL_EQ, ll_m,
              ll_x, z * ll_se, "z (1%) x SE (delta method)", "reproduced", "constant noise: the rate follows dL");
    run_claim(&run, "MORI-RATE", "Langevin, dL = 2 vs 1: log(k1/k2) measured vs Arrhenius dL/D", REL_EQ, ll_m,
              ll_p, z * ll_se, "z (1%) x SE (delta method)", "reproduced", "Kramers: equal prefactors");
    run_claim(&run, "MORI-RATE", "Langevin, dL = 2 vs 1: rates differ (log ratio > z SE)", REL_GE, ll_m, z * ll_se,
              0, "z (1%) x SE", "reproduced", "same wells whose SGD-SDE rates are equal");

    /* (5) the exponent: weighted least-squares slope of log κ on log C over
     * both families, vs −(B/(ηh*) + 1/2) and the quadrature's slope. */
    double lx[2 * MAXC], ly[2 * MAXC], sy[2 * MAXC], lq[2 * MAXC], chi2;
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nC; j++) {
            esc *e = &sg[fam][j];
            int i = fam * nC + j;
            lx[i] = log(Cs[j]), ly[i] = -log(e->mean), sy[i] = e->se / e->mean, lq[i] = -log(e->exact);
        }
    stats_fit fm, fq;
    stats_fit_line_weighted(lx, ly, sy, (size_t)m, &fm, &chi2);
    stats_fit_line(lx, lq, (size_t)m, &fq);
    run_claim(&run, "MORI-RATE", "slope dlog k/dlog C measured vs exact quadrature", REL_EQ, fm.b, fq.b,
              z * fm.se_b, "z (1%) x SE of the weighted fit", "reproduced", "");
    /* Eq. 15's exponent is the large-barrier limit; over finite barriers
     * the exact slope differs from it by the C-dependence of the Kramers
     * correction.  Whether this sample can resolve that difference is known
     * before looking at the measurement (exact slope vs tolerance): if it
     * can, the row records Eq. 15 as refuted over these C (REL_NE). */
    int resolvable = fabs(fq.b + expo) > z * fm.se_b;
    run_claim(&run, "MORI-RATE", "slope dlog k/dlog C measured vs Eq. 15 -(B/(eta h*)+1/2)",
              resolvable ? REL_NE : REL_EQ, fm.b, -expo, z * fm.se_b, "z (1%) x SE of the weighted fit",
              resolvable ? "reproduced with correction" : "reproduced",
              resolvable ? "finite barriers: the exact slope, not Eq. 15's limit, is measured"
                         : "this sample cannot resolve the exact slope from Eq. 15's");

    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "eta", "%g", eta);
    run_value(&run, "B", "%ld", Bsz);
    run_value(&run, "D", "%g", D);
    run_value(&run, "dt", "%g", dt);
    run_value(&run, "invT", "%g", Bsz / (eta * h));
    run_value(&run, "expo", "%g", expo);
    run_value(&run, "Cmin", "%g", Cs[0]);
    run_value(&run, "Cmax", "%g", Cs[nC - 1]);
    run_value(&run, "Lstar-hi", "%.3g", dLs[0] / (Cs[0] - 1));
    run_value(&run, "Lstar-lo", "%.3g", dLs[0] / (Cs[nC - 1] - 1));
    run_value(&run, "zmax", "%.2f", zmax);
    run_value(&run, "zb", "%.2f", zb);
    run_value(&run, "lr-meas", "%.2f", lr_m);
    run_value(&run, "lr-se", "%.2f", lr_se);
    run_value(&run, "lr-exact", "%.2f", lr_x);
    run_value(&run, "lr-paper", "%.2f", lr_p);
    run_value(&run, "zr", "%.2f", zr);
    run_value(&run, "ll-meas", "%.2f", ll_m);
    run_value(&run, "ll-se", "%.2f", ll_se);
    run_value(&run, "ll-exact", "%.2f", ll_x);
    run_value(&run, "ll-arrh", "%.2f", ll_p);
    run_value(&run, "slope", "%.2f", fm.b);
    run_value(&run, "slope-se", "%.2f", fm.se_b);
    run_value(&run, "slope-exact", "%.2f", fq.b);
    run_value(&run, "slope-paper", "%.2f", -expo);
    run_value(&run, "slope-resolvable", "%s", resolvable ? "resolves" : "does not resolve");
    for (int j = 0; j < nC; j++) {
        char key[64];
        snprintf(key, sizeof key, "eq15-ratio-%d", j);
        run_value(&run, key, "%.2f", k15[j] * sg[0][j].exact);
    }
    return run_finish(&run);
}
