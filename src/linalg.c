/* linalg.c — see linalg.h. */
#include "linalg.h"
#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>

int linalg_sym_eig(int n, const double *A, double *w, double *U)
{
    double *a = SGDN_NEW(a, (size_t)n * n);
    double *wa = SGDN_NEW(wa, (size_t)n);
    double *z = SGDN_NEW(z, (size_t)n * n);
    lapack_int *isuppz = SGDN_NEW(isuppz, 2 * (size_t)n);
    lapack_int m;
    memcpy(a, A, (size_t)n * n * sizeof *a);
    int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', n, a, n, 0, 0, 0, 0,
                              0.0, &m, wa, z, n, isuppz);
    if (info == 0) {
        /* dsyevr returns ascending order; the papers number descending. */
        for (int k = 0; k < n; k++) {
            w[k] = wa[n - 1 - k];
            for (int i = 0; i < n; i++)
                U[i * n + k] = z[i * n + (n - 1 - k)];
        }
    }
    free(a);
    free(wa);
    free(z);
    free(isuppz);
    return info;
}

int linalg_sym_eigvals(int n, double *A, double *w)
{
    int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', n, A, n, w);
    if (info == 0)
        for (int i = 0; i < n / 2; i++) { /* ascending → descending */
            double t = w[i];
            w[i] = w[n - 1 - i], w[n - 1 - i] = t;
        }
    return info;
}

void linalg_sym_from_eig(int n, const double *U, const double *g, double *F)
{
    double *Ug = SGDN_NEW(Ug, (size_t)n * n);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            Ug[i * n + k] = U[i * n + k] * g[k];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, Ug, n, U, n, 0.0, F, n);
    free(Ug);
}

int linalg_psd_sqrt(int n, const double *A, double *S, double tol)
{
    double *w = SGDN_NEW(w, (size_t)n);
    double *U = SGDN_NEW(U, (size_t)n * n);
    int rc = linalg_sym_eig(n, A, w, U);
    if (rc == 0) {
        double scale = fmax(fabs(w[0]), fabs(w[n - 1]));
        for (int k = 0; k < n; k++) {
            if (w[k] < -tol * scale)
                rc = -1;
            w[k] = w[k] > 0 ? sqrt(w[k]) : 0.0;
        }
        linalg_sym_from_eig(n, U, w, S);
    }
    free(w);
    free(U);
    return rc;
}

void linalg_random_orthogonal(int n, rng_stream *r, double *Q)
{
    double *tau = SGDN_NEW(tau, (size_t)n);
    double *sgn = SGDN_NEW(sgn, (size_t)n);
    rng_normal_fill(r, Q, (size_t)n * n);
    LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, n, n, Q, n, tau);
    for (int k = 0; k < n; k++)
        sgn[k] = Q[k * n + k] < 0 ? -1.0 : 1.0;
    LAPACKE_dorgqr(LAPACK_ROW_MAJOR, n, n, n, Q, n, tau);
    /* Without this sign fix Q is not Haar-distributed. */
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            Q[i * n + k] *= sgn[k];
    free(tau);
    free(sgn);
}

double linalg_trace_prod(int n, const double *A, const double *B)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            s += A[i * n + j] * B[j * n + i];
    return s;
}

double linalg_trace(int n, const double *A)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += A[i * n + i];
    return s;
}

void linalg_matmul(int n, const double *A, int transA, const double *B, int transB, double *C)
{
    cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, n, n, n, 1.0, A, n, B, n, 0.0, C, n);
}
