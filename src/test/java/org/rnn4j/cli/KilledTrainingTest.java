package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.train.Checkpoint;

/**
 * The command line in a separate JVM, killed with SIGKILL while it saves a checkpoint every step, then resumed;
 * and run out of memory under a small heap. What a real crash and a real memory limit leave behind.
 */
class KilledTrainingTest {
    @TempDir Path tmp;

    /** Starts {@code rnn4j ARGS} in a new JVM with the test classpath and the given heap. */
    private static Process start(Path log, String heap, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), heap,
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Path text() throws IOException {
        try (InputStream in = KilledTrainingTest.class.getResourceAsStream("/org/rnn4j/corpus/kjv.txt")) {
            Path t = tmp.resolve("small.txt");
            Files.writeString(t, new String(in.readAllBytes(), StandardCharsets.UTF_8).substring(0, 3_000));
            return t;
        }
    }

    @Test
    void killedWhileCheckpointingEveryStepItResumesFromACompleteCheckpoint() throws Exception {
        Path text = text(), out = tmp.resolve("run"), log = tmp.resolve("log.txt");
        String[] common = {"--text", text.toString(), "--backend", "cpu", "--eval-every", "1000000", "--sample-every", "0",
                "--checkpoint-every", "1"};
        String[] tiny = {"--hidden", "8", "--embed", "4", "--seq-len", "8", "--batch", "2", "--steps", "1000000"};
        SplittableRandom random = new SplittableRandom(5);
        int lastStep = 0;
        for (int round = 0; round < 3; round++) {
            String[] args = round == 0 ? concat(concat(new String[]{"train", "--out", out.toString()}, tiny), common)
                    : concat(new String[]{"train", "--resume", out.toString()}, common);
            Process p = start(log, "-Xmx128m", args);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (step(out) <= lastStep + 2 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(p.isAlive(), "training ended early: " + Files.readString(log));
            Thread.sleep(random.nextInt(5, 60));   // somewhere inside a later save
            p.destroyForcibly();   // SIGKILL: no shutdown hooks, no finally blocks
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            Path found = Checkpoint.locate(out);
            int step = Integer.parseInt(Checkpoint.manifest(found).getProperty("step"));
            assertTrue(step > lastStep, "round " + round + ": step " + step + " after " + lastStep);
            lastStep = step;
        }
        // Resume to a fixed end: the run completes from whatever the last kill left.
        Process p = start(log, "-Xmx128m", concat(new String[]{"train", "--resume", out.toString(), "--steps", Integer.toString(lastStep + 3)}, common));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String printed = Files.readString(log);
        assertEquals(0, p.exitValue(), printed);
        assertTrue(printed.contains("resuming at step "), printed);
        Properties m = Checkpoint.manifest(out.resolve("checkpoint"));
        assertEquals(lastStep + 3, Integer.parseInt(m.getProperty("step")));
        try (var files = Files.list(out)) {
            assertEquals(List.of("checkpoint", "loss.png"), files.map(f -> f.getFileName().toString()).sorted().toList(), "no leftovers");
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineAndLeavesNoDirectory() throws Exception {
        Path text = text(), out = tmp.resolve("huge"), log = tmp.resolve("oom.txt");
        Process p = start(log, "-Xmx96m", "train", "--text", text.toString(), "--backend", "cpu", "--hidden", "4096", "--embed", "512",
                "--seq-len", "8", "--batch", "2", "--out", out.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String printed = Files.readString(log);
        assertEquals(1, p.exitValue(), printed);
        List<String> errors = printed.lines().filter(l -> l.startsWith("rnn4j train: error:")).toList();
        assertEquals(1, errors.size(), printed);
        String e = errors.get(0);
        assertTrue(e.contains("out of memory") && e.contains("RNN4J_JAVA_OPTS=-Xmx") && e.contains("--hidden"), e);
        assertFalse(printed.contains("\tat "), "no stack trace: " + printed);
        assertFalse(Files.exists(out), "nothing written, no empty directory");
    }

    /** The step of the checkpoint a reader would find now, 0 when there is none (or it is being replaced). */
    private static int step(Path out) {
        try {
            return Integer.parseInt(Checkpoint.manifest(Checkpoint.locate(out)).getProperty("step"));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
