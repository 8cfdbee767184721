package org.rnn4j.cuda;

import org.rnn4j.CudaUnavailableException;
import org.rnn4j.internal.Compute;

/** Placeholder until the CUDA backend (issue 3) lands: reports CUDA as unavailable. */
public final class CudaCompute {
    private CudaCompute() {}

    public static Compute open() {
        throw new CudaUnavailableException("the CUDA backend is not built yet in this version of rnn4j");
    }
}
