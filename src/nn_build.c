/* nn_build.c — building networks layer by layer, the papers' networks,
 * Glorot initial parameters and flop counts (see nn.h). */
#include <math.h>
#include <string.h>

#include "err.h"
#include "nn.h"
#include "rng.h"

void nn_init(nn_net *net, int side, int chans)
{
    memset(net, 0, sizeof *net);
    net->side = side;
    net->chans = chans;
    net->in_size = (size_t)side * side * chans;
}

/* The next layer's input shape is the last layer's output shape. */
static nn_layer *push(nn_net *net, nn_kind kind)
{
    SGDN_REQUIRE(net->nl < NN_MAX_LAYERS);
    nn_layer *L = &net->l[net->nl++];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    if (net->nl == 1) {
        L->ih = L->iw = net->side;
        L->ic = net->chans;
    } else {
        const nn_layer *P = L - 1;
        L->ih = P->oh, L->iw = P->ow, L->ic = P->oc;
    }
    L->in_size = (size_t)L->ih * L->iw * L->ic;
    L->oh = L->ih, L->ow = L->iw, L->oc = L->ic;
    return L;
}

static void finish(nn_net *net, nn_layer *L)
{
    L->out_size = (size_t)L->oh * L->ow * L->oc;
    L->woff = net->D;
    L->boff = net->D + L->nw;
    net->D += L->nw + L->nb;
}

void nn_add_conv(nn_net *net, int k, int cout, int pad)
{
    nn_layer *L = push(net, NN_CONV);
    L->k = k, L->pad = pad;
    L->oh = L->ih + 2 * pad - k + 1;
    L->ow = L->iw + 2 * pad - k + 1;
    L->oc = cout;
    L->nw = (size_t)cout * k * k * L->ic;
    L->nb = cout;
    finish(net, L);
}

void nn_add_maxpool(nn_net *net, int k)
{
    nn_layer *L = push(net, NN_MAXPOOL);
    L->k = k;
    L->oh = L->ih / k, L->ow = L->iw / k;
    finish(net, L);
}

void nn_add_relu(nn_net *net) { finish(net, push(net, NN_RELU)); }

static nn_layer *dense(nn_net *net, int out)
{
    nn_layer *L = push(net, NN_DENSE);
    L->ih = L->iw = 1;
    L->ic = (int)L->in_size;
    L->oh = L->ow = 1;
    L->oc = out;
    return L;
}

void nn_add_dense(nn_net *net, int out)
{
    nn_layer *L = dense(net, out);
    L->nw = (size_t)out * L->ic;
    L->nb = out;
    finish(net, L);
}

void nn_add_dense_fixed(nn_net *net, int out, const double *W)
{
    nn_layer *L = dense(net, out);
    L->fixed = W;
    finish(net, L);
}

void nn_add_clip(nn_net *net, double lo, double hi)
{
    nn_layer *L = push(net, NN_CLIP);
    L->lo = lo, L->hi = hi;
    finish(net, L);
}

void nn_set_loss(nn_net *net, nn_loss_kind loss, double smoothing)
{
    net->loss = loss;
    net->smoothing = smoothing;
    net->nout = (int)net->l[net->nl - 1].out_size;
    SGDN_REQUIRE(loss != NN_LOSS_CE || net->nout <= 64); /* nn_loss_hess's softmax buffer */
    SGDN_REQUIRE(loss != NN_LOSS_LOGISTIC || net->nout == 1);
}

void nn_zhu_cnn(nn_net *net)
{
    nn_init(net, 28, 1);
    nn_add_conv(net, 5, 10, 0);
    nn_add_maxpool(net, 2);
    nn_add_relu(net);
    nn_add_conv(net, 5, 10, 0);
    nn_add_maxpool(net, 2);
    nn_add_relu(net);
    nn_add_dense(net, 50);
    nn_add_relu(net);
    nn_add_dense(net, 10);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_lenet5(nn_net *net)
{
    nn_init(net, 28, 1);
    nn_add_conv(net, 5, 6, 2);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_conv(net, 5, 16, 0);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_dense(net, 120);
    nn_add_relu(net);
    nn_add_dense(net, 84);
    nn_add_relu(net);
    nn_add_dense(net, 10);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_cnn3(nn_net *net, int side, int pad, int c1, int c2, int c3)
{
    nn_init(net, side, 1);
    nn_add_conv(net, 3, c1, pad);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_conv(net, 3, c2, pad);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_conv(net, 3, c3, pad);
    nn_add_relu(net);
    nn_add_dense(net, 10);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_mlp(nn_net *net, int d, int nh, const int *w, int nout)
{
    nn_init(net, 1, d);
    for (int h = 0; h < nh; h++) {
        nn_add_dense(net, w[h]);
        nn_add_relu(net);
    }
    nn_add_dense(net, nout);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_init_params(const nn_net *net, double *theta, uint64_t seed, uint64_t stream)
{
    rng_stream r;
    rng_init(&r, seed, stream);
    for (int i = 0; i < net->nl; i++) {
        const nn_layer *L = &net->l[i];
        if (!L->nw)
            continue;
        double kk = L->kind == NN_CONV ? (double)L->k * L->k : 1.0;
        double a = sqrt(6.0 / (kk * L->ic + kk * L->oc));
        for (size_t j = 0; j < L->nw; j++)
            theta[L->woff + j] = a * (2.0 * rng_uniform(&r) - 1.0);
        memset(theta + L->boff, 0, L->nb * sizeof *theta);
    }
}

void nn_flops_forward(const nn_net *net, double *conv, double *dense_f)
{
    *conv = *dense_f = 0.0;
    for (int i = 0; i < net->nl; i++) {
        const nn_layer *L = &net->l[i];
        if (L->kind == NN_CONV)
            *conv += 2.0 * L->oh * L->ow * L->oc * (double)L->k * L->k * L->ic;
        if (L->kind == NN_DENSE)
            *dense_f += 2.0 * L->oc * (double)L->ic;
    }
}
