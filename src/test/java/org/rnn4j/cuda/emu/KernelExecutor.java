package org.rnn4j.cuda.emu;

import org.rnn4j.cuda.Kernel;

/**
 * Runs one CUDA kernel launch on the host, for the emulated device used in CI (no GPU there).
 * Two implementations: the real kernels/*.cu compiled as host C++ (every thread of every block run one at a
 * time), and the Java twins in CpuKernels (where no C++ compiler exists).
 */
public interface KernelExecutor {
    /**
     * Runs {@code kernel} over {@code gridX} blocks of {@code blockX} threads. {@code args} follow
     * {@code kernel.params} in order: {@link Integer} for INT, {@link Float} for FLOAT, {@link DevicePtr} for PTR.
     */
    void launch(Kernel kernel, int gridX, int blockX, Object[] args);
}
