package org.rnn4j;

import org.rnn4j.cuda.CudaUnavailableException;
import java.util.Locale;
import java.util.logging.Logger;
import org.rnn4j.compute.Compute;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cuda.CudaCompute;
import org.rnn4j.extension.Extension;

/**
 * {@link Backend#auto()}: never silent. The choice and its reason are logged once per call and kept in
 * {@link Backend#reason()}. The system property wins over the environment variable.
 */
final class BackendSelection {
    static final String PROPERTY = "rnn4j.backend";
    static final String ENV = "RNN4J_BACKEND";
    private static final Logger LOG = Logger.getLogger("org.rnn4j");

    private BackendSelection() {}

    static Backend select() {
        return select(System.getProperty(PROPERTY), System.getenv(ENV));
    }

    static Backend select(String property, String env) {
        String forced = property != null && !property.isBlank() ? property : env;
        String source = property != null && !property.isBlank() ? "-D" + PROPERTY : ENV;
        Backend chosen;
        if (forced == null || forced.isBlank() || forced.trim().equalsIgnoreCase("auto")) {
            chosen = autoDetect();
        } else {
            switch (forced.trim().toLowerCase(Locale.ROOT)) {
                case "cpu" -> chosen = cpu("cpu forced by " + source);
                case "cuda" -> chosen = new Backend(forcedCuda(source + "=" + forced), "cuda forced by " + source);
                default -> throw new IllegalArgumentException(source + "=" + forced
                        + " is not a backend; use cpu, cuda or auto");
            }
        }
        String line = "rnn4j backend: " + chosen.name() + " (" + chosen.reason() + ")";
        if (Extension.compute(chosen) instanceof CpuCompute cpu && cpu.scalarKernels()) LOG.warning(line);
        else LOG.info(line);
        return chosen;
    }

    /** The CPU backend, its reason naming the kernels that run (and how to enable the faster ones). */
    static Backend cpu(String why) {
        CpuCompute cpu = new CpuCompute();
        return new Backend(cpu, why + "; " + cpu.kernels());
    }

    /** Forced CUDA that cannot run is an error, never a silent fallback; the message says who forced it. */
    private static Compute forcedCuda(String setting) {
        try {
            return CudaCompute.open();
        } catch (CudaUnavailableException e) {
            throw new CudaUnavailableException(setting + " asks for the CUDA backend, but it cannot run here: "
                    + e.getMessage(), e);
        }
    }

    private static Backend autoDetect() {
        try {
            CudaCompute cuda = CudaCompute.open();
            return new Backend(cuda, "auto: CUDA device usable (" + cuda.describe() + ")");
        } catch (CudaUnavailableException e) {
            return cpu("auto: CUDA unavailable (" + e.getMessage() + "); using cpu");
        } catch (LinkageError e) {
            return cpu("auto: CUDA libraries failed to load (" + e + "); using cpu");
        }
    }
}
