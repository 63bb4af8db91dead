/* zhu_ab — ZHU-AB: the model of Proposition 2 is not convex (Zhu et al.,
 * App. B).
 *
 * One sample x = (1, 1), y = 1, a clipped output φ(f) = min{max{f, 0.1}, 0.9}
 * and L(w1, w2) = (φ(relu(w1) − relu(w2)) − 1)².  The paper's witness:
 * L(1,0) = 0.01, L(0,1) = L(0.5,0.5) = 0.81, so the midpoint of (1,0) and
 * (0,1) lies above the chord.  We evaluate the witness exactly, measure how
 * often a random chord violates convexity, and find the values of L at its
 * local minima on a grid (the paper: "L has multiple minima").
 */
#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "run.h"
#include "stats.h"

/* >>> snippet zhu-ab-loss */
static double clip(double f) { return fmin(fmax(f, 0.1), 0.9); }
static double relu(double z) { return z > 0 ? z : 0; }
static double loss(double w1, double w2)
{
    double e = clip(relu(w1) - relu(w2)) - 1.0;
    return e * e;
}
/* <<< snippet */

int main(int argc, char **argv)
{
    run_ctx run;
    long pairs, grid = 201;
    double box = 2.0;
    run_begin(&run, "zhu_ab", "ZHU-AB: non-convexity of the clipped one-neuron model", argc, argv);
    pairs = run.ci ? 100000 : 1000000;
    opts_spec spec[] = {{"pairs", OPT_INT, &pairs, 100, 1e9, "random chords tested"},
                        {"grid", OPT_INT, &grid, 11, 5001, "grid points per axis for local minima"},
                        {"box", OPT_DOUBLE, &box, 0.1, 100, "search box [-box, box]^2"},
                        {0}};
    run_parse(&run, spec);

    double l10 = loss(1, 0), l01 = loss(0, 1), lmid = loss(0.5, 0.5);
    double gap = lmid - 0.5 * (l10 + l01);
    const char *tb = "rounding (1e-12)";
    run_check(&run, (run_check_row){.id = "ZHU-AB", .tests = CHECK_PAPER, .check = "L(1,0)",
              .rel = REL_EQ, .measured = l10, .predicted = 0.01, .tol = 1e-12, .basis = tb,
              .note = "paper Eq. 86"});
    run_check(&run, (run_check_row){.id = "ZHU-AB", .tests = CHECK_PAPER, .check = "L(0,1)",
              .rel = REL_EQ, .measured = l01, .predicted = 0.81, .tol = 1e-12, .basis = tb,
              .note = "paper Eq. 86"});
    run_check(&run, (run_check_row){.id = "ZHU-AB", .tests = CHECK_PAPER, .check = "L(0.5,0.5)",
              .rel = REL_EQ, .measured = lmid, .predicted = 0.81, .tol = 1e-12, .basis = tb,
              .note = "paper Eq. 86"});
    run_check(&run, (run_check_row){.id = "ZHU-AB", .tests = CHECK_PAPER,
              .check = "L(mid) - chord midpoint (> 0: not convex)", .rel = REL_EQ, .measured = gap,
              .predicted = 0.40, .tol = 1e-12, .basis = tb,
              .note = "paper Eq. 87: 0.81 - (0.01 + 0.81)/2"});

    /* Random chords in the box: the fraction whose midpoint lies above the
     * chord by more than rounding, with an exact binomial interval. */
    long viol = 0;
    rng_stream r;
    rng_init(&r, (uint64_t)run.seed, 1);
    for (long i = 0; i < pairs; i++) {
        double a1 = box * (2 * rng_uniform(&r) - 1), a2 = box * (2 * rng_uniform(&r) - 1);
        double b1 = box * (2 * rng_uniform(&r) - 1), b2 = box * (2 * rng_uniform(&r) - 1);
        viol += loss(0.5 * (a1 + b1), 0.5 * (a2 + b2)) > 0.5 * (loss(a1, a2) + loss(b1, b2)) + 1e-12;
    }
    double lo, hi;
    stats_binom_exact(viol, pairs, 0.01, &lo, &hi);
    char note[200];
    snprintf(note, sizeof note, "%ld of %ld random chords in [-%g,%g]^2; 99%% interval [%.4f, %.4f]", viol, pairs,
             box, box, lo, hi);
    /* Not convex: the 99% lower bound of the violating fraction is at least
     * one chord in the sample (a convex loss would give 0 and fail). */
    run_check(&run, (run_check_row){.id = "ZHU-AB", .tests = CHECK_PAPER,
              .check = "fraction of random chords violating convexity (lower 99% bound)",
              .rel = REL_GE, .measured = lo, .predicted = 1.0 / pairs, .tol = 0.0,
              .basis = "exact binomial 99% lower bound >= one chord in the sample",
              .alt_name = "a convex loss", .alt = 0.0, .note = note});

    /* Local minima on a grid: a node no higher than its 8 neighbours.  The
     * loss is flat where the clip saturates, so minima come as plateaus:
     * L = 0.01 where relu(w1) − relu(w2) ≥ 0.9 (global) and L = 0.81 where
     * it is ≤ 0.1 (local, not global). */
    double h = 2 * box / (grid - 1), vmin = INFINITY, vmax = -INFINITY;
    long nmin = 0;
    for (long i = 1; i < grid - 1; i++)
        for (long j = 1; j < grid - 1; j++) {
            double w1 = -box + i * h, w2 = -box + j * h, v = loss(w1, w2);
            int is_min = 1;
            for (int di = -1; di <= 1 && is_min; di++)
                for (int dj = -1; dj <= 1; dj++)
                    if (loss(w1 + di * h, w2 + dj * h) < v - 1e-15) {
                        is_min = 0;
                        break;
                    }
            if (is_min) {
                nmin++;
                vmin = fmin(vmin, v), vmax = fmax(vmax, v);
            }
        }
    run_check(&run, (run_check_row){.id = "ZHU-AB", .tests = CHECK_PAPER,
              .check = "highest local-minimum value on the grid (0.81 > 0.01: two levels)",
              .rel = REL_EQ, .measured = vmax, .predicted = 0.81, .tol = 1e-12, .basis = tb,
              .note = "non-strict minima on plateaus of the clipped output"});
    run_value(&run, "gap", "%.2f", gap);
    run_value(&run, "pairs", "%ld", pairs);
    run_value(&run, "viol", "%ld", viol);
    run_value(&run, "frac", "%.4f", (double)viol / pairs);
    run_value(&run, "lo", "%.4f", lo);
    run_value(&run, "hi", "%.4f", hi);
    run_value(&run, "vmin", "%.2f", vmin);
    run_value(&run, "vmax", "%.2f", vmax);
    run_value(&run, "nmin", "%ld", nmin);
    run_value(&run, "grid", "%ld", grid);
    run_value(&run, "box", "%g", box);
    return run_finish(&run);
}
