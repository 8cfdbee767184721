package org.rnn4j.cuda;

/**
 * Thrown by {@code Backend.cuda()} (and by {@code Backend.auto()} when CUDA is forced) when the CUDA backend cannot run
 * here. The message names the cause
 * (no driver, no device, CUDA 12 cuBLAS missing, PTX refused) and what to do about it.
 */
public class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String message) { super(message); }

    public CudaUnavailableException(String message, Throwable cause) { super(message, cause); }
}
