/* linalg.h — dense symmetric linear algebra on LAPACKE and CBLAS.
 *
 * Matrices are row-major double arrays, n×n, A[i*n + j].  Eigenvalues come
 * in descending order, λ1 ≥ λ2 ≥ … ≥ λn, as the papers number them, and the
 * eigenvector of λk is column k of U.
 */
#ifndef SGDN_LINALG_H
#define SGDN_LINALG_H
#include "err.h"

#include "rng.h"

/* Eigen-decomposition A = U diag(w) Uᵀ of a symmetric A (LAPACKE dsyevr).
 * A is not modified.  Returns 0, or the LAPACK info on failure. */
SGDN_MUST_CHECK int linalg_sym_eig(int n, const double *A, double *w, double *U);

/* The eigenvalues alone of a symmetric A (LAPACKE dsyevd without
 * eigenvectors: a fraction of linalg_sym_eig's cost, and no n×n output), in
 * descending order into w.  A is destroyed.  Returns 0, or the LAPACK info
 * on failure. */
SGDN_MUST_CHECK int linalg_sym_eigvals(int n, double *A, double *w);

/* F = U diag(g) Uᵀ: a function of a symmetric matrix from its
 * eigenvectors U and the function's values g on the eigenvalues. */
void linalg_sym_from_eig(int n, const double *U, const double *g, double *F);

/* S = A^{1/2} for a symmetric positive semidefinite A.  Eigenvalues below
 * zero, which rounding leaves on singular matrices, are set to zero;
 * returns -1 if one is below −tol·max|λ| (A is not PSD). */
SGDN_MUST_CHECK int linalg_psd_sqrt(int n, const double *A, double *S, double tol);

/* A Haar-distributed orthogonal matrix: QR of a Gaussian matrix with the
 * signs of R's diagonal moved into Q (Mezzadri 2007). */
void linalg_random_orthogonal(int n, rng_stream *r, double *Q);

/* Tr(AB) = Σ_ij A_ij B_ji. */
double linalg_trace_prod(int n, const double *A, const double *B);
double linalg_trace(int n, const double *A);

/* C = op(A) op(B) for n×n matrices, op = transpose when the flag is set. */
void linalg_matmul(int n, const double *A, int transA, const double *B, int transB, double *C);

#endif
