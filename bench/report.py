"""Turns bench/compare_cpu.sh's results.csv and meta.txt into the CPU part of docs/benchmarks.md. Each figure is
the best (lowest) of the rounds' medians. Keeps the hand-written blocks of the previous file (the CPU profile,
the main job's figures, the GPU section), each between <!-- NAME:begin ... --> and <!-- NAME:end --> markers.
Usage: report.py RESULTS_CSV META_TXT OUT_MD"""
import statistics
import sys
from collections import defaultdict

res_path, meta_path, out_path = sys.argv[1:4]
meta = dict(line.rstrip("\n").split("=", 1) for line in open(meta_path) if "=" in line)
best = defaultdict(lambda: float("inf"))
jit, train = [], {}
for line in open(res_path):
    row = line.strip().split(",")
    if len(row) < 8:
        continue
    lib, cell, size, phase = row[0], row[1], ",".join(row[2:6]), row[6]
    if cell == "train":
        train[lib] = dict(kv.split("=") for kv in row[6:])
    elif lib == "rnn4j-jit":
        jit.append((float(row[7]), int(row[9])))
    else:
        best[lib, cell, size, phase] = min(best[lib, cell, size, phase], float(row[7]))


def fmt(v):
    if v == float("inf"):
        return "n/a"
    return f"{v:.3g}" if v < 10 else f"{v:.1f}"


def ratio(a, b):
    return "n/a" if a == float("inf") or b == float("inf") else f"{a / b:.2f}"


sizes = sorted({k[2] for k in best if k[0] == "rnn4j" and k[3] == "fwdbwd"}, key=lambda s: [int(x) for x in s.split(",")])
serve = sorted({k[2] for k in best if k[3] == "infer"} - set(sizes))
out = []
w = out.append
w("# Benchmarks\n")
w(f"rnn4j's pure-Java CPU backend against PyTorch CPU (and ONNX Runtime for inference) from **one run** of "
  f"`{meta.get('command')}` on one machine. Every library runs float32 on {meta.get('threads')} threads (rnn4j: its "
  "CPU backend, JVM pinned to 2 processors; PyTorch: `torch.set_num_threads(2)`; ONNX Runtime: 2 intra-op "
  "threads). Rounds are interleaved (rnn4j, PyTorch, ONNX Runtime, rnn4j on JDK 25, rnn4j without the Vector "
  f"API module, then the next round); each figure is a median of {meta.get('repeats')} timed runs after warm-up, "
  f"and the tables keep the best median of the {meta.get('rounds')} rounds. rnn4j runs with "
  "`--add-modules jdk.incubator.vector` unless the column says otherwise. PyTorch runs `nn.RNN(nonlinearity='tanh')` "
  "/ `nn.LSTM` (batch_first) with gradients to x, h0 (c0) and the weights, inference under `no_grad`; ONNX Runtime "
  "runs the same modules exported with `torch.onnx` (outputs checked against PyTorch's). DL4J runs its `SimpleRnn` / "
  "`LSTM` layer (NCW input) on nd4j-native's oneDNN build with `OMP_NUM_THREADS=2`, in the first round only, the "
  "median of fewer runs (it is 10-60 times slower): forward in training mode then `backpropGradient`, and "
  "`output` for inference.\n")
w("## Machine and run\n")
w("| | |\n|---|---|")
for key, label in [("cpu", "CPU"), ("cores", "cores"), ("jdk17", "JDK 17"), ("jdk25", "JDK 25"), ("python", "Python"),
                   ("torch", "PyTorch"), ("torch_mkldnn", "PyTorch oneDNN (mkldnn)"), ("torch_parallel", "PyTorch threading"),
                   ("onnxruntime", "ONNX Runtime"), ("dl4j", "DL4J"), ("date", "date"), ("load_before", "load average (1, 5, 15 min) before"),
                   ("load_after", "load average after"), ("command", "command")]:
    if key in meta:
        w(f"| {label} | {meta[key]} |")
w("")
load = float(meta.get("load_before", "0").split()[0] or 0)
if load > float(meta.get("cores", "2")):
    w(f"**This run shared the machine with other processes** (load average {meta.get('load_before')} before, "
      f"{meta.get('load_after', 'n/a')} after, on {meta.get('cores')} cores). With more runnable threads than "
      "cores, every thread waits for a core, and libraries whose threads meet at a barrier many times per call "
      "lose the most: PyTorch's OpenMP threads far more than rnn4j's workers, whose caller takes over any part a "
      "descheduled worker has not started. The two-thread ratios below therefore say how each library copes with "
      "a loaded machine, not how they compare on an idle one; the one-thread CPU-time table compares the work.\n")
w("## Forward+backward, whole sequence (ms; 2 threads each)\n")
w("| cell | N,T,D,H | rnn4j | PyTorch | rnn4j ÷ PyTorch | rnn4j, JDK 25 | rnn4j without the module | DL4J | "
  "rnn4j ÷ DL4J |")
w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for cell in ("lstm", "rnn"):
    for s in sizes:
        a, t, j = best["rnn4j", cell, s, "fwdbwd"], best["torch", cell, s, "fwdbwd"], best["dl4j", cell, s, "fwdbwd"]
        if a == float("inf") and t == float("inf"):
            continue
        w(f"| {cell} | {s} | {fmt(a)} | {fmt(t)} | {ratio(a, t)} | {fmt(best['rnn4j-jdk25', cell, s, 'fwdbwd'])} | "
          f"{fmt(best['rnn4j-scalar', cell, s, 'fwdbwd'])} | {fmt(j)} | {ratio(a, j)} |")
w("\nrnn4j ÷ PyTorch below 1 means rnn4j is faster.\n")
w("## Inference (ms; the last rows: serving latency, batch 1)\n")
w("| cell | N,T,D,H | rnn4j | PyTorch (no_grad) | ONNX Runtime | rnn4j ÷ PyTorch | rnn4j ÷ ONNX Runtime | rnn4j, JDK 25 "
  "| DL4J |")
w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for cell in ("lstm", "rnn"):
    for s in sizes + serve:
        a, t, o = best["rnn4j", cell, s, "infer"], best["torch", cell, s, "infer"], best["onnxruntime", cell, s, "infer"]
        if a == float("inf") and t == float("inf"):
            continue
        w(f"| {cell} | {s} | {fmt(a)} | {fmt(t)} | {fmt(o)} | {ratio(a, t)} | {ratio(a, o)} | "
          f"{fmt(best['rnn4j-jdk25', cell, s, 'infer'])} | {fmt(best['dl4j', cell, s, 'infer'])} |")
w("")
cpu1 = sorted({k[2] for k in best if k[0] == "rnn4j-cpu1"}, key=lambda s: [int(x) for x in s.split(",")])
if cpu1:
    w("## One thread, CPU time (the work per call, whatever else runs on the machine)\n")
    w("rnn4j with `-XX:ActiveProcessorCount=1 -Dclock=cpu` (one thread, its CPU time), PyTorch with "
      "`torch.set_num_threads(1)` timed by `time.thread_time()` (bench/torch_cputime.py), interleaved; LSTM "
      "forward+backward, and inference for the batch-1 row. On a machine that other processes load, this is the "
      "comparison of the work each library does; the two-thread tables above also measure how each library's "
      "threads cope with the load.\n")
    w("| N,T,D,H | phase | rnn4j ms | PyTorch ms | rnn4j ÷ PyTorch |")
    w("|---|---|---:|---:|---:|")
    for s_ in cpu1:
        for ph in ("fwdbwd", "infer"):
            a, t = best["rnn4j-cpu1", "lstm", s_, ph], best["torch-cpu1", "lstm", s_, ph]
            if a != float("inf"):
                w(f"| {s_} | {ph} | {fmt(a)} | {fmt(t)} | {ratio(a, t)} |")
    w("")
if jit:
    ms = [m for m, _ in jit]
    slow = sum(1 for _, b in jit if b > 1024)
    w(f"## The same shape in {len(jit)} fresh JVMs\n")
    w(f"LSTM forward+backward at N,T,D,H = {meta.get('main', '32,64,32,256')} (the main job's shape), one fresh JVM "
      "each (`BenchMain jit`), and the heap bytes the pointwise steps allocate per call after warm-up: near 0 when "
      "C2 compiled every Vector API call, kilobytes when some stayed on the API's Java fallback.\n")
    w("| JVMs | best ms | median ms | worst ms | JVMs with pointwise allocation > 1 KiB per call |")
    w("|---:|---:|---:|---:|---:|")
    w(f"| {len(jit)} | {fmt(min(ms))} | {fmt(statistics.median(ms))} | {fmt(max(ms))} | {slow} |")
    w("\nEach JVM's figures: " + ", ".join(f"{m:.1f} ms / {b} B" for m, b in jit) + ".\n")
if train:
    w("## Training the character model: `rnn4j train` and the same model in PyTorch\n")
    w("Embedding 32 → LSTM 256 → affine, 32 streams × 64 characters per step, Adam 3e-3, global-norm clipping 5, "
      "the embedded corpus with the last 5% held out; `rnn4j train --backend cpu` (JVM pinned to 2 processors, "
      "periodic validation and checkpoints off so that only training steps are timed) and `bench/train_torch.py` "
      "(2 threads; the same initialisation scales, other random draws). chars/s = steps × 32 × 64 ÷ training seconds.\n")
    w("| | steps | chars/s | final training loss | final validation loss (nats/char) | seconds |")
    w("|---|---:|---:|---:|---:|---:|")
    for lib, label in (("rnn4j", "rnn4j train"), ("torch", "PyTorch (train_torch.py)")):
        if lib in train:
            d = train[lib]
            w(f"| {label} | {d['steps']} | {d['chars_per_s']} | {d['train_loss']} | {d['val_loss']} | {d['seconds']} |")
    if "rnn4j" in train and "torch" in train:
        w(f"\nrnn4j ÷ PyTorch in chars/s: {float(train['rnn4j']['chars_per_s']) / float(train['torch']['chars_per_s']):.2f}.\n")

kept = ""
try:
    prev = open(out_path).read()
    for name in ("cpu-profile", "main-job", "gpu-report"):
        i, j = prev.find("<!-- " + name + ":begin"), prev.find("<!-- " + name + ":end -->")
        if i >= 0 and j > i:
            kept += "\n" + prev[i:j + len("<!-- " + name + ":end -->")] + "\n"
except FileNotFoundError:
    pass
with open(out_path, "w") as f:
    f.write("\n".join(out) + kept)
print(f"wrote {out_path}")
