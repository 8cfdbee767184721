package org.rnn4j.train;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.rnn4j.Tensor;
import org.rnn4j.io.Npy;
import org.rnn4j.train.Checkpoint.CheckpointException;

/**
 * Crash-safe replacement of a checkpoint directory {@code C}. A save writes {@code C.new} (every file forced to
 * the disk, the manifest last under a temporary name and renamed, so a manifest only exists in a complete
 * directory), then renames {@code C} to {@code C.old}, {@code C.new} to {@code C}, and deletes {@code C.old}. At
 * every instant one of these is a complete checkpoint: {@code C}, or, between the two renames, {@code C.new} and
 * {@code C.old}. Readers ({@link #locate}) take {@code C}, else a complete {@code C.new} (the newer), else
 * {@code C.old}; writers first {@link #recover} that state by renaming and delete the leftovers.
 */
final class CheckpointStore {
    static final String NEW = ".new", OLD = ".old";

    private CheckpointStore() {}

    static void save(Trainer tr, Path dir, DurableFiles files) throws IOException {
        Path target = dir.toAbsolutePath().normalize(), parent = target.getParent();
        Files.createDirectories(parent);
        if (Files.exists(target) && !Checkpoint.isCheckpoint(target) && !isEmptyDir(target))
            throw new CheckpointException(target + " exists and is not an rnn4j checkpoint; choose another --out");
        recover(target, files);
        Path fresh = sibling(target, NEW), old = sibling(target, OLD);
        files.createDirectory(fresh);
        try {
            writeInto(tr, fresh, files);
            files.syncDirectory(fresh);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // A failed write (disk full, no memory) leaves the previous checkpoint as it was and nothing half-done.
            try { files.deleteTree(fresh, Checkpoint.MANIFEST); } catch (IOException | RuntimeException ignored) { /* recover() retries */ }
            throw e;
        }
        files.syncDirectory(parent);
        if (Files.exists(target)) {
            files.move(target, old);
            files.syncDirectory(parent);
        }
        files.move(fresh, target);
        files.syncDirectory(parent);
        files.deleteTree(old, Checkpoint.MANIFEST);
        files.syncDirectory(parent);
    }

    /**
     * Brings {@code dir} back to a single complete checkpoint after an interrupted save (see the class comment);
     * returns what it did in one line for the user, or null when there was nothing to do.
     */
    static String recover(Path dir, DurableFiles files) throws IOException {
        Path target = dir.toAbsolutePath().normalize(), parent = target.getParent();
        Path fresh = sibling(target, NEW), old = sibling(target, OLD);
        boolean hasFresh = Files.exists(fresh), hasOld = Files.exists(old);
        if (!hasFresh && !hasOld) return null;
        String note;
        if (Files.exists(target)) {
            note = "removed the leftovers of an interrupted checkpoint save (" + names(hasFresh, hasOld) + ") next to " + target;
        } else if (Checkpoint.isCheckpoint(fresh)) {
            files.move(fresh, target);
            note = "completed an interrupted checkpoint save: " + fresh.getFileName() + " became " + target;
        } else if (Checkpoint.isCheckpoint(old)) {
            files.move(old, target);
            note = "an interrupted checkpoint save was rolled back: " + target + " is the previous checkpoint again";
        } else {
            note = "removed the incomplete checkpoint " + fresh + " of an interrupted first save";
        }
        files.syncDirectory(parent);
        if (Files.exists(fresh)) files.deleteTree(fresh, Checkpoint.MANIFEST);
        if (Files.exists(old)) files.deleteTree(old, Checkpoint.MANIFEST);
        files.syncDirectory(parent);
        return note;
    }

    /** See {@link Checkpoint#locate}. */
    static Path locate(Path given) throws CheckpointException {
        Path inner = given.resolve("checkpoint");
        Path base = Stream.of(inner, sibling(inner, NEW), sibling(inner, OLD)).anyMatch(Files::exists) ? inner : given;
        if (Files.exists(base)) return base;   // complete or not: reading it says what is wrong
        for (Path p : List.of(sibling(base, NEW), sibling(base, OLD)))
            if (Checkpoint.isCheckpoint(p)) return p;
        throw new CheckpointException("checkpoint " + given + " does not exist; pass the --out directory of a training run");
    }

    /** Whether {@code dir} or the copies an interrupted save left next to it hold a complete checkpoint. */
    static boolean anyComplete(Path dir) {
        return Checkpoint.isCheckpoint(dir) || Checkpoint.isCheckpoint(sibling(dir, NEW)) || Checkpoint.isCheckpoint(sibling(dir, OLD));
    }

    static Path sibling(Path dir, String suffix) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + suffix);
    }

    private static String names(boolean fresh, boolean old) {
        return fresh && old ? NEW.substring(1) + " and " + OLD.substring(1) : fresh ? NEW.substring(1) : OLD.substring(1);
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) { return s.findAny().isEmpty(); }
    }

    private static void writeInto(Trainer tr, Path d, DurableFiles files) throws IOException {
        TrainConfig c = tr.cfg;
        Properties p = new Properties();
        p.setProperty("format", Checkpoint.FORMAT);
        p.setProperty("formatVersion", Integer.toString(Checkpoint.VERSION));
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
        for (int i = 0; i < v.length; i++) v[i] = cps[i];   // every code point (< 2^21) is exact in float32
        files.write(d.resolve("vocab.npy"), out -> Npy.write(out, v, v.length));
        List<Tensor> moments = tr.adam.moments();
        int k = tr.model.params().size();
        for (int i = 0; i < k; i++) {
            String name = tr.model.names().get(i);
            write(files, d.resolve("param." + name + ".npy"), tr.model.params().get(i));
            write(files, d.resolve("adam.m." + name + ".npy"), moments.get(i));
            write(files, d.resolve("adam.v." + name + ".npy"), moments.get(k + i));
        }
        int states = c.cell().states();
        for (int i = 0; i < states * c.layers(); i++) write(files, d.resolve(Checkpoint.stateFile(i % states, i / states)), tr.state.get(i));
        StringBuilder csv = new StringBuilder("step,train_loss,val_loss\n");
        for (double[] row : tr.history)   // %.17g round-trips a double exactly: resumed curves are the same bits
            csv.append((long) row[0]).append(',').append(String.format(Locale.ROOT, "%.17g", row[1])).append(',')
                    .append(Double.isNaN(row[2]) ? "" : String.format(Locale.ROOT, "%.17g", row[2])).append('\n');
        files.write(d.resolve("history.csv"), out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        Path manifestTmp = d.resolve(Checkpoint.MANIFEST + ".tmp");
        files.write(manifestTmp, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            p.store(w, "rnn4j character-level " + c.cell() + " checkpoint; see docs/checkpoint-format.md");
            w.flush();
        });
        files.move(manifestTmp, d.resolve(Checkpoint.MANIFEST));   // last: a manifest means a complete directory
    }

    private static void write(DurableFiles files, Path file, Tensor t) throws IOException {
        float[] data = t.toArray();
        int[] shape = t.shape();
        files.write(file, out -> Npy.write(out, data, shape));
    }
}
