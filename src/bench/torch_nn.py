#!/usr/bin/python3
"""torch_nn.py DIR — the PyTorch side of the engine benchmark.

bench_nn DIR wrote ZHU's CNN's images, labels, parameters theta (this
engine's layout), a direction v, its own loss, gradient, Hessian-vector
product, per-sample gradients, top Hessian eigenvalues and its one-thread CPU
times.  This script builds the same net in PyTorch on the same data and
theta, checks that it computes the same loss, gradient, H v and per-sample
gradients (to rounding; exits 1 if not), times the same passes in float64
and float32 on one thread (CPU seconds, the best of a few runs) and on two
threads (wall seconds), computes the top eigenvalues with SciPy's eigsh on
PyTorch HVPs, and prints TSV rows
    name  value  unit  reference  ratio
where ratio = PyTorch time / this engine's time (> 1: this engine faster).
"""
import sys
import time

import numpy as np
import scipy.sparse.linalg as sla
import torch
import torch.nn.functional as F
from functorch import grad as fgrad, vmap


def read(dirname, name, dtype):
    return np.fromfile(f"{dirname}/{name}", dtype=dtype)


def unflatten(theta):
    """This engine's theta -> the PyTorch tensors of ZHU's CNN.

    A convolution's kernel is Cout x (ky, kx, Cin) here, Cout x Cin x ky x kx
    there; a dense layer's weights are out x in in both, and the activations
    are flattened channels-last (see forward)."""
    shapes = [("conv", 10, 1), ("conv", 10, 10), ("fc", 50, 160), ("fc", 10, 50)]
    out, k = [], 0
    for kind, o, i in shapes:
        n = o * i * (25 if kind == "conv" else 1)
        w = theta[k:k + n]
        k += n
        w = w.reshape(o, 5, 5, i).permute(0, 3, 1, 2).contiguous() if kind == "conv" \
            else w.reshape(o, i)
        out += [w, theta[k:k + o]]
        k += o
    assert k == theta.numel()
    return out


def flatten(ts):
    """The inverse of unflatten (gradients back to this engine's layout)."""
    parts = []
    for t in ts:
        parts.append(t.permute(0, 2, 3, 1).reshape(-1) if t.dim() == 4 else t.reshape(-1))
    return torch.cat(parts)


def net(p, x):
    """conv 5x5x10 -> maxpool 2 -> ReLU -> conv 5x5x10 -> maxpool 2 -> ReLU
    -> fc 160->50 -> ReLU -> fc 50->10 (x: N x 1 x 28 x 28)."""
    w1, b1, w2, b2, w3, b3, w4, b4 = p
    h = F.relu(F.max_pool2d(F.conv2d(x, w1, b1), 2))
    h = F.relu(F.max_pool2d(F.conv2d(h, w2, b2), 2))
    h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # channels-last, as here
    return F.linear(F.relu(F.linear(h, w3, b3)), w4, b4)


def loss_fn(p, x, y):
    return F.cross_entropy(net(p, x), y)


def best_cpu(f, reps):
    """The least CPU seconds of reps calls (the machine is shared)."""
    best = float("inf")
    for _ in range(reps):
        t = time.process_time()
        f()
        best = min(best, time.process_time() - t)
    return best


def best_wall(f, reps):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def passes(theta_np, x_np, y_np, v_np, dtype):
    """Closures for the gradient, a prepared HVP (graph of the gradient kept,
    as this engine keeps its forward pass and deltas) and the per-sample
    gradients, on the data in dtype."""
    theta = torch.tensor(theta_np, dtype=dtype)
    p = [t.requires_grad_() for t in unflatten(theta)]
    x = torch.tensor(x_np, dtype=dtype).reshape(-1, 1, 28, 28)
    y = torch.tensor(y_np, dtype=torch.long)
    vs = [t.detach() for t in unflatten(torch.tensor(v_np, dtype=dtype))]

    def grad():
        return flatten(torch.autograd.grad(loss_fn(p, x, y), p))

    state = {}

    def prepare():
        state["g"] = torch.autograd.grad(loss_fn(p, x, y), p, create_graph=True)

    def hvp(vv=vs):
        dot = sum((gi * vi).sum() for gi, vi in zip(state["g"], vv))
        return flatten(torch.autograd.grad(dot, p, retain_graph=True))

    def one(pp, xi, yi):
        return loss_fn(pp, xi.unsqueeze(0), yi.unsqueeze(0))

    ps_fn = vmap(fgrad(one), in_dims=(None, 0, 0))

    def per_sample(n):
        with torch.no_grad():
            pd = [t.detach() for t in p]
        return ps_fn(pd, x[:n], y[:n])

    def loss():
        with torch.no_grad():
            return loss_fn(p, x, y).item()

    return grad, prepare, hvp, per_sample, loss, p


def rel(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def main():
    d = sys.argv[1]
    meta = {}
    for line in open(f"{d}/meta.txt"):
        k, v = line.split()
        meta[k] = float(v)
    n, D, k = int(meta["n"]), int(meta["D"]), int(meta["eig_k"])
    x, y = read(d, "x.f64", np.float64), read(d, "y.i32", np.int32)
    theta, v = read(d, "theta.f64", np.float64), read(d, "v.f64", np.float64)
    rows = []

    def row(name, value, unit, ref, ratio):
        rows.append(f"{name}\t{value}\t{unit}\t{ref}\t{ratio}")

    # --- the same numbers, float64 -----------------------------------------
    torch.set_num_threads(1)
    grad, prepare, hvp, per_sample, loss, p = passes(theta, x, y, v, torch.float64)
    L = loss()
    g = grad().numpy()
    prepare()
    hv = hvp().numpy()
    ps = flatten_rows(per_sample(8), 8)
    checks = {
        "loss": abs(L - meta["loss"]) / abs(meta["loss"]),
        "grad": rel(g, read(d, "grad.f64", np.float64)),
        "hvp": rel(hv, read(d, "hv.f64", np.float64)),
        "per_sample": rel(ps, read(d, "ps8.f64", np.float64).reshape(8, D)),
    }
    ok = True
    for name, r in checks.items():
        row(f"torch_agrees_{name}", f"{r:.2e}", "rel. diff.", "float64", "")
        ok &= r < 1e-10
    # --- one thread, CPU seconds --------------------------------------------
    ours = {"grad": meta["grad"], "hvp": meta["hvp"], "per_sample": meta["ps"]}
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        grad, prepare, hvp, per_sample, loss, p = passes(theta, x, y, v, dtype)
        prepare()
        t = {"grad": best_cpu(grad, 3), "hvp": best_cpu(hvp, 3),
             "per_sample": best_cpu(lambda: per_sample(int(meta["ps_n"])), 2)}
        for what, tt in t.items():
            row(f"torch_{tag}_{what}_1200_cpu1", f"{tt:.4f}", "s", f"this engine {ours[what]:.4f} s",
                f"{tt / ours[what]:.2f}")
        if tag == "f32" and "blas_auto_grad" in meta:  # the engine on OpenBLAS's own kernels
            for what in ("grad", "hvp"):
                ta = meta[f"blas_auto_{what}"]
                row(f"torch_f32_{what}_1200_cpu1_vs_blas_auto", f"{t[what]:.4f}", "s",
                    f"this engine {ta:.4f} s", f"{t[what] / ta:.2f}")
    # --- two threads, wall seconds (depends on the machine's load) ---------
    torch.set_num_threads(2)
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        grad, prepare, hvp, per_sample, loss, p = passes(theta, x, y, v, dtype)
        prepare()
        for what, f, ourt in (("grad", grad, meta["grad_wall2"]), ("hvp", hvp, meta["hvp_wall2"])):
            tt = best_wall(f, 5)
            row(f"torch_{tag}_{what}_1200_wall2", f"{tt:.4f}", "s", f"this engine {ourt:.4f} s",
                f"{tt / ourt:.2f}")
    # --- top eigenvalues: SciPy eigsh on PyTorch HVPs, one thread ----------
    torch.set_num_threads(1)
    grad, prepare, hvp, per_sample, loss, p = passes(theta, x, y, v, torch.float64)
    count = [0]

    def mv(u):
        count[0] += 1
        uu = unflatten(torch.tensor(np.ascontiguousarray(u).reshape(-1), dtype=torch.float64))
        return hvp(uu).numpy()

    t0 = time.process_time()
    prepare()
    lam = sla.eigsh(sla.LinearOperator((D, D), matvec=mv, dtype=np.float64), k=k, which="LA",
                    tol=1e-8, return_eigenvectors=False)
    t_eig = time.process_time() - t0
    lam = np.sort(lam)[::-1]
    ours_lam = read(d, "eig.f64", np.float64)
    diff = float(np.max(np.abs(lam - ours_lam)) / abs(ours_lam[0]))
    row(f"torch_eigsh_top{k}_cpu1", f"{t_eig:.3f}", "s",
        f"this engine {meta['lanczos']:.3f} s ({int(meta['eig_steps'])} Lanczos steps; eigsh {count[0]} HVPs)",
        f"{t_eig / meta['lanczos']:.2f}")
    row(f"torch_agrees_eig_top{k}", f"{diff:.2e}", "max. diff. / lambda1",
        f"lambda1 = {ours_lam[0]:.6g}", "")
    ok &= diff < 1e-6
    print("\n".join(rows))
    if not ok:
        print("torch_nn: error: PyTorch and this engine disagree (rows torch_agrees_*)", file=sys.stderr)
        sys.exit(1)


def flatten_rows(ps, m):
    """Per-sample gradients (a list of m x ... tensors) -> m x D in this
    engine's layout."""
    return np.stack([flatten([t[i] for t in ps]).detach().numpy() for i in range(m)])


if __name__ == "__main__":
    main()
