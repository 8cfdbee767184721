"""Merges GpuBenchmark's JSON (rnn4j on CUDA, schema rnn4j-bench/1) and bench/cudnn_lstm.py's JSON (cuDNN through
PyTorch, schema cudnn-bench/1) from one run on one GPU into the Markdown section for docs/benchmarks.md:
rnn4j vs cuDNN ms, their ratio, GFLOP/s and % of the FP32 SGEMM peak measured in the same run.

  usage: gpu_report.py RNN4J.json CUDNN.json [--out FILE] [--command TEXT] [--update-doc docs/benchmarks.md]

--update-doc puts the section into that file between the markers BEGIN and END below (replacing what was there,
or appending it); bench/report.py, which rewrites docs/benchmarks.md from a CPU run, carries that block over.

ratio = rnn4j ms / cuDNN ms: below 1 rnn4j is faster. Both sides get the same FLOP count (GEMMs only, from
GpuBenchmark's JSON), and both % columns divide by the same peak: the cuBLAS SGEMM GpuBenchmark measured through
rnn4j's backend (PyTorch's own torch.mm peak is shown beside it as a cross-check). Inputs marked "fabricated"
(the format test) or run on a CPU (the smoke test) put a banner on top that says these are not GPU results.
"""
import argparse
import json
import math
import sys


BEGIN = "<!-- gpu-report:begin (written by bench/gpu_report.py; bench/report.py keeps it) -->"
END = "<!-- gpu-report:end -->"


def update_doc(doc_text, section):
    """doc_text with the marked GPU block replaced by section (or appended when there is none)."""
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    i, j = doc_text.find(BEGIN), doc_text.find(END)
    if i >= 0 and j > i:
        return doc_text[:i] + block + doc_text[j + len(END):].lstrip("\n")
    return doc_text.rstrip("\n") + "\n\n" + block


def load(path, schema):
    with open(path) as f:
        d = json.load(f)
    if d.get("schema") != schema:
        raise SystemExit(f"gpu_report.py: {path} has schema {d.get('schema')!r}, expected {schema!r}")
    return d


def key(r):
    return (r["cell"], r["N"], r["T"], r["D"], r["H"])


def ratio(a, b):
    return a / b if a is not None and b else None


def geomean(vs):
    vs = [v for v in vs if v]
    return math.exp(sum(math.log(v) for v in vs) / len(vs)) if vs else None


def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.1f}" if v >= 100 else f"{v:.2f}" if v >= 1 else f"{v:.3f}"


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def pct(v):
    return "-" if v is None else f"{100 * v:.1f}"


def banners(ours, theirs):
    out = []
    if ours.get("fabricated") or theirs.get("fabricated"):
        out.append("> **FORMAT TEST ON FABRICATED NUMBERS: NOT RESULTS.** Nothing below was measured.")
    if ours.get("backend") != "cuda" or theirs.get("backend") != "cuda":
        out.append(f"> **SMOKE RUN, NOT GPU RESULTS:** rnn4j ran on `{ours.get('backend')}`, PyTorch on "
                   f"`{theirs.get('backend')}`; the numbers only show that the pipeline works.")
    for who, d in (("rnn4j", ours), ("cuDNN", theirs)):
        if d.get("complete") is False:
            out.append(f"> **Cut short:** the {who} run stopped before its last size (time limit?); "
                       f"only the {len(d['results'])} rows it finished are here.")
    name = theirs.get("device") or ""
    if ours.get("backend") == "cuda" and theirs.get("backend") == "cuda" and name not in (ours.get("device") or ""):
        out.append(f"> **Warning:** the two runs name different devices: rnn4j `{ours.get('device')}`, "
                   f"PyTorch `{name}`.")
    return out


def report(ours, theirs, command=None):
    peak = (ours.get("peak") or {}).get("gflops")
    tpeak = (theirs.get("peak") or {}).get("gflops")
    mine = {key(r): r for r in ours["results"]}
    cud = {key(r): r for r in theirs["results"]}
    keys = list(mine) + [k for k in cud if k not in mine]
    lines = banners(ours, theirs)
    if lines:
        lines.append("")
    w = lines.append
    w("## rnn4j CUDA vs cuDNN (PyTorch), FP32, one run on one GPU")
    w("")
    if command:
        w(f"- command: `{command}`")
    w(f"- GPU: {ours.get('device')} (rnn4j) / {theirs.get('device')} (PyTorch)")
    w(f"- rnn4j: {ours.get('timing')}, {ours.get('warmup')} warm-up calls, median of {ours.get('repeats')}; "
      "backward from one kept forward cache")
    w(f"- cuDNN: torch {theirs.get('torch')}, CUDA {theirs.get('cuda')}, cuDNN {theirs.get('cudnn')} "
      f"(cuDNN RNN op seen: {theirs.get('cudnn_rnn_op_seen')}); TF32 matmul {theirs['tf32']['matmul']}, "
      f"cudnn {theirs['tf32']['cudnn']}; {theirs.get('timing')}, {theirs.get('warmup')} warm-up calls, median of "
      f"{theirs.get('repeats')}; batch_first; backward = {theirs.get('backward')}")
    pk = ours.get("peak") or {}
    w(f"- FP32 SGEMM peak, measured in this run: {fmt(peak, '.0f')} GFLOP/s ({pk.get('what')}, n = {pk.get('n')}); "
      f"cross-check torch.mm: {fmt(tpeak, '.0f')} GFLOP/s. Both % peak columns divide by the first.")
    w(f"- device copy bandwidth, measured: {fmt((ours.get('copy') or {}).get('gbps'), '.0f')} GB/s (rnn4j), "
      f"{fmt((theirs.get('copy') or {}).get('gbps'), '.0f')} GB/s (PyTorch)")
    w(f"- FLOP: {ours.get('flop_formula')}")
    w("- ratio = rnn4j ms ÷ cuDNN ms (below 1: rnn4j faster); fwd+bwd = sum of the two medians")
    w("")
    w("| cell | N | T | D | H | rnn4j fwd ms | cuDNN fwd ms | fwd ratio | rnn4j bwd ms | cuDNN bwd ms | bwd ratio "
      "| rnn4j fwd+bwd ms | cuDNN fwd+bwd ms | fwd+bwd ratio |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    per_cell = {}
    for k in keys:
        a, b = mine.get(k, {}), cud.get(k, {})
        af, ab, bf, bb = a.get("fwd_ms"), a.get("bwd_ms"), b.get("fwd_ms"), b.get("bwd_ms")
        at = af + ab if af is not None and ab is not None else None
        bt = bf + bb if bf is not None and bb is not None else None
        rs = (ratio(af, bf), ratio(ab, bb), ratio(at, bt))
        per_cell.setdefault(k[0], []).append(rs)
        w(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {k[4]} | {fmt_ms(af)} | {fmt_ms(bf)} | {fmt(rs[0], '.2f')} | "
          f"{fmt_ms(ab)} | {fmt_ms(bb)} | {fmt(rs[1], '.2f')} | {fmt_ms(at)} | {fmt_ms(bt)} | {fmt(rs[2], '.2f')} |")
    w("")
    for cell, rs in per_cell.items():
        tot = [r[2] for r in rs if r[2] is not None]
        w(f"- {cell}: geometric-mean ratio fwd {fmt(geomean([r[0] for r in rs]), '.2f')}, bwd "
          f"{fmt(geomean([r[1] for r in rs]), '.2f')}, fwd+bwd {fmt(geomean(tot), '.2f')}; parity or better "
          f"(fwd+bwd ratio ≤ 1.00) at {sum(1 for v in tot if v <= 1.0)} of {len(tot)} sizes")
    w("")
    w("| cell | N | T | D | H | fwd GFLOP | rnn4j fwd GFLOP/s | % peak | cuDNN fwd GFLOP/s | % peak | "
      "rnn4j bwd GFLOP/s | % peak | cuDNN bwd GFLOP/s | % peak | rnn4j non-GEMM MB fwd / bwd | rnn4j floor ms fwd / bwd |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in keys:
        a, b = mine.get(k, {}), cud.get(k, {})
        ff, bf_ = a.get("fwd_flop") or b.get("fwd_flop"), a.get("bwd_flop") or b.get("bwd_flop")
        g = lambda fl, ms: fl / ms / 1e6 if fl and ms else None  # noqa: E731
        vals = [g(ff, a.get("fwd_ms")), g(ff, b.get("fwd_ms")), g(bf_, a.get("bwd_ms")), g(bf_, b.get("bwd_ms"))]
        cols = " | ".join(f"{fmt(v, '.0f')} | {pct(v / peak if v and peak else None)}" for v in vals)
        mb = (f"{a['fwd_bytes'] / 1e6:.1f} / {a['bwd_bytes'] / 1e6:.1f}" if "fwd_bytes" in a else "-")
        floor = (f"{fmt_ms(a.get('fwd_floor_ms'))} / {fmt_ms(a.get('bwd_floor_ms'))}" if a else "-")
        w(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {k[4]} | {fmt(ff / 1e9 if ff else None, '.3g')} | {cols} | {mb} | "
          f"{floor} |")
    mism = [k for k in keys if k in mine and k in cud and mine[k].get("fwd_flop") != cud[k].get("fwd_flop")]
    if mism:
        w("")
        w(f"> **Warning:** the two JSONs count different FLOPs for {mism}; the table uses rnn4j's count.")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("rnn4j_json")
    p.add_argument("cudnn_json")
    p.add_argument("--out")
    p.add_argument("--command")
    p.add_argument("--update-doc")
    a = p.parse_args(argv)
    text = report(load(a.rnn4j_json, "rnn4j-bench/1"), load(a.cudnn_json, "cudnn-bench/1"), a.command)
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    if a.update_doc:
        with open(a.update_doc) as f:
            doc = f.read()
        with open(a.update_doc, "w") as f:
            f.write(update_doc(doc, text))


if __name__ == "__main__":
    main()
