package org.rnn4j.train;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.rnn4j.Tensor;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;

/**
 * A training checkpoint: a directory of float32 {@code .npy} files plus {@code manifest.properties}.
 * <pre>
 *   manifest.properties   format=rnn4j-charlm, formatVersion=1, step, epoch, streamPos, adamStep, the
 *                         TrainConfig fields (cell: lstm, gru or rnn; a manifest without it is an LSTM's),
 *                         vocabSize, textSha256, textChars, params (names, in order)
 *   vocab.npy             (V) the vocabulary's Unicode code points, ascending
 *   param.NAME.npy        each parameter (embed.W (V,E); lstmL.Wx (D,4H), lstmL.Wh (H,4H), lstmL.b (4H), gate
 *                         order i, f, o, g; or gruL.Wx (D,3H), gruL.Wh (H,3H), gruL.bx, gruL.bh (3H), gates
 *                         r, z, n; or rnnL.Wx (D,H), rnnL.Wh (H,H), rnnL.b (H); out.W (H,V), out.b (V))
 *   adam.m.NAME.npy, adam.v.NAME.npy   Adam moments
 *   state.hL.npy, state.cL.npy         (N,H) the carried state of each layer (state.cL for the LSTM only)
 *   history.csv           step,train_loss,val_loss (empty when not evaluated at that step)
 * </pre>
 * Written into a temporary sibling directory and renamed into place, so a crash mid-write leaves the previous
 * checkpoint intact. Reading checks everything (version, files, shapes) and throws {@link CheckpointException}
 * saying what is wrong and what to do.
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

    /** Saves the trainer's complete state into {@code dir}, replacing a previous checkpoint there atomically. */
    public static void save(Trainer tr, Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        if (Files.exists(target) && !isCheckpoint(target) && !isEmptyDir(target))
            throw new CheckpointException(target + " exists and is not an rnn4j checkpoint; choose another --out");
        Path tmp = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
        try {
            writeInto(tr, tmp);
            if (Files.exists(target)) {
                Path old = parent.resolve(target.getFileName() + ".old-" + System.nanoTime());
                move(target, old);
                move(tmp, target);
                deleteTree(old);
            } else {
                move(tmp, target);
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static void writeInto(Trainer tr, Path d) throws IOException {
        TrainConfig c = tr.cfg;
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("formatVersion", Integer.toString(VERSION));
        p.setProperty("step", Integer.toString(tr.step));
        p.setProperty("epoch", Integer.toString(tr.epoch));
        p.setProperty("streamPos", Integer.toString(tr.pos));
        p.setProperty("adamStep", Long.toString(tr.adam.step()));
        p.setProperty("hidden", Integer.toString(c.hidden()));
        p.setProperty("layers", Integer.toString(c.layers()));
        p.setProperty("embed", Integer.toString(c.embed()));
        p.setProperty("seqLen", Integer.toString(c.seqLen()));
        p.setProperty("batch", Integer.toString(c.batch()));
        p.setProperty("lr", Double.toString(c.lr()));
        p.setProperty("steps", Integer.toString(c.steps()));
        p.setProperty("seed", Long.toString(c.seed()));
        p.setProperty("clip", Double.toString(c.clip()));
        p.setProperty("valFraction", Double.toString(c.valFraction()));
        p.setProperty("cell", c.cell().id());
        p.setProperty("vocabSize", Integer.toString(tr.vocab.size()));
        p.setProperty("textSha256", tr.textHash);
        p.setProperty("textChars", Integer.toString(tr.train.length + tr.val.length));
        p.setProperty("params", String.join(",", tr.model.names()));
        p.setProperty("backend", tr.backend.name());
        int[] cps = tr.vocab.codePoints();
        float[] v = new float[cps.length];
        for (int i = 0; i < v.length; i++) v[i] = cps[i];
        Npy.write(d.resolve("vocab.npy"), v, v.length);
        List<Tensor> moments = tr.adam.moments();
        int k = tr.model.params().size();
        for (int i = 0; i < k; i++) {
            String name = tr.model.names().get(i);
            save(d.resolve("param." + name + ".npy"), tr.model.params().get(i));
            save(d.resolve("adam.m." + name + ".npy"), moments.get(i));
            save(d.resolve("adam.v." + name + ".npy"), moments.get(k + i));
        }
        int states = c.cell().hasC ? 2 : 1;
        for (int i = 0; i < states * c.layers(); i++) save(d.resolve(stateFile(i % states, i / states)), tr.state.get(i));
        StringBuilder csv = new StringBuilder("step,train_loss,val_loss\n");
        for (double[] row : tr.history)   // %.17g round-trips a double exactly: resumed curves are the same bits
            csv.append((long) row[0]).append(',').append(String.format(java.util.Locale.ROOT, "%.17g", row[1])).append(',')
                    .append(Double.isNaN(row[2]) ? "" : String.format(java.util.Locale.ROOT, "%.17g", row[2])).append('\n');
        Files.writeString(d.resolve("history.csv"), csv, StandardCharsets.UTF_8);
        try (Writer w = Files.newBufferedWriter(d.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            p.store(w, "rnn4j character-level " + c.cell() + " checkpoint; see README 'Checkpoint format'");
        }
    }

    private static void save(Path file, Tensor t) throws IOException { Npy.write(file, t.toArray(), t.shape()); }

    /** "state.h0.npy" for kind 0 (h), "state.c0.npy" for kind 1 (c), of layer l. */
    static String stateFile(int kind, int layer) { return "state." + (kind == 0 ? "h" : "c") + layer + ".npy"; }

    // ---------------------------------------------------------------- reading

    /** The manifest of a checkpoint directory, checked for format and version. */
    public static Properties manifest(Path dir) throws CheckpointException {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) throw new CheckpointException("checkpoint " + dir + " does not exist; pass the --out directory of a training run");
        if (!Files.isRegularFile(m)) throw new CheckpointException(dir + " is not an rnn4j checkpoint (no " + MANIFEST + "); pass the --out directory of a training run");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + " has an unreadable manifest (" + e.getMessage() + "); it is corrupt, use another checkpoint");
        }
        if (!FORMAT.equals(p.getProperty("format")))
            throw new CheckpointException("checkpoint " + dir + " has format '" + p.getProperty("format") + "', expected " + FORMAT);
        if (!Integer.toString(VERSION).equals(p.getProperty("formatVersion")))
            throw new CheckpointException("checkpoint " + dir + " has format version " + p.getProperty("formatVersion")
                    + " but this rnn4j reads version " + VERSION + "; use a matching rnn4j version");
        return p;
    }

    static int intOf(Properties p, String key, Path dir) throws CheckpointException {
        try {
            return Integer.parseInt(p.getProperty(key, "").trim());
        } catch (NumberFormatException e) {
            throw new CheckpointException("checkpoint " + dir + ": manifest entry '" + key + "' is missing or not an integer; it is corrupt");
        }
    }

    static double doubleOf(Properties p, String key, Path dir) throws CheckpointException {
        try {
            return Double.parseDouble(p.getProperty(key, "").trim());
        } catch (NumberFormatException e) {
            throw new CheckpointException("checkpoint " + dir + ": manifest entry '" + key + "' is missing or not a number; it is corrupt");
        }
    }

    /** The training configuration saved in a checkpoint; one written before GRU and RNN models existed is an LSTM's. */
    public static TrainConfig config(Properties p, Path dir) throws CheckpointException {
        try {
            return new TrainConfig(intOf(p, "hidden", dir), intOf(p, "layers", dir), intOf(p, "embed", dir),
                    intOf(p, "seqLen", dir), intOf(p, "batch", dir), doubleOf(p, "lr", dir), intOf(p, "steps", dir),
                    Long.parseLong(p.getProperty("seed", "0").trim()), doubleOf(p, "clip", dir), doubleOf(p, "valFraction", dir),
                    CellType.of(p.getProperty("cell", "lstm").trim(), "manifest entry 'cell'"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + " holds an invalid configuration (" + e.getMessage() + "); it is corrupt");
        }
    }

    /** Reads one array and checks its shape. */
    static float[] array(Path dir, String file, int... shape) throws CheckpointException {
        NpyArray a;
        try {
            a = Npy.read(dir.resolve(file));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + dir + " lacks " + file + "; it is incomplete, use another checkpoint");
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": " + file + " is corrupt (" + e.getMessage() + ")");
        }
        if (!java.util.Arrays.equals(a.shape(), shape))
            throw new CheckpointException("checkpoint " + dir + ": " + file + " has shape " + java.util.Arrays.toString(a.shape())
                    + " but the manifest implies " + java.util.Arrays.toString(shape) + "; it does not match its manifest");
        return a.floats();
    }

    static Vocabulary vocabulary(Path dir, int size) throws CheckpointException {
        float[] v = array(dir, "vocab.npy", size);
        int[] cps = new int[v.length];
        for (int i = 0; i < v.length; i++) cps[i] = (int) v[i];
        try {
            return new Vocabulary(cps);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + ": vocab.npy is not a sorted list of characters; it is corrupt");
        }
    }

    static List<double[]> history(Path dir) throws CheckpointException {
        List<double[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(dir.resolve("history.csv"), StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                rows.add(new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2])});
            }
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + ": history.csv is missing or corrupt (" + e.getMessage() + ")");
        }
        return rows;
    }

    // ---------------------------------------------------------------- files

    static boolean isCheckpoint(Path dir) { return Files.isRegularFile(dir.resolve(MANIFEST)); }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) { return s.findAny().isEmpty(); }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) { /* best effort: a leftover temp dir is harmless */ }
    }
}
