package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Backend;
import org.rnn4j.io.Npy;

/** Corrupt or lying checkpoints are refused before anything large is allocated, each with a one-line reason. */
class CheckpointValidationTest {
    static final Backend CPU = Backend.cpu();
    static String text;
    static final TrainConfig CFG = new TrainConfig(8, 1, 4, 16, 4, 5e-3, 10, 1, 5.0, 0.05);

    @TempDir
    Path tmp;

    @BeforeAll
    static void text() throws IOException { text = TrainerTest.corpus(3_000); }

    @AfterAll
    static void close() { CPU.close(); }

    private Path saved() throws IOException {
        Path ckpt = tmp.resolve("run").resolve("checkpoint");
        try (Trainer t = new Trainer(CPU, text, CFG)) {
            t.trainStep();
            t.trainStep();
            Checkpoint.save(t, ckpt);
        }
        return ckpt;
    }

    /** Sets one manifest entry. */
    private static void set(Path ckpt, String key, String value) throws IOException {
        Path m = ckpt.resolve("manifest.properties");
        String s = Files.readString(m);
        assertTrue(s.contains("\n" + key + "="), key);
        Files.writeString(m, s.replaceAll("(?m)^" + key + "=.*$", key + "=" + value));
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Runs {@code load}, which must fail with a CheckpointException containing every fragment, allocating under 16 MB. */
    private static void refused(Executable load, String... fragments) {
        long before = allocatedBytes();
        Checkpoint.CheckpointException e = assertThrows(Checkpoint.CheckpointException.class, load);
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes before refusing: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
    }

    @Test
    void aManifestThatLiesAboutTheModelSizeAllocatesNothing() throws IOException {
        Path ckpt = saved();
        // a 2.4 GB model in the manifest, small files on disk: refused from the files' headers, before building
        set(ckpt, "hidden", "4096");
        set(ckpt, "embed", "4096");
        refused(() -> LoadedModel.read(CPU, ckpt), "param.embed.W.npy", "has shape", "manifest implies");
        refused(() -> Trainer.resume(CPU, text, ckpt, 0), "manifest implies");
        // vocabulary x embed beyond 2^31: an impossible model, not a NegativeArraySizeException
        set(ckpt, "vocabSize", "1000000");
        refused(() -> LoadedModel.read(CPU, ckpt), "impossible model", "too large");
        set(ckpt, "vocabSize", "2000000");
        refused(() -> LoadedModel.read(CPU, ckpt), "vocabSize=2000000 is outside [1, 1114112]");
        set(ckpt, "vocabSize", "x");
        refused(() -> LoadedModel.read(CPU, ckpt), "'vocabSize' is missing or not an integer");
    }

    @Test
    void nonFiniteWeightsAndImpossibleCharactersAreRefusedAtLoad() throws IOException {
        Path ckpt = saved();
        Path w = ckpt.resolve("param.out.W.npy");
        float[] good = Npy.read(w).floats();
        float[] bad = good.clone();
        bad[5] = Float.NaN;
        Npy.write(w, bad, Npy.shape(w));
        refused(() -> LoadedModel.read(CPU, ckpt), "param.out.W.npy holds NaN at element 5");
        bad[5] = Float.POSITIVE_INFINITY;
        Npy.write(w, bad, Npy.shape(w));
        refused(() -> Trainer.resume(CPU, text, ckpt, 0), "param.out.W.npy holds Infinity");
        Npy.write(w, good, Npy.shape(w));

        Path v = ckpt.resolve("vocab.npy");
        float[] vocab = Npy.read(v).floats();
        for (float badValue : new float[]{3e9f, -1f, 65.5f, Float.NaN}) {
            float[] c = vocab.clone();
            c[c.length - 1] = badValue;
            Npy.write(v, c, c.length);
            refused(() -> LoadedModel.read(CPU, ckpt), "vocab.npy", "element " + (c.length - 1), Float.isNaN(badValue) ? "NaN" : "not a Unicode code point");
        }
        float[] unsorted = vocab.clone();
        unsorted[0] = vocab[1];
        Npy.write(v, unsorted, unsorted.length);
        refused(() -> LoadedModel.read(CPU, ckpt), "sorted list of distinct characters");
    }

    @Test
    void trainingStateIsCheckedWithoutOverflow() throws IOException {
        Path ckpt = saved();
        set(ckpt, "streamPos", "2147483640");
        refused(() -> Trainer.resume(CPU, text, ckpt, 0), "stream position 2147483640");
        set(ckpt, "streamPos", "-1");
        refused(() -> Trainer.resume(CPU, text, ckpt, 0), "streamPos=-1 is outside");
        set(ckpt, "streamPos", "32");
        set(ckpt, "step", "11");
        refused(() -> Trainer.resume(CPU, text, ckpt, 0), "step=11 is outside [0, 10]");
        set(ckpt, "step", "3");
        refused(() -> Trainer.resume(CPU, text, ckpt, 0), "history.csv", "2 rows for 3 steps");
        set(ckpt, "step", "2");
        try (Trainer t = Trainer.resume(CPU, text, ckpt, 0)) { assertEquals(2, t.step()); }
        // --steps on resume: a total at least the checkpoint's step, never negative
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.resume(CPU, text, ckpt, -5));
        assertTrue(e.getMessage().contains("--steps must not be negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.resume(CPU, text, ckpt, 1));
        assertTrue(e.getMessage().contains("below the checkpoint's step 2"), e.getMessage());
        try (Trainer t = Trainer.resume(CPU, text, ckpt, 50)) { assertEquals(50, t.config().steps()); }
    }

    @Test
    void samplingNeverDrawsFromANonFiniteDistribution() {
        SplittableRandom r = new SplittableRandom(1);
        float[] scores = {0.5f, 3f, -2f, 2.999f};
        // a tiny temperature tends to the argmax instead of overflowing to the last character
        for (double t : new double[]{1e-320, Double.MIN_VALUE, 1e-30})
            for (int i = 0; i < 50; i++) assertEquals(1, Sampler.draw(scores, t, r), "temperature " + t);
        float[] tie = {7f, 1f, 7f};
        int[] seen = new int[3];
        for (int i = 0; i < 400; i++) seen[Sampler.draw(tie, 1e-300, r)]++;
        assertEquals(0, seen[1]);
        assertTrue(seen[0] > 150 && seen[2] > 150, "ties share the draws: " + java.util.Arrays.toString(seen));
        // huge scores do not overflow either
        assertEquals(0, Sampler.draw(new float[]{3e38f, -3e38f}, 0.01, r));
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Sampler.draw(new float[]{1f, bad}, 1, r));
            assertTrue(e.getMessage().contains("character 1 is " + bad), e.getMessage());
        }
    }
}
