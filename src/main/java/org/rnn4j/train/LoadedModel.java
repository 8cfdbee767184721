package org.rnn4j.train;

import java.nio.file.Path;
import java.util.Properties;
import org.rnn4j.Backend;

/** A model and its vocabulary read from a checkpoint, for sampling (no text needed). */
public record LoadedModel(CharModel model, Vocabulary vocabulary, Properties manifest) implements AutoCloseable {
    public static LoadedModel read(Backend backend, Path dir) throws Checkpoint.CheckpointException {
        Properties p = Checkpoint.manifest(dir);
        TrainConfig cfg = Checkpoint.config(p, dir);
        Vocabulary v = Checkpoint.vocabulary(dir, Checkpoint.intOf(p, "vocabSize", dir));
        CharModel m = new CharModel(backend, cfg.cell(), v.size(), cfg.embed(), cfg.hidden(), cfg.layers(), 0, new double[v.size()]);
        try {
            if (!String.join(",", m.names()).equals(p.getProperty("params")))
                throw new Checkpoint.CheckpointException("checkpoint " + dir + " does not match its model description; it is corrupt");
            m.loadParams(dir);
            return new LoadedModel(m, v, p);
        } catch (Checkpoint.CheckpointException | RuntimeException e) {
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
