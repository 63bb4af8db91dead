/* nn_eval.c — the evaluation driver: workspaces, the stages of one chunk,
 * and the entry points of nn.h, each a composition of stages.
 *
 * The n samples are cut into chunks of a fixed size; every entry point
 * runs its stages on each chunk (chunks in parallel on the OpenMP
 * threads) and adds the chunks' results in chunk order, so that the result
 * does not depend on the number of threads.  The stages of one chunk:
 *   stage_input      copy the chunk's samples into a[0]
 *   stage_forward    a[1..nl] (and the max-pool argmax)
 *   stage_rforward   R{a[1..nl]} in direction v
 *   stage_loss       ℓ_b, the correct count, and (optionally) d[nl] = s·∂ℓ/∂f
 *   stage_loss_hess  s·∇²_f ℓ · R{f} into rd[nl] (HVP) or d[nl] (Gauss–Newton)
 *   stage_backward   d[nl-1..1] and the parameter gradient by mode
 *   stage_rbackward  R{d[..]} and R{∇L} (reads the plain pass's d[])
 * Layers run segment by segment: a run of convolution, pooling and
 * elementwise layers is taken one image at a time through all its layers
 * (the image stays in cache), a dense layer on the whole chunk. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nn_impl.h"

/* ------------------------------------------------------------ workspace */

static size_t act_size(const nn_net *net, int i)
{
    return i == 0 ? net->in_size : net->l[i - 1].out_size;
}

static void state_alloc(const nn_net *net, nn_state *s)
{
    for (int i = 0; i <= net->nl; i++) {
        s->a[i] = sgdn_calloc(sgdn_mul(NN_CHUNK, act_size(net, i)), sizeof(double));
        s->d[i] = sgdn_calloc(sgdn_mul(NN_CHUNK, act_size(net, i)), sizeof(double));
    }
    for (int i = 0; i < net->nl; i++)
        s->arg[i] = net->l[i].kind == NN_MAXPOOL ? SGDN_NEW(s->arg[i], NN_CHUNK * net->l[i].out_size)
                                                 : NULL;
}

static void state_free(const nn_net *net, nn_state *s)
{
    for (int i = 0; i <= net->nl; i++)
        free(s->a[i]), free(s->d[i]);
    for (int i = 0; i < net->nl; i++)
        free(s->arg[i]);
}

nn_eval *nn_eval_new(const nn_net *net)
{
    nn_eval *e = SGDN_NEW0(e, 1);
    e->net = net;
    /* inside a parallel region the calls run serially (see nn.h) */
    e->nws = omp_in_parallel() ? 1 : omp_get_max_threads();
    e->ws = SGDN_NEW0(e->ws, e->nws);
    size_t maxcols = 1;
    for (int i = 0; i < net->nl; i++)
        if (net->l[i].kind == NN_CONV && nn_conv_cols_size(&net->l[i]) > maxcols)
            maxcols = nn_conv_cols_size(&net->l[i]);
    for (int t = 0; t < e->nws; t++) {
        nn_ws *w = &e->ws[t];
        state_alloc(net, &w->st);
        for (int i = 0; i <= net->nl; i++) {
            w->ra[i] = sgdn_calloc(sgdn_mul(NN_CHUNK, act_size(net, i)), sizeof(double));
            w->rd[i] = sgdn_calloc(sgdn_mul(NN_CHUNK, act_size(net, i)), sizeof(double));
        }
        w->cols = SGDN_NEW(w->cols, maxcols);
        w->rcols = SGDN_NEW(w->rcols, maxcols);
        w->dcols = SGDN_NEW(w->dcols, maxcols);
    }
    return e;
}

static void drop_prepared(nn_eval *e)
{
    for (int c = 0; c < e->c_n; c++)
        state_free(e->net, &e->c_st[c]);
    free(e->c_st), free(e->c_theta);
    e->c_st = NULL, e->c_theta = NULL, e->c_n = 0;
}

void nn_eval_free(nn_eval *e)
{
    if (!e)
        return;
    drop_prepared(e);
    for (int t = 0; t < e->nws; t++) {
        nn_ws *w = &e->ws[t];
        state_free(e->net, &w->st);
        for (int i = 0; i <= e->net->nl; i++)
            free(w->ra[i]), free(w->rd[i]);
        free(w->cols), free(w->rcols), free(w->dcols);
    }
    free(e->ws), free(e->part), free(e->plos), free(e->pcor);
    free(e);
}

static void ensure_parts(nn_eval *e, int nparts)
{
    if (nparts <= e->nparts)
        return;
    free(e->part), free(e->plos), free(e->pcor);
    e->part = SGDN_NEW(e->part, sgdn_mul(nparts, e->net->D));
    e->plos = SGDN_NEW(e->plos, nparts);
    e->pcor = SGDN_NEW(e->pcor, nparts);
    e->nparts = nparts;
}

/* --------------------------------------------------------------- stages */

/* One chunk: B samples from sample s0 of d, on workspace w, its plain
 * passes in st (the workspace's own, or a prepared one). */
typedef struct {
    const nn_net *net;
    nn_ws *w;
    nn_state *st;
    nn_data d;
    int s0, B;
} chunk;

static double now_if(const nn_ws *w) { return w->prof ? nn_cpu_seconds() : 0.0; }
static void prof_add(nn_ws *w, int slot, double t0)
{
    if (w->prof)
        w->prof[slot] += nn_cpu_seconds() - t0;
}

/* The end of the segment that starts at layer i0. */
static int segment_end(const nn_net *net, int i0)
{
    int i = i0 + 1;
    if (net->l[i0].kind != NN_DENSE)
        while (i < net->nl && net->l[i].kind != NN_DENSE)
            i++;
    return i;
}

static size_t sample(const chunk *c, int b)
{
    return c->d.idx ? c->d.idx[c->s0 + b] : (size_t)(c->s0 + b);
}

static void stage_input(const chunk *c)
{
    size_t m = c->net->in_size;
    for (int b = 0; b < c->B; b++)
        memcpy(c->st->a[0] + (size_t)b * m, c->d.x + sample(c, b) * m, m * sizeof(double));
}

/* The plain forward (v NULL) or the R-forward in direction v. */
static void forward(const chunk *c, const double *theta, const double *v)
{
    const nn_net *net = c->net;
    if (v)
        memset(c->w->ra[0], 0, (size_t)c->B * net->in_size * sizeof(double));
    for (int i0 = 0, i1; i0 < net->nl; i0 = i1) {
        i1 = segment_end(net, i0);
        int nb = net->l[i0].kind != NN_DENSE ? 1 : c->B;
        for (int b0 = 0; b0 < c->B; b0 += nb)
            for (int i = i0; i < i1; i++) {
                double t0 = now_if(c->w);
                if (v)
                    nn_layer_rforward(&net->l[i], c->w, c->st, i, b0, nb, theta, v);
                else
                    nn_layer_forward(&net->l[i], c->w, c->st, i, b0, nb, theta);
                prof_add(c->w, i, t0);
            }
    }
}
static void stage_forward(const chunk *c, const double *theta) { forward(c, theta, NULL); }
static void stage_rforward(const chunk *c, const double *theta, const double *v)
{
    forward(c, theta, v);
}

/* Σ_b ℓ_b; with_grad: d[nl] = s·∂ℓ/∂f; loss_i (if non-NULL) gets each ℓ_b. */
static double stage_loss(const chunk *c, double s, int with_grad, double *loss_i, long *correct)
{
    const nn_net *net = c->net;
    const int C = net->nout;
    double loss = 0.0;
    long cor = 0;
    for (int b = 0; b < c->B; b++) {
        int ok;
        double l = nn_loss_one(net, c->st->a[net->nl] + (size_t)b * C, c->d.y[sample(c, b)], s,
                               with_grad ? c->st->d[net->nl] + (size_t)b * C : NULL, &ok);
        if (loss_i)
            loss_i[b] = l;
        loss += l;
        cor += ok;
    }
    *correct = cor;
    return loss;
}

/* out = s·∇²_f ℓ · R{f}, sample by sample. */
static void stage_loss_hess(const chunk *c, double s, double *out)
{
    const nn_net *net = c->net;
    const int C = net->nout;
    for (int b = 0; b < c->B; b++)
        nn_loss_hess(net, c->st->a[net->nl] + (size_t)b * C, s, c->w->ra[net->nl] + (size_t)b * C,
                     out + (size_t)b * C);
}

/* The backward pass in reverse segment order: the plain one by mode
 * (v NULL; g a D-vector, or the chunk's rows for NN_BK_PERSAMPLE) or the
 * R-backward (v the direction, R{∇L} added to g).  The input's δ is never
 * needed. */
static void backward(const chunk *c, const double *theta, const double *v, nn_bk_mode mode,
                     double *g, size_t stride)
{
    const nn_net *net = c->net;
    int seg[NN_MAX_LAYERS + 1], nseg = 0;
    for (int i0 = 0; i0 < net->nl; i0 = segment_end(net, i0))
        seg[nseg++] = i0;
    seg[nseg] = net->nl;
    for (int s = nseg - 1; s >= 0; s--) {
        int nb = net->l[seg[s]].kind != NN_DENSE ? 1 : c->B;
        for (int b0 = 0; b0 < c->B; b0 += nb)
            for (int i = seg[s + 1] - 1; i >= seg[s]; i--) {
                if (!v && mode == NN_BK_DELTA && i == 0)
                    continue;
                double t0 = now_if(c->w);
                if (v)
                    nn_layer_rbackward(&net->l[i], c->w, c->st, i, b0, nb, theta, v, g, i > 0);
                else
                    nn_layer_backward(&net->l[i], c->w, c->st, i, b0, nb, theta, mode, g, stride,
                                      i > 0);
                prof_add(c->w, net->nl + i, t0);
            }
    }
}
static void stage_backward(const chunk *c, const double *theta, nn_bk_mode mode, double *g)
{
    backward(c, theta, NULL, mode, g, c->net->D);
}
static void stage_rbackward(const chunk *c, const double *theta, const double *v, double *g)
{
    backward(c, theta, v, NN_BK_GRAD, g, c->net->D);
}
/* ∇θ f_k of each image into rows stride apart (the per-sample backward
 * started from d[nl] = e_k). */
static void stage_backward_output(const chunk *c, const double *theta, int k, double *rows,
                                  size_t stride)
{
    const int C = c->net->nout;
    double *dl = c->st->d[c->net->nl];
    memset(dl, 0, (size_t)c->B * C * sizeof *dl);
    for (int b = 0; b < c->B; b++)
        dl[(size_t)b * C + k] = 1.0;
    backward(c, theta, NULL, NN_BK_PERSAMPLE, rows, stride);
}

/* ------------------------------------------------------ the chunk loop */

/* What one entry point runs on one chunk; out is its slot (a D-vector of
 * e->part, or the chunk's rows of a per-sample result). */
typedef struct {
    const double *theta, *v;
    double s;          /* scale of ∂ℓ/∂f: 1/n for a mean, 1 per sample */
    int kind;          /* which composition (below) */
    double *rows;      /* per-sample output: n × D gradients, n × nout outputs, n·nout × D Jacobian */
    double *loss_i;    /* per-sample losses, or NULL */
} pass;

enum { K_LOSS, K_GRAD, K_PERSAMPLE, K_STATE, K_HVP, K_HVP_CACHED, K_GNVP, K_OUTPUT, K_JACOBIAN };

/* >>> snippet nn-stages */
static double run_chunk(const pass *p, const chunk *c, double *out, long *correct)
{
    const double *th = p->theta, *v = p->v;
    double *li = p->loss_i ? p->loss_i + c->s0 : NULL, loss = 0.0;
    *correct = 0;
    switch (p->kind) {
    case K_LOSS:
    case K_GRAD: /* L and ∇L */
        stage_input(c), stage_forward(c, th);
        loss = stage_loss(c, p->s, p->kind == K_GRAD, li, correct);
        if (p->kind == K_GRAD) {
            memset(out, 0, c->net->D * sizeof *out);
            stage_backward(c, th, NN_BK_GRAD, out);
        }
        break;
    case K_PERSAMPLE: /* ∇ℓ_b row by row */
        stage_input(c), stage_forward(c, th);
        loss = stage_loss(c, p->s, 1, li, correct);
        stage_backward(c, th, NN_BK_PERSAMPLE, p->rows + (size_t)c->s0 * c->net->D);
        break;
    case K_STATE: /* the plain passes an HVP reads (nn_hvp_prepare) */
    case K_HVP:
        stage_input(c), stage_forward(c, th);
        loss = stage_loss(c, p->s, 1, li, correct);
        stage_backward(c, th, NN_BK_DELTA, NULL);
        if (p->kind == K_STATE)
            break;
        /* fall through */
    case K_HVP_CACHED: /* H v = R{∇L} */
        stage_rforward(c, th, v);
        stage_loss_hess(c, p->s, c->w->rd[c->net->nl]);
        memset(out, 0, c->net->D * sizeof *out);
        stage_rbackward(c, th, v, out);
        break;
    case K_GNVP: /* Jᵀ ∇²ℓ J v: the backward pass carries ∇²ℓ R{f} in place of ∂ℓ/∂f */
        stage_input(c), stage_forward(c, th), stage_rforward(c, th, v);
        loss = stage_loss(c, p->s, 0, li, correct);
        stage_loss_hess(c, p->s, c->st->d[c->net->nl]);
        memset(out, 0, c->net->D * sizeof *out);
        stage_backward(c, th, NN_BK_GRAD, out);
        break;
    case K_OUTPUT: /* f(x_b) */
        stage_input(c), stage_forward(c, th);
        memcpy(p->rows + (size_t)c->s0 * c->net->nout, c->st->a[c->net->nl],
               (size_t)c->B * c->net->nout * sizeof *p->rows);
        break;
    case K_JACOBIAN: /* ∇θ f_k(x_b), row b·nout + k */
        stage_input(c), stage_forward(c, th);
        for (int k = 0; k < c->net->nout; k++)
            stage_backward_output(c, th, k, p->rows + ((size_t)c->s0 * c->net->nout + k) * c->net->D,
                                  (size_t)c->net->nout * c->net->D);
        break;
    }
    return loss;
}
/* <<< snippet */

/* Whether nn_hvp_prepare holds the passes of exactly this θ and d. */
static int prepared_for(const nn_eval *e, const double *theta, nn_data d)
{
    return e->c_n > 0 && d.x == e->c_d.x && d.y == e->c_d.y && d.idx == e->c_d.idx &&
           d.n == e->c_d.n && !memcmp(theta, e->c_theta, e->net->D * sizeof *theta);
}

/* Run pass p on every chunk of d and add the chunks' results in chunk
 * order: out (a D-vector, if non-NULL) gets the sum of the slots; returns
 * the mean loss. */
static double run_chunks(nn_eval *e, nn_data d, pass *p, double *out, long *correct)
{
    const nn_net *net = e->net;
    /* per-sample gradients need no reduction: smaller chunks (of a fixed
     * size, so the result is still independent of the threads) let a
     * minibatch of 100 use every core */
    int rows = p->kind == K_PERSAMPLE || p->kind == K_OUTPUT || p->kind == K_JACOBIAN;
    int size = rows ? NN_CHUNK / 4 : NN_CHUNK;
    int nch = (d.n + size - 1) / size;
    ensure_parts(e, nch);
    int cached = p->kind == K_HVP_CACHED || p->kind == K_STATE;
    int par = nch > 1 && e->nws > 1 && !e->ws[0].prof && !omp_in_parallel();
#pragma omp parallel for schedule(dynamic, 1) if (par)
    for (int c = 0; c < nch; c++) {
        nn_ws *w = &e->ws[par ? omp_get_thread_num() : 0];
        chunk ck = {net, w, cached ? &e->c_st[c] : &w->st, d, c * size,
                    d.n - c * size < size ? d.n - c * size : size};
        e->plos[c] = run_chunk(p, &ck, e->part + (size_t)c * net->D, &e->pcor[c]);
    }
    double loss = 0.0;
    long cor = 0;
    for (int c = 0; c < nch; c++)
        loss += e->plos[c], cor += e->pcor[c];
    if (correct)
        *correct = cor;
    if (out) {
        memcpy(out, e->part, net->D * sizeof *out);
        for (int c = 1; c < nch; c++) {
            const double *q = e->part + (size_t)c * net->D;
            for (size_t k = 0; k < net->D; k++)
                out[k] += q[k];
        }
    }
    return loss / d.n;
}

/* ---------------------------------------------------------- entry points */

double nn_loss_grad(nn_eval *e, const double *theta, nn_data d, double *grad, long *correct)
{
    pass p = {theta, NULL, 1.0 / d.n, grad ? K_GRAD : K_LOSS, NULL, NULL};
    return run_chunks(e, d, &p, grad, correct);
}

void nn_grad_per_sample(nn_eval *e, const double *theta, nn_data d, double *G, double *loss_i)
{
    pass p = {theta, NULL, 1.0, K_PERSAMPLE, G, loss_i};
    run_chunks(e, d, &p, NULL, NULL);
}

void nn_forward(nn_eval *e, const double *theta, nn_data d, double *F)
{
    pass p = {theta, NULL, 1.0, K_OUTPUT, F, NULL};
    run_chunks(e, d, &p, NULL, NULL);
}

void nn_jacobian(nn_eval *e, const double *theta, nn_data d, double *J)
{
    pass p = {theta, NULL, 1.0, K_JACOBIAN, J, NULL};
    run_chunks(e, d, &p, NULL, NULL);
}

void nn_hvp_prepare(nn_eval *e, const double *theta, nn_data d)
{
    drop_prepared(e);
    int nch = (d.n + NN_CHUNK - 1) / NN_CHUNK;
    e->c_st = SGDN_NEW0(e->c_st, nch);
    for (int c = 0; c < nch; c++)
        state_alloc(e->net, &e->c_st[c]);
    e->c_theta = SGDN_NEW(e->c_theta, e->net->D);
    memcpy(e->c_theta, theta, e->net->D * sizeof *theta);
    e->c_d = d;
    pass p = {theta, NULL, 1.0 / d.n, K_STATE, NULL, NULL};
    run_chunks(e, d, &p, NULL, NULL);
    e->c_n = nch;
}

void nn_hvp_release(nn_eval *e) { drop_prepared(e); }

void nn_hvp(nn_eval *e, const double *theta, nn_data d, const double *v, double *Hv)
{
    pass p = {theta, v, 1.0 / d.n, prepared_for(e, theta, d) ? K_HVP_CACHED : K_HVP, NULL, NULL};
    run_chunks(e, d, &p, Hv, NULL);
}

void nn_gnvp(nn_eval *e, const double *theta, nn_data d, const double *v, double *Gv)
{
    pass p = {theta, v, 1.0 / d.n, K_GNVP, NULL, NULL};
    run_chunks(e, d, &p, Gv, NULL);
}

/* For nn_profile: one gradient or HVP with every chunk on this thread and
 * the layers' CPU seconds added to t (forward [0, nl), backward [nl, 2 nl)). */
void nn_eval_timed(nn_eval *e, const double *theta, nn_data d, const double *v, double *t,
                   double *out)
{
    e->ws[0].prof = t;
    if (v)
        nn_hvp(e, theta, d, v, out);
    else
        nn_loss_grad(e, theta, d, out, NULL);
    e->ws[0].prof = NULL;
}
