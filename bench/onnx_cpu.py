"""ONNX Runtime CPU inference of nn.RNN (tanh) / nn.LSTM exported with torch.onnx, float32, batch_first, with
intra_op_num_threads = THREADS (and inter-op 1): the same computation as rnn4j's rnnInference / lstmInference.
CSV lines as torch_cpu.py (phase "infer"). Usage: onnx_cpu.py REPEATS THREADS N,T,D,H ... (CELLS as torch_cpu.py)."""
import os
import sys
import tempfile

import warnings

import numpy as np
import onnxruntime as ort
import torch

from timing import median_ms

CELLS = os.environ.get("CELLS", "rnn,lstm").split(",")
warnings.filterwarnings("ignore")  # the exporter warns about batch sizes; the states are inputs here


def bench(cell, N, T, D, H, repeats, threads, tmp):
    torch.manual_seed(42)
    mod = (torch.nn.LSTM(D, H, batch_first=True) if cell == "lstm"
           else torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True)).float().eval()
    x = torch.empty(N, T, D).uniform_(-1, 1)
    h0 = torch.empty(1, N, H).uniform_(-1, 1)
    c0 = torch.empty(1, N, H).uniform_(-1, 1)
    args = (x, (h0, c0)) if cell == "lstm" else (x, h0)
    path = os.path.join(tmp, f"{cell}_{N}_{T}_{D}_{H}.onnx")
    names = ["x", "h0", "c0"] if cell == "lstm" else ["x", "h0"]
    torch.onnx.export(mod, args, path, input_names=names, output_names=["h"], opset_version=17, dynamo=False)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    feed = {"x": x.numpy(), "h0": h0.numpy()}
    if cell == "lstm":
        feed["c0"] = c0.numpy()
    with torch.no_grad():
        want = mod(*args)[0].numpy()
    got = sess.run(["h"], feed)[0]
    err = float(np.linalg.norm(got - want) / np.linalg.norm(want))
    if not err < 1e-4:
        raise SystemExit(f"onnxruntime {cell} {N},{T},{D},{H}: output differs from PyTorch's (relative error {err})")
    ms = median_ms(lambda: sess.run(["h"], feed), repeats)
    print(f"onnxruntime,{cell},{N},{T},{D},{H},infer,{ms:.4f},{repeats}", flush=True)


if __name__ == "__main__":
    reps, threads = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory() as tmp:
        for size in sys.argv[3:]:
            N, T, D, H = map(int, size.split(","))
            for cell in CELLS:
                bench(cell, N, T, D, H, reps, threads, tmp)
