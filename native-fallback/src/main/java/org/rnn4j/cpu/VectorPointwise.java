package org.rnn4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused steps on the Vector API (loaded only with jdk.incubator.vector, see {@link VectorSupport}): the
 * same formulas and the same float exp/tanh/sigmoid as {@link CpuKernels}, operation for operation, so the
 * results are bit-identical to the scalar ones. Rows are walked in full vectors; the last partial vector of a
 * row goes through the scalar twins (masked loads and stores are not intrinsified in JDK 17 and cost ~20×).
 * Every element goes through the same function of its own inputs, whatever the row split between threads.
 */
final class VectorPointwise implements Pointwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() { return "vector" + S.vectorBitSize(); }

    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693145752f, LN2_LO = 1.42860677e-6f;

    private static FloatVector v(float[] a, int off) { return FloatVector.fromArray(S, a, off); }

    private static final int SIGMOID = 0, TANH = 1;

    /** Per-thread scratch: a row of tanh values (backward), a row of exp arguments / results and exp's rows. */
    private static final class Scratch {
        float[] row = new float[0], exp = new float[0], poly = new float[0], shifted = new float[0];
        float[] scale1 = new float[0], scale2 = new float[0];
        int[] bits = new int[0];

        float[] exp(int len) {
            if (exp.length < len) exp = new float[len];
            return exp;
        }

        /** The rows exp works in, at least len long. */
        void grow(int len) {
            if (poly.length >= len) return;
            poly = new float[len];
            shifted = new float[len];
            scale1 = new float[len];
            scale2 = new float[len];
            bits = new int[len];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /*
     * Why the activations run as several small loops: a Vector API call that C2 does not inline runs its Java
     * fallback, which allocates a payload per operation and is 5-50x slower. C2 expands each vector operation
     * into dozens of inlined methods; a compilation unit holding a whole sigmoid or tanh (35-50 operations)
     * reached C2's live-node cutoff for incremental inlining in some JVMs, depending on profile and compile
     * order, and the calls left over stayed on the fallback for the rest of the run (JFR: FloatVector payload
     * allocations in the loops). So no unit holds more than about 25 vector operations: exp is its own loop
     * over a per-thread row (expLoop, too big for C2 to inline into a caller, so always compiled alone), the
     * argument and the final combination are loops of a few operations each, and every constant is broadcast
     * once outside its loop. The partial vector at a row's end is done by the scalar twins in CpuKernels.
     *
     * The arithmetic is CpuKernels' sigmoid, tanh and exp lane by lane, operation for operation (no fma, the
     * same rounding trick and scaling), so the bits equal the scalar kernels'. The JDK's own vector EXP/TANH
     * are not used: they are SVML when compiled but Math's in the interpreter, so results would depend on
     * warm-up.
     */

    /**
     * out[oo + j] = act(a[ao + j] + b[bo + j]) for j < len (b == null: act(a[ao + j])). out may be a (same offsets).
     */
    private static void activate(int act, float[] a, int ao, float[] b, int bo, float[] out, int oo, int len,
            Scratch s) {
        int full = len - len % L;
        float[] e = s.exp(full);
        if (act == SIGMOID) {
            sigmoidArgument(a, ao, b, bo, out, oo, e, len);
            exp(e, full, s);
            sigmoidCombine(out, oo, e, len);
        } else {
            tanhArgument(a, ao, b, bo, out, oo, e, len);
            exp(e, full, s);
            tanhCombine(out, oo, e, len);
        }
    }

    /** x = a + b (or a) into out for j < len, and the exp argument -|x| into e for the full vectors. */
    private static void sigmoidArgument(float[] a, int ao, float[] b, int bo, float[] out, int oo, float[] e, int len) {
        int full = len - len % L;
        sum(a, ao, b, bo, out, oo, full, len);
        if (b == null) {
            for (int j = 0; j < full; j += L) {
                FloatVector x = FloatVector.fromArray(S, a, ao + j);
                x.intoArray(out, oo + j);
                x.abs().neg().intoArray(e, j);
            }
        } else {
            for (int j = 0; j < full; j += L) {
                FloatVector x = FloatVector.fromArray(S, a, ao + j).add(FloatVector.fromArray(S, b, bo + j));
                x.intoArray(out, oo + j);
                x.abs().neg().intoArray(e, j);
            }
        }
    }

    /** x = a + b (or a) into out for j < len, and the exp argument 2|x| into e for the full vectors. */
    private static void tanhArgument(float[] a, int ao, float[] b, int bo, float[] out, int oo, float[] e, int len) {
        int full = len - len % L;
        sum(a, ao, b, bo, out, oo, full, len);
        FloatVector two = FloatVector.broadcast(S, 2f);
        if (b == null) {
            for (int j = 0; j < full; j += L) {
                FloatVector x = FloatVector.fromArray(S, a, ao + j);
                x.intoArray(out, oo + j);
                x.abs().mul(two).intoArray(e, j);
            }
        } else {
            for (int j = 0; j < full; j += L) {
                FloatVector x = FloatVector.fromArray(S, a, ao + j).add(FloatVector.fromArray(S, b, bo + j));
                x.intoArray(out, oo + j);
                x.abs().mul(two).intoArray(e, j);
            }
        }
    }

    /** The partial vector at the end of a row: x = a + b (or a) into out, in plain Java. */
    private static void sum(float[] a, int ao, float[] b, int bo, float[] out, int oo, int full, int len) {
        for (int j = full; j < len; j++) out[oo + j] = b == null ? a[ao + j] : a[ao + j] + b[bo + j];
    }

    /** sigmoid from x (in out) and e = exp(-|x|): 1/(1+e) for x >= 0, e/(1+e) below; the row's tail by CpuKernels. */
    private static void sigmoidCombine(float[] out, int oo, float[] e, int len) {
        int full = len - len % L;
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, out, oo + j), y = FloatVector.fromArray(S, e, j);
            // one division: the numerator is chosen first (1 or e), which gives the same quotient bits
            one.blend(y, x.compare(VectorOperators.LT, zero)).div(y.add(one)).intoArray(out, oo + j);
        }
        for (int j = full; j < len; j++) out[oo + j] = CpuKernels.sigmoid(out[oo + j]);
    }

    /**
     * tanh from x (in out) and e = exp(2|x|): an odd polynomial below |x| = 0.5, else sign(x)·(1 - 2/(e + 1)); the
     * row's tail by CpuKernels. Holding about 20 vector operations, this loop must stay a unit of its own: its
     * bytecode is above C2's FreqInlineSize (325 bytes), so it is never inlined into activate's callers.
     */
    private static void tanhCombine(float[] out, int oo, float[] e, int len) {
        int full = len - len % L;
        FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), zero = FloatVector.zero(S);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        FloatVector q0 = FloatVector.broadcast(S, 21844f / 6081075f), q1 = FloatVector.broadcast(S, 1382f / 155925f);
        FloatVector q2 = FloatVector.broadcast(S, 62f / 2835f), q3 = FloatVector.broadcast(S, 17f / 315f);
        FloatVector q4 = FloatVector.broadcast(S, 2f / 15f), q5 = FloatVector.broadcast(S, 1f / 3f);
        for (int j = 0; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, out, oo + j), y = FloatVector.fromArray(S, e, j);
            FloatVector x2 = x.mul(x);
            FloatVector q = q0.mul(x2).sub(q1).mul(x2).add(q2).mul(x2).sub(q3).mul(x2).add(q4).mul(x2).sub(q5);
            FloatVector small = x.add(x.mul(x2).mul(q)).blend(x, x.compare(VectorOperators.EQ, zero));
            FloatVector t = one.sub(two.div(y.add(one)));
            t.blend(t.neg(), x.compare(VectorOperators.LT, zero))
                    .blend(small, x.abs().compare(VectorOperators.LT, half)).intoArray(out, oo + j);
        }
        for (int j = full; j < len; j++) out[oo + j] = CpuKernels.tanh(out[oo + j]);
    }

    /** e[j] = exp(e[j]) for j < full (a multiple of L), as CpuKernels.exp, in two compilation units. */
    private static void exp(float[] e, int full, Scratch s) {
        s.grow(full);
        expReduce(e, s.poly, s.shifted, full);
        expScale(e, s.poly, s.shifted, s.bits, s.scale1, s.scale2, full);
    }

    /**
     * Step one of exp, for j < full: x = n·ln2 + r (n rounded to nearest by adding and removing 1.5·2^23, as in
     * CpuKernels.exp), poly[j] = the degree-6 polynomial of r and shifted[j] = 1.5·2^23 + n, whose bits are
     * 0x4B400000 + n. About 25 vector operations. Like every loop here that holds more than ten, its bytecode
     * (argument check included) is above C2's FreqInlineSize (325 bytes), so C2 never inlines it into a caller:
     * it stays a compilation unit of its own whatever the JIT's order.
     */
    private static void expReduce(float[] e, float[] poly, float[] shifted, int full) {
        if (poly == shifted) throw new IllegalArgumentException("expReduce: poly and shifted must be distinct rows");
        if (full % L != 0 || full > e.length || full > poly.length || full > shifted.length)
            throw new IllegalArgumentException("expReduce: " + full + " floats in whole vectors of " + L
                    + " do not fit rows of " + e.length + ", " + poly.length + " and " + shifted.length + " floats");
        FloatVector log2e = FloatVector.broadcast(S, LOG2E), magic = FloatVector.broadcast(S, 12582912f);
        FloatVector ln2hi = FloatVector.broadcast(S, LN2_HI), ln2lo = FloatVector.broadcast(S, LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, 1f / 720f), p1 = FloatVector.broadcast(S, 1f / 120f);
        FloatVector p2 = FloatVector.broadcast(S, 1f / 24f), p3 = FloatVector.broadcast(S, 1f / 6f);
        FloatVector p4 = FloatVector.broadcast(S, 0.5f), one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, e, j);
            FloatVector sh = x.mul(log2e).add(magic);
            FloatVector n = sh.sub(magic);
            FloatVector r = x.sub(n.mul(ln2hi)).sub(n.mul(ln2lo));
            FloatVector q = p0.mul(r).add(p1);
            q = q.mul(r).add(p2);
            q = q.mul(r).add(p3);
            q = q.mul(r).add(p4);
            q = q.mul(r).add(one);
            q = q.mul(r).add(one);
            q.intoArray(poly, j);
            sh.intoArray(shifted, j);
        }
    }

    /**
     * Step two of exp: e[j] = poly[j]·2^k1·2^k2 with k = n split in two halves (both factors normal for k in
     * [-149, 128], one rounding), +inf for x above 88.72 and 0 below -103. Each reinterpreting convert's result is
     * stored at once and the next loop loads it back: a convert's result class is unknown to C2 while it parses,
     * so every call on it would be inlined late, which C2 gives up on when a unit grows large; loaded vectors
     * have exact classes. About 25 vector operations; a unit of its own (see expReduce).
     */
    private static void expScale(float[] e, float[] poly, float[] shifted, int[] bits, float[] scale1, float[] scale2,
            int full) {
        if (full % L != 0 || full > e.length || full > bits.length || full > scale1.length || full > scale2.length)
            throw new IllegalArgumentException("expScale: " + full + " floats in whole vectors of " + L
                    + " do not fit rows of " + e.length + ", " + bits.length + " and " + scale1.length + " elements");
        for (int j = 0; j < full; j += L)
            ((IntVector) FloatVector.fromArray(S, shifted, j).convert(VectorOperators.REINTERPRET_F2I,
                    0)).intoArray(bits, j);
        IntVector magicBits = IntVector.broadcast(I, 0x4B400000), bias = IntVector.broadcast(I, 127);
        for (int j = 0; j < full; j += L) {
            IntVector k = IntVector.fromArray(I, bits, j).sub(magicBits);
            IntVector k1 = k.lanewise(VectorOperators.ASHR, 1), k2 = k.sub(k1);
            ((FloatVector) k1.add(bias).lanewise(VectorOperators.LSHL, 23).convert(VectorOperators.REINTERPRET_I2F,
                    0)).intoArray(scale1, j);
            ((FloatVector) k2.add(bias).lanewise(VectorOperators.LSHL, 23).convert(VectorOperators.REINTERPRET_I2F,
                    0)).intoArray(scale2, j);
        }
        FloatVector hi = FloatVector.broadcast(S, 88.72f), lo = FloatVector.broadcast(S, -103f);
        FloatVector inf = FloatVector.broadcast(S, Float.POSITIVE_INFINITY), zero = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, e, j);
            // poly·2^k1·2^k2, the scalar kernel's order
            FloatVector y = FloatVector.fromArray(S, poly,
                    j).mul(FloatVector.fromArray(S, scale1, j)).mul(FloatVector.fromArray(S, scale2, j));
            y.blend(inf, x.compare(VectorOperators.GT, hi)).blend(zero, x.compare(VectorOperators.LT, lo))
                    .intoArray(e, j);
        }
    }

    @Override
    public void rnnForward(int n, int h, float[] pre, int preOff, float[] b, float[] hOut, int hOff) {
        Scratch s = SCRATCH.get();
        for (int r = 0; r < n; r++) activate(TANH, pre, preOff + r * h, b, 0, hOut, hOff + r * h, h, s);
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
        Scratch s = SCRATCH.get();
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, s0 = r * h;
            activate(SIGMOID, gates, g0, b, 0, gates, g0, 3 * h, s);          // i, f, o are contiguous
            activate(TANH, gates, g0 + 3 * h, b, 3 * h, gates, g0 + 3 * h, h, s);
            int cp = cPrevOff + s0, co = cOff + s0, full = h - h % L, j = 0;
            // arithmetic only: vectors, then plain Java for the tail (the same IEEE operations, the same bits)
            for (; j < full; j += L)
                v(gates, g0 + h + j).mul(v(cPrev, cp + j)).add(v(gates, g0
                        + j).mul(v(gates, g0 + 3 * h + j))).intoArray(c, co + j);
            for (; j < h; j++)
                c[co + j] = gates[g0 + h + j] * cPrev[cp + j] + gates[g0 + j] * gates[g0 + 3 * h + j];
            // tanh(c) goes straight into h, then h = o * h in place (the same product as o * tanh(c))
            int ho = hOff + s0, o0 = g0 + 2 * h;
            activate(TANH, c, co, null, 0, hOut, ho, h, s);
            for (j = 0; j < full; j += L) v(gates, o0 + j).mul(v(hOut, ho + j)).intoArray(hOut, ho + j);
            for (; j < h; j++) hOut[ho + j] = gates[o0 + j] * hOut[ho + j];
        }
    }

    @Override
    public void lstmBackward(int n, int h, float[] gates, int gOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                             float[] dh, int dhOff, float[] dhRec, int dhRecOff, float[] dc, int dcOff, float[] da,
                             int daOff) {
        Scratch s = SCRATCH.get();
        if (s.row.length < h) s.row = new float[h];
        float[] tcs = s.row;
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, a0 = daOff + r * 4 * h, s0 = r * h;
            activate(TANH, c, cOff + s0, null, 0, tcs, 0, h, s);
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
        float[] pre = s.row;
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 3 * h, q0 = ghOff + r * 3 * h, s0 = r * h;
            for (int j = 0; j < 2 * h; j++) pre[j] = (gates[g0 + j] + bx[j]) + (gh[q0 + j] + bh[j]);
            activate(SIGMOID, pre, 0, null, 0, gates, g0, 2 * h, s);           // r, z are contiguous
            int hn0 = hnOff + s0, n0 = g0 + 2 * h;
            for (int j = 0; j < h; j++) {
                float hidden = gh[q0 + 2 * h + j] + bh[2 * h + j];
                hn[hn0 + j] = hidden;
                pre[j] = (gates[n0 + j] + bx[2 * h + j]) + gates[g0 + j] * hidden;
            }
            activate(TANH, pre, 0, null, 0, gates, n0, h, s);
            int ho = hOff + s0, hp = hPrevOff + s0;
            for (int j = 0; j < h; j++) {
                float z = gates[g0 + h + j];
                hOut[ho + j] = (1f - z) * gates[n0 + j] + z * hPrev[hp + j];
            }
        }
    }

    /**
     * CpuKernels.adamUpdate operation for operation on whole vectors (no fma; the vector square root is the
     * correctly rounded float one, which is what the scalar (float) Math.sqrt of a float gives), the tail there.
     */
    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                           float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        int full = n - n % L;
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
        for (int i = 0; i < full; i += L) {
            FloatVector gi = v(g, gOff + i);
            FloatVector mi = v(m, mOff + i).mul(beta1).add(gi.mul(oneMinusBeta1));
            FloatVector vi = v(v, vOff + i).mul(beta2).add(gi.mul(oneMinusBeta2).mul(gi));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector step = mi.div(bias1).mul(lr).div(vi.div(bias2).lanewise(VectorOperators.SQRT).add(eps));
            v(p, pOff + i).sub(step).intoArray(p, pOff + i);
        }
        CpuKernels.adamUpdate(n - full, lr, beta1, beta2, eps, bias1, bias2, p, pOff + full, g, gOff + full, m,
                mOff + full, v, vOff + full);
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
