package org.rnn4j.cuda;

/**
 * Internal: the small seam between {@link CudaCompute} and a CUDA device. {@link JCudaDeviceApi} drives a real
 * GPU through JCuda; the test suite has an emulated device (Java arrays behind fake addresses, cuBLAS's
 * contract checked in Java) so that CudaCompute's own code - offsets, leading dimensions, launch arguments,
 * memory bookkeeping - runs in CI, which has no GPU.
 *
 * <p>Device memory is addressed by plain {@code long} byte addresses. Implementations need not be thread-safe:
 * CudaCompute serialises every call under its lock and calls {@link #makeCurrent()} first on the calling thread
 * (once per operation: the other methods do not make the context current themselves).
 *
 * <p>Ordering: every copy, memset, SGEMM and launch is queued on one stream per device object and may run later,
 * in the order queued. {@link #copyToHost} and {@link #free} require the caller to {@link #synchronize()} first
 * (a GPU would otherwise read or release memory that queued work still writes); the emulated device enforces it.
 */
public interface DeviceApi extends AutoCloseable {

    /** The backend name this device gives its Compute: "cuda", "cuda-emulated". */
    String backendName();

    /** One line for logs: device name, ordinal, driver version. */
    String describe();

    /** Makes this device's context current on the calling thread (CUDA contexts are per thread). */
    void makeCurrent();

    /** Allocates {@code bytes > 0} bytes; throws {@link CudaOutOfMemoryException} when the device is full. */
    long malloc(long bytes);

    /** Returns a block to the driver; no queued work may still use it ({@link #synchronize()} first). */
    void free(long address);

    /**
     * Queues a copy of {@code floats} floats from {@code src[srcOff..]} to {@code dst}; {@code src} may be reused on
     * return.
     */
    void copyToDevice(float[] src, int srcOff, long dst, int floats);

    /**
     * Copies {@code floats} floats from device address {@code src} to {@code dst[dstOff..]}; after {@link
     * #synchronize()}.
     */
    void copyToHost(long src, float[] dst, int dstOff, int floats);

    void copyDeviceToDevice(long src, long dst, long bytes);

    /** Sets {@code words} 32-bit words at {@code dst} to {@code value}. */
    void memsetD32(long dst, int value, long words);

    /**
     * cuBLAS's own column-major contract, unchanged: C = alpha·op(A)·op(B) + beta·C with op(A) (m,k), op(B) (k,n),
     * C (m,n), all column-major with leading dimensions lda, ldb, ldc; {@code transa}/{@code transb} are 'N' or 'T'.
     * With beta == 0, C is not read.
     */
    void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
               float beta, long c, int ldc);

    /**
     * Launches {@code kernel} on a 1-D grid. {@code args} follow {@link Kernel#params}: {@link Integer} for INT,
     * {@link Float} for FLOAT, {@link Long} device address for PTR.
     */
    void launch(Kernel kernel, int gridX, int blockX, Object... args);

    /** Waits for all queued work and surfaces any asynchronous error. */
    void synchronize();

    /**
     * True where freed blocks should be filled with NaN before reuse (the emulated device): a stale address used
     * after its buffer was closed then reads NaN or corrupts the block's next owner, and a test sees it.
     */
    default boolean poisonFreedBlocks() { return false; }

    /**
     * Starts capturing: until {@link #endCapture()}, queued work is recorded into a graph instead of run. Throws
     * {@link CudaException} where the device cannot capture.
     */
    default void beginCapture() { throw new CudaException("cuStreamBeginCapture", "NOT_SUPPORTED", backendName()
            + " has no graphs"); }

    /** Ends the capture and returns a handle to the instantiated graph. */
    default long endCapture() { throw new CudaException("cuStreamEndCapture", "NOT_SUPPORTED", backendName()
            + " has no graphs"); }

    /** Queues the work of a graph, as it was captured (same arguments, same buffers). */
    default void launchGraph(long graph) { throw new CudaException("cuGraphLaunch", "NOT_SUPPORTED", backendName()
            + " has no graphs"); }

    default void destroyGraph(long graph) { throw new CudaException("cuGraphExecDestroy", "NOT_SUPPORTED",
            backendName() + " has no graphs"); }

    /** {free, total} device memory in bytes. */
    long[] memoryInfo();

    /** Releases the handles, modules and context reference this object holds. Idempotent. */
    @Override
    void close();
}
