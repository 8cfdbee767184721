package org.rnn4j.train;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.rnn4j.Backend;

/** A model and its vocabulary read from a checkpoint, for sampling (no text needed). */
public record LoadedModel(CharModel model, Vocabulary vocabulary, Properties manifest) implements AutoCloseable {
    /** Reads the model of a checkpoint, every file checked against the manifest before the model is built. */
    public static LoadedModel read(Backend backend, Path dir) throws Checkpoint.CheckpointException {
        Properties p = Checkpoint.manifest(dir);
        TrainConfig cfg = Checkpoint.config(p, dir);
        int vocabSize = Checkpoint.vocabSize(p, dir);
        Map<String, int[]> files = Checkpoint.files(dir, cfg, vocabSize, false);
        Checkpoint.checkParamNames(dir, p, files.keySet());
        Checkpoint.checkFiles(dir, files);
        Vocabulary v = Checkpoint.vocabulary(dir, vocabSize);
        CharModel m = new CharModel(backend, cfg.cell(), v.size(), cfg.embed(), cfg.hidden(), cfg.layers(), 0, new double[v.size()]);
        try {
            m.loadParams(dir);
            return new LoadedModel(m, v, p);
        } catch (Checkpoint.CheckpointException | RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    public String sample(int length, double temperature, String prime, long seed) {
        return new Sampler(model, vocabulary).sample(length, temperature, prime, new java.util.SplittableRandom(seed));
    }

    @Override
    public void close() { model.close(); }
}
