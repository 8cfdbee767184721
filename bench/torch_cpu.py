"""PyTorch CPU nn.RNN (tanh) / nn.LSTM, float32, batch_first, torch.set_num_threads(THREADS): training forward,
backward (from an untimed forward), forward+backward, and inference under no_grad. Gradients flow to x, h0
(and c0) and the weights, like rnn4j's. CSV lines as seed_numpy.py. Usage: torch_cpu.py REPEATS THREADS N,T,D,H ...
Environment: PHASES (e.g. fwdbwd,infer or infer; default all four), CELLS (default rnn,lstm)."""
import sys
import time

import os

import torch

from timing import median_ms

PHASES = set(os.environ.get("PHASES", "fwd,bwd,fwdbwd,infer").split(","))
CELLS = os.environ.get("CELLS", "rnn,lstm").split(",")


def bench(cell, N, T, D, H, repeats):
    torch.manual_seed(42)
    mod = (torch.nn.LSTM(D, H, batch_first=True) if cell == "lstm"
           else torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True)).float()
    x = torch.empty(N, T, D).uniform_(-1, 1).requires_grad_()
    h0 = torch.empty(1, N, H).uniform_(-1, 1).requires_grad_()
    c0 = torch.empty(1, N, H).uniform_(-1, 1).requires_grad_()
    dh = torch.empty(N, T, H).uniform_(-1, 1)
    state = (h0, c0) if cell == "lstm" else h0

    def fwd():
        return mod(x, state)[0]

    holder = {}

    def prepare():
        holder["out"] = fwd()

    def bwd():
        holder["out"].backward(dh)

    def fb():
        fwd().backward(dh)

    def infer():
        with torch.no_grad():
            mod(x, state)

    if PHASES == {"infer"}:
        print(f"torch,{cell},{N},{T},{D},{H},infer,{median_ms(infer, repeats):.4f},{repeats}", flush=True)
        return
    if "fwd" in PHASES:
        print(f"torch,{cell},{N},{T},{D},{H},fwd,{median_ms(fwd, repeats):.4f},{repeats}", flush=True)
    if "bwd" not in PHASES:
        print(f"torch,{cell},{N},{T},{D},{H},fwdbwd,{median_ms(fb, repeats):.4f},{repeats}", flush=True)
        print(f"torch,{cell},{N},{T},{D},{H},infer,{median_ms(infer, repeats):.4f},{repeats}", flush=True)
        return
    # backward alone: each repeat needs a fresh graph, so an untimed forward precedes each timed backward
    for _ in range(3):
        prepare(); bwd()
    ts = []
    for _ in range(repeats):
        prepare()
        t0 = time.perf_counter(); bwd(); ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    print(f"torch,{cell},{N},{T},{D},{H},bwd,{ts[len(ts) // 2]:.4f},{repeats}", flush=True)
    print(f"torch,{cell},{N},{T},{D},{H},fwdbwd,{median_ms(fb, repeats):.4f},{repeats}", flush=True)
    print(f"torch,{cell},{N},{T},{D},{H},infer,{median_ms(infer, repeats):.4f},{repeats}", flush=True)


if __name__ == "__main__":
    reps, threads = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    for size in sys.argv[3:]:
        N, T, D, H = map(int, size.split(","))
        for cell in CELLS:
            bench(cell, N, T, D, H, reps)
