package org.rnn4j.cuda;

import static org.rnn4j.Numerics.uniform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Adam;
import org.rnn4j.nn.GradientClipping;
import org.rnn4j.nn.Layers;
import org.rnn4j.nn.SoftmaxLoss;
import org.rnn4j.nn.TemporalAffineGradients;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/**
 * The language-model layers, Adam and gradient clipping on one backend, on one set of fresh random inputs, every
 * result downloaded by name (scalars as one-float arrays); and short training runs. Like {@link AllOps}, shared by
 * tests that compare backends.
 */
final class TrainOps {
    private TrainOps() {}

    /** N batch, T time, V vocabulary (classes), D embedding / affine input size, M affine output size. */
    record Shape(int N, int T, int V, int D, int M) {
        @Override
        public String toString() { return "N=" + N + " T=" + T + " V=" + V + " D=" + D + " M=" + M; }
    }

    /** Random inputs of every operation; gA, gB the gradients of Adam's two parameters pA (V,D), pB (M), per step. */
    record Inputs(Shape s, float[] idx, float[] embW, float[] embDout, float[] x, float[] affW, float[] affB,
                  float[] affDout, float[] scores, float[] y, float[] mask, float[] pA, float[] pB,
                  float[][] gA, float[][] gB) {
        static final int ADAM_STEPS = 3;

        static Inputs random(SplittableRandom r, Shape s) {
            int N = s.N, T = s.T, V = s.V, D = s.D, M = s.M, rows = N * T;
            float[] mask = new float[rows];
            for (int i = 0; i < rows; i++) mask[i] = i == 0 || r.nextInt(4) != 0 ? 1f : 0f;   // never all masked
            float[][] gA = new float[ADAM_STEPS][], gB = new float[ADAM_STEPS][];
            for (int k = 0; k < ADAM_STEPS; k++) {
                gA[k] = uniform(r, V * D, 1);
                gB[k] = uniform(r, M, 1);
            }
            return new Inputs(s, indices(r, rows, V), uniform(r, V * D, 1), uniform(r, rows * D, 1),
                    uniform(r, rows * D, 1), uniform(r, D * M, 0.5), uniform(r, M, 0.5), uniform(r, rows * M, 1),
                    uniform(r, rows * V, 3), indices(r, rows, V), mask, uniform(r, V * D, 1), uniform(r, M, 1), gA, gB);
        }

        private static float[] indices(SplittableRandom r, int n, int bound) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = r.nextInt(bound);
            return a;
        }
    }

    /** Runs every operation on {@code b}; returns each result by name. Closes every tensor it made. */
    static Map<String, float[]> run(Backend b, Inputs in) {
        int N = in.s.N, T = in.s.T, V = in.s.V, D = in.s.D, M = in.s.M;
        Layers nn = new Layers(b);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Tensor idx = b.tensor(in.idx, N, T); Tensor embW = b.tensor(in.embW, V, D);
             Tensor embDout = b.tensor(in.embDout, N, T, D); Tensor emb = nn.wordEmbeddingForward(idx, embW);
             Tensor dEmbW = nn.wordEmbeddingBackward(embDout, idx, V)) {
            out.put("embedding.out", emb.toArray());
            out.put("embedding.dW", dEmbW.toArray());
        }
        try (Tensor x = b.tensor(in.x, N, T, D); Tensor w = b.tensor(in.affW, D, M); Tensor bias = b.tensor(in.affB, M);
             Tensor dout = b.tensor(in.affDout, N, T, M); Tensor aff = nn.temporalAffineForward(x, w, bias);
             TemporalAffineGradients g = nn.temporalAffineBackward(dout, x, w)) {
            out.put("affine.out", aff.toArray());
            out.put("affine.dx", g.dx().toArray());
            out.put("affine.dW", g.dW().toArray());
            out.put("affine.db", g.db().toArray());
        }
        try (Tensor scores = b.tensor(in.scores, N, T, V); Tensor y = b.tensor(in.y, N, T);
             Tensor mask = b.tensor(in.mask, N, T);
             SoftmaxLoss masked = nn.temporalSoftmaxLoss(scores, y, mask);
             SoftmaxLoss all = nn.temporalSoftmaxLoss(scores, y, null)) {
            out.put("softmax.loss", new float[] {(float) masked.loss()});
            out.put("softmax.dScores", masked.dScores().toArray());
            out.put("softmaxNoMask.loss", new float[] {(float) all.loss()});
            out.put("softmaxNoMask.dScores", all.dScores().toArray());
        }
        adamAndClipping(b, in, out);
        return out;
    }

    /**
     * Adam over two parameters for a few steps with the given gradients, then clipping: once with a threshold of
     * half the norm (the scale is then exactly 1/2, so every gradient is halved exactly) and once above it (no change).
     */
    private static void adamAndClipping(Backend b, Inputs in, Map<String, float[]> out) {
        int V = in.s.V, D = in.s.D, M = in.s.M;
        try (Tensor pA = b.tensor(in.pA, V, D); Tensor pB = b.tensor(in.pB, M);
             Adam adam = new Adam(b, List.of(pA, pB), 0.9, 0.999, 1e-8)) {
            for (int k = 0; k < Inputs.ADAM_STEPS; k++)
                try (Tensor gA = b.tensor(in.gA[k], V, D); Tensor gB = b.tensor(in.gB[k], M)) {
                    adam.update(List.of(gA, gB), 1e-2);
                }
            out.put("adam.pA", pA.toArray());
            out.put("adam.pB", pB.toArray());
            List<Tensor> moments = adam.moments();
            for (int i = 0; i < moments.size(); i++) out.put("adam.moment" + i, moments.get(i).toArray());
        }
        try (Tensor gA = b.tensor(in.gA[0], V, D); Tensor gB = b.tensor(in.gB[0], M)) {
            List<Tensor> grads = List.of(gA, gB);
            double norm = GradientClipping.globalNorm(grads);
            out.put("clip.norm", new float[] {(float) norm});
            out.put("clip.above.before", new float[] {(float) GradientClipping.clip(grads, 2 * norm)});
            out.put("clip.above.gA", gA.toArray());
            out.put("clip.half.before", new float[] {(float) GradientClipping.clip(grads, norm / 2)});
            out.put("clip.half.gA", gA.toArray());
            out.put("clip.half.gB", gB.toArray());
            out.put("clip.half.after", new float[] {(float) GradientClipping.globalNorm(grads)});
        }
    }

    /** Losses of each step and the final parameters of a training run. */
    record Run(double[] losses, float[][] params) {}

    /** {@code cfg.steps()} training steps on {@code text}; the trainer is closed before this returns. */
    static Run train(Backend b, String text, TrainConfig cfg) {
        try (Trainer t = new Trainer(b, text, cfg)) {
            double[] losses = new double[cfg.steps()];
            for (int i = 0; i < losses.length; i++) losses[i] = t.trainStep();
            List<float[]> params = new ArrayList<>();
            for (Tensor p : t.model().params()) params.add(p.toArray());
            return new Run(losses, params.toArray(new float[0][]));
        }
    }

    /** The first {@code chars} characters of the corpus shipped with rnn4j. */
    static String corpus(int chars) {
        try (InputStream in = TrainOps.class.getResourceAsStream("/org/rnn4j/corpus/kjv.txt")) {
            if (in == null) throw new IOException("corpus /org/rnn4j/corpus/kjv.txt not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).substring(0, chars);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
