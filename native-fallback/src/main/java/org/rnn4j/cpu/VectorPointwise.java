package org.rnn4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused steps on the Vector API (loaded only with jdk.incubator.vector, see {@link VectorSupport}): the
 * same formulas as {@link CpuKernels}, with the JDK's vectorized exp and tanh. Each row is walked in full
 * vectors and a masked last vector, so an element's result depends on its own inputs only.
 */
final class VectorPointwise implements Pointwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() { return "vector" + S.vectorBitSize(); }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    private static FloatVector tanh(FloatVector x) { return x.lanewise(VectorOperators.TANH); }

    @Override
    public void rnnForward(int n, int h, float[] pre, int preOff, float[] b, float[] hOut, int hOff) {
        for (int r = 0; r < n; r++) {
            int p = preOff + r * h, q = hOff + r * h;
            for (int j = 0; j < h; j += L) {
                VectorMask<Float> m = S.indexInRange(j, h);
                tanh(FloatVector.fromArray(S, pre, p + j, m).add(FloatVector.fromArray(S, b, j, m))).intoArray(hOut, q + j, m);
            }
        }
    }

    @Override
    public void rnnBackward(int n, int h, float[] hT, int hOff, float[] dh, int dhOff, float[] dhRec, int dhRecOff,
                            float[] da, int daOff) {
        CpuKernels.rnnBackwardPointwise(n, h, hT, hOff, dh, dhOff, dhRec, dhRecOff, da, daOff); // no transcendental
    }

    @Override
    public void lstmForward(int n, int h, float[] gates, int gOff, float[] b, float[] cPrev, int cPrevOff,
                            float[] c, int cOff, float[] hOut, int hOff) {
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, s0 = r * h;
            for (int j = 0; j < h; j += L) {
                VectorMask<Float> m = S.indexInRange(j, h);
                FloatVector i = sigmoid(load(gates, g0 + j, m).add(load(b, j, m)));
                FloatVector f = sigmoid(load(gates, g0 + h + j, m).add(load(b, h + j, m)));
                FloatVector o = sigmoid(load(gates, g0 + 2 * h + j, m).add(load(b, 2 * h + j, m)));
                FloatVector g = tanh(load(gates, g0 + 3 * h + j, m).add(load(b, 3 * h + j, m)));
                i.intoArray(gates, g0 + j, m);
                f.intoArray(gates, g0 + h + j, m);
                o.intoArray(gates, g0 + 2 * h + j, m);
                g.intoArray(gates, g0 + 3 * h + j, m);
                FloatVector cn = f.mul(load(cPrev, cPrevOff + s0 + j, m)).add(i.mul(g));
                cn.intoArray(c, cOff + s0 + j, m);
                o.mul(tanh(cn)).intoArray(hOut, hOff + s0 + j, m);
            }
        }
    }

    @Override
    public void lstmBackward(int n, int h, float[] gates, int gOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                             float[] dh, int dhOff, float[] dhRec, int dhRecOff, float[] dc, int dcOff, float[] da, int daOff) {
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, a0 = daOff + r * 4 * h, s0 = r * h;
            for (int j = 0; j < h; j += L) {
                VectorMask<Float> m = S.indexInRange(j, h);
                FloatVector i = load(gates, g0 + j, m), f = load(gates, g0 + h + j, m);
                FloatVector o = load(gates, g0 + 2 * h + j, m), g = load(gates, g0 + 3 * h + j, m);
                FloatVector tc = tanh(load(c, cOff + s0 + j, m));
                FloatVector dhTot = load(dh, dhOff + s0 + j, m).add(load(dhRec, dhRecOff + s0 + j, m));
                FloatVector dcTot = load(dc, dcOff + s0 + j, m).add(dhTot.mul(o).mul(tc.mul(tc).neg().add(1f)));
                dcTot.mul(g).mul(i).mul(i.neg().add(1f)).intoArray(da, a0 + j, m);
                dcTot.mul(load(cPrev, cPrevOff + s0 + j, m)).mul(f).mul(f.neg().add(1f)).intoArray(da, a0 + h + j, m);
                dhTot.mul(tc).mul(o).mul(o.neg().add(1f)).intoArray(da, a0 + 2 * h + j, m);
                dcTot.mul(i).mul(g.mul(g).neg().add(1f)).intoArray(da, a0 + 3 * h + j, m);
                dcTot.mul(f).intoArray(dc, dcOff + s0 + j, m);
            }
        }
    }

    private static FloatVector load(float[] a, int off, VectorMask<Float> m) { return FloatVector.fromArray(S, a, off, m); }
}
