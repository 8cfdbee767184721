package org.rnn4j.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.util.EnumMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JITOptions;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasPointerMode;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * {@link DeviceApi} on a real GPU: the JCuda driver API for the context, the PTX module, launches and memory;
 * JCublas2 for SGEMM. Uses the device's primary context (the one cuBLAS, built on the runtime API, also uses),
 * which CudaCompute makes current once per operation (calls may come from any Java thread), and checks every
 * status. All work goes to one non-blocking stream, cuBLAS's included.
 * Exceptions of JCuda itself stay disabled: each return code is checked here and named in a {@link CudaException}.
 */
final class JCudaDeviceApi implements DeviceApi {
    /** Debugging aid: synchronize after every launch so a faulting kernel is named by its own launch. */
    private static final boolean SYNC_EACH_LAUNCH = Boolean.getBoolean("rnn4j.cuda.syncEachLaunch");
    /** Opt-in: let cuBLAS use TF32 tensor cores (10-bit mantissa products: faster, no longer FP32-accurate). */
    static final String TF32_PROPERTY = "rnn4j.cuda.tf32";

    private final CUdevice device;
    private final CUcontext context;
    private final CUmodule module;
    private final Map<Kernel, CUfunction> functions;
    private final cublasHandle cublas;
    /** The one stream all of this device object's work goes to, non-blocking (no implicit legacy-stream syncs). */
    private final CUstream stream;
    /** cuBLAS's workspace, given to it up front so that it never allocates while a CUDA graph is captured; or null. */
    private final CUdeviceptr workspace;
    private final String description;
    private boolean closed;

    private JCudaDeviceApi(CUdevice device, CUcontext context, CUmodule module, Map<Kernel, CUfunction> functions,
                           cublasHandle cublas, CUstream stream, CUdeviceptr workspace, String description) {
        this.workspace = workspace;
        this.device = device;
        this.context = context;
        this.module = module;
        this.functions = functions;
        this.cublas = cublas;
        this.stream = stream;
        this.description = description;
    }

    /**
     * Probes in order: JCuda natives/libcuda, cuInit, a device, CUDA 12 cuBLAS, the kernels (KernelModule). Each
     * failure says the fix.
     */
    static JCudaDeviceApi open() {
        CudaProbe.requireDriverNatives();
        int rc = cuInit(0);
        if (rc == CUresult.CUDA_ERROR_STUB_LIBRARY)
            throw unavailable("libcuda.so.1 is the CUDA toolkit's stub library, not a driver: cuInit returned "
                    + "CUDA_ERROR_STUB_LIBRARY. Fix: remove the toolkit's lib64/stubs folder from LD_LIBRARY_PATH and "
                    + CudaProbe.FIX_DRIVER);
        if (rc == CUresult.CUDA_ERROR_NO_DEVICE)
            throw unavailable("no CUDA device: cuInit returned CUDA_ERROR_NO_DEVICE. Fix: check nvidia-smi lists a "
                    + "GPU, "
                    + "that CUDA_VISIBLE_DEVICES does not hide it, and (in a container) that it was started with "
                    + "--gpus");
        if (rc != CUresult.CUDA_SUCCESS)
            throw unavailable("cuInit failed: " + CUresult.stringFor(rc)
                    + " (the NVIDIA driver is installed but unusable). Fix: "
                    + CudaProbe.FIX_DRIVER + "; check nvidia-smi works and the kernel module matches the user-space "
                    + "driver");
        int[] count = {0};
        rc = cuDeviceGetCount(count);
        if (rc != CUresult.CUDA_SUCCESS || count[0] == 0)
            throw unavailable("no CUDA device: cuDeviceGetCount found " + count[0] + " (" + CUresult.stringFor(rc)
                    + "). Fix: "
                    + "check nvidia-smi lists a GPU and that CUDA_VISIBLE_DEVICES does not hide it");
        int[] driver = {0};
        String driverVersion = cuDriverGetVersion(driver) == CUresult.CUDA_SUCCESS
                ? "CUDA " + driver[0] / 1000 + "." + driver[0] % 1000 / 10 : "of unknown version";
        CudaProbe.requireCublasNatives();

        CUdevice device = new CUdevice();
        checkOpen("cuDeviceGet", cuDeviceGet(device, 0));
        byte[] name = new byte[256];
        checkOpen("cuDeviceGetName", cuDeviceGetName(name, name.length, device));
        String deviceName = new String(name, 0, indexOfZero(name), java.nio.charset.StandardCharsets.US_ASCII);
        int[] cc = {0, 0};
        checkOpen("cuDeviceGetAttribute",
                cuDeviceGetAttribute(cc, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
        int[] minor = {0};
        checkOpen("cuDeviceGetAttribute",
                cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
        cc[1] = minor[0];
        CUcontext context = new CUcontext();
        checkOpen("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(context, device));
        CUmodule module = null;
        cublasHandle handle = null;
        CUstream stream = null;
        CUdeviceptr workspace = null;
        try {
            check("cuCtxSetCurrent", cuCtxSetCurrent(context));
            module = new CUmodule();
            CUmodule target = module;
            String loaded;
            try {
                loaded = KernelModule.load(new KernelModule.Target(deviceName, cc[0], cc[1], driver[0]),
                        (image, bytes) -> loadWithLog(target, bytes));
            } catch (RuntimeException e) {
                module = null;
                throw e;
            }
            Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
            for (Kernel k : Kernel.values()) {
                CUfunction f = new CUfunction();
                check("cuModuleGetFunction(" + k.entry + ")", cuModuleGetFunction(f, module, k.entry));
                functions.put(k, f);
            }
            stream = new CUstream();
            rc = cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
            if (rc != CUresult.CUDA_SUCCESS) {
                stream = null;
                check("cuStreamCreate", rc);
            }
            handle = new cublasHandle();
            int st = JCublas2.cublasCreate(handle);
            if (st != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                handle = null;
                throw unavailable("cublasCreate failed: " + cublasStatus.stringFor(st) + " on " + deviceName + ". Fix: "
                        + CudaProbe.FIX_CUBLAS);
            }
            checkBlas("cublasSetPointerMode",
                    JCublas2.cublasSetPointerMode(handle, cublasPointerMode.CUBLAS_POINTER_MODE_HOST));
            checkBlas("cublasSetStream", JCublas2.cublasSetStream(handle, new cudaStream_t(stream)));
            workspace = cublasWorkspace(handle);
            // Plain FP32 by default (no TF32 tensor cores): the backend promises FP32 accuracy against the CPU backend.
            boolean tf32 = Boolean.getBoolean(TF32_PROPERTY);
            checkBlas("cublasSetMathMode", JCublas2.cublasSetMathMode(handle,
                    tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH));
            return new JCudaDeviceApi(device, context, module, functions, handle, stream, workspace,
                    deviceName + " (device 0 of " + count[0] + ", sm_" + cc[0] + cc[1] + "), driver " + driverVersion
                            + ", " + loaded + (tf32 ? ", TF32 GEMMs (-D" + TF32_PROPERTY + "=true)" : ""));
        } catch (RuntimeException e) {
            // Best-effort cleanup: the failure being reported is the one that matters.
            if (handle != null) JCublas2.cublasDestroy(handle);
            if (stream != null) cuStreamDestroy(stream);
            if (workspace != null) cuMemFree(workspace);
            if (module != null) cuModuleUnload(module);
            cuDevicePrimaryCtxRelease(device);
            if (e instanceof CudaException)
                throw unavailable("initialising CUDA on " + deviceName + " failed: " + e.getMessage());
            throw e;
        }
    }

    /** cuBLAS workspace size: what cuBLAS itself uses by default on Hopper, the largest of current GPUs. */
    static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;

    /**
     * Gives cuBLAS a workspace of its own, so that it never allocates inside a CUDA graph capture (where allocating
     * is not allowed). Best effort: without it cuBLAS uses its internal one and a failed capture falls back to eager.
     */
    private static CUdeviceptr cublasWorkspace(cublasHandle handle) {
        CUdeviceptr ws = new CUdeviceptr();
        if (cuMemAlloc(ws, CUBLAS_WORKSPACE_BYTES) != CUresult.CUDA_SUCCESS) return null;
        if (JCublas2.cublasSetWorkspace(handle, ws, CUBLAS_WORKSPACE_BYTES) != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            cuMemFree(ws);
            return null;
        }
        return ws;
    }

    /** During open() a failing call means CUDA is unusable here: say so with the call and status. */
    private static void checkOpen(String call, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("initialising CUDA failed: " + call + " returned "
                + CUresult.stringFor(rc));
    }

    private static CudaUnavailableException unavailable(String message) {
        return new CudaUnavailableException(message + "." + CudaProbe.OR_CPU);
    }

    @Override
    public String backendName() { return "cuda"; }

    /** The stream all work goes to (for CUDA-event timing around it). */
    CUstream stream() { return stream; }

    @Override
    public String describe() { return description; }

    @Override
    public synchronized void makeCurrent() {
        if (closed) throw new IllegalStateException("the CUDA device API was closed");
        check("cuCtxSetCurrent", cuCtxSetCurrent(context));
    }

    @Override
    public long malloc(long bytes) {
        Address p = new Address();
        int rc = cuMemAlloc(p, bytes);
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] info = memoryInfo();
            throw new CudaOutOfMemoryException("cuMemAlloc", bytes, info[0], info[1]);
        }
        check("cuMemAlloc(" + bytes + " bytes)", rc);
        return p.address();
    }

    @Override
    public void free(long address) {
        check("cuMemFree", cuMemFree(at(address)));
    }

    @Override
    public void copyToDevice(float[] src, int srcOff, long dst, int floats) {
        // From pageable memory the driver stages src before returning, so the array may change afterwards.
        check("cuMemcpyHtoDAsync", cuMemcpyHtoDAsync(at(dst),
                Pointer.to(src).withByteOffset((long) srcOff * Float.BYTES),
                (long) floats * Float.BYTES, stream));
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOff, int floats) {
        // On the stream, so ordered after its work; to pageable memory it returns only when the copy is done.
        check("cuMemcpyDtoHAsync", cuMemcpyDtoHAsync(Pointer.to(dst).withByteOffset((long) dstOff * Float.BYTES),
                at(src),
                (long) floats * Float.BYTES, stream));
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        check("cuMemcpyDtoDAsync", cuMemcpyDtoDAsync(at(dst), at(src), bytes, stream));
    }

    @Override
    public void memsetD32(long dst, int value, long words) {
        check("cuMemsetD32Async", cuMemsetD32Async(at(dst), value, words, stream));
    }

    @Override
    public void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        checkBlas("cublasSgemm", JCublas2.cublasSgemm(cublas, op(transa), op(transb), m, n, k,
                Pointer.to(new float[]{alpha}), at(a), lda, at(b), ldb, Pointer.to(new float[]{beta}), at(c), ldc));
    }

    private static int op(char t) {
        return switch (t) {
            case 'N' -> cublasOperation.CUBLAS_OP_N;
            case 'T' -> cublasOperation.CUBLAS_OP_T;
            default -> throw new IllegalArgumentException("sgemm: transpose flag must be 'N' or 'T' but was '" + t
                    + "'");
        };
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        if (args.length != kernel.params.size())
            throw new IllegalArgumentException(kernel.entry + " takes " + kernel.params.size() + " parameters but got "
                    + args.length);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object v = args[i];
            Kernel.Param p = kernel.params.get(i);
            if (p == Kernel.Param.INT && v instanceof Integer x) params[i] = Pointer.to(new int[]{x});
            else if (p == Kernel.Param.FLOAT && v instanceof Float x) params[i] = Pointer.to(new float[]{x});
            else if (p == Kernel.Param.PTR && v instanceof Long x) params[i] = Pointer.to(at(x));
            else throw new IllegalArgumentException(kernel.entry + ": parameter " + i + " must be " + p + " but was "
                        + (v == null ? "null" : v.getClass().getSimpleName()));
        }
        String call = "cuLaunchKernel(" + kernel.entry + ", grid " + gridX + ", block " + blockX + ")";
        check(call, cuLaunchKernel(functions.get(kernel), gridX, 1, 1, blockX, 1, 1, 0, stream, Pointer.to(params),
                null));
        if (SYNC_EACH_LAUNCH) check("cuStreamSynchronize after " + call, cuStreamSynchronize(stream));
    }

    @Override
    public void synchronize() {
        check("cuStreamSynchronize", cuStreamSynchronize(stream));
    }

    /** Instantiated graphs by handle (handles are never reused). */
    private final Map<Long, CUgraphExec> graphs = new java.util.HashMap<>();
    private long nextGraph = 1;

    @Override
    public void beginCapture() {
        // Thread-local mode: other threads' unrelated CUDA calls do not invalidate this capture.
        check("cuStreamBeginCapture", cuStreamBeginCapture(stream,
                CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
    }

    @Override
    public long endCapture() {
        CUgraph graph = new CUgraph();
        check("cuStreamEndCapture", cuStreamEndCapture(stream, graph));
        CUgraphExec exec = new CUgraphExec();
        int rc = cuGraphInstantiate(exec, graph, 0);
        int destroyed = cuGraphDestroy(graph); // the executable graph keeps what it needs
        check("cuGraphInstantiate", rc);
        check("cuGraphDestroy", destroyed);
        graphs.put(nextGraph, exec);
        return nextGraph++;
    }

    @Override
    public void launchGraph(long graph) {
        check("cuGraphLaunch", cuGraphLaunch(graphs.get(graph), stream));
    }

    @Override
    public void destroyGraph(long graph) {
        CUgraphExec exec = graphs.remove(graph);
        if (exec != null) check("cuGraphExecDestroy", cuGraphExecDestroy(exec));
    }

    @Override
    public long[] memoryInfo() {
        long[] free = {0}, total = {0};
        check("cuMemGetInfo", cuMemGetInfo(free, total));
        return new long[]{free[0], total[0]};
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        int current = cuCtxSetCurrent(context); // release everything even if this fails, then report
        int sync = cuStreamSynchronize(stream);
        int blas = JCublas2.cublasDestroy(cublas);
        int ws = workspace == null ? CUresult.CUDA_SUCCESS : cuMemFree(workspace);
        int str = cuStreamDestroy(stream);
        int mod = cuModuleUnload(module);
        int ctx = cuDevicePrimaryCtxRelease(device);
        check("cuCtxSetCurrent", current);
        check("cuStreamSynchronize", sync);
        checkBlas("cublasDestroy", blas);
        check("cuMemFree(cuBLAS workspace)", ws);
        check("cuStreamDestroy", str);
        check("cuModuleUnload", mod);
        check("cuDevicePrimaryCtxRelease", ctx);
    }

    /** A device address as a JCuda pointer: a null pointer moved by the address (JCuda adds the byte offset). */
    private static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    static void check(String call, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) throw new CudaException(call, CUresult.stringFor(rc), null);
    }

    static void checkBlas(String call, int st) {
        if (st != cublasStatus.CUBLAS_STATUS_SUCCESS) throw new CudaException(call, cublasStatus.stringFor(st), null);
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return i;
        return b.length;
    }

    /** A CUdeviceptr that tells its address: JCuda keeps it in a protected field. */
    private static final class Address extends CUdeviceptr {
        long address() { return getNativePointer() + getByteOffset(); }
    }

    /** Bytes each JIT log buffer holds: enough for a screenful of ptxas messages. */
    private static final int JIT_LOG_BYTES = 16 * 1024;

    /** cuModuleLoadDataEx (through JCuda's cuModuleLoadDataJIT) with error and info log buffers. */
    private static KernelModule.Attempt loadWithLog(CUmodule module, byte[] image) {
        JITOptions options = new JITOptions();
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        options.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        int rc = cuModuleLoadDataJIT(module, Pointer.to(image), options);
        return new KernelModule.Attempt(rc, text(options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER)),
                text(options.getString(CUjit_option.CU_JIT_INFO_LOG_BUFFER)));
    }

    private static String text(String s) {
        return s == null ? "" : s.replace("\0", "").strip();
    }
}
