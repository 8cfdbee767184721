package org.rnn4j.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasPointerMode;
import jcuda.jcublas.cublasStatus;
import org.rnn4j.cuda.CudaUnavailableException;

/**
 * {@link DeviceApi} on a real GPU: the JCuda driver API for the context, the PTX module, launches and memory;
 * JCublas2 for SGEMM. Uses the device's primary context (the one cuBLAS, built on the runtime API, also uses),
 * makes it current on every entry because calls may come from any Java thread, and checks every status.
 * Exceptions of JCuda itself stay disabled: each return code is checked here and named in a {@link CudaException}.
 */
final class JCudaDeviceApi implements DeviceApi {
    /** The kernels of kernels/*.cu as PTX, generated at build time (see kernels/README) and shipped in the jar. */
    static final String PTX_RESOURCE = "/org/rnn4j/cuda/rnn4j.ptx";
    /** Debugging aid: synchronize after every launch so a faulting kernel is named by its own launch. */
    private static final boolean SYNC_EACH_LAUNCH = Boolean.getBoolean("rnn4j.cuda.syncEachLaunch");

    private final CUdevice device;
    private final CUcontext context;
    private final CUmodule module;
    private final Map<Kernel, CUfunction> functions;
    private final cublasHandle cublas;
    private final String description;
    private boolean closed;

    private JCudaDeviceApi(CUdevice device, CUcontext context, CUmodule module, Map<Kernel, CUfunction> functions,
                           cublasHandle cublas, String description) {
        this.device = device;
        this.context = context;
        this.module = module;
        this.functions = functions;
        this.cublas = cublas;
        this.description = description;
    }

    /** Probes in order: JCuda natives/libcuda, cuInit, a device, CUDA 12 cuBLAS, the PTX. Each failure says the fix. */
    static JCudaDeviceApi open() {
        CudaProbe.requireDriverNatives();
        int rc = cuInit(0);
        if (rc == CUresult.CUDA_ERROR_NO_DEVICE)
            throw unavailable("no CUDA device: cuInit returned CUDA_ERROR_NO_DEVICE. Fix: check nvidia-smi lists a GPU, "
                    + "that CUDA_VISIBLE_DEVICES does not hide it, and (in a container) that it was started with --gpus");
        if (rc != CUresult.CUDA_SUCCESS)
            throw unavailable("cuInit failed: " + CUresult.stringFor(rc) + " (the NVIDIA driver is installed but unusable). Fix: "
                    + CudaProbe.FIX_DRIVER + "; check nvidia-smi works and the kernel module matches the user-space driver");
        int[] count = {0};
        rc = cuDeviceGetCount(count);
        if (rc != CUresult.CUDA_SUCCESS || count[0] == 0)
            throw unavailable("no CUDA device: cuDeviceGetCount found " + count[0] + " (" + CUresult.stringFor(rc) + "). Fix: "
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
        CUcontext context = new CUcontext();
        checkOpen("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(context, device));
        CUmodule module = null;
        cublasHandle handle = null;
        try {
            check("cuCtxSetCurrent", cuCtxSetCurrent(context));
            module = new CUmodule();
            rc = cuModuleLoadData(module, ptx());
            if (rc != CUresult.CUDA_SUCCESS) {
                module = null;
                throw unavailable("the driver refused rnn4j's PTX: cuModuleLoadData returned " + CUresult.stringFor(rc)
                        + " with driver " + driverVersion + " on " + deviceName + ". The PTX targets CUDA 12.0 (ISA 8.0); "
                        + "a driver older than CUDA 12.0 cannot load it. Fix: " + CudaProbe.FIX_DRIVER);
            }
            Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
            for (Kernel k : Kernel.values()) {
                CUfunction f = new CUfunction();
                check("cuModuleGetFunction(" + k.entry + ")", cuModuleGetFunction(f, module, k.entry));
                functions.put(k, f);
            }
            handle = new cublasHandle();
            int st = JCublas2.cublasCreate(handle);
            if (st != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                handle = null;
                throw unavailable("cublasCreate failed: " + cublasStatus.stringFor(st) + " on " + deviceName + ". Fix: "
                        + CudaProbe.FIX_CUBLAS);
            }
            checkBlas("cublasSetPointerMode", JCublas2.cublasSetPointerMode(handle, cublasPointerMode.CUBLAS_POINTER_MODE_HOST));
            // Plain FP32 (no TF32 tensor cores): the backend promises FP32 accuracy against the CPU backend.
            checkBlas("cublasSetMathMode", JCublas2.cublasSetMathMode(handle, cublasMath.CUBLAS_DEFAULT_MATH));
            return new JCudaDeviceApi(device, context, module, functions, handle,
                    deviceName + " (device 0 of " + count[0] + "), driver " + driverVersion);
        } catch (RuntimeException e) {
            // Best-effort cleanup: the failure being reported is the one that matters.
            if (handle != null) JCublas2.cublasDestroy(handle);
            if (module != null) cuModuleUnload(module);
            cuDevicePrimaryCtxRelease(device);
            if (e instanceof CudaException)
                throw unavailable("initialising CUDA on " + deviceName + " failed: " + e.getMessage());
            throw e;
        }
    }

    /** During open() a failing call means CUDA is unusable here: say so with the call and status. */
    private static void checkOpen(String call, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("initialising CUDA failed: " + call + " returned " + CUresult.stringFor(rc));
    }

    private static CudaUnavailableException unavailable(String message) {
        return new CudaUnavailableException(message + "." + CudaProbe.OR_CPU);
    }

    @Override
    public String backendName() { return "cuda"; }

    @Override
    public String describe() { return description; }

    @Override
    public synchronized void makeCurrent() {
        if (closed) throw new IllegalStateException("the CUDA device API was closed");
        check("cuCtxSetCurrent", cuCtxSetCurrent(context));
    }

    @Override
    public synchronized long malloc(long bytes) {
        makeCurrent();
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
    public synchronized void free(long address) {
        makeCurrent();
        check("cuMemFree", cuMemFree(at(address)));
    }

    @Override
    public synchronized void copyToDevice(float[] src, int srcOff, long dst, int floats) {
        makeCurrent();
        check("cuMemcpyHtoD", cuMemcpyHtoD(at(dst), Pointer.to(src).withByteOffset((long) srcOff * Float.BYTES), (long) floats * Float.BYTES));
    }

    @Override
    public synchronized void copyToHost(long src, float[] dst, int dstOff, int floats) {
        makeCurrent();
        check("cuMemcpyDtoH", cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstOff * Float.BYTES), at(src), (long) floats * Float.BYTES));
    }

    @Override
    public synchronized void copyDeviceToDevice(long src, long dst, long bytes) {
        makeCurrent();
        check("cuMemcpyDtoD", cuMemcpyDtoD(at(dst), at(src), bytes));
    }

    @Override
    public synchronized void memsetD32(long dst, int value, long words) {
        makeCurrent();
        check("cuMemsetD32", cuMemsetD32(at(dst), value, words));
    }

    @Override
    public synchronized void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda,
                                   long b, int ldb, float beta, long c, int ldc) {
        makeCurrent();
        checkBlas("cublasSgemm", JCublas2.cublasSgemm(cublas, op(transa), op(transb), m, n, k,
                Pointer.to(new float[]{alpha}), at(a), lda, at(b), ldb, Pointer.to(new float[]{beta}), at(c), ldc));
    }

    private static int op(char t) {
        return switch (t) {
            case 'N' -> cublasOperation.CUBLAS_OP_N;
            case 'T' -> cublasOperation.CUBLAS_OP_T;
            default -> throw new IllegalArgumentException("sgemm: transpose flag must be 'N' or 'T' but was '" + t + "'");
        };
    }

    @Override
    public synchronized void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        makeCurrent();
        if (args.length != kernel.params.size())
            throw new IllegalArgumentException(kernel.entry + " takes " + kernel.params.size() + " parameters but got " + args.length);
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
        check(call, cuLaunchKernel(functions.get(kernel), gridX, 1, 1, blockX, 1, 1, 0, null, Pointer.to(params), null));
        if (SYNC_EACH_LAUNCH) check("cuCtxSynchronize after " + call, cuCtxSynchronize());
    }

    @Override
    public synchronized void synchronize() {
        makeCurrent();
        check("cuCtxSynchronize", cuCtxSynchronize());
    }

    @Override
    public synchronized long[] memoryInfo() {
        makeCurrent();
        long[] free = {0}, total = {0};
        check("cuMemGetInfo", cuMemGetInfo(free, total));
        return new long[]{free[0], total[0]};
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        int current = cuCtxSetCurrent(context); // release everything even if this fails, then report
        int blas = JCublas2.cublasDestroy(cublas);
        int mod = cuModuleUnload(module);
        int ctx = cuDevicePrimaryCtxRelease(device);
        check("cuCtxSetCurrent", current);
        checkBlas("cublasDestroy", blas);
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

    private static byte[] ptx;

    /** The PTX resource, read once per JVM, NUL-terminated as cuModuleLoadData requires for PTX text. */
    static synchronized byte[] ptx() {
        if (ptx != null) return ptx;
        try (InputStream in = JCudaDeviceApi.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null)
                throw new CudaUnavailableException("this rnn4j build lacks its PTX resource " + PTX_RESOURCE
                        + " (a packaging defect: rebuild the jar with src/main/resources)." + CudaProbe.OR_CPU);
            byte[] text = in.readAllBytes();
            ptx = Arrays.copyOf(text, text.length + 1);
            return ptx;
        } catch (IOException e) {
            throw new CudaUnavailableException("reading the PTX resource " + PTX_RESOURCE + " failed: " + e, e);
        }
    }
}
