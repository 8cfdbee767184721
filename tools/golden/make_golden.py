#!/usr/bin/python3
"""Golden cases for rnn4j: the seed notebook ported to numpy (float64, bugs fixed), checked against PyTorch.

What it does
  1. Ports the seed notebook's rnn_step_forward/backward, rnn_forward/backward, lstm_step_forward/backward to
     numpy, with the seed's bugs fixed (see README "How the seed's bugs were resolved"), and adds
     lstm_forward/backward, which the seed does not have, as the same step functions chained over time.
  2. Recomputes every forward and backward of every case with PyTorch autograd in float64
     (torch.nn.RNNCell/LSTMCell for the step cases, torch.nn.RNN(nonlinearity='tanh')/torch.nn.LSTM with
     batch_first=True for the sequence cases) and stops with a non-zero exit status if any array differs from
     numpy's by more than 1e-10 relative norm error. Torch orders LSTM gates i,f,g,o and keeps weights as
     (4H, D); rnn4j orders them i,f,o,g and keeps Wx (D, 4H): the weights are transposed and their gate
     blocks reordered, and torch's second bias (bias_hh) is set to zero so that bias_ih is b.
  The GRU kinds (gru_step, gru) come from gru_golden.py: a numpy port of PyTorch's GRU, checked the same way
     against torch.nn.GRUCell/GRU, with two biases bx (bias_ih) and bh (bias_hh) and no reordering.
  3. Writes each case as .npy files (float64, C order) under src/test/resources/golden/<case>/ and the list
     of cases in src/test/resources/golden/index.txt. Inputs are drawn in float64, then rounded to float32
     values (still stored as float64) so that the Java tests feed the float32 backend exactly the inputs the
     references were computed from.

Regenerate (needs numpy and torch; on the project's machines they are installed for /usr/bin/python3 or python3):
    /usr/bin/python3 tools/golden/make_golden.py
Another numpy build (BLAS) can change the last bits of the float64 results; the inputs stay the same.
Seeds are fixed, so a rerun rewrites the same bytes; `git status` shows whether anything changed. Each run
deletes and rewrites the whole golden directory. Run from anywhere: paths are relative to this file.
"""
import os
import shutil
import sys

import numpy as np
import torch

import gru_golden

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "src", "test", "resources", "golden")
TORCH_TOL = 1e-10
# A case is kept only if the same numpy code run in float32 stays within this of float64 on every result:
# an unlucky draw (say a cell state that cancels to 1e-5) would otherwise fail the Java float32 check at 1e-5
# through ill-conditioning, not through a bug. Ten times below the Java tolerance leaves room for a backend's
# different float32 rounding order.
FP32_SCREEN = 1e-6
MAX_DRAWS = 50


# ----------------------------------------------------------------------------- the seed, ported and fixed

def sigmoid(x):
    # The seed calls sigmoid without defining it. This form never overflows: exp of a non-positive number.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    affine = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(affine)          # the seed had np.tanh(t) with t undefined
    cache = (x, prev_h.copy(), Wx, Wh, next_h, affine)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    # As in the seed: gradient of tanh, then of the sum block, then of the two products.
    (x, prev_h, Wx, Wh, next_h, affine) = cache
    dt = (1 - np.square(np.tanh(affine))) * dnext_h
    dxWx = dt
    dphWh = dt
    db = np.sum(dt, axis=0)
    dWh = prev_h.T.dot(dphWh)
    dprev_h = Wh.dot(dphWh.T).T
    dx = dxWx.dot(Wx.T)
    dWx = x.T.dot(dxWx)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=x.dtype)
    prev_h = h0                        # the seed parked h0 in h[:, -1] and relied on it being overwritten last
    cache = []
    for t in range(T):                 # the seed used Python 2's xrange
        h[:, t, :], step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        prev_h = h[:, t, :]
        cache.append(step_cache)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx, dprev_h = np.zeros((N, T, D), dtype=dh.dtype), np.zeros((N, H), dtype=dh.dtype)
    dWx, dWh, db = np.zeros((D, H), dtype=dh.dtype), np.zeros((H, H), dtype=dh.dtype), np.zeros((H,), dtype=dh.dtype)
    dh = dh.copy()
    for t in reversed(range(T)):
        dh[:, t, :] += dprev_h
        dx_, dprev_h, dWx_, dWh_, db_ = rnn_step_backward(dh[:, t, :], cache[t])
        dx[:, t, :] += dx_
        dWx += dWx_
        dWh += dWh_
        db += db_
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_c.shape
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    a_i = sigmoid(a[:, 0:H])
    a_f = sigmoid(a[:, H:2 * H])
    a_o = sigmoid(a[:, 2 * H:3 * H])
    a_g = np.tanh(a[:, 3 * H:4 * H])
    next_c = a_f * prev_c + a_i * a_g
    next_h = a_o * np.tanh(next_c)
    cache = (x, prev_h.copy(), prev_c.copy(), a, a_i, a_f, a_o, a_g, next_h, next_c, Wx, Wh)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    # As in the seed, step by step; dnext_c is copied so the caller's array is not modified.
    (x, prev_h, prev_c, a, a_i, a_f, a_o, a_g, next_h, next_c, Wx, Wh) = cache
    N, H = dnext_h.shape
    da = np.zeros(a.shape, dtype=a.dtype)
    dnext_c = dnext_c.copy()
    dnext_c += dnext_h * a_o * (1 - np.tanh(next_c) ** 2)
    da_o = np.tanh(next_c) * dnext_h
    da_f = dnext_c * prev_c
    dprev_c = dnext_c * a_f
    da_i = dnext_c * a_g
    da_g = dnext_c * a_i
    da[:, 3 * H:4 * H] = (1 - np.square(a_g)) * da_g
    da[:, 2 * H:3 * H] = (1 - a_o) * a_o * da_o
    da[:, H:2 * H] = (1 - a_f) * a_f * da_f
    da[:, 0:H] = (1 - a_i) * a_i * da_i
    db = np.sum(da, axis=0)
    dx = da.dot(Wx.T)
    dWx = x.T.dot(da)
    dprev_h = da.dot(Wh.T)
    dWh = prev_h.T.dot(da)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b, c0=None):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=x.dtype)
    prev_h, prev_c = h0, np.zeros((N, H), dtype=x.dtype) if c0 is None else c0
    cache = []
    for t in range(T):
        h[:, t, :], prev_c, step_cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        prev_h = h[:, t, :]
        cache.append(step_cache)
    return h, prev_c, cache


def lstm_backward(dh, cache, dcT=None):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D), dtype=dh.dtype)
    dWx, dWh, db = np.zeros((D, 4 * H), dtype=dh.dtype), np.zeros((H, 4 * H), dtype=dh.dtype), np.zeros(4 * H, dtype=dh.dtype)
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    dprev_c = np.zeros((N, H), dtype=dh.dtype) if dcT is None else dcT.copy()
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dprev_h, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dprev_c, dWx, dWh, db


# ----------------------------------------------------------------------------- PyTorch, the independent check

def _t(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _np(t):
    return t.detach().numpy().copy()


# rnn4j's gate blocks along 4H are i,f,o,g; torch's are i,f,g,o. TORCH_ORDER[k] is the rnn4j column that
# lands in torch's k-th block, and the same permutation maps torch's gradients back.
def _gate_perm(H):
    i, f, o, g = (np.arange(k * H, (k + 1) * H) for k in range(4))
    return np.concatenate([i, f, g, o])


def _load(module, Wx, Wh, b, perm=None):
    """Copies rnn4j's Wx (D,G), Wh (H,G), b (G) into a torch module as weight_ih (G,D), weight_hh (G,H)."""
    cols = slice(None) if perm is None else perm
    sfx = "" if isinstance(module, (torch.nn.RNNCell, torch.nn.LSTMCell)) else "_l0"
    with torch.no_grad():
        getattr(module, "weight_ih" + sfx).copy_(torch.from_numpy(Wx[:, cols].T.copy()))
        getattr(module, "weight_hh" + sfx).copy_(torch.from_numpy(Wh[:, cols].T.copy()))
        getattr(module, "bias_ih" + sfx).copy_(torch.from_numpy(b[cols].copy()))
        getattr(module, "bias_hh" + sfx).zero_()   # one bias only: b
    return (getattr(module, "weight_ih" + sfx), getattr(module, "weight_hh" + sfx), getattr(module, "bias_ih" + sfx))


def _unload(grads, perm=None):
    """Torch's (G,D), (G,H), (G) gradients back to rnn4j's (D,G), (H,G), (G) in rnn4j's gate order."""
    out = []
    for gr in grads:
        a = _np(gr)
        a = a.T if a.ndim == 2 else a
        if perm is not None:
            back = np.empty_like(a)
            back[..., perm] = a
            a = back
        out.append(a)
    return out


def torch_rnn_step(c):
    cell = torch.nn.RNNCell(c["x"].shape[1], c["prevH"].shape[1], nonlinearity="tanh").double()
    params = _load(cell, c["Wx"], c["Wh"], c["b"])
    x, h = _t(c["x"]), _t(c["prevH"])
    nh = cell(x, h)
    (nh * torch.from_numpy(c["dNextH"])).sum().backward()
    return dict(nextH=_np(nh), dx=_np(x.grad), dPrevH=_np(h.grad),
                **dict(zip(["dWx", "dWh", "db"], _unload([p.grad for p in params]))))


def torch_rnn(c):
    rnn = torch.nn.RNN(c["x"].shape[2], c["h0"].shape[1], nonlinearity="tanh", batch_first=True).double()
    params = _load(rnn, c["Wx"], c["Wh"], c["b"])
    x, h0 = _t(c["x"]), _t(c["h0"])
    h, _ = rnn(x, h0.unsqueeze(0))
    (h * torch.from_numpy(c["dh"])).sum().backward()
    return dict(h=_np(h), dx=_np(x.grad), dh0=_np(h0.grad),
                **dict(zip(["dWx", "dWh", "db"], _unload([p.grad for p in params]))))


def torch_lstm_step(c):
    H = c["prevH"].shape[1]
    perm = _gate_perm(H)
    cell = torch.nn.LSTMCell(c["x"].shape[1], H).double()
    params = _load(cell, c["Wx"], c["Wh"], c["b"], perm)
    x, h, cc = _t(c["x"]), _t(c["prevH"]), _t(c["prevC"])
    nh, nc = cell(x, (h, cc))
    ((nh * torch.from_numpy(c["dNextH"])).sum() + (nc * torch.from_numpy(c["dNextC"])).sum()).backward()
    return dict(nextH=_np(nh), nextC=_np(nc), dx=_np(x.grad), dPrevH=_np(h.grad), dPrevC=_np(cc.grad),
                **dict(zip(["dWx", "dWh", "db"], _unload([p.grad for p in params], perm))))


def torch_lstm(c):
    N, T, D = c["x"].shape
    H = c["h0"].shape[1]
    perm = _gate_perm(H)
    lstm = torch.nn.LSTM(D, H, batch_first=True).double()
    params = _load(lstm, c["Wx"], c["Wh"], c["b"], perm)
    x, h0 = _t(c["x"]), _t(c["h0"])
    c0 = _t(c["c0"] if "c0" in c else np.zeros((N, H)))
    h, (_, cT) = lstm(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
    loss = (h * torch.from_numpy(c["dh"])).sum()
    if "dcT" in c:
        loss = loss + (cT[0] * torch.from_numpy(c["dcT"])).sum()
    loss.backward()
    return dict(h=_np(h), cT=_np(cT[0]), dx=_np(x.grad), dh0=_np(h0.grad), dc0=_np(c0.grad),
                **dict(zip(["dWx", "dWh", "db"], _unload([p.grad for p in params], perm))))


# ----------------------------------------------------------------------------- the numpy side of each kind

def numpy_rnn_step(c):
    nh, cache = rnn_step_forward(c["x"], c["prevH"], c["Wx"], c["Wh"], c["b"])
    return dict(nextH=nh, **dict(zip(["dx", "dPrevH", "dWx", "dWh", "db"], rnn_step_backward(c["dNextH"], cache))))


def numpy_rnn(c):
    h, cache = rnn_forward(c["x"], c["h0"], c["Wx"], c["Wh"], c["b"])
    return dict(h=h, **dict(zip(["dx", "dh0", "dWx", "dWh", "db"], rnn_backward(c["dh"], cache))))


def numpy_lstm_step(c):
    nh, nc, cache = lstm_step_forward(c["x"], c["prevH"], c["prevC"], c["Wx"], c["Wh"], c["b"])
    grads = lstm_step_backward(c["dNextH"], c["dNextC"], cache)
    return dict(nextH=nh, nextC=nc, **dict(zip(["dx", "dPrevH", "dPrevC", "dWx", "dWh", "db"], grads)))


def numpy_lstm(c):
    h, cT, cache = lstm_forward(c["x"], c["h0"], c["Wx"], c["Wh"], c["b"], c.get("c0"))
    grads = lstm_backward(c["dh"], cache, c.get("dcT"))
    return dict(h=h, cT=cT, **dict(zip(["dx", "dh0", "dc0", "dWx", "dWh", "db"], grads)))


KINDS = {"rnn_step": (numpy_rnn_step, torch_rnn_step), "rnn": (numpy_rnn, torch_rnn),
         "lstm_step": (numpy_lstm_step, torch_lstm_step), "lstm": (numpy_lstm, torch_lstm), **gru_golden.KINDS}


# ----------------------------------------------------------------------------- the cases

def f32(a):
    """Rounds to float32 values and back: the Java backend then sees exactly these inputs."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_inputs(rng, kind, N, T, D, H, c0=True, dcT=True, saturate=False):
    """Fresh uniform inputs. saturate: pre-activations of about two units in three pushed to +-20 (mixed with
    unsaturated ones, so that every gradient keeps a part that float32 can resolve)."""
    G = 4 * H if kind.startswith("lstm") else 3 * H if kind.startswith("gru") else H
    w = 0.05 if saturate else 0.5
    b = rng.uniform(-0.5, 0.5, G)
    if saturate:
        b = b + np.where(rng.uniform(size=G) < 2 / 3, rng.choice([-20.0, 20.0], G), 0.0)
    c = {"Wx": f32(rng.uniform(-w, w, (D, G))), "Wh": f32(rng.uniform(-w, w, (H, G))), "b": f32(b)}
    if kind.startswith("gru"):  # two biases: the one drawn above (saturating, when asked) is bias_ih
        c["bx"] = c.pop("b")
        c["bh"] = f32(rng.uniform(-0.5, 0.5, G))
    step = kind.endswith("_step")
    state = ["prevH", "prevC"] if step else ["h0", "c0"]
    c["x"] = f32(rng.uniform(-1, 1, (N, D) if step else (N, T, D)))
    c[state[0]] = f32(rng.uniform(-1, 1, (N, H)))
    if kind.startswith("lstm") and (step or c0):
        c[state[1]] = f32(rng.uniform(-1, 1, (N, H)))
    if step:
        c["dNextH"] = f32(rng.uniform(-1, 1, (N, H)))
        if kind == "lstm_step":
            c["dNextC"] = f32(rng.uniform(-1, 1, (N, H)))
    else:
        c["dh"] = f32(rng.uniform(-1, 1, (N, T, H)))
        if kind == "lstm" and dcT:
            c["dcT"] = f32(rng.uniform(-1, 1, (N, H)))
    return c


# name, kind, N, T, D, H, options. T is 1 for the step kinds. Every kind has a 1x1x1x1 case, an odd-sized
# case (D=33, H=17) and a saturated case; the sequence kinds a long one (T=70); the LSTM sequence cases carry
# non-zero c0 and dcT except lstm_default_c0, which leaves both out (the Java test passes null: zeros).
CASES = [
    ("rnn_step_tiny", "rnn_step", 1, 1, 1, 1, {}),
    ("rnn_step_odd", "rnn_step", 3, 1, 33, 17, {}),
    ("rnn_step_saturated", "rnn_step", 4, 1, 6, 9, {"saturate": True}),
    ("rnn_tiny", "rnn", 1, 1, 1, 1, {}),
    ("rnn_odd", "rnn", 3, 5, 33, 17, {}),
    ("rnn_long", "rnn", 2, 70, 5, 7, {}),
    ("rnn_saturated", "rnn", 3, 6, 5, 8, {"saturate": True}),
    ("lstm_step_tiny", "lstm_step", 1, 1, 1, 1, {}),
    ("lstm_step_odd", "lstm_step", 3, 1, 33, 17, {}),
    ("lstm_step_saturated", "lstm_step", 4, 1, 6, 9, {"saturate": True}),
    ("lstm_tiny", "lstm", 1, 1, 1, 1, {}),
    ("lstm_odd", "lstm", 3, 5, 33, 17, {}),
    ("lstm_long", "lstm", 2, 70, 5, 7, {}),
    ("lstm_saturated", "lstm", 3, 6, 5, 8, {"saturate": True}),
    ("lstm_default_c0", "lstm", 2, 4, 3, 5, {"c0": False, "dcT": False}),
    ("gru_step_tiny", "gru_step", 1, 1, 1, 1, {}),
    ("gru_step_odd", "gru_step", 3, 1, 33, 17, {}),
    ("gru_step_saturated", "gru_step", 4, 1, 6, 9, {"saturate": True}),
    ("gru_tiny", "gru", 1, 1, 1, 1, {}),
    ("gru_odd", "gru", 3, 5, 33, 17, {}),
    ("gru_long", "gru", 2, 70, 5, 7, {}),
    ("gru_saturated", "gru", 3, 6, 5, 8, {"saturate": True}),
]


def rel_err(a, ref):
    a, ref = np.asarray(a, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if a.shape != ref.shape:
        return np.inf
    den = np.linalg.norm(ref)
    num = np.linalg.norm(a - ref)
    return num / den if den > 0 else num


def float32_error(c, kind):
    """Worst relative error of the numpy port run in float32 against float64, over every result."""
    ref = KINDS[kind][0](c)
    low = KINDS[kind][0]({k: v.astype(np.float32) for k, v in c.items()})
    assert all(v.dtype == np.float32 for v in low.values()), "the float32 screen ran in float64"
    return max(rel_err(low[k], ref[k]) for k in ref)


def draw(seed, kind, N, T, D, H, opts):
    """The first draw from seed's stream that float32 can resolve (see FP32_SCREEN); fails after MAX_DRAWS."""
    rng = np.random.default_rng(seed)
    for attempt in range(MAX_DRAWS):
        c = make_inputs(rng, kind, N, T, D, H, **opts)
        e = float32_error(c, kind)
        if e <= FP32_SCREEN:
            return c, attempt, e
    sys.exit(f"FAIL seed {seed}: no draw of {kind} N={N} T={T} D={D} H={H} is well-conditioned in float32")


def saturation(c, kind):
    """Fraction of pre-activations with |a| >= 15 (first step only: enough to show the case saturates). For the
    GRU, a = x·Wx + bx + h·Wh + bh (exact for r and z; for n, r scales the small hidden part)."""
    x = c["x"] if kind.endswith("_step") else c["x"][:, 0, :]
    h = c["prevH"] if kind.endswith("_step") else c["h0"]
    a = x.dot(c["Wx"]) + h.dot(c["Wh"]) + (c["bx"] + c["bh"] if kind.startswith("gru") else c["b"])
    return float(np.mean(np.abs(a) >= 15))


def main():
    torch.set_grad_enabled(True)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    index = ["# Golden cases written by tools/golden/make_golden.py; do not edit by hand.",
             "# name kind N T D H: float64 .npy files in <name>/, named as the Java API names them."]
    worst = 0.0
    for seed, (name, kind, N, T, D, H, opts) in enumerate(CASES):
        c, redraws, e32 = draw(20240 + seed, kind, N, T, D, H, opts)
        ours, theirs = KINDS[kind][0](c), KINDS[kind][1](c)
        assert set(ours) == set(theirs), (name, sorted(ours), sorted(theirs))
        for k in sorted(ours):
            e = rel_err(theirs[k], ours[k])
            worst = max(worst, e)
            if not e <= TORCH_TOL:
                sys.exit(f"FAIL {name}: {k} numpy vs torch relative error {e:.3e} > {TORCH_TOL:g}")
            if not np.all(np.isfinite(ours[k])) or not np.any(ours[k] != 0):
                sys.exit(f"FAIL {name}: {k} is not finite or is all zeros")
        if opts.get("saturate") and saturation(c, kind) < 0.5:
            sys.exit(f"FAIL {name}: only {saturation(c, kind):.2f} of the pre-activations saturate")
        os.makedirs(os.path.join(OUT, name))
        for k, v in list(c.items()) + list(ours.items()):
            np.save(os.path.join(OUT, name, k + ".npy"), np.ascontiguousarray(v, dtype=np.float64))
        index.append(f"{name} {kind} {N} {T} {D} {H}")
        print(f"{name:22s} {kind:9s} N={N} T={T} D={D} H={H}: {len(ours)} results agree with torch; "
              f"float32 numpy error {e32:.1e} ({redraws} ill-conditioned draws skipped)")
    with open(os.path.join(OUT, "index.txt"), "w") as f:
        f.write("\n".join(index) + "\n")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"{len(CASES)} cases, worst numpy-vs-torch relative error {worst:.2e}, {size / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    main()
