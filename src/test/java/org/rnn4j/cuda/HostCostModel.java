package org.rnn4j.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.Backend;
import org.rnn4j.Lstm;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.extension.Extension;

/**
 * The cost of one LSTM sequence forward and backward on the CUDA backend, per operation: driver and cuBLAS calls
 * counted from the real host code on a {@link DryDeviceApi} (steady state: the second forward+backward, after the
 * first has filled the block cache), GEMM FLOPs and non-GEMM bytes from {@link CellCost}, and a predicted H200 time
 * from the model below. A model, not a measurement: bench/gpu-check.sh measures the same sizes with CUDA events
 * and cuDNN beside them, and its table replaces this one wherever it exists.
 *
 * <p>Model: host time = sum of calls × per-call cost (JCuda marshalling plus the driver call: {@link #LAUNCH_US} per
 * kernel launch, {@link #SGEMM_US} per cublasSgemm, {@link #OTHER_US} per copy or memset, {@link #GRAPH_US} per
 * cuGraphLaunch (the whole time loop), {@link #MALLOC_US} per
 * cuMemAlloc, {@link #FREE_US} per cuMemFree, {@link #CURRENT_US} per cuCtxSetCurrent); device time = GEMM FLOPs at
 * {@link #SGEMM_TFLOPS} (FP32 without tensor cores; at least {@link #MIN_GEMM_US} each) plus non-GEMM bytes at
 * {@link #HBM_TBS} (at least {@link #MIN_KERNEL_US} a launch). Host and device overlap (the host queues ahead), so
 * the operation takes max(host, device) plus {@link #SYNC_US} per synchronisation or cuMemFree (each drains the
 * device before the host goes on). The floor is the device time of the FLOPs and bytes alone with no per-launch
 * minimum: what a fused persistent implementation such as cuDNN's can approach, not a cuDNN measurement.
 *
 * <p>Usage: HostCostModel [--label after] [--tsv FILE] [--compare LABEL=FILE]... [--add-current-per-call]
 * [--no-graphs];
 * prints Markdown; each --compare adds a column of predicted µs from another run's --tsv.
 */
public final class HostCostModel {
    static final double LAUNCH_US = 4, SGEMM_US = 6, OTHER_US = 4, GRAPH_US = 8, MALLOC_US = 20, FREE_US = 20,
            CURRENT_US = 0.5,
            SYNC_US = 10;
    static final double SGEMM_TFLOPS = 40, HBM_TBS = 4.0, MIN_GEMM_US = 4, MIN_KERNEL_US = 2;

    private HostCostModel() {}

    /** Host calls of one steady-state forward and backward, and the work they queue. */
    record OpCost(DryDeviceApi.HostCalls fwd, DryDeviceApi.HostCalls bwd, CellCost work) {}

    static OpCost count(int n, int t, int d, int h, boolean currentPerCall, boolean graphs) {
        DryDeviceApi dry = new DryDeviceApi();
        Compute c = new CudaCompute(dry, graphs);
        try (Backend be = Extension.backend(c, "dry");
             Tensor x = Extension.tensor(be, c.alloc((long) n * t * d), n, t, d);
             Tensor h0 = Extension.tensor(be, c.alloc((long) n * h), n, h);
             Tensor wx = Extension.tensor(be, c.alloc((long) d * 4 * h), d, 4 * h);
             Tensor wh = Extension.tensor(be, c.alloc((long) h * 4 * h), h, 4 * h);
             Tensor b = Extension.tensor(be, c.alloc(4L * h), 4 * h);
             Tensor dh = Extension.tensor(be, c.alloc((long) n * t * h), n, t, h)) {
            DryDeviceApi.HostCalls fwd = null, bwd = null;
            for (int pass = 0; pass < 3; pass++) {
                dry.take();
                try (Lstm.Output out = be.lstmForward(x, h0, wx, wh, b)) {
                    fwd = perCall(dry.take(), currentPerCall);
                    be.lstmBackward(dh, out.cache()).close();
                }
                bwd = perCall(dry.take(), currentPerCall); // closing the forward's outputs counts with the backward
            }
            return new OpCost(fwd, bwd, CellCost.count("lstm", n, t, d, h));
        }
    }

    /** For a backend that also made the context current inside every device call (each one, once more). */
    private static DryDeviceApi.HostCalls perCall(DryDeviceApi.HostCalls c, boolean currentPerCall) {
        if (!currentPerCall) return c;
        long calls = c.queued() + c.malloc() + c.free() + c.syncs();
        return new DryDeviceApi.HostCalls(c.makeCurrent() + calls, c.malloc(), c.free(), c.syncs(), c.launches(),
                c.sgemms(),
                c.other(), c.graphLaunches(), c.captures(), c.kernelsRun(), c.gemmsRun(), c.gemmFlop());
    }

    static double hostUs(DryDeviceApi.HostCalls c) {
        return c.launches() * LAUNCH_US + c.sgemms() * SGEMM_US + c.other() * OTHER_US + c.graphLaunches() * GRAPH_US
                + c.malloc() * MALLOC_US + c.free() * FREE_US + c.makeCurrent() * CURRENT_US;
    }

    static double deviceUs(DryDeviceApi.HostCalls c, long bytes) {
        double gemm = Math.max(c.gemmFlop() / (SGEMM_TFLOPS * 1e6), c.gemmsRun() * MIN_GEMM_US);
        double other = Math.max(bytes / (HBM_TBS * 1e6), (c.kernelsRun() + c.other()) * MIN_KERNEL_US);
        return gemm + other;
    }

    static double predictedUs(DryDeviceApi.HostCalls c, long bytes) {
        return Math.max(hostUs(c), deviceUs(c, bytes)) + (c.syncs() + c.free()) * SYNC_US;
    }

    static double floorUs(long flop, long bytes) { return flop / (SGEMM_TFLOPS * 1e6) + bytes / (HBM_TBS * 1e6); }

    public static void main(String[] args) throws IOException {
        String label = "after", tsv = null;
        Map<String, Map<String, Double>> compare = new java.util.LinkedHashMap<>();
        boolean currentPerCall = false, graphs = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--label" -> label = args[++i];
                case "--tsv" -> tsv = args[++i];
                case "--compare" -> {
                    String[] lf = args[++i].split("=", 2);
                    Map<String, Double> m = new HashMap<>();
                    for (String line : Files.readAllLines(Path.of(lf[1]))) {
                        String[] f = line.split("\t");
                        m.put(f[0], Double.parseDouble(f[1]));
                    }
                    compare.put(lf[0], m);
                }
                case "--add-current-per-call" -> currentPerCall = true;
                case "--no-graphs" -> graphs = false;
                default -> throw new IllegalArgumentException("HostCostModel: unknown argument " + args[i]);
            }
        }
        StringBuilder rows = new StringBuilder(), out = new StringBuilder();
        out.append("| LSTM N,T,H (D=H) | op | launches | cuBLAS | graph launches | cuMemAlloc | cuMemFree | ctx "
                + "current | syncs | host µs | device µs | predicted µs |")
                .append(compare.keySet().stream().map(k -> " " + k
                        + " µs |").collect(java.util.stream.Collectors.joining()))
                .append(" floor µs | predicted / floor |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").append("---:|".repeat(compare.size()))
                .append("---:|---:|\n");
        for (int[] s : GpuBenchmark.DEEPBENCH) {
            int n = s[0], t = s[1], d = s[2], h = s[3];
            OpCost cost = count(n, t, d, h, currentPerCall, graphs);
            for (boolean forward : new boolean[]{true, false}) {
                DryDeviceApi.HostCalls c = forward ? cost.fwd() : cost.bwd();
                long bytes = forward ? cost.work().fwdBytes() : cost.work().bwdBytes();
                long flop = forward ? cost.work().fwdFlop() : cost.work().bwdFlop();
                String key = n + "," + t + "," + h + (forward ? ",forward" : ",backward");
                double predicted = predictedUs(c, bytes), floor = floorUs(flop, bytes);
                rows.append(key).append('\t').append(String.format(Locale.ROOT, "%.1f", predicted)).append('\n');
                out.append(String.format(Locale.ROOT,
                        "| %d,%d,%d | %s | %d | %d | %d | %d | %d | %d | %d | %.0f | %.0f | %.0f |",
                        n, t, h, forward ? "forward" : "backward", c.launches(), c.sgemms(), c.graphLaunches(),
                                c.malloc(), c.free(), c.makeCurrent(),
                        c.syncs(), hostUs(c), deviceUs(c, bytes), predicted));
                for (Map<String, Double> other : compare.values())
                    out.append(String.format(Locale.ROOT, " %.0f |", other.getOrDefault(key, Double.NaN)));
                out.append(String.format(Locale.ROOT, " %.0f | %.2f |%n", floor, predicted / floor));
            }
        }
        if (tsv != null) Files.writeString(Path.of(tsv), rows);
        System.out.print("Model (" + label + "): " + String.format(Locale.ROOT,
                "host %.1f µs a launch, %.1f a cublasSgemm, %.1f a copy or memset, %.1f a cuGraphLaunch, %.0f a "
                        + "cuMemAlloc, "
                        + "%.0f a cuMemFree, %.1f a cuCtxSetCurrent; device FP32 SGEMM %.0f TFLOP/s (at least %.0f µs "
                                + "each), HBM %.1f TB/s (at least %.0f µs a "
                        + "launch); +%.0f µs per sync or free%n%n", LAUNCH_US, SGEMM_US, OTHER_US, GRAPH_US, MALLOC_US,
                                FREE_US, CURRENT_US,
                SGEMM_TFLOPS, MIN_GEMM_US, HBM_TBS, MIN_KERNEL_US, SYNC_US));
        System.out.print(out);
    }
}
