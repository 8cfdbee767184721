package org.rnn4j.cpu;

/**
 * The fused pointwise steps behind {@link CpuCompute}, with the signatures of {@link CpuKernels}. Two
 * implementations: {@link #SCALAR} (CpuKernels itself) and, when the JVM has jdk.incubator.vector, one on the
 * Vector API that repeats CpuKernels' float exp, sigmoid and tanh lane by lane (the same bits). Each computes
 * every element by a function of that element's inputs alone, so cutting the rows between threads never
 * changes a result.
 */
interface Pointwise {
    void rnnForward(int n, int h, float[] pre, int preOff, float[] b, float[] hOut, int hOff);

    void rnnBackward(int n, int h, float[] hT, int hOff, float[] dh, int dhOff, float[] dhRec, int dhRecOff,
                     float[] da, int daOff);

    void lstmForward(int n, int h, float[] gates, int gOff, float[] b, float[] cPrev, int cPrevOff,
                     float[] c, int cOff, float[] hOut, int hOff);

    void lstmBackward(int n, int h, float[] gates, int gOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                      float[] dh, int dhOff, float[] dhRec, int dhRecOff, float[] dc, int dcOff, float[] da, int daOff);

    void gruForward(int n, int h, float[] gates, int gOff, float[] gh, int ghOff, float[] bx, float[] bh,
                    float[] hPrev, int hPrevOff, float[] hn, int hnOff, float[] hOut, int hOff);

    /** One Adam step in place over n floats (see Compute.adamUpdate); CpuKernels.adamUpdate's bits. */
    void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                    float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff);

    String name();

    Pointwise SCALAR = new Pointwise() {
        @Override
        public void rnnForward(int n, int h, float[] pre, int preOff, float[] b, float[] hOut, int hOff) {
            CpuKernels.rnnForwardPointwise(n, h, pre, preOff, b, hOut, hOff);
        }

        @Override
        public void rnnBackward(int n, int h, float[] hT, int hOff, float[] dh, int dhOff, float[] dhRec, int dhRecOff,
                                float[] da, int daOff) {
            CpuKernels.rnnBackwardPointwise(n, h, hT, hOff, dh, dhOff, dhRec, dhRecOff, da, daOff);
        }

        @Override
        public void lstmForward(int n, int h, float[] gates, int gOff, float[] b, float[] cPrev, int cPrevOff,
                                float[] c, int cOff, float[] hOut, int hOff) {
            CpuKernels.lstmForwardPointwise(n, h, gates, gOff, b, cPrev, cPrevOff, c, cOff, hOut, hOff);
        }

        @Override
        public void lstmBackward(int n, int h, float[] gates, int gOff, float[] cPrev, int cPrevOff, float[] c,
                int cOff,
                                 float[] dh, int dhOff, float[] dhRec, int dhRecOff, float[] dc, int dcOff, float[] da,
                                 int daOff) {
            CpuKernels.lstmBackwardPointwise(n, h, gates, gOff, cPrev, cPrevOff, c, cOff, dh, dhOff, dhRec, dhRecOff,
                    dc, dcOff, da, daOff);
        }

        @Override
        public void gruForward(int n, int h, float[] gates, int gOff, float[] gh, int ghOff, float[] bx, float[] bh,
                               float[] hPrev, int hPrevOff, float[] hn, int hnOff, float[] hOut, int hOff) {
            CpuKernels.gruForwardPointwise(n, h, gates, gOff, gh, ghOff, bx, bh, hPrev, hPrevOff, hn, hnOff,
                    hOut, hOff);
        }

        @Override
        public void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                               float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
            CpuKernels.adamUpdate(n, lr, beta1, beta2, eps, bias1, bias2, p, pOff, g, gOff, m, mOff, v, vOff);
        }

        @Override
        public String name() { return "scalar"; }
    };
}
