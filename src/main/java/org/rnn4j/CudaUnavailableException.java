package org.rnn4j;

/**
 * Thrown by {@link Backend#cuda()} when the CUDA backend cannot run here. The message names the cause
 * (no driver, no device, CUDA 12 cuBLAS missing, PTX refused) and what to do about it.
 */
public class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String message) { super(message); }

    public CudaUnavailableException(String message, Throwable cause) { super(message, cause); }
}
