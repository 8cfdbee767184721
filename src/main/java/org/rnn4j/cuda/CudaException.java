package org.rnn4j.cuda;

/**
 * A CUDA driver or cuBLAS call failed. The message names the call and the status ("cuMemcpyDtoH failed:
 * CUDA_ERROR_ILLEGAL_ADDRESS"); {@link #call()} and {@link #status()} give them to programs.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final String status;

    public CudaException(String call, String status, String detail) {
        super(call + " failed: " + status + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.call = call;
        this.status = status;
    }

    /** The CUDA or cuBLAS function that failed, e.g. "cublasSgemm". */
    public String call() { return call; }

    /** The status name, e.g. "CUDA_ERROR_OUT_OF_MEMORY" or "CUBLAS_STATUS_INVALID_VALUE". */
    public String status() { return status; }
}
