/* nn_conv.c — the convolution kernels of the network engine and their
 * im2col layouts, one image at a time (see nn_impl.h).
 *
 * A convolution is im2col + dgemm.  The plain layout has one row per
 * output position and one column per kernel entry (ky, kx, ci); a
 * convolution on one input channel (a CNN's first layer) uses the
 * transposed layout, one row per kernel entry, each a shifted copy of the
 * image, so that the GEMM's long side is the output positions, the shape
 * dgemm runs fastest (about twice the speed for 10 output channels). */
#include <string.h>

#include "nn_impl.h"


/* The kernel columns kx ∈ [*kx0, *kx1) of output column ox that fall
 * inside the image (the others read the zero padding). */
static void kx_range(const nn_layer *L, int ox, int *kx0, int *kx1)
{
    int lo = L->pad - ox, hi = L->iw + L->pad - ox;
    *kx0 = lo > 0 ? lo : 0;
    *kx1 = hi < L->k ? hi : L->k;
}

/* >>> snippet nn-im2col */
/* cols[(b, oy, ox), (ky, kx, ci)] = x[b, oy+ky−pad, ox+kx−pad, ci] (0 outside).
 * Channels-last makes the k·ic entries (kx, ci) of one kernel row ky one
 * contiguous run of the input row iy = oy+ky−pad: one copy per (oy, ox, ky). */
static void im2col(const nn_layer *L, int B, const double *x, double *cols)
{
    const int ic = L->ic, run = L->k * ic, K = L->k * run;
    for (int b = 0; b < B; b++) {
        const double *xb = x + (size_t)b * L->in_size;
        for (int oy = 0; oy < L->oh; oy++)
            for (int ox = 0; ox < L->ow; ox++) {
                double *c = cols + ((size_t)(b * L->oh + oy) * L->ow + ox) * K;
                int kx0, kx1;
                kx_range(L, ox, &kx0, &kx1);
                for (int ky = 0; ky < L->k; ky++, c += run) {
                    int iy = oy + ky - L->pad;
                    if (iy < 0 || iy >= L->ih || kx1 <= kx0) {
                        memset(c, 0, run * sizeof *c);
                        continue;
                    }
                    int j0 = kx0 * ic, j1 = kx1 * ic;
                    if (j0)
                        memset(c, 0, j0 * sizeof *c);
                    memcpy(c + j0, xb + ((size_t)iy * L->iw + ox - L->pad + kx0) * ic,
                           (j1 - j0) * sizeof *c);
                    if (j1 < run)
                        memset(c + j1, 0, (run - j1) * sizeof *c);
                }
            }
    }
}
/* <<< snippet */

/* The adjoint of im2col: dx[b, iy, ix, ci] = Σ of the cols entries that
 * copied it (dx is overwritten); the same contiguous runs. */
static void col2im(const nn_layer *L, int B, const double *cols, double *dx)
{
    const int ic = L->ic, run = L->k * ic, K = L->k * run;
    memset(dx, 0, (size_t)B * L->in_size * sizeof *dx);
    for (int b = 0; b < B; b++) {
        double *xb = dx + (size_t)b * L->in_size;
        for (int oy = 0; oy < L->oh; oy++)
            for (int ox = 0; ox < L->ow; ox++) {
                const double *c = cols + ((size_t)(b * L->oh + oy) * L->ow + ox) * K;
                int kx0, kx1;
                kx_range(L, ox, &kx0, &kx1);
                for (int ky = 0; ky < L->k; ky++, c += run) {
                    int iy = oy + ky - L->pad;
                    if (iy < 0 || iy >= L->ih || kx1 <= kx0)
                        continue;
                    double *restrict t = xb + ((size_t)iy * L->iw + ox - L->pad + kx0) * ic;
                    const double *restrict cj = c + kx0 * ic;
                    const int m = (kx1 - kx0) * ic;
#pragma omp simd
                    for (int j = 0; j < m; j++)
                        t[j] += cj[j];
                }
            }
    }
}

/* The transposed layout, for a convolution on one input channel (the
 * first layer of a CNN), one image: colsT[(ky, kx), (oy, ox)], each row a
 * shifted copy of the image, in contiguous runs of ow pixels.  With it the
 * GEMM's long side is the output positions, the shape dgemm runs fastest
 * (about twice the speed for 10 output channels). */
static void im2colT(const nn_layer *L, const double *x, double *colsT)
{
    const int P = L->oh * L->ow;
    for (int ky = 0; ky < L->k; ky++)
        for (int kx = 0; kx < L->k; kx++) {
            double *r = colsT + (size_t)(ky * L->k + kx) * P;
            int ox0 = L->pad - kx, ox1 = L->iw + L->pad - kx;
            ox0 = ox0 > 0 ? ox0 : 0, ox1 = ox1 < L->ow ? ox1 : L->ow;
            for (int oy = 0; oy < L->oh; oy++, r += L->ow) {
                int iy = oy + ky - L->pad;
                if (iy < 0 || iy >= L->ih || ox1 <= ox0) {
                    memset(r, 0, L->ow * sizeof *r);
                    continue;
                }
                if (ox0)
                    memset(r, 0, ox0 * sizeof *r);
                memcpy(r + ox0, x + (size_t)iy * L->iw + ox0 + kx - L->pad, (ox1 - ox0) * sizeof *r);
                if (ox1 < L->ow)
                    memset(r + ox1, 0, (L->ow - ox1) * sizeof *r);
            }
        }
}

/* Its adjoint: dx (one image) overwritten with the sums of colsT. */
static void col2imT(const nn_layer *L, const double *colsT, double *dx)
{
    const int P = L->oh * L->ow;
    memset(dx, 0, L->in_size * sizeof *dx);
    for (int ky = 0; ky < L->k; ky++)
        for (int kx = 0; kx < L->k; kx++) {
            const double *r = colsT + (size_t)(ky * L->k + kx) * P;
            int ox0 = L->pad - kx, ox1 = L->iw + L->pad - kx;
            ox0 = ox0 > 0 ? ox0 : 0, ox1 = ox1 < L->ow ? ox1 : L->ow;
            for (int oy = 0; oy < L->oh; oy++, r += L->ow) {
                int iy = oy + ky - L->pad;
                if (iy < 0 || iy >= L->ih || ox1 <= ox0)
                    continue;
                double *restrict t = dx + (size_t)iy * L->iw + kx - L->pad;
                const double *restrict rr = r;
#pragma omp simd
                for (int ox = ox0; ox < ox1; ox++)
                    t[ox] += rr[ox];
            }
        }
}

/* Which layout a convolution uses. */
static int transposed(const nn_layer *L) { return L->ic == 1; }

static int gemm_k(const nn_layer *L) { return L->k * L->k * L->ic; }

size_t nn_conv_cols_size(const nn_layer *L)
{
    return (size_t)L->oh * L->ow * L->k * L->k * L->ic;
}

/* z = x ⊛ W (+ z if beta = 1), image by image.  The transposed layout's
 * GEMM reads colsT transposed and writes channels-last output directly
 * (measured as fast as the channel-major product plus a transpose). */
void nn_conv_apply(const nn_layer *L, double *cols, int B, const double *x, const double *W,
                   double beta, double *z)
{
    const int P = L->oh * L->ow, N = L->oc, K = gemm_k(L);
    for (int b = 0; b < B; b++) {
        const double *xb = x + (size_t)b * L->in_size;
        double *zb = z + (size_t)b * L->out_size;
        if (transposed(L)) { /* z (P × N) = colsTᵀ Wᵀ */
            im2colT(L, xb, cols);
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, P, N, K, 1.0, cols, P, W, K, beta,
                        zb, N);
        } else {
            im2col(L, 1, xb, cols);
            nn_gemm_nt(P, N, K, cols, W, beta, zb);
        }
    }
}

/* One image's im2col in the layer's layout. */
void nn_conv_cols(const nn_layer *L, const double *xb, double *cols)
{
    if (transposed(L))
        im2colT(L, xb, cols);
    else
        im2col(L, 1, xb, cols);
}

/* One image: G (N × K) += δᵀ (P × N)ᵀ A, A its im2col in either layout. */
void nn_conv_dw(const nn_layer *L, const double *db, const double *cols, double *G)
{
    const int P = L->oh * L->ow, N = L->oc, K = gemm_k(L);
    if (transposed(L))
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, N, K, P, 1.0, db, N, cols, P, 1.0, G, K);
    else
        nn_gemm_tn(P, N, K, db, cols, G);
}

/* One image: dcols = δ W (+ dcols if beta = 1), in the layer's layout. */
void nn_conv_dcols(const nn_layer *L, const double *db, const double *W, double beta,
                   double *dcols)
{
    const int P = L->oh * L->ow, N = L->oc, K = gemm_k(L);
    if (transposed(L)) /* dcolsT (K × P) = Wᵀ δᵀ */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, K, P, N, 1.0, W, K, db, N, beta, dcols, P);
    else
        nn_gemm_nn(P, N, K, db, W, beta, dcols);
}

/* One image: dx = the adjoint of im2col applied to dcols. */
void nn_conv_col2im(const nn_layer *L, const double *dcols, double *dxb)
{
    if (transposed(L))
        col2imT(L, dcols, dxb);
    else
        col2im(L, 1, dcols, dxb);
}

