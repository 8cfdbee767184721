"""cuDNN's LSTM and RNN through PyTorch (torch.nn.LSTM / torch.nn.RNN(tanh)), float32 with TF32 OFF
(torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False; on PyTorch >= 2.9, which has
per-backend settings, fp32_precision = "ieee" for matmul, cuDNN and cuDNN's RNNs), at the sizes
GpuBenchmark times rnn4j at: forward and backward separately, torch.cuda.Event timing, warm-up, median of repeats.
Also measures PyTorch's own FP32 matmul peak (torch.mm n^3, TF32 off) and a device copy bandwidth as a cross-check
of GpuBenchmark's cuBLAS peak. Prints a Markdown table; --json writes everything for bench/gpu_report.py
(schema "cudnn-bench/1").

What is timed, to match GpuBenchmark (org.rnn4j.cuda.GpuBenchmark):
  - layout: batch_first=True, x (N,T,D) -> h (N,T,H), as rnn4j's API (cuDNN then transposes internally, as rnn4j does);
  - forward: a training forward, out = module(x, state)[0] with grad enabled (cuDNN keeps its reserve space, as
    rnn4j keeps its cache); state = (h0, c0) for the LSTM, h0 for the RNN; x, h0, c0 require grad;
  - backward: torch.autograd.grad(out, [x, h0, (c0), *weights], grad_outputs=dh) with one fixed upstream gradient
    dh (N,T,H): the gradients loss.backward() gives for loss = (out * dh).sum(), without accumulating into .grad.
    The forward is NOT in the backward time: each timed backward has its own forward run before it, outside the
    events, then a synchronize; only the backward call lies between the two events;
  - FLOPs: the same count as GpuBenchmark (GEMMs only): forward 2*T*N*G*(D+H), backward twice that, G = 4H or H.
PyTorch has two bias vectors (b_ih, b_hh) where rnn4j has one; their cost is negligible here.

Usage: cudnn_lstm.py [--device cuda|cpu] [--sizes deepbench|classic|small|N,T,D,H;...] [--cells lstm,rnn]
                     [--warmup 3] [--repeats 11] [--peak-n 8192] [--peak-repeats 7] [--json FILE]
Smoke test without a GPU: /usr/bin/python3 bench/cudnn_lstm.py --device cpu --sizes small --peak-n 256
"""
import argparse
import json
import os
import sys
import time

import torch

DEEPBENCH = [(n, 25, h, h) for h in (512, 1024, 2048) for n in (16, 64, 128)]
CLASSIC = [(32, 50, 128, 128), (64, 100, 256, 256), (128, 100, 512, 512), (64, 50, 1024, 1024)]
SMALL = [(4, 5, 16, 16), (8, 5, 32, 32)]
SCHEMA = "cudnn-bench/1"


def parse_sizes(v):
    named = {"deepbench": DEEPBENCH, "classic": CLASSIC, "small": SMALL}
    if v in named:
        return named[v]
    out = []
    for s in v.split(";"):
        p = [int(x) for x in s.split(",")]
        if len(p) != 4 or min(p) <= 0:
            raise argparse.ArgumentTypeError(f"--sizes: expected deepbench, classic, small or N,T,D,H;... but got {s}")
        out.append(tuple(p))
    return out


def flops(cell, N, T, D, H):
    """(forward, backward) GEMM FLOPs, the count GpuBenchmark uses (CellCost.FLOP_FORMULA)."""
    G = 4 * H if cell == "lstm" else H
    fwd = 2 * T * N * G * (D + H)
    return fwd, 2 * fwd


def make_timer(device):
    if device == "cuda":
        def timed(run):
            torch.cuda.synchronize()
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            result = run()
            stop.record()
            stop.synchronize()
            del result
            return start.elapsed_time(stop)
        return timed, "torch.cuda.Event on the current stream"

    def timed(run):
        t0 = time.perf_counter()
        result = run()
        ms = (time.perf_counter() - t0) * 1e3
        del result
        return ms
    return timed, "wall clock (time.perf_counter)"


def samples(timed, run, warmup, repeats, before=None):
    """warmup untimed calls, then repeats timed ones; before() (untimed) runs ahead of each call. Sorted ms."""
    for _ in range(warmup):
        if before:
            before()
        run()
    out = []
    for _ in range(repeats):
        if before:
            before()
        out.append(timed(run))
    return sorted(out)


def median(s):
    return s[len(s) // 2] if s else None


def ceilings(device, timed, n, warmup, repeats):
    if n == 0:
        return {"n": 0, "gflops": None, "median_ms": None, "samples_ms": []}, {"gbps": None, "samples_ms": []}
    g = torch.Generator(device="cpu").manual_seed(7)
    a = (torch.rand(n, n, generator=g) * 2 - 1).to(device)
    c = torch.empty_like(a)
    mm = samples(timed, lambda: torch.mm(a, a, out=c), warmup, repeats)
    cp = samples(timed, lambda: c.copy_(a), warmup, repeats)
    peak = {"n": n, "gflops": 2.0 * n ** 3 / median(mm) / 1e6, "median_ms": median(mm), "samples_ms": mm,
            "what": "torch.mm n^3 float32, TF32 off"}
    copy = {"floats": n * n, "gbps": 2.0 * 4 * n * n / median(cp) / 1e6, "median_ms": median(cp), "samples_ms": cp,
            "what": "tensor.copy_ on the device, bytes read + written"}
    del a, c
    return peak, copy


def bench(cell, size, device, timed, warmup, repeats):
    N, T, D, H = size
    torch.manual_seed(42)
    mod = (torch.nn.LSTM(D, H, batch_first=True) if cell == "lstm"
           else torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True)).to(device=device, dtype=torch.float32)
    u = lambda *shape: torch.empty(*shape, device=device).uniform_(-1, 1)  # noqa: E731
    x, h0, c0, dh = u(N, T, D).requires_grad_(), u(1, N, H).requires_grad_(), u(1, N, H).requires_grad_(), u(N, T, H)
    state = (h0, c0) if cell == "lstm" else h0
    inputs = [x, h0] + ([c0] if cell == "lstm" else []) + list(mod.parameters())

    fwd = samples(timed, lambda: mod(x, state)[0], warmup, repeats)
    held = {}

    def forward_untimed():
        held["out"] = mod(x, state)[0]
        if device == "cuda":
            torch.cuda.synchronize()

    bwd = samples(timed, lambda: torch.autograd.grad(held.pop("out"), inputs, grad_outputs=dh), warmup, repeats,
                  before=forward_untimed)
    f_fl, b_fl = flops(cell, N, T, D, H)
    return {"cell": cell, "N": N, "T": T, "D": D, "H": H, "fwd_ms": median(fwd), "bwd_ms": median(bwd),
            "fwd_flop": f_fl, "bwd_flop": b_fl, "fwd_gflops": f_fl / median(fwd) / 1e6,
            "bwd_gflops": b_fl / median(bwd) / 1e6, "fwd_samples_ms": fwd, "bwd_samples_ms": bwd}


def strict_fp32():
    """No TF32 in matmuls or in cuDNN (its RNNs included), so PyTorch does the float32 arithmetic rnn4j does.
    PyTorch 2.9 and later have per-backend fp32_precision settings (cudnn.rnn among them) and warn about, or refuse,
    mixing them with the legacy allow_tf32 flags; older versions have only the flags. Returns what was set, read
    back."""
    b = torch.backends
    if hasattr(b, "fp32_precision") and hasattr(b.cudnn, "rnn"):
        b.fp32_precision = "ieee"
        b.cuda.matmul.fp32_precision = "ieee"
        b.cudnn.fp32_precision = "ieee"
        b.cudnn.rnn.fp32_precision = "ieee"
        b.cudnn.conv.fp32_precision = "ieee"
        got = {"matmul": b.cuda.matmul.fp32_precision, "cudnn_rnn": b.cudnn.rnn.fp32_precision}
        return {"api": "torch.backends.*.fp32_precision = 'ieee'", **got,
                "tf32_matmul": got["matmul"] != "ieee", "tf32_cudnn": got["cudnn_rnn"] != "ieee"}
    b.cuda.matmul.allow_tf32 = False
    b.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    return {"api": "allow_tf32 = False (torch.backends.cuda.matmul, torch.backends.cudnn)",
            "float32_matmul_precision": torch.get_float32_matmul_precision(),
            "tf32_matmul": b.cuda.matmul.allow_tf32, "tf32_cudnn": b.cudnn.allow_tf32}


def cudnn_op_seen(device):
    """Whether a CUDA nn.LSTM forward really goes through cuDNN (aten::_cudnn_rnn in the profiler), not a fallback."""
    if device != "cuda":
        return None
    try:
        mod = torch.nn.LSTM(64, 64, batch_first=True).cuda()
        x = torch.randn(2, 3, 64, device="cuda")
        with torch.autograd.profiler.profile() as prof:
            mod(x)
            torch.cuda.synchronize()
        return any("cudnn_rnn" in e.key for e in prof.key_averages())
    except Exception as e:  # the check is a diagnostic: it must not cost the benchmark
        return f"unknown ({type(e).__name__}: {e})"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    p.add_argument("--sizes", type=parse_sizes, default=DEEPBENCH)
    p.add_argument("--cells", default="lstm,rnn")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeats", type=int, default=11)
    p.add_argument("--peak-n", type=int, default=8192)
    p.add_argument("--peak-repeats", type=int, default=7)
    p.add_argument("--json")
    a = p.parse_args(argv)
    cells = a.cells.split(",")
    if any(c not in ("lstm", "rnn") for c in cells) or a.repeats < 1 or a.warmup < 0:
        p.error(f"--cells takes lstm and/or rnn, --repeats >= 1, --warmup >= 0; got {a.cells}, {a.repeats}, {a.warmup}")
    if a.device == "cuda" and not torch.cuda.is_available():
        sys.exit("cudnn_lstm.py: --device cuda but torch.cuda.is_available() is False")

    precision = strict_fp32()
    timed, timing = make_timer(a.device)
    started = time.perf_counter()
    peak, copy = ceilings(a.device, timed, a.peak_n, a.warmup, a.peak_repeats)
    meta = {
        "schema": SCHEMA, "tool": "bench/cudnn_lstm.py", "backend": a.device,
        "device": torch.cuda.get_device_name() if a.device == "cuda" else f"cpu, {torch.get_num_threads()} threads",
        "torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
        "cudnn_enabled": torch.backends.cudnn.enabled, "cudnn_rnn_op_seen": cudnn_op_seen(a.device),
        "tf32": {"matmul": precision["tf32_matmul"], "cudnn": precision["tf32_cudnn"]}, "precision": precision,
        "timing": timing, "warmup": a.warmup, "repeats": a.repeats, "batch_first": True,
        "backward": "torch.autograd.grad(out, [x, h0, (c0), *weights], grad_outputs=dh); forward run untimed before "
                    "each timed backward",
        "peak": peak, "copy": copy, "wall_s": None, "complete": False, "results": [],
    }
    print_header(meta)
    for s in a.sizes:
        for cell in cells:
            r = bench(cell, s, a.device, timed, a.warmup, a.repeats)
            r["fwd_peak_frac"] = r["fwd_gflops"] / peak["gflops"] if peak["gflops"] else None
            r["bwd_peak_frac"] = r["bwd_gflops"] / peak["gflops"] if peak["gflops"] else None
            meta["results"].append(r)
            print_row(r)
            meta["wall_s"] = time.perf_counter() - started
            write_json(a.json, meta)  # after every row: a run stopped at its time limit keeps what it measured
    meta["complete"] = True
    meta["wall_s"] = time.perf_counter() - started
    write_json(a.json, meta)
    print(f"\ncudnn_lstm.py wall time: {meta['wall_s']:.1f} s", flush=True)
    return meta


def write_json(path, meta):
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(path + ".tmp", path)


def print_header(m):
    pk = m["peak"]
    print(f"## cuDNN via PyTorch ({m['backend']})\n")
    print(f"- device: {m['device']}; torch {m['torch']}, CUDA {m['cuda']}, cuDNN {m['cudnn']}, "
          f"cuDNN RNN op seen: {m['cudnn_rnn_op_seen']}")
    print(f"- TF32: matmul {m['tf32']['matmul']}, cudnn {m['tf32']['cudnn']} (set through {m['precision']['api']})")
    print(f"- timing: {m['timing']}; {m['warmup']} warm-up calls, median of {m['repeats']}; backward: {m['backward']}")
    if pk["gflops"]:
        print(f"- FP32 matmul peak, measured: {pk['gflops']:.0f} GFLOP/s (torch.mm {pk['n']}^3, TF32 off); "
              f"copy {m['copy']['gbps']:.0f} GB/s")
    print()
    print("| cell | N | T | D | H | fwd ms | bwd ms | fwd GFLOP/s | bwd GFLOP/s | fwd % peak | bwd % peak |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)


def print_row(r):
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}"  # noqa: E731
    print(f"| {r['cell']} | {r['N']} | {r['T']} | {r['D']} | {r['H']} | {r['fwd_ms']:.3f} | {r['bwd_ms']:.3f} | "
          f"{r['fwd_gflops']:.0f} | {r['bwd_gflops']:.0f} | {pct(r['fwd_peak_frac'])} | {pct(r['bwd_peak_frac'])} |",
          flush=True)


if __name__ == "__main__":
    main()
