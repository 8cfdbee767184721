package org.rnn4j.cuda.emu;

import org.junit.jupiter.api.BeforeEach;
import org.rnn4j.cuda.Kernel;
import org.rnn4j.cuda.emu.KernelTwinChecks.Launch;

/**
 * Base of the tests that run the kernels compiled as host C++ ({@link HostCompiledExecutor}): each test is skipped,
 * with the reason, where no compiler is found; {@link #launch} runs one kernel with a {@link Launch}'s grid.
 */
abstract class HostKernelTest {
    private static HostCompiledExecutor exec;

    /** Per test rather than per class, so each skip shows in the report with its reason. */
    @BeforeEach
    final void load() { exec = HostCompiledExecutor.assumeAvailable(); }

    static void launch(Kernel kernel, Launch l, Object... args) { exec.launch(kernel, l.grid(), l.block(), args); }

    /** Prints the worst errors {@code checks} saw, if any kernel ran. */
    static void report(KernelTwinChecks checks) {
        if (exec != null) checks.report();
    }
}
