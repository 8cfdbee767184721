package org.rnn4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused steps on the Vector API (loaded only with jdk.incubator.vector, see {@link VectorSupport}): the
 * same formulas and the same float exp/tanh/sigmoid as {@link CpuKernels}, operation for operation, so the
 * results are bit-identical to the scalar ones. Rows are walked in full vectors; the last partial vector of a
 * row is copied into zero-padded per-thread scratch, computed by the same vector code and copied back (masked
 * loads and stores are not intrinsified in JDK 17 and cost ~20×). Every element goes through the same function
 * of its own inputs, whatever the row split between threads.
 */
final class VectorPointwise implements Pointwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() { return "vector" + S.vectorBitSize(); }

    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693145752f, LN2_LO = 1.42860677e-6f;

    private static FloatVector v(float[] a, int off) { return FloatVector.fromArray(S, a, off); }

    private static final int SIGMOID = 0, TANH = 1;

    /** Per-thread scratch: a row of tanh values and the zero-padded tail vectors. */
    private static final class Scratch {
        float[] row = new float[0];
        final float[] tail = new float[3 * L];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * out[oo + j] = act(a[ao + j] + b[bo + j]) for j < len (b == null: act(a[ao + j])). The full vectors run in
     * {@link #sigmoidLoop} or {@link #tanhLoop}; the last partial vector goes through the same loop on
     * zero-padded scratch.
     */
    private static void activate(int act, float[] a, int ao, float[] b, int bo, float[] out, int oo, int len, float[] tail) {
        int full = len - len % L;
        if (act == SIGMOID) sigmoidLoop(a, ao, b, bo, out, oo, full);
        else tanhLoop(a, ao, b, bo, out, oo, full);
        if (full < len) {
            int w = len - full;
            java.util.Arrays.fill(tail, 0, 2 * L, 0f);
            System.arraycopy(a, ao + full, tail, 0, w);
            if (b != null) System.arraycopy(b, bo + full, tail, L, w);
            if (act == SIGMOID) sigmoidLoop(tail, 0, b == null ? null : tail, L, tail, 2 * L, L);
            else tanhLoop(tail, 0, b == null ? null : tail, L, tail, 2 * L, L);
            System.arraycopy(tail, 2 * L, out, oo + full, w);
        }
    }

    /*
     * Why the two loops below spell out exp instead of calling helpers: a Vector API call that C2 does not
     * inline runs its Java fallback, ~50x slower, and C2 stops inlining once a compilation unit grows past its
     * budget. With small loop methods C2 could inline them (and every exp) into a caller such as lstmForward,
     * which then held three exps and, in some runs, fell back: the same benchmark took 140 or 380 ms depending on
     * the order in which methods happened to get compiled. Each loop is bigger than C2's inlining limit for a
     * hot call (FreqInlineSize, 325 bytes of bytecode), so it is never inlined into a caller: it is always
     * compiled on its own, as a unit holding exactly one exp, whatever the JIT's order.
     *
     * The arithmetic is CpuKernels' sigmoid, tanh and exp lane by lane, operation for operation (no fma, the
     * same rounding trick and scaling), so the bits equal the scalar kernels'. The JDK's own vector EXP/TANH
     * are not used: they are SVML when compiled but Math's in the interpreter, so results would depend on
     * warm-up.
     */

    /** out[oo + j] = sigmoid(a[ao + j] + b[bo + j]) (b == null: sigmoid(a[ao + j])) for j < full, full % L == 0. */
    private static void sigmoidLoop(float[] a, int ao, float[] b, int bo, float[] out, int oo, int full) {
        for (int j = 0; j < full; j += L) {
            FloatVector x = b == null ? v(a, ao + j) : v(a, ao + j).add(v(b, bo + j));
            // e = exp(-|x|)
            FloatVector m = x.abs().neg();
            FloatVector shifted = m.mul(LOG2E).add(12582912f);
            FloatVector n = shifted.sub(12582912f);
            FloatVector r = m.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
            FloatVector p = FloatVector.broadcast(S, 1f / 720f);
            p = p.mul(r).add(1f / 120f);
            p = p.mul(r).add(1f / 24f);
            p = p.mul(r).add(1f / 6f);
            p = p.mul(r).add(0.5f);
            p = p.mul(r).add(1f);
            p = p.mul(r).add(1f);
            // (int) n without a float-to-int conversion (not intrinsified in JDK 17, ~40x slower): the bits of
            // shifted = 1.5·2^23 + n are 0x4B400000 + n.
            IntVector e = ((IntVector) shifted.convert(VectorOperators.REINTERPRET_F2I, 0)).sub(0x4B400000);
            IntVector e1 = e.lanewise(VectorOperators.ASHR, 1), e2 = e.sub(e1);
            FloatVector s1 = (FloatVector) e1.add(127).lanewise(VectorOperators.LSHL, 23).convert(VectorOperators.REINTERPRET_I2F, 0);
            FloatVector s2 = (FloatVector) e2.add(127).lanewise(VectorOperators.LSHL, 23).convert(VectorOperators.REINTERPRET_I2F, 0);
            // receivers, not arguments: C2 then inlines on the exact vector class of the reinterpreted scale
            FloatVector y = s2.mul(s1.mul(p));
            y = y.blend(Float.POSITIVE_INFINITY, m.compare(VectorOperators.GT, 88.72f));
            y = y.blend(0f, m.lt(-103f));
            // sigmoid: 1/(1+e) for x >= 0, e/(1+e) below
            FloatVector d = y.add(1f);
            FloatVector.broadcast(S, 1f).div(d).blend(y.div(d), x.lt(0f)).intoArray(out, oo + j);
        }
    }

    /** out[oo + j] = tanh(a[ao + j] + b[bo + j]) (b == null: tanh(a[ao + j])) for j < full, full % L == 0. */
    private static void tanhLoop(float[] a, int ao, float[] b, int bo, float[] out, int oo, int full) {
        for (int j = 0; j < full; j += L) {
            FloatVector x = b == null ? v(a, ao + j) : v(a, ao + j).add(v(b, bo + j));
            FloatVector ax = x.abs(), x2 = x.mul(x);
            // |x| < 0.5: odd polynomial
            FloatVector q = FloatVector.broadcast(S, 21844f / 6081075f);
            q = q.mul(x2).sub(1382f / 155925f);
            q = q.mul(x2).add(62f / 2835f);
            q = q.mul(x2).sub(17f / 315f);
            q = q.mul(x2).add(2f / 15f);
            q = q.mul(x2).sub(1f / 3f);
            FloatVector small = x.add(x.mul(x2).mul(q)).blend(x, x.eq(0f));
            // otherwise sign(x)·(1 - 2/(exp(2|x|) + 1)); exp as in sigmoidLoop
            FloatVector m = ax.mul(2f);
            FloatVector shifted = m.mul(LOG2E).add(12582912f);
            FloatVector n = shifted.sub(12582912f);
            FloatVector r = m.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
            FloatVector p = FloatVector.broadcast(S, 1f / 720f);
            p = p.mul(r).add(1f / 120f);
            p = p.mul(r).add(1f / 24f);
            p = p.mul(r).add(1f / 6f);
            p = p.mul(r).add(0.5f);
            p = p.mul(r).add(1f);
            p = p.mul(r).add(1f);
            IntVector e = ((IntVector) shifted.convert(VectorOperators.REINTERPRET_F2I, 0)).sub(0x4B400000);
            IntVector e1 = e.lanewise(VectorOperators.ASHR, 1), e2 = e.sub(e1);
            FloatVector s1 = (FloatVector) e1.add(127).lanewise(VectorOperators.LSHL, 23).convert(VectorOperators.REINTERPRET_I2F, 0);
            FloatVector s2 = (FloatVector) e2.add(127).lanewise(VectorOperators.LSHL, 23).convert(VectorOperators.REINTERPRET_I2F, 0);
            FloatVector y = s2.mul(s1.mul(p));
            y = y.blend(Float.POSITIVE_INFINITY, m.compare(VectorOperators.GT, 88.72f));
            y = y.blend(0f, m.lt(-103f));
            FloatVector t = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(y.add(1f)));
            t.blend(t.neg(), x.lt(0f)).blend(small, ax.lt(0.5f)).intoArray(out, oo + j);
        }
    }

    @Override
    public void rnnForward(int n, int h, float[] pre, int preOff, float[] b, float[] hOut, int hOff) {
        float[] tail = SCRATCH.get().tail;
        for (int r = 0; r < n; r++) activate(TANH, pre, preOff + r * h, b, 0, hOut, hOff + r * h, h, tail);
    }

    @Override
    public void rnnBackward(int n, int h, float[] hT, int hOff, float[] dh, int dhOff, float[] dhRec, int dhRecOff,
                            float[] da, int daOff) {
        CpuKernels.rnnBackwardPointwise(n, h, hT, hOff, dh, dhOff, dhRec, dhRecOff, da, daOff); // no transcendental
    }

    /** The scalar formulas of CpuKernels in passes: activations vectorized, the products in plain loops (same bits). */
    @Override
    public void lstmForward(int n, int h, float[] gates, int gOff, float[] b, float[] cPrev, int cPrevOff,
                            float[] c, int cOff, float[] hOut, int hOff) {
        float[] tail = SCRATCH.get().tail;
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, s0 = r * h;
            activate(SIGMOID, gates, g0, b, 0, gates, g0, 3 * h, tail);          // i, f, o are contiguous
            activate(TANH, gates, g0 + 3 * h, b, 3 * h, gates, g0 + 3 * h, h, tail);
            int cp = cPrevOff + s0, co = cOff + s0, full = h - h % L, j = 0;
            // arithmetic only: vectors, then plain Java for the tail (the same IEEE operations, the same bits)
            for (; j < full; j += L)
                v(gates, g0 + h + j).mul(v(cPrev, cp + j)).add(v(gates, g0 + j).mul(v(gates, g0 + 3 * h + j))).intoArray(c, co + j);
            for (; j < h; j++)
                c[co + j] = gates[g0 + h + j] * cPrev[cp + j] + gates[g0 + j] * gates[g0 + 3 * h + j];
            // tanh(c) goes straight into h, then h = o * h in place (the same product as o * tanh(c))
            int ho = hOff + s0, o0 = g0 + 2 * h;
            activate(TANH, c, co, null, 0, hOut, ho, h, tail);
            for (j = 0; j < full; j += L) v(gates, o0 + j).mul(v(hOut, ho + j)).intoArray(hOut, ho + j);
            for (; j < h; j++) hOut[ho + j] = gates[o0 + j] * hOut[ho + j];
        }
    }

    @Override
    public void lstmBackward(int n, int h, float[] gates, int gOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                             float[] dh, int dhOff, float[] dhRec, int dhRecOff, float[] dc, int dcOff, float[] da, int daOff) {
        Scratch s = SCRATCH.get();
        if (s.row.length < h) s.row = new float[h];
        float[] tcs = s.row, tail = s.tail;
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, a0 = daOff + r * 4 * h, s0 = r * h;
            activate(TANH, c, cOff + s0, null, 0, tcs, 0, h, tail);
            int full = h - h % L, j = 0;
            for (; j < full; j += L)
                lstmBackwardArithmetic(gates, g0 + j, h, tcs, j, dh, dhOff + s0 + j, dhRec, dhRecOff + s0 + j,
                        dc, dcOff + s0 + j, cPrev, cPrevOff + s0 + j, da, a0 + j);
            for (; j < h; j++)
                CpuKernels.lstmBackwardElement(gates, g0, h, j, tcs[j], dh[dhOff + s0 + j] + dhRec[dhRecOff + s0 + j],
                        cPrev[cPrevOff + s0 + j], dc, dcOff + s0 + j, da, a0);
        }
    }

    /**
     * CpuKernels.gruForwardPointwise in passes: the pre-activation sums in plain loops into scratch (the same float
     * additions in the same order), the sigmoids of r, z and the tanh of n vectorized from there, then the blend.
     */
    @Override
    public void gruForward(int n, int h, float[] gates, int gOff, float[] gh, int ghOff, float[] bx, float[] bh,
                           float[] hPrev, int hPrevOff, float[] hn, int hnOff, float[] hOut, int hOff) {
        Scratch s = SCRATCH.get();
        if (s.row.length < 2 * h) s.row = new float[2 * h];
        float[] pre = s.row, tail = s.tail;
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 3 * h, q0 = ghOff + r * 3 * h, s0 = r * h;
            for (int j = 0; j < 2 * h; j++) pre[j] = (gates[g0 + j] + bx[j]) + (gh[q0 + j] + bh[j]);
            activate(SIGMOID, pre, 0, null, 0, gates, g0, 2 * h, tail);           // r, z are contiguous
            int hn0 = hnOff + s0, n0 = g0 + 2 * h;
            for (int j = 0; j < h; j++) {
                float hidden = gh[q0 + 2 * h + j] + bh[2 * h + j];
                hn[hn0 + j] = hidden;
                pre[j] = (gates[n0 + j] + bx[2 * h + j]) + gates[g0 + j] * hidden;
            }
            activate(TANH, pre, 0, null, 0, gates, n0, h, tail);
            int ho = hOff + s0, hp = hPrevOff + s0;
            for (int j = 0; j < h; j++) {
                float z = gates[g0 + h + j];
                hOut[ho + j] = (1f - z) * gates[n0 + j] + z * hPrev[hp + j];
            }
        }
    }

    /** One vector of the backward products, operation for operation as in CpuKernels.lstmBackwardPointwise. */
    private static void lstmBackwardArithmetic(float[] gates, int g, int h, float[] tcs, int t, float[] dh, int dho,
                                               float[] dhRec, int ro, float[] dc, int dco, float[] cPrev, int cp,
                                               float[] da, int a) {
        FloatVector i = v(gates, g), f = v(gates, g + h), o = v(gates, g + 2 * h), gg = v(gates, g + 3 * h);
        FloatVector tc = v(tcs, t), one = FloatVector.broadcast(S, 1f);
        FloatVector dhTot = v(dh, dho).add(v(dhRec, ro));
        FloatVector dcTot = v(dc, dco).add(dhTot.mul(o).mul(one.sub(tc.mul(tc))));
        dcTot.mul(gg).mul(i).mul(one.sub(i)).intoArray(da, a);
        dcTot.mul(v(cPrev, cp)).mul(f).mul(one.sub(f)).intoArray(da, a + h);
        dhTot.mul(tc).mul(o).mul(one.sub(o)).intoArray(da, a + 2 * h);
        dcTot.mul(i).mul(one.sub(gg.mul(gg))).intoArray(da, a + 3 * h);
        dcTot.mul(f).intoArray(dc, dco);
    }
}
