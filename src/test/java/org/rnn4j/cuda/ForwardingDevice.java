package org.rnn4j.cuda;

/** A {@link DeviceApi} that passes every call on; tests override the calls they want to fail. */
class ForwardingDevice implements DeviceApi {
    final DeviceApi d;

    ForwardingDevice(DeviceApi d) { this.d = d; }

    @Override public String backendName() { return d.backendName(); }
    @Override public String describe() { return d.describe(); }
    @Override public void makeCurrent() { d.makeCurrent(); }
    @Override public long malloc(long bytes) { return d.malloc(bytes); }
    @Override public void free(long address) { d.free(address); }
    @Override public void copyToDevice(float[] src, int srcOff, long dst,
            int floats) { d.copyToDevice(src, srcOff, dst, floats); }
    @Override public void copyToHost(long src, float[] dst, int dstOff,
            int floats) { d.copyToHost(src, dst, dstOff, floats); }
    @Override public void copyDeviceToDevice(long src, long dst, long bytes) { d.copyDeviceToDevice(src, dst, bytes); }
    @Override public void memsetD32(long dst, int value, long words) { d.memsetD32(dst, value, words); }

    @Override
    public void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        d.sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override public void launch(Kernel kernel, int gridX, int blockX,
            Object... args) { d.launch(kernel, gridX, blockX, args); }
    @Override public void synchronize() { d.synchronize(); }
    @Override public boolean poisonFreedBlocks() { return d.poisonFreedBlocks(); }
    @Override public void beginCapture() { d.beginCapture(); }
    @Override public long endCapture() { return d.endCapture(); }
    @Override public void launchGraph(long graph) { d.launchGraph(graph); }
    @Override public void destroyGraph(long graph) { d.destroyGraph(graph); }
    @Override public long[] memoryInfo() { return d.memoryInfo(); }
    @Override public void close() { d.close(); }
}
