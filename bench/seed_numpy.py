"""The seed notebook's RNN/LSTM ported to numpy, float32, its bugs fixed (np.tanh(t) -> np.tanh(affine),
xrange -> range, a sigmoid, h0 no longer parked in h[:, -1]); sequence LSTM loops written like the seed's RNN ones.
Prints CSV lines lib,cell,N,T,D,H,phase,median_ms,repeats. Usage: seed_numpy.py REPEATS N,T,D,H ..."""
import sys

import numpy as np

from timing import median_ms

F = np.float32


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    affine = np.dot(x, Wx) + np.dot(prev_h, Wh) + b.T
    next_h = np.tanh(affine)
    return next_h, (x, prev_h.copy(), Wx, Wh, next_h, affine)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h, affine = cache
    dt = (1 - np.square(np.tanh(affine))) * dnext_h
    db = np.sum(dt, axis=0)
    dWh = prev_h.T.dot(dt)
    dprev_h = Wh.dot(dt.T).T
    dx = dt.dot(Wx.T)
    dWx = x.T.dot(dt)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=F)
    cache, prev = [], h0
    for t in range(T):
        h[:, t, :], c = rnn_step_forward(x[:, t, :], prev, Wx, Wh, b)
        prev = h[:, t, :]
        cache.append(c)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx, dprev_h = np.zeros((N, T, D), dtype=F), np.zeros((N, H), dtype=F)
    dWx, dWh, db = np.zeros((D, H), dtype=F), np.zeros((H, H), dtype=F), np.zeros((H,), dtype=F)
    dh = dh.copy()
    for t in reversed(range(T)):
        dh[:, t, :] += dprev_h
        dx_, dprev_h, dWx_, dWh_, db_ = rnn_step_backward(dh[:, t, :], cache[t])
        dx[:, t, :] += dx_
        dWx += dWx_
        dWh += dWh_
        db += db_
    return dx, dprev_h, dWx, dWh, db


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_c.shape
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b.T
    a_i, a_f, a_o = sigmoid(a[:, 0:H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    a_g = np.tanh(a[:, 3 * H:4 * H])
    next_c = a_f * prev_c + a_i * a_g
    next_h = a_o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h.copy(), prev_c.copy(), a, a_i, a_f, a_o, a_g, next_h, next_c, Wx, Wh)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, a, a_i, a_f, a_o, a_g, next_h, next_c, Wx, Wh = cache
    N, H = dnext_h.shape
    da = np.zeros(a.shape, dtype=a.dtype)
    dnext_c = dnext_c.copy()
    dnext_c += dnext_h * a_o * (1 - np.tanh(next_c) ** 2)
    da_o = np.tanh(next_c) * dnext_h
    da_f, dprev_c, da_i, da_g = dnext_c * prev_c, dnext_c * a_f, dnext_c * a_g, dnext_c * a_i
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


def lstm_forward(x, h0, c0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=F)
    cache, prev_h, prev_c = [], h0, c0
    for t in range(T):
        prev_h, prev_c, c = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(c)
    return h, prev_c, cache


def lstm_backward(dh, dcT, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx, dprev_h, dprev_c = np.zeros((N, T, D), dtype=F), np.zeros((N, H), dtype=F), dcT.copy()
    dWx, dWh, db = np.zeros((D, 4 * H), dtype=F), np.zeros((H, 4 * H), dtype=F), np.zeros((4 * H,), dtype=F)
    for t in reversed(range(T)):
        dx_, dprev_h, dprev_c, dWx_, dWh_, db_ = lstm_step_backward(dh[:, t, :] + dprev_h, dprev_c, cache[t])
        dx[:, t, :] = dx_
        dWx += dWx_
        dWh += dWh_
        db += db_
    return dx, dprev_h, dprev_c, dWx, dWh, db


def bench(cell, N, T, D, H, repeats):
    r = np.random.default_rng(42)
    G = 4 * H if cell == "lstm" else H
    u = lambda *s, scale=1.0: (r.uniform(-scale, scale, s)).astype(F)
    x, h0, c0 = u(N, T, D), u(N, H), u(N, H)
    Wx, Wh, b = u(D, G, scale=D ** -0.5), u(H, G, scale=H ** -0.5), u(G, scale=0.1)
    dh, dcT = u(N, T, H), u(N, H)
    if cell == "lstm":
        fwd = lambda: lstm_forward(x, h0, c0, Wx, Wh, b)
        _, _, cache = fwd()
        bwd = lambda: lstm_backward(dh, dcT, cache)
        fb = lambda: lstm_backward(dh, dcT, fwd()[2])
        assert fwd()[0].dtype == F and bwd()[3].dtype == F, "the port must stay float32"
    else:
        fwd = lambda: rnn_forward(x, h0, Wx, Wh, b)
        _, cache = fwd()
        bwd = lambda: rnn_backward(dh, cache)
        fb = lambda: rnn_backward(dh, fwd()[1])
        assert fwd()[0].dtype == F and bwd()[2].dtype == F, "the port must stay float32"
    for phase, fn in (("fwd", fwd), ("bwd", bwd), ("fwdbwd", fb)):
        print(f"numpy-seed,{cell},{N},{T},{D},{H},{phase},{median_ms(fn, repeats):.4f},{repeats}", flush=True)


if __name__ == "__main__":
    reps = int(sys.argv[1])
    for size in sys.argv[2:]:
        N, T, D, H = map(int, size.split(","))
        for cell in ("rnn", "lstm"):
            bench(cell, N, T, D, H, reps)
