package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.rnn4j.Backend;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cpu.Sgemm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.rnn4j.extension.Extension;

/** {@code rnn4j info}: which backend would run and why, the device, and the versions involved. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Prints the backend chosen and why, the device, and Java and library versions.")
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--backend", description = "cpu, cuda or auto (default ${DEFAULT-VALUE})") String backend = "auto";
    @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

    @Override
    public Integer call() {
        BackendOption.check(backend);
        PrintWriter o = spec.commandLine().getOut();
        o.println("rnn4j " + Versions.of("org.rnn4j", "rnn4j"));
        try (Backend b = BackendOption.open(backend)) {
            o.println("backend: " + b.name() + " (" + b.reason() + ")");
            if (Extension.compute(b) instanceof CpuCompute cpu) {
                o.println("device: host CPU, " + cpu.threads() + " worker threads");
                boolean vector = !"scalar".equals(Sgemm.kernel());
                o.println("cpu kernels: GEMM " + Sgemm.kernel() + ", pointwise " + cpu.pointwiseName()
                        + (vector ? " (Vector API)" : " (plain Java; start the JVM with --add-modules "
                        + "jdk.incubator.vector"
                        + " for the faster Vector API kernels)"));
            }
            else o.println("device: " + Extension.compute(b));   // the CUDA Compute describes its device and driver
        }
        Runtime rt = Runtime.getRuntime();
        o.println("java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        o.println("os: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch")
                + ", " + rt.availableProcessors() + " cores, max heap " + rt.maxMemory() / (1 << 20) + " MiB");
        o.println("libraries: jcuda " + Versions.of("org.jcuda", "jcuda") + ", jcublas "
                + Versions.of("org.jcuda", "jcublas")
                + ", picocli " + picocli.CommandLine.VERSION);
        o.println("backend selection: --backend, else -Drnn4j.backend or RNN4J_BACKEND (cpu|cuda|auto), else auto "
                + "(CUDA if usable)");
        return 0;
    }
}
