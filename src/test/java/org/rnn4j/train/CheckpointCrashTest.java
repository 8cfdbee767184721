package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Backend;

/**
 * A save interrupted after every one of its file-system steps (the step itself cut short: half a file written,
 * a rename not done) always leaves a complete checkpoint that readers find and that resumes, the previous one or
 * the new one; recovery, itself interrupted anywhere, agrees with what readers found.
 */
class CheckpointCrashTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    /** What a crash does to the program: nothing after it runs (an Error, so no catch block cleans up). */
    static final class Crash extends Error {
        Crash() { super("simulated crash", null, false, false); }
    }

    /**
     * The real file system until step {@code crashAt}, which is cut short; every later step throws. Forcing data
     * to the disk is left out (it changes nothing a simulated crash can observe and makes the test slow).
     */
    static final class CrashingFiles implements DurableFiles {
        final int crashAt;
        int steps;
        boolean crashed;

        CrashingFiles(int crashAt) { this.crashAt = crashAt; }

        /** True when this step is the one the crash cuts short. */
        private boolean step() {
            if (crashed) throw new Crash();
            if (++steps == crashAt) crashed = true;
            return crashed;
        }

        @Override public void createDirectory(Path dir) throws IOException {
            if (step()) throw new Crash();
            SYSTEM.createDirectory(dir);
        }

        @Override public void write(Path file, Body body) throws IOException {
            if (step()) {   // half the bytes reach the file, unsynced
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                body.writeTo(b);
                Files.write(file, Arrays.copyOf(b.toByteArray(), b.size() / 2));
                throw new Crash();
            }
            try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
                body.writeTo(out);
            }
        }

        @Override public void move(Path from, Path to) throws IOException {
            if (step()) throw new Crash();
            SYSTEM.move(from, to);
        }

        @Override public void syncDirectory(Path dir) throws IOException {
            if (step()) throw new Crash();
        }

        @Override public void delete(Path path) throws IOException {
            if (step()) throw new Crash();
            SYSTEM.delete(path);
        }
    }

    @Test
    void aSaveCrashedAfterAnyStepLeavesACompleteResumableCheckpoint(@TempDir Path tmp) throws IOException {
        String text = TrainerTest.corpus(3_000);
        TrainConfig cfg = new TrainConfig(8, 1, 4, 16, 4, 5e-3, 20, 3, 5.0, 0.05);
        Path previous = tmp.resolve("previous").resolve("checkpoint");
        try (Trainer t = new Trainer(CPU, text, cfg)) {
            t.trainStep();
            Checkpoint.save(t, previous);
            float[][] before = TrainerTest.params(t);
            t.trainStep();
            t.trainStep();
            float[][] after = TrainerTest.params(t);
            CrashingFiles counter = new CrashingFiles(Integer.MAX_VALUE);
            CheckpointStore.save(t, tmp.resolve("count").resolve("checkpoint"), counter);
            int n = counter.steps;
            assertTrue(n > 25, n + " steps");
            boolean sawOld = false, sawNew = false;
            for (int k = 1; k <= n; k++) {
                Path dir = tmp.resolve("crash" + k).resolve("checkpoint");
                copyTree(previous, dir);
                int crashAt = k;
                assertThrows(Crash.class, () -> CheckpointStore.save(t, dir, new CrashingFiles(crashAt)));
                int step = stepOf(Checkpoint.locate(dir.getParent()));
                assertTrue(step == 1 || step == 3, "crash at step " + k + " left step " + step);
                sawOld |= step == 1;
                sawNew |= step == 3;
                checkLoads(Checkpoint.locate(dir.getParent()), step == 1 ? before : after);
                recoverThroughCrashes(dir);
                assertEquals(step, stepOf(dir), "recovery keeps the checkpoint readers found, crash at step " + k);
                assertEquals(List.of(dir), list(dir.getParent()), "no leftovers after recovery");
                checkResumes(text, dir, step, step == 1 ? before : after);
            }
            assertTrue(sawOld && sawNew, "early crashes keep the previous checkpoint, late ones the new one");
        }
    }

    @Test
    void aFirstSaveCrashedAnywhereLeavesNothingOrACompleteCheckpoint(@TempDir Path tmp) throws IOException {
        String text = TrainerTest.corpus(3_000);
        try (Trainer t = new Trainer(CPU, text, new TrainConfig(8, 1, 4, 16, 4, 5e-3, 20, 3, 5.0, 0.05))) {
            t.trainStep();
            CrashingFiles counter = new CrashingFiles(Integer.MAX_VALUE);
            CheckpointStore.save(t, tmp.resolve("count").resolve("checkpoint"), counter);
            for (int k = 1; k <= counter.steps; k++) {
                Path dir = tmp.resolve("first" + k).resolve("checkpoint");
                int crashAt = k;
                assertThrows(Crash.class, () -> CheckpointStore.save(t, dir, new CrashingFiles(crashAt)));
                boolean found = Checkpoint.exists(dir);
                if (found) checkResumes(text, Checkpoint.locate(dir.getParent()), 1, TrainerTest.params(t));
                else assertThrows(Checkpoint.CheckpointException.class, () -> LoadedModel.read(CPU, Checkpoint.locate(dir.getParent())));
                recoverThroughCrashes(dir);
                assertEquals(found, Checkpoint.isCheckpoint(dir), "crash at step " + k);
                assertEquals(found ? List.of(dir) : List.of(), list(dir.getParent()), "no leftovers, crash at step " + k);
            }
        }
    }

    /** Recovery interrupted after each of its steps in turn, then run to the end. */
    private static void recoverThroughCrashes(Path dir) throws IOException {
        for (int j = 1; ; j++) {
            CrashingFiles f = new CrashingFiles(j);
            try {
                CheckpointStore.recover(dir, f);
                return;
            } catch (Crash expected) {
                // interrupted; the next round starts from what this one left
            }
        }
    }

    private static void checkLoads(Path dir, float[][] params) throws IOException {
        try (LoadedModel m = LoadedModel.read(CPU, dir)) {
            for (int i = 0; i < params.length; i++) assertArrayEquals(params[i], m.model().params().get(i).toArray(), "parameter " + i);
        }
    }

    private static void checkResumes(String text, Path dir, int step, float[][] params) throws IOException {
        try (Trainer r = Trainer.resume(CPU, text, dir, 0)) {
            assertEquals(step, r.step());
            float[][] p = TrainerTest.params(r);
            for (int i = 0; i < p.length; i++) assertArrayEquals(params[i], p[i], "parameter " + i);
            assertTrue(Double.isFinite(r.trainStep()));
        }
    }

    private static int stepOf(Path dir) throws IOException {
        return Integer.parseInt(Checkpoint.manifest(dir).getProperty("step"));
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) { return s.sorted().toList(); }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        assertFalse(Files.exists(CheckpointStore.sibling(to, CheckpointStore.NEW)));
    }
}
