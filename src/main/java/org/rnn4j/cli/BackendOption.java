package org.rnn4j.cli;

import java.util.Locale;
import org.rnn4j.Backend;
import org.rnn4j.cuda.CudaUnavailableException;

/** --backend cpu|cuda|auto, turned into a {@link Backend} with a one-line error when it cannot be had. */
final class BackendOption {
    private BackendOption() {}

    static Backend open(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        try {
            return switch (n) {
                case "cpu" -> Backend.cpu();
                case "cuda" -> Backend.cuda();
                case "auto" -> Backend.auto();
                default -> throw new UserError("unknown backend '" + name + "'; use --backend cpu, cuda or auto");
            };
        } catch (CudaUnavailableException e) {
            throw new UserError(
                    "the CUDA backend is unavailable (" + e.getMessage() + "); use --backend cpu or auto", e);
        } catch (IllegalArgumentException e) {   // Backend.auto() with a bad RNN4J_BACKEND / -Drnn4j.backend
            throw new UserError(e.getMessage(), e);
        }
    }

    /** Validates the name before anything else happens (so bad input never gets as far as writing files). */
    static void check(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        if (!n.equals("cpu") && !n.equals("cuda") && !n.equals("auto"))
            throw new UserError("unknown backend '" + name + "'; use --backend cpu, cuda or auto");
    }
}
