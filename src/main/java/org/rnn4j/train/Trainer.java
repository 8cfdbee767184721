package org.rnn4j.train;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Adam;
import org.rnn4j.nn.GradientClipping;

/**
 * Trains a {@link CharModel} on a text: the last {@code valFraction} of the text is held out for validation;
 * the rest is cut into N equal streams read in parallel, T characters per step, the recurrent state of each stream
 * carried from chunk to chunk (reset to zero when the streams wrap around, i.e. at each epoch). Each step:
 * forward, backward, global-norm clipping, Adam. With a fixed seed a CPU run is reproducible bit for bit (the
 * CPU GEMM sums in a fixed order; the seed only draws the initial weights) and {@link Checkpoint} saves
 * everything the next step depends on, so a resumed run gives exactly the losses of an uninterrupted one.
 */
public final class Trainer implements AutoCloseable {
    /** Validation reads at most this many characters, so evaluating stays a small fraction of training time. */
    static final int MAX_VAL_CHARS = 20_000;

    final Backend backend;
    final TrainConfig cfg;
    final Vocabulary vocab;
    final String textHash;
    final int[] train, val;
    final CharModel model;
    final Adam adam;
    List<Tensor> state;
    int step, pos, epoch;
    /** One row per step: {step, train loss, validation loss or NaN}. */
    final List<double[]> history = new ArrayList<>();

    /** A fresh run. Throws IllegalArgumentException (one line, what to do) when the text is too short. */
    public Trainer(Backend backend, String text, TrainConfig cfg) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("the text is empty; give a text of a few hundred KB");
        this.backend = backend;
        this.cfg = cfg;
        this.vocab = Vocabulary.of(text);
        this.textHash = sha256(text);
        int[] all = vocab.encode(text);
        int valLen = (int) Math.max(2, Math.round(all.length * cfg.valFraction()));
        int trainLen = all.length - valLen;
        long need = (long) cfg.batch() * (cfg.seqLen() + 1);
        if (trainLen < need)
            throw new IllegalArgumentException("the text has " + all.length + " characters, " + trainLen
                    + " for training, but --batch " + cfg.batch() + " x (--seq-len " + cfg.seqLen() + " + 1) needs "
                    + need + "; lower --seq-len or --batch, or give a longer --text");
        this.train = java.util.Arrays.copyOfRange(all, 0, trainLen);
        this.val = java.util.Arrays.copyOfRange(all, trainLen, all.length);
        this.model = new CharModel(backend, cfg.cell(), vocab.size(), cfg.embed(), cfg.hidden(), cfg.layers(), cfg.seed(),
                frequencies(train, vocab.size()));
        this.adam = new Adam(backend, model.params(), 0.9, 0.999, 1e-8);
        this.state = model.zeroState(cfg.batch());
    }

    /**
     * Continues the run saved in {@code dir} on {@code text}, which must be the text it was trained on (its
     * SHA-256 is checked). {@code steps} > 0 replaces the total step count (it cannot be below the checkpoint's
     * step), 0 keeps it; everything else comes from the checkpoint, so the next steps give exactly the losses the
     * uninterrupted run would have given. Every file is checked against the manifest before anything is built.
     */
    public static Trainer resume(Backend backend, String text, java.nio.file.Path dir, int steps) throws Checkpoint.CheckpointException {
        if (steps < 0) throw new IllegalArgumentException("--steps must not be negative but was " + steps);
        java.util.Properties p = Checkpoint.manifest(dir);
        TrainConfig cfg = Checkpoint.config(p, dir);
        int step = Checkpoint.intOf(p, "step", dir, 0, cfg.steps());
        if (steps > 0 && steps < step)
            throw new IllegalArgumentException("--steps " + steps + " is below the checkpoint's step " + step
                    + "; --steps is the run's total, give at least " + step);
        if (steps > 0) cfg = cfg.withSteps(steps);
        if (!sha256(text).equals(p.getProperty("textSha256")))
            throw new Checkpoint.CheckpointException("checkpoint " + dir + " was trained on a different text; pass the same --text as the original run");
        int vocabSize = Checkpoint.vocabSize(p, dir);
        java.util.Map<String, int[]> files = Checkpoint.files(dir, cfg, vocabSize, true);
        Checkpoint.checkParamNames(dir, p, files.keySet());
        Checkpoint.checkFiles(dir, files);
        int epoch = Checkpoint.intOf(p, "epoch", dir, 0, Integer.MAX_VALUE), pos = Checkpoint.intOf(p, "streamPos", dir, 0, Integer.MAX_VALUE);
        long adamStep = Checkpoint.longOf(p, "adamStep", dir, 0, Long.MAX_VALUE);
        List<double[]> history = Checkpoint.history(dir, step);
        Trainer tr;
        try {
            tr = new Trainer(backend, text, cfg);
        } catch (IllegalArgumentException e) {   // the same text, so the checkpoint's batching cannot fail on it
            throw new Checkpoint.CheckpointException("checkpoint " + dir + " does not fit its own text (" + e.getMessage() + "); it is corrupt");
        }
        try {
            int k = tr.model.params().size();
            if (vocabSize != tr.vocab.size())
                throw new Checkpoint.CheckpointException("checkpoint " + dir + " has a vocabulary of " + vocabSize + " but its text has "
                        + tr.vocab.size() + " characters; it is corrupt");
            long stream = tr.train.length / cfg.batch();
            if ((long) pos + cfg.seqLen() + 1 > stream)   // in long: a corrupt position near 2^31 must not wrap round
                throw new Checkpoint.CheckpointException("checkpoint " + dir + " holds stream position " + pos + " but each of its "
                        + cfg.batch() + " streams has " + stream + " characters; it is corrupt");
            tr.model.loadParams(dir);
            List<float[]> moments = new ArrayList<>();
            for (String kind : new String[]{"m", "v"})
                for (int i = 0; i < k; i++)
                    moments.add(Checkpoint.array(dir, "adam." + kind + "." + tr.model.names().get(i) + ".npy", tr.model.params().get(i).shape()));
            tr.adam.restore(adamStep, moments);
            int states = cfg.cell().states();
            for (int i = 0; i < states * cfg.layers(); i++)
                CharModel.overwrite(tr.state.get(i), Checkpoint.array(dir, Checkpoint.stateFile(i % states, i / states), cfg.batch(), cfg.hidden()));
            tr.step = step;
            tr.epoch = epoch;
            tr.pos = pos;
            tr.history.addAll(history);
            return tr;
        } catch (Checkpoint.CheckpointException | RuntimeException | Error e) {
            tr.close();
            throw e;
        }
    }

    public TrainConfig config() { return cfg; }
    public Vocabulary vocabulary() { return vocab; }
    public CharModel model() { return model; }
    public int step() { return step; }
    public int epoch() { return epoch; }
    public List<double[]> history() { return history; }
    public int trainChars() { return train.length; }
    public int validationChars() { return val.length; }

    /** Entropy (nats) of the training text's character frequencies: the loss of the best unigram model on it. */
    public double unigramEntropy() {
        double h = 0;
        for (double p : frequencies(train, vocab.size())) if (p > 0) h -= p * Math.log(p);
        return h;
    }

    /** Cross-entropy (nats/char) of the validation text under the training text's frequencies (add-½ smoothing). */
    public double unigramValidationLoss() {
        double[] counts = new double[vocab.size()];
        for (int c : train) counts[c]++;
        double total = train.length + 0.5 * counts.length, loss = 0;
        for (int c : val) loss -= Math.log((counts[c] + 0.5) / total);
        return loss / val.length;
    }

    /** One optimisation step; returns the mean training loss per character of the chunk (nats). */
    public double trainStep() {
        int n = cfg.batch(), t = cfg.seqLen(), stream = train.length / n;
        float[] x = new float[n * t], y = new float[n * t];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < t; j++) {
                x[i * t + j] = train[i * stream + pos + j];
                y[i * t + j] = train[i * stream + pos + j + 1];
            }
        double loss;
        try (CharModel.Chunk chunk = model.trainChunk(x, y, n, t, state)) {
            GradientClipping.clip(chunk.grads(), cfg.clip());
            adam.update(chunk.grads(), cfg.lr());
            loss = chunk.loss();
        }
        step++;
        pos += t;
        if (pos + t + 1 > stream) {   // the streams are used up: next epoch, from the start, with fresh state
            pos = 0;
            epoch++;
            state.forEach(Tensor::close);
            state = model.zeroState(n);
        }
        history.add(new double[]{step, loss, Double.NaN});
        return loss;
    }

    /** Mean loss per character (nats) on the validation text (at most MAX_VAL_CHARS), forward only. */
    public double validationLoss() {
        int len = Math.min(val.length, MAX_VAL_CHARS);
        int t = cfg.seqLen(), n = Math.max(1, Math.min(cfg.batch(), (len - 1) / (t + 1)));
        int stream = len / n;
        t = Math.min(t, stream - 1);
        List<Tensor> s = model.zeroState(n);
        double sum = 0;
        long chars = 0;
        try {
            for (int p = 0; p + t + 1 <= stream; p += t) {
                float[] x = new float[n * t], y = new float[n * t];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < t; j++) {
                        x[i * t + j] = val[i * stream + p + j];
                        y[i * t + j] = val[i * stream + p + j + 1];
                    }
                sum += model.lossSum(x, y, n, t, s);
                chars += (long) n * t;
            }
        } finally {
            s.forEach(Tensor::close);
        }
        double loss = sum / chars;
        if (!history.isEmpty() && history.get(history.size() - 1)[0] == step) history.get(history.size() - 1)[2] = loss;
        return loss;
    }

    /** Generated text (see {@link Sampler}); does not touch the training state. */
    public String sample(int length, double temperature, String prime, long seed) {
        return new Sampler(model, vocab).sample(length, temperature, prime, new SplittableRandom(seed));
    }

    static double[] frequencies(int[] text, int v) {
        double[] f = new double[v];
        for (int c : text) f[c]++;
        for (int i = 0; i < v; i++) f[i] /= text.length;
        return f;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    @Override
    public void close() {
        state.forEach(Tensor::close);
        adam.close();
        model.close();
    }
}
