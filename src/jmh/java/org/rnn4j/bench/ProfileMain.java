package org.rnn4j.bench;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.rnn4j.Backend;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.compute.Compute;
import org.rnn4j.extension.Extension;

/**
 * Where the time of one cell's forward+backward goes: the CPU Compute wrapped in a proxy that adds up the
 * wall time of each primitive (gemm keyed by shape), summed over the threads that call it (a recurrence's row
 * blocks call from every pool thread at once). Usage: ProfileMain CELL N,T,D,H [runs]; -Dprofile.inference=true
 * profiles the inference call instead of forward+backward.
 * With -Dprofile.cpu=true it runs on one thread and adds up that thread's CPU time instead: on a machine that
 * other processes load, the work each primitive costs, without the time the thread waited for a core.
 */
public final class ProfileMain {
    public static void main(String[] args) throws Exception {
        String cell = args[0], size = args[1];
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        boolean cpuClock = Boolean.getBoolean("profile.cpu");
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.function.LongSupplier clock = cpuClock ? mx::getCurrentThreadCpuTime : System::nanoTime;
        CpuCompute cpu = cpuClock ? new CpuCompute(1) : new CpuCompute();
        Map<String, double[]> acc = new java.util.concurrent.ConcurrentHashMap<>();
        boolean[] on = {false};
        Compute timed = (Compute) Proxy.newProxyInstance(Compute.class.getClassLoader(), new Class<?>[]{Compute.class},
                (proxy, m, a) -> {
                    long t0 = clock.getAsLong();
                    Object r;
                    try {
                        r = m.invoke(cpu, a);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (on[0]) {
                        String key = m.getName();
                        if (key.equals("gemm") && a.length == 16) key = "gemm " + a[2] + "x" + a[3] + "x" + a[4] + " "
                                + ((boolean) a[0] ? "T" : "N") + ((boolean) a[1] ? "T" : "N");
                        else if (key.equals("gemm")) key = "gemm " + a[1] + "x" + a[2] + "x" + a[3] + " "
                                + ((boolean) a[0] ? "T" : "N") + "P";
                        if (key.endsWith("Pointwise")) key += " " + a[0] + "x" + a[1];
                        double[] v = acc.computeIfAbsent(key, k -> new double[2]);
                        synchronized (v) {   // row blocks call from the pool's threads at once
                            v[0] += (clock.getAsLong() - t0) / 1e6;
                            v[1]++;
                        }
                    }
                    return r;
                });
        try (Backend be = Extension.backend(timed, "profile"); Workload w = Workload.parse(be, cell, size)) {
            long warm = System.nanoTime() + 3_000_000_000L; // JIT: every path compiled before timing
            Runnable call = Boolean.getBoolean("profile.inference") ? w::inference : w::forwardBackward;
            for (int i = 0; i < 5 || System.nanoTime() < warm; i++) call.run();
            on[0] = true;
            long t0 = clock.getAsLong();
            for (int i = 0; i < runs; i++) call.run();
            double total = (clock.getAsLong() - t0) / 1e6 / runs;
            System.out.printf("%s %s: %.2f ms per %s (%s, sgemm %s, pointwise %s)%n", cell, size, total,
                    Boolean.getBoolean("profile.inference") ? "inference" : "forward+backward",
                    cpuClock ? "CPU time, 1 thread" : "wall time, " + cpu.threads() + " threads",
                    org.rnn4j.cpu.Sgemm.kernel(), cpu.pointwiseName());
            acc.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
                    System.out.printf("  %-40s %8.2f ms %6.1f%%  (%d calls/run)%n", e.getKey(), e.getValue()[0] / runs,
                            100 * e.getValue()[0] / runs / total, (long) (e.getValue()[1] / runs)));
        }
    }
}
