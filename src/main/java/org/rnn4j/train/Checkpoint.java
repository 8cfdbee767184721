package org.rnn4j.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.rnn4j.io.Npy;
import org.rnn4j.io.Quoted;

/**
 * A training checkpoint: a directory of float32 {@code .npy} files plus {@code manifest.properties}, described in
 * docs/checkpoint-format.md. Saving is crash-safe ({@link CheckpointStore}): a save interrupted at any instant
 * leaves the previous or the new checkpoint complete, and {@link #locate} finds it. Reading checks everything
 * before it allocates (manifest ranges, model size, every file's header against the manifest), then the values
 * (finite weights, valid code points), and throws a {@link CheckpointException} saying what is wrong and what to do.
 */
public final class Checkpoint {
    public static final String FORMAT = "rnn4j-charlm";
    public static final int VERSION = 1;
    static final String MANIFEST = "manifest.properties";

    /** A checkpoint that cannot be used: the message says why and what to do. */
    public static final class CheckpointException extends IOException {
        public CheckpointException(String message) { super(message); }
    }

    private Checkpoint() {}

    /**
     * Saves the trainer's complete state as the checkpoint {@code dir}, replacing a previous one there so that at
     * every instant (a crash included) either the previous or the new checkpoint is complete; see {@link #locate}.
     */
    public static void save(Trainer tr, Path dir) throws IOException {
        CheckpointStore.save(tr, dir, DurableFiles.SYSTEM);
    }

    /**
     * The complete checkpoint {@code given} stands for: a run's --out directory or its checkpoint directory, after
     * an interrupted save the copy that survived it (read only: nothing is renamed or deleted).
     */
    public static Path locate(Path given) throws CheckpointException {
        return CheckpointStore.locate(given);
    }

    /**
     * Finishes or rolls back a save interrupted in {@code dir} (renames, deletes the leftovers); returns one line
     * saying what it did, or null when there was nothing to do. For a program about to write there.
     */
    public static String recover(Path dir) throws IOException {
        return CheckpointStore.recover(dir, DurableFiles.SYSTEM);
    }

    /** Whether {@code dir}, or what an interrupted save left next to it, holds a complete checkpoint. */
    public static boolean exists(Path dir) {
        return CheckpointStore.anyComplete(dir);
    }

    /** "state.h0.npy" for kind 0 (h), "state.c0.npy" for kind 1 (c), of layer l. */
    static String stateFile(int kind, int layer) { return "state." + (kind == 0 ? "h" : "c") + layer + ".npy"; }

    // ---------------------------------------------------------------- reading

    /** Longest manifest read: a real one is about 1 KB. */
    private static final long MAX_MANIFEST_BYTES = 1 << 16;

    /** The manifest of a checkpoint directory, checked for format and version. */
    public static Properties manifest(Path dir) throws CheckpointException {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) throw new CheckpointException("checkpoint " + dir + " does not exist; pass the --out directory of a training run");
        if (!Files.isRegularFile(m)) throw new CheckpointException(dir + " is not an rnn4j checkpoint (no " + MANIFEST + "); pass the --out directory of a training run");
        Properties p = new Properties();
        try {
            if (Files.size(m) > MAX_MANIFEST_BYTES)
                throw new IOException(Files.size(m) + " bytes, more than the " + MAX_MANIFEST_BYTES + " a manifest can have");
            try (Reader r = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + " has an unreadable manifest (" + e.getMessage() + "); it is corrupt, use another checkpoint");
        }
        if (!FORMAT.equals(p.getProperty("format")))
            throw new CheckpointException("checkpoint " + dir + " has format '" + cut(p.getProperty("format")) + "', expected " + FORMAT);
        if (!Integer.toString(VERSION).equals(p.getProperty("formatVersion")))
            throw new CheckpointException("checkpoint " + dir + " has format version " + cut(p.getProperty("formatVersion"))
                    + " but this rnn4j reads version " + VERSION + "; use a matching rnn4j version");
        return p;
    }

    /** A manifest entry as an integer in [min, max]. */
    static long longOf(Properties p, String key, Path dir, long min, long max) throws CheckpointException {
        long v;
        try {
            v = Long.parseLong(p.getProperty(key, "").trim());
        } catch (NumberFormatException e) {
            throw new CheckpointException("checkpoint " + dir + ": manifest entry '" + key + "' is missing or not an integer ('"
                    + cut(p.getProperty(key)) + "'); it is corrupt");
        }
        if (v < min || v > max)
            throw new CheckpointException("checkpoint " + dir + ": manifest entry " + key + "=" + v + " is outside [" + min + ", "
                    + max + "]; it is corrupt");
        return v;
    }

    static int intOf(Properties p, String key, Path dir, int min, int max) throws CheckpointException {
        return (int) longOf(p, key, dir, min, max);
    }

    static double doubleOf(Properties p, String key, Path dir) throws CheckpointException {
        try {
            return Double.parseDouble(p.getProperty(key, "").trim());
        } catch (NumberFormatException e) {
            throw new CheckpointException("checkpoint " + dir + ": manifest entry '" + key + "' is missing or not a number; it is corrupt");
        }
    }

    /**
     * The training configuration saved in a checkpoint, every number range-checked; one written before GRU and RNN
     * models existed (no cell entry) is an LSTM's.
     */
    public static TrainConfig config(Properties p, Path dir) throws CheckpointException {
        try {
            return new TrainConfig(intOf(p, "hidden", dir, 1, Integer.MAX_VALUE), intOf(p, "layers", dir, 1, Integer.MAX_VALUE),
                    intOf(p, "embed", dir, 1, Integer.MAX_VALUE), intOf(p, "seqLen", dir, 1, Integer.MAX_VALUE),
                    intOf(p, "batch", dir, 1, Integer.MAX_VALUE), doubleOf(p, "lr", dir), intOf(p, "steps", dir, 0, Integer.MAX_VALUE),
                    longOf(p, "seed", dir, Long.MIN_VALUE, Long.MAX_VALUE), doubleOf(p, "clip", dir), doubleOf(p, "valFraction", dir),
                    CellType.of(cut(p.getProperty("cell", "lstm").trim()), "manifest entry 'cell'"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + " holds an invalid configuration (" + e.getMessage() + "); it is corrupt");
        }
    }

    /** The vocabulary size in the manifest: at most one entry per Unicode code point. */
    static int vocabSize(Properties p, Path dir) throws CheckpointException {
        return intOf(p, "vocabSize", dir, 1, Character.MAX_CODE_POINT + 1);
    }

    /**
     * The array files a checkpoint of this configuration holds, with their shapes, in save order: the vocabulary,
     * the parameters and, when {@code training}, the Adam moments and the carried state. Computed with overflow
     * checks from the manifest's numbers alone, so a model too large to build is refused before anything is built.
     */
    static Map<String, int[]> files(Path dir, TrainConfig cfg, int vocab, boolean training) throws CheckpointException {
        Map<String, int[]> params;
        try {
            params = CharModel.parameterShapes(cfg.cell(), vocab, cfg.embed(), cfg.hidden(), cfg.layers());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + " describes an impossible model (" + e.getMessage() + "); it is corrupt");
        }
        Map<String, int[]> f = new java.util.LinkedHashMap<>();
        f.put("vocab.npy", new int[]{vocab});
        params.forEach((name, shape) -> f.put("param." + name + ".npy", shape));
        if (training) {
            for (String kind : new String[]{"m", "v"}) params.forEach((name, shape) -> f.put("adam." + kind + "." + name + ".npy", shape));
            int states = cfg.cell().states();   // batch and hidden are at most 100000 and 4096 (TrainConfig)
            for (int i = 0; i < states * cfg.layers(); i++) f.put(stateFile(i % states, i / states), new int[]{cfg.batch(), cfg.hidden()});
        }
        return f;
    }

    /** The parameter names the manifest lists must be the ones this configuration has, in order. */
    static void checkParamNames(Path dir, Properties p, java.util.Set<String> files) throws CheckpointException {
        String expected = String.join(",", files.stream().filter(n -> n.startsWith("param."))
                .map(n -> n.substring(6, n.length() - 4)).toList());
        if (!expected.equals(p.getProperty("params")))
            throw new CheckpointException("checkpoint " + dir + " does not match its model description (params '"
                    + cut(p.getProperty("params")) + "', expected '" + cut(expected) + "'); it is corrupt");
    }

    /**
     * Checks, from the headers alone, that every array file the manifest implies exists and has the implied shape
     * and size; run before the model is built, so a manifest that lies about sizes allocates nothing.
     */
    static void checkFiles(Path dir, Map<String, int[]> files) throws CheckpointException {
        for (Map.Entry<String, int[]> f : files.entrySet()) {
            int[] shape;
            try {
                shape = Npy.shape(dir.resolve(f.getKey()));
            } catch (NoSuchFileException e) {
                throw new CheckpointException("checkpoint " + dir + " lacks " + f.getKey() + "; it is incomplete, use another checkpoint");
            } catch (IOException e) {
                throw new CheckpointException("checkpoint " + dir + ": " + f.getKey() + " is corrupt (" + e.getMessage() + ")");
            }
            if (!Arrays.equals(shape, f.getValue()))
                throw new CheckpointException("checkpoint " + dir + ": " + f.getKey() + " has shape " + Arrays.toString(shape)
                        + " but the manifest implies " + Arrays.toString(f.getValue()) + "; it does not match its manifest");
        }
    }

    /** Reads one array, checking its shape before reading the data and every value after: NaN and infinity are refused. */
    static float[] array(Path dir, String file, int... shape) throws CheckpointException {
        checkFiles(dir, Map.of(file, shape));
        float[] v;
        try {
            v = Npy.read(dir.resolve(file)).floats();
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + dir + " lacks " + file + "; it is incomplete, use another checkpoint");
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": " + file + " is corrupt (" + e.getMessage() + ")");
        }
        for (int i = 0; i < v.length; i++)
            if (!Float.isFinite(v[i]))
                throw new CheckpointException("checkpoint " + dir + ": " + file + " holds " + v[i] + " at element " + i
                        + "; a model with non-finite values cannot be used (did training diverge?), use an earlier checkpoint");
        return v;
    }

    static Vocabulary vocabulary(Path dir, int size) throws CheckpointException {
        float[] v = array(dir, "vocab.npy", size);
        int[] cps = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] > Character.MAX_CODE_POINT)
                throw new CheckpointException("checkpoint " + dir + ": vocab.npy element " + i + " is " + v[i]
                        + ", not a Unicode code point (an integer in [0, 0x10FFFF]); it is corrupt");
            cps[i] = (int) v[i];
        }
        try {
            return new Vocabulary(cps);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + ": vocab.npy is not a sorted list of distinct characters; it is corrupt");
        }
    }

    /** The loss history, one row per step up to {@code steps}. */
    static List<double[]> history(Path dir, int steps) throws CheckpointException {
        List<double[]> rows = new ArrayList<>();
        Path f = dir.resolve("history.csv");
        try {
            long max = 100 + 80L * steps;   // a row is at most about 60 characters
            if (Files.size(f) > max) throw new IOException(Files.size(f) + " bytes for " + steps + " steps");
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals("step,train_loss,val_loss")) throw new IOException("no header line");
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",", -1);
                if (c.length != 3) throw new IOException("a row with " + c.length + " fields");
                double[] row = {Double.parseDouble(c[0]), Double.parseDouble(c[1]), c[2].isEmpty() ? Double.NaN : Double.parseDouble(c[2])};
                if (row[0] != rows.size() + 1) throw new IOException("row " + (rows.size() + 1) + " is for step " + c[0]);
                rows.add(row);
            }
            if (rows.size() != steps) throw new IOException(rows.size() + " rows for " + steps + " steps");
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + ": history.csv is missing or corrupt (" + e.getMessage() + ")");
        }
        return rows;
    }

    /** A manifest value quoted in a message, cut short. */
    private static String cut(String s) { return Quoted.of(s, 40); }

    // ---------------------------------------------------------------- files

    static boolean isCheckpoint(Path dir) { return Files.isRegularFile(dir.resolve(MANIFEST)); }
}
