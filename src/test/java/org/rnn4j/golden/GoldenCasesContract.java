package org.rnn4j.golden;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;

/**
 * Every golden case on one backend: each float32 result within {@link Numerics#FP32_TOL} relative norm error
 * of the float64 reference. A backend's test extends this and says how to open the backend, e.g.
 * <pre>
 *   class CudaGoldenCasesTest extends GoldenCasesContract {
 *       protected Backend openBackend() { return Backend.cuda(); }   // or skip with Assumptions
 *   }
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GoldenCasesContract {
    private Backend backend;
    private double worst;
    private String worstCase = "none";

    /** The backend under test; closed after the class's tests. */
    protected abstract Backend openBackend();

    @BeforeAll
    protected void open() { backend = openBackend(); }

    @AfterAll
    protected void close() {
        if (backend == null) return;   // openBackend() failed or skipped: nothing to report or close
        System.out.printf("golden cases on %s: worst relative error %.2e (%s)%n", backend.name(), worst, worstCase);
        backend.close();
    }

    public static List<GoldenCase> cases() { return GoldenCases.all(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    protected void matchesTheReference(GoldenCase c) {
        double e = GoldenCases.verify(backend, c, Numerics.FP32_TOL);
        synchronized (this) {
            if (e > worst) { worst = e; worstCase = c.name(); }
        }
    }
}
