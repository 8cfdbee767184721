#!/usr/bin/python3
"""Golden cases for the language-model layers (org.rnn4j.nn.Layers).

A numpy port of the course material's word_embedding_forward/backward, temporal_affine_forward/backward and
temporal_softmax_loss, in float64, cross-checked against PyTorch autograd in float64 (independent
implementation: F.embedding, matmul, F.cross_entropy). Inputs are rounded to float32 first (that is what the
Java side computes with), the references are computed from those rounded values in float64.

Writes src/test/resources/golden-layers/<case>/<name>.npy: inputs as float32 (indices as float32 integers),
references as float64. Run with the Debian python (numpy + torch): /usr/bin/python3 tools/golden/make_layer_golden.py
"""
import os
import shutil

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'test', 'resources', 'golden-layers')
rng = np.random.default_rng(20240604)


def f32(a):
    """Round to float32, back to float64 for the reference."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


# ---------------------------------------------------------------- numpy port (float64)

def word_embedding_forward(x, W):
    return W[x]


def word_embedding_backward(dout, x, V):
    dW = np.zeros((V, dout.shape[2]))
    np.add.at(dW, x, dout)          # repeated indices accumulate
    return dW


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    return x.reshape(N * T, D).dot(w).reshape(N, T, M) + b


def temporal_affine_backward(dout, x, w):
    N, T, D = x.shape
    M = w.shape[1]
    dx = dout.reshape(N * T, M).dot(w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T.dot(dout.reshape(N * T, M))
    db = dout.sum(axis=(0, 1))
    return dx, dw, db


def temporal_softmax_loss(x, y, mask):
    """Loss summed over unmasked positions and divided by N (the course's convention)."""
    N, T, V = x.shape
    xf, yf, mf = x.reshape(N * T, V), y.reshape(N * T), mask.reshape(N * T)
    probs = np.exp(xf - xf.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.sum(mf * np.log(probs[np.arange(N * T), yf])) / N
    dx = probs.copy()
    dx[np.arange(N * T), yf] -= 1
    dx /= N
    dx *= mf[:, None]
    return loss, dx.reshape(N, T, V)


# ---------------------------------------------------------------- PyTorch cross-check

def t(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def check(name, ours, theirs):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    err = np.max(np.abs(ours - theirs)) / max(1e-300, np.max(np.abs(theirs)))
    assert err < 1e-12, f'{name}: numpy port and PyTorch differ by {err}'


def embedding_case(name, N, T, V, D):
    x = rng.integers(0, V, size=(N, T))
    W = f32(rng.standard_normal((V, D)))
    dout = f32(rng.standard_normal((N, T, D)))
    out = word_embedding_forward(x, W)
    dW = word_embedding_backward(dout, x, V)
    Wt = t(W, True)
    ot = F.embedding(torch.tensor(x), Wt)
    ot.backward(t(dout))
    check(name + ' out', out, ot)
    check(name + ' dW', dW, Wt.grad)
    save(name, idx=(x, np.float32), W=(W, np.float32), dout=(dout, np.float32), out=(out, np.float64), dW=(dW, np.float64))


def affine_case(name, N, T, D, M):
    x = f32(rng.standard_normal((N, T, D)))
    w = f32(rng.standard_normal((D, M)) * 0.5)
    b = f32(rng.standard_normal(M))
    dout = f32(rng.standard_normal((N, T, M)))
    out = temporal_affine_forward(x, w, b)
    dx, dw, db = temporal_affine_backward(dout, x, w)
    xt, wt, bt = t(x, True), t(w, True), t(b, True)
    ot = xt @ wt + bt
    ot.backward(t(dout))
    for n, a, b2 in (('out', out, ot), ('dx', dx, xt.grad), ('dW', dw, wt.grad), ('db', db, bt.grad)):
        check(name + ' ' + n, a, b2)
    save(name, x=(x, np.float32), W=(w, np.float32), b=(b, np.float32), dout=(dout, np.float32),
         out=(out, np.float64), dx=(dx, np.float64), dW=(dw, np.float64), db=(db, np.float64))


def softmax_case(name, N, T, V, scale, mask_p):
    x = f32(rng.standard_normal((N, T, V)) * scale)
    y = rng.integers(0, V, size=(N, T))
    mask = (rng.random((N, T)) < mask_p).astype(np.float64)
    mask.flat[0] = 1.0   # at least one position counts, so the loss is not trivially zero
    loss, dx = temporal_softmax_loss(x, y, mask)
    xt = t(x, True)
    per = F.cross_entropy(xt.reshape(N * T, V), torch.tensor(y.reshape(N * T)), reduction='none')
    lt = (per * t(mask.reshape(N * T))).sum() / N
    lt.backward()
    check(name + ' loss', np.array(loss), lt)
    check(name + ' dscores', dx, xt.grad)
    save(name, scores=(x, np.float32), y=(y, np.float32), mask=(mask, np.float32),
         loss=(np.array([loss]), np.float64), dscores=(dx, np.float64))


def save(case, **arrays):
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    for k, (a, dt) in arrays.items():
        np.save(os.path.join(d, k + '.npy'), np.ascontiguousarray(np.asarray(a).astype(dt)))


if __name__ == '__main__':
    shutil.rmtree(OUT, ignore_errors=True)
    embedding_case('embedding_1x1_v1_d1', 1, 1, 1, 1)
    embedding_case('embedding_2x3_v5_d4', 2, 3, 5, 4)
    embedding_case('embedding_4x7_v3_d17_repeats', 4, 7, 3, 17)   # V=3: every row of dW sums many positions
    embedding_case('embedding_3x9_v65_d33', 3, 9, 65, 33)
    affine_case('affine_1x1_d1_m1', 1, 1, 1, 1)
    affine_case('affine_2x3_d4_m5', 2, 3, 4, 5)
    affine_case('affine_3x9_d33_m17', 3, 9, 33, 17)
    softmax_case('softmax_1x1_v1', 1, 1, 1, 1.0, 1.0)
    softmax_case('softmax_2x3_v5_nomask', 2, 3, 5, 1.0, 1.0)
    softmax_case('softmax_4x8_v65_mask', 4, 8, 65, 2.0, 0.6)
    softmax_case('softmax_3x5_v7_large_scores', 3, 5, 7, 30.0, 0.8)   # exp would overflow without the max shift
    print('wrote', sorted(os.listdir(OUT)))
