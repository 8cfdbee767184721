"""FORMAT TEST of bench/gpu_report.py (and cudnn_lstm.py's pure helpers) on FABRICATED JSON: every number here is
made up to check the arithmetic and layout of the merged table; none of it is a measurement. Not part of CI.

  /usr/bin/python3 -m unittest discover -s bench -p 'test_*.py'
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_report  # noqa: E402

FLOP = "GEMM FLOPs only (fabricated)"


def ours(rows, **extra):
    d = {"schema": "rnn4j-bench/1", "fabricated": True, "backend": "cuda", "device": "NVIDIA H200 (device 0)",
         "timing": "CUDA events", "warmup": 3, "repeats": 11, "flop_formula": FLOP,
         "peak": {"n": 8192, "gflops": 2000.0, "what": "cuBLAS SGEMM (fabricated)"}, "copy": {"gbps": 4000.0},
         "results": rows}
    d.update(extra)
    return d


def theirs(rows, **extra):
    d = {"schema": "cudnn-bench/1", "fabricated": True, "backend": "cuda", "device": "NVIDIA H200",
         "torch": "0.0-fabricated", "cuda": "0", "cudnn": 0, "cudnn_rnn_op_seen": True,
         "tf32": {"matmul": False, "cudnn": False}, "timing": "torch.cuda.Event", "warmup": 3, "repeats": 11,
         "backward": "fabricated", "peak": {"n": 8192, "gflops": 1900.0}, "copy": {"gbps": 3900.0}, "results": rows}
    d.update(extra)
    return d


def row(cell, n, fwd_ms, bwd_ms, flop=10**9, **extra):
    r = {"cell": cell, "N": n, "T": 25, "D": 512, "H": 512, "fwd_ms": fwd_ms, "bwd_ms": bwd_ms,
         "fwd_flop": flop, "bwd_flop": 2 * flop}
    r.update(extra)
    return r


def table_row(text, prefix):
    hits = [line for line in text.splitlines() if line.startswith(prefix)]
    if not hits:
        raise AssertionError(f"no line starting {prefix!r} in:\n{text}")
    return [c.strip() for c in hits[0].strip("|").split("|")]


class MergeFormatTest(unittest.TestCase):
    def test_ratios_gflops_and_peak_fraction(self):
        a = ours([row("lstm", 16, 2.0, 3.0, fwd_bytes=5e6, bwd_bytes=7e6, fwd_floor_ms=0.5, bwd_floor_ms=1.0)])
        b = theirs([row("lstm", 16, 1.0, 4.0)])
        text = gpu_report.report(a, b, "fabricated command")
        t = table_row(text, "| lstm | 16 | 25 | 512 | 512 | 2.00")
        # rnn4j fwd 2.00, cuDNN 1.00, ratio 2.00; bwd 3.00 vs 4.00 -> 0.75; total 5.00 vs 5.00 -> 1.00
        self.assertEqual(t[5:14], ["2.00", "1.00", "2.00", "3.00", "4.00", "0.75", "5.00", "5.00", "1.00"])
        e = table_row(text, "| lstm | 16 | 25 | 512 | 512 | 1 |")
        # 1 GFLOP in 2 ms = 500 GFLOP/s = 25.0 % of 2000; cuDNN 1 ms = 1000 = 50.0 %; bwd 2 GFLOP / 3 ms = 667 ...
        self.assertEqual(e[6:14], ["500", "25.0", "1000", "50.0", "667", "33.3", "500", "25.0"])
        self.assertEqual(e[14:16], ["5.0 / 7.0", "0.500 / 1.00"])
        self.assertIn("parity or better (fwd+bwd ratio ≤ 1.00) at 1 of 1 sizes", text)
        self.assertIn("`fabricated command`", text)

    def test_fabricated_inputs_carry_the_banner(self):
        text = gpu_report.report(ours([row("rnn", 16, 1.0, 1.0)]), theirs([row("rnn", 16, 1.0, 1.0)]))
        self.assertTrue(text.startswith("> **FORMAT TEST ON FABRICATED NUMBERS"), text)
        self.assertNotIn("SMOKE RUN", text)

    def test_cpu_smoke_inputs_carry_the_smoke_banner(self):
        text = gpu_report.report(ours([row("rnn", 4, 1.0, 1.0)], fabricated=False, backend="cpu"),
                                 theirs([row("rnn", 4, 1.0, 1.0)], fabricated=False, backend="cpu"))
        self.assertIn("SMOKE RUN, NOT GPU RESULTS", text)
        self.assertNotIn("FABRICATED", text)

    def test_a_run_cut_short_says_so(self):
        text = gpu_report.report(ours([row("lstm", 16, 1.0, 1.0)], complete=False), theirs([row("lstm", 16, 1.0, 1.0)]))
        self.assertIn("the rnn4j run stopped before its last size", text)
        self.assertNotIn("the cuDNN run stopped", text)

    def test_geometric_mean_per_cell(self):
        a = ours([row("lstm", 16, 4.0, 1.0), row("lstm", 64, 1.0, 1.0)])
        b = theirs([row("lstm", 16, 1.0, 1.0), row("lstm", 64, 4.0, 1.0)])
        text = gpu_report.report(a, b)
        self.assertIn("lstm: geometric-mean ratio fwd 1.00, bwd 1.00", text)  # sqrt(4 * 1/4) = 1

    def test_rows_missing_on_one_side_show_dashes(self):
        text = gpu_report.report(ours([row("lstm", 16, 2.0, 3.0)]), theirs([row("rnn", 64, 1.0, 1.0)]))
        self.assertEqual(table_row(text, "| lstm | 16 |")[6:8], ["-", "-"])
        self.assertEqual(table_row(text, "| rnn | 64 |")[5], "-")

    def test_device_mismatch_and_flop_mismatch_warn(self):
        text = gpu_report.report(ours([row("lstm", 16, 1.0, 1.0)]),
                                 theirs([row("lstm", 16, 1.0, 1.0, flop=123)], device="NVIDIA A100"))
        self.assertIn("name different devices", text)
        self.assertIn("count different FLOPs", text)

    def test_main_reads_files_checks_schema_and_writes_out(self):
        with tempfile.TemporaryDirectory() as d:
            p1, p2, out = (os.path.join(d, n) for n in ("r.json", "c.json", "report.md"))
            for path, data in ((p1, ours([row("lstm", 16, 2.0, 3.0)])), (p2, theirs([row("lstm", 16, 1.0, 4.0)]))):
                with open(path, "w") as f:
                    json.dump(data, f)
            shown = io.StringIO()
            with contextlib.redirect_stdout(shown):
                gpu_report.main([p1, p2, "--out", out])
            with open(out) as f:
                written = f.read()
            self.assertEqual(shown.getvalue(), written)
            self.assertIn("| lstm | 16 | 25 | 512 | 512 | 2.00 | 1.00 | 2.00 |", written)
            with self.assertRaises(SystemExit):
                gpu_report.main([p2, p1])  # swapped: each has the other's schema


class UpdateDocTest(unittest.TestCase):
    def test_appends_then_replaces_the_marked_block_only(self):
        doc = "# Benchmarks\n\nCPU table\n"
        once = gpu_report.update_doc(doc, "## GPU\nfirst\n")
        self.assertTrue(once.startswith(doc.rstrip("\n")))
        self.assertIn(gpu_report.BEGIN + "\n## GPU\nfirst\n" + gpu_report.END, once)
        twice = gpu_report.update_doc(once + "after\n", "## GPU\nsecond\n")
        self.assertNotIn("first", twice)
        self.assertEqual(twice.count(gpu_report.BEGIN), 1)
        self.assertTrue(twice.endswith(gpu_report.END + "\nafter\n"), twice)


class CudnnHelpersTest(unittest.TestCase):
    """cudnn_lstm.py's sizes and FLOP count must be GpuBenchmark's (CellCost.FLOP_FORMULA, GpuBenchmark.DEEPBENCH)."""

    @classmethod
    def setUpClass(cls):
        try:
            import cudnn_lstm
        except ImportError as e:  # torch missing on this Python
            raise unittest.SkipTest(f"cudnn_lstm needs torch: {e}")
        cls.m = cudnn_lstm

    def test_deepbench_sizes(self):
        self.assertEqual(len(self.m.DEEPBENCH), 9)
        self.assertEqual(self.m.DEEPBENCH[-1], (128, 25, 2048, 2048))
        self.assertEqual(self.m.parse_sizes("2,3,4,5;6,7,8,9"), [(2, 3, 4, 5), (6, 7, 8, 9)])

    def test_strict_fp32_uses_the_new_per_backend_api_where_it_exists(self):
        # A stand-in for torch.backends of PyTorch >= 2.9 (fp32_precision settings): every one must become "ieee"
        # and the legacy allow_tf32 flags must not be touched (mixing the two APIs is refused there).
        from types import SimpleNamespace as NS
        fake = NS(fp32_precision="tf32", cuda=NS(matmul=NS(fp32_precision="tf32")),
                  cudnn=NS(fp32_precision="tf32", rnn=NS(fp32_precision="tf32"), conv=NS(fp32_precision="tf32")))
        real = self.m.torch.backends
        self.m.torch.backends = fake
        try:
            got = self.m.strict_fp32()
        finally:
            self.m.torch.backends = real
        self.assertEqual((fake.fp32_precision, fake.cuda.matmul.fp32_precision, fake.cudnn.fp32_precision,
                          fake.cudnn.rnn.fp32_precision, fake.cudnn.conv.fp32_precision), ("ieee",) * 5)
        self.assertFalse(hasattr(fake.cuda.matmul, "allow_tf32") or hasattr(fake.cudnn, "allow_tf32"))
        self.assertEqual((got["tf32_matmul"], got["tf32_cudnn"]), (False, False))

    def test_flops_match_the_java_count(self):
        # CostCounterTest pins the same numbers on the Java side: 1677721600 and 214748364800.
        self.assertEqual(self.m.flops("lstm", 16, 25, 512, 512), (1677721600, 2 * 1677721600))
        self.assertEqual(self.m.flops("lstm", 128, 25, 2048, 2048)[0], 214748364800)
        self.assertEqual(self.m.flops("rnn", 16, 25, 512, 512)[0], 1677721600 // 4)


if __name__ == "__main__":
    unittest.main()
