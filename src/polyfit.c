/* polyfit.c — see polyfit.h. */
#include "polyfit.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

#include "err.h"

static void set_nan(polyfit_quad *f)
{
    for (int i = 0; i < 3; i++) {
        f->c[i] = f->se[i] = NAN;
        for (int j = 0; j < 3; j++)
            f->cov[i][j] = NAN;
    }
    f->r2 = f->r2_line = f->rss = f->vertex = f->vertex_se = NAN;
}

int polyfit_quadratic(const double *x, const double *y, size_t n, polyfit_quad *f)
{
    set_nan(f);
    f->n = n;
    if (n < 4)
        return SGDN_EDOM;
    /* u = (x − m)/h keeps the normal problem well conditioned */
    double m = 0, h = 0, ym = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i], ym += y[i];
    m /= n, ym /= n;
    for (size_t i = 0; i < n; i++)
        h = fmax(h, fabs(x[i] - m));
    if (!(h > 0))
        return SGDN_EDOM;
    double *A = SGDN_NEW(A, 3 * n), *b = SGDN_NEW(b, n);
    for (size_t i = 0; i < n; i++) {
        double u = (x[i] - m) / h;
        A[3 * i] = 1, A[3 * i + 1] = u, A[3 * i + 2] = u * u, b[i] = y[i];
    }
    /* R of the QR factorisation gives (AᵀA)⁻¹ = R⁻¹R⁻ᵀ */
    int info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', (int)n, 3, 1, A, 3, b, 1);
    if (info) {
        free(A), free(b);
        return SGDN_ELAPACK;
    }
    double d[3] = {b[0], b[1], b[2]}, R[9] = {0};
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++)
            R[3 * i + j] = A[3 * i + j];
    info = LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'U', 'N', 3, R, 3); /* R ← R⁻¹ */
    double rss = 0, tss = 0;
    for (size_t i = 0; i < n; i++) {
        double u = (x[i] - m) / h, r = y[i] - (d[0] + d[1] * u + d[2] * u * u);
        rss += r * r, tss += (y[i] - ym) * (y[i] - ym);
    }
    /* the straight line, for comparison */
    double sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++)
        sxx += (x[i] - m) * (x[i] - m), sxy += (x[i] - m) * (y[i] - ym);
    double rss_line = 0;
    for (size_t i = 0; i < n; i++) {
        double r = y[i] - (ym + sxy / sxx * (x[i] - m));
        rss_line += r * r;
    }
    free(A), free(b);
    if (info)
        return SGDN_ELAPACK;
    double s2 = n > 3 ? rss / (double)(n - 3) : NAN, Cu[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double acc = 0;
            for (int k = 0; k < 3; k++)
                acc += R[3 * i + k] * R[3 * j + k];
            Cu[i][j] = s2 * acc;
        }
    /* back to x: c = T d with c0 = d0 − d1 m/h + d2 m²/h², c1 = d1/h − 2 d2 m/h², c2 = d2/h² */
    double T[3][3] = {{1, -m / h, m * m / (h * h)}, {0, 1 / h, -2 * m / (h * h)}, {0, 0, 1 / (h * h)}};
    for (int i = 0; i < 3; i++) {
        f->c[i] = 0;
        for (int k = 0; k < 3; k++)
            f->c[i] += T[i][k] * d[k];
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double acc = 0;
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    acc += T[i][k] * Cu[k][l] * T[j][l];
            f->cov[i][j] = acc;
        }
    for (int i = 0; i < 3; i++)
        f->se[i] = sqrt(f->cov[i][i]);
    f->rss = rss;
    f->r2 = tss > 0 ? 1 - rss / tss : NAN;
    f->r2_line = tss > 0 ? 1 - rss_line / tss : NAN;
    /* vertex v = −c1/(2c2): ∂v/∂c1 = −1/(2c2), ∂v/∂c2 = c1/(2c2²) */
    double c1 = f->c[1], c2 = f->c[2], g1 = -1 / (2 * c2), g2 = c1 / (2 * c2 * c2);
    f->vertex = -c1 / (2 * c2);
    f->vertex_se = sqrt(g1 * g1 * f->cov[1][1] + 2 * g1 * g2 * f->cov[1][2] + g2 * g2 * f->cov[2][2]);
    return SGDN_OK;
}
