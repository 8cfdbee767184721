"""The GRU kinds of tools/golden/make_golden.py: a numpy port of PyTorch's documented GRU (gates r, z, n; biases
bx = bias_ih and bh = bias_hh, kept apart because r scales the hidden part of n with its bias) and the PyTorch
autograd check of it (torch.nn.GRUCell for the step cases, torch.nn.GRU with batch_first=True for the sequences).
rnn4j keeps Wx (D,3H) and Wh (H,3H), torch's weight_ih (3H,D) and weight_hh (3H,H) transposed, in the same block
order r, z, n, so nothing is reordered.
"""
import numpy as np
import torch


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    H = prev_h.shape[1]
    gi = x.dot(Wx) + bx
    gh = prev_h.dot(Wh) + bh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    hn = gh[:, 2 * H:]
    n = np.tanh(gi[:, 2 * H:] + r * hn)
    next_h = (1 - z) * n + z * prev_h
    return next_h, (x, prev_h.copy(), Wx, Wh, r, z, n, hn)


def gru_step_backward(dnext_h, cache):
    """Chain rule through the step, term by term: returns dx, dprev_h, dWx, dWh, dbx, dbh."""
    x, prev_h, Wx, Wh, r, z, n, hn = cache
    dn = dnext_h * (1 - z)
    dz = dnext_h * (prev_h - n)
    dprev_h = dnext_h * z
    da_n = dn * (1 - n ** 2)                 # n's pre-activation: gi_n + r * hn
    da_z = dz * z * (1 - z)
    dr = da_n * hn
    da_r = dr * r * (1 - r)
    dhn = da_n * r
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, dhn], axis=1)
    dx = dgi.dot(Wx.T)
    dprev_h = dprev_h + dgh.dot(Wh.T)
    return dx, dprev_h, x.T.dot(dgi), prev_h.T.dot(dgh), dgi.sum(axis=0), dgh.sum(axis=0)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=x.dtype)
    prev_h, cache = h0, []
    for t in range(T):
        h[:, t, :], step_cache = gru_step_forward(x[:, t, :], prev_h, Wx, Wh, bx, bh)
        prev_h = h[:, t, :]
        cache.append(step_cache)
    return h, cache


def gru_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D), dtype=dh.dtype)
    dWx, dWh = np.zeros((D, 3 * H), dtype=dh.dtype), np.zeros((H, 3 * H), dtype=dh.dtype)
    dbx, dbh = np.zeros(3 * H, dtype=dh.dtype), np.zeros(3 * H, dtype=dh.dtype)
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dprev_h, dWx, dWh, dbx, dbh


GRADS = ["dWx", "dWh", "dbx", "dbh"]


def numpy_gru_step(c):
    nh, cache = gru_step_forward(c["x"], c["prevH"], c["Wx"], c["Wh"], c["bx"], c["bh"])
    return dict(nextH=nh, **dict(zip(["dx", "dPrevH"] + GRADS, gru_step_backward(c["dNextH"], cache))))


def numpy_gru(c):
    h, cache = gru_forward(c["x"], c["h0"], c["Wx"], c["Wh"], c["bx"], c["bh"])
    return dict(h=h, **dict(zip(["dx", "dh0"] + GRADS, gru_backward(c["dh"], cache))))


def _t(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _np(t):
    return t.detach().numpy().copy()


def _load(module, c, sfx):
    """rnn4j's Wx (D,3H), Wh (H,3H), bx, bh (3H) into torch's weight_ih (3H,D), weight_hh (3H,H), bias_ih, bias_hh."""
    names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    values = [c["Wx"].T, c["Wh"].T, c["bx"], c["bh"]]
    with torch.no_grad():
        for name, v in zip(names, values):
            getattr(module, name + sfx).copy_(torch.from_numpy(np.ascontiguousarray(v)))
    return [getattr(module, name + sfx) for name in names]


def _grads(params):
    return dict(zip(GRADS, [_np(p.grad).T if p.grad.ndim == 2 else _np(p.grad) for p in params]))


def torch_gru_step(c):
    cell = torch.nn.GRUCell(c["x"].shape[1], c["prevH"].shape[1]).double()
    params = _load(cell, c, "")
    x, h = _t(c["x"]), _t(c["prevH"])
    nh = cell(x, h)
    (nh * torch.from_numpy(c["dNextH"])).sum().backward()
    return dict(nextH=_np(nh), dx=_np(x.grad), dPrevH=_np(h.grad), **_grads(params))


def torch_gru(c):
    gru = torch.nn.GRU(c["x"].shape[2], c["h0"].shape[1], batch_first=True).double()
    params = _load(gru, c, "_l0")
    x, h0 = _t(c["x"]), _t(c["h0"])
    h, _ = gru(x, h0.unsqueeze(0))
    (h * torch.from_numpy(c["dh"])).sum().backward()
    return dict(h=_np(h), dx=_np(x.grad), dh0=_np(h0.grad), **_grads(params))


KINDS = {"gru_step": (numpy_gru_step, torch_gru_step), "gru": (numpy_gru, torch_gru)}
