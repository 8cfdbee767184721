package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Backend;
import org.rnn4j.io.Npy;

/**
 * Seeded fuzzing of everything rnn4j reads from disk: mutated {@code .npy} files (bit flips, overwritten bytes,
 * truncation, trailing junk, lying headers, wrong versions and lengths) through {@link Npy#read}, and mutated
 * checkpoint directories (the same on every file, lying manifests, missing files) through {@link LoadedModel#read}
 * and {@link Trainer#resume}. Each case must load or end in an IOException, never another exception, and must
 * allocate little (the valid files are tiny, so a large allocation means a lie was believed); the whole run has
 * a time limit, so a hang fails too.
 */
class HostileFilesFuzzTest {
    static final Backend CPU = Backend.cpu();
    static final int NPY_CASES = 9_000, CHECKPOINT_CASES = 1_000;
    /** Far above what any case legitimately needs (a few KB of files, a model of about 2,000 floats). */
    static final long ALLOCATION_LIMIT = 32L << 20;

    @TempDir Path tmp;

    @AfterAll
    static void close() { CPU.close(); }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    interface Load { void run() throws Exception; }

    /** Runs one case: success or an IOException, within the allocation limit. */
    private static void check(String what, Load load) {
        long before = allocatedBytes();
        try {
            load.run();
        } catch (IOException expected) {
            // the clean refusal
        } catch (Throwable t) {
            fail(what + ": " + t, t);
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < ALLOCATION_LIMIT, what + ": allocated " + allocated + " bytes");
    }

    @Test
    void mutatedNpyFilesLoadOrFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            List<byte[]> seeds = npySeeds();
            SplittableRandom r = new SplittableRandom(20261202);
            Path file = tmp.resolve("case.npy");
            int loaded = 0;
            for (int i = 0; i < NPY_CASES; i++) {
                byte[] bytes = mutate(seeds.get(r.nextInt(seeds.size())), r);
                String what = "npy case " + i;
                int[] ok = {0};
                check(what, () -> { Npy.read(new ByteArrayInputStream(bytes), what); ok[0]++; });
                if (i % 16 == 0) {   // the file path too: its size is known, so it checks before reading the data
                    Files.write(file, bytes);
                    check(what + " (file)", () -> Npy.read(file));
                    check(what + " (shape)", () -> Npy.shape(file));
                }
                loaded += ok[0];
            }
            assertTrue(loaded > NPY_CASES / 50 && loaded < NPY_CASES * 9 / 10, "mutations should break most files but not all: " + loaded);
        });
    }

    @Test
    void mutatedCheckpointsLoadOrFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            String text = TrainerTest.corpus(3_000);
            Path ckpt = tmp.resolve("run").resolve("checkpoint");
            try (Trainer t = new Trainer(CPU, text, new TrainConfig(8, 1, 4, 16, 4, 5e-3, 10, 1, 5.0, 0.05))) {
                t.trainStep();
                t.trainStep();
                Checkpoint.save(t, ckpt);
            }
            Map<Path, byte[]> original = new LinkedHashMap<>();
            try (Stream<Path> s = Files.list(ckpt)) {
                for (Path f : s.sorted().toList()) original.put(f, Files.readAllBytes(f));
            }
            List<Path> files = new ArrayList<>(original.keySet());
            Path manifest = ckpt.resolve("manifest.properties");
            SplittableRandom r = new SplittableRandom(7);
            int loaded = 0;
            for (int i = 0; i < CHECKPOINT_CASES; i++) {
                Path f = files.get(r.nextInt(files.size()));
                int kind = r.nextInt(10);
                if (kind < 4) Files.write(manifest, lie(original.get(manifest), r));
                else if (kind == 4) Files.delete(f);
                else Files.write(f, mutate(original.get(f), r));
                String what = "checkpoint case " + i + " (" + (kind < 4 ? "manifest entry" : kind == 4 ? "deleted " : "mutated ")
                        + (kind < 4 ? "" : f.getFileName()) + ")";
                int[] ok = {0};
                check(what, () -> { try (LoadedModel m = LoadedModel.read(CPU, ckpt)) { ok[0]++; } });
                if (i % 10 == 0) check(what + " resume", () -> { try (Trainer t = Trainer.resume(CPU, text, ckpt, 0)) { t.step(); } });
                loaded += ok[0];
                Path changed = kind < 4 ? manifest : f;
                Files.write(changed, original.get(changed));
            }
            assertTrue(loaded < CHECKPOINT_CASES * 9 / 10, "mutations should break most checkpoints: " + loaded + " loaded");
        });
    }

    /** Valid files of every dtype and version: numpy's own and rnn4j's. */
    private List<byte[]> npySeeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String n : new String[]{"f32_2x3.npy", "f32_2x3_v2.npy", "f32_2x3_v3.npy", "f64_2x3x4.npy", "f64_5.npy",
                "f64_scalar.npy", "i32_2x2.npy", "i64_3.npy"})
            try (InputStream in = HostileFilesFuzzTest.class.getResourceAsStream("/npy/" + n)) { seeds.add(in.readAllBytes()); }
        Path p = tmp.resolve("seed.npy");
        Npy.write(p, new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2);
        seeds.add(Files.readAllBytes(p));
        Npy.write(p, new float[0], 0, 4);
        seeds.add(Files.readAllBytes(p));
        return seeds;
    }

    /** One random mutation of a file's bytes. */
    static byte[] mutate(byte[] src, SplittableRandom r) {
        byte[] b = src.clone();
        switch (r.nextInt(8)) {
            case 0 -> { for (int k = r.nextInt(1, 5); k > 0; k--) { int i = r.nextInt(b.length); b[i] ^= (byte) (1 << r.nextInt(8)); } }
            case 1 -> { for (int k = r.nextInt(1, 4); k > 0; k--) b[r.nextInt(b.length)] = (byte) r.nextInt(256); }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 3 -> {
                byte[] junk = new byte[r.nextInt(1, 200)];
                r.nextBytes(junk);
                b = ByteBuffer.allocate(b.length + junk.length).put(b).put(junk).array();
            }
            case 4 -> b = lyingHeader(b, r);
            case 5 -> { if (b.length > 10) { b[8] = (byte) r.nextInt(256); b[9] = (byte) r.nextInt(256); } }
            case 6 -> { if (b.length > 7) b[6] = (byte) r.nextInt(5); }
            default -> {   // Python-literal punctuation dropped into the header
                String p = "(),:'\"{}[]0123456789L -";
                for (int k = r.nextInt(1, 6); k > 0 && b.length > 12; k--) b[r.nextInt(10, Math.min(b.length, 120))] = (byte) p.charAt(r.nextInt(p.length()));
            }
        }
        return b;
    }

    /** The same data under a well-formed version-1 header that claims another dtype, order and shape. */
    private static byte[] lyingHeader(byte[] src, SplittableRandom r) {
        int[] dims = {0, 1, 2, 3, 7, 65_536, 1 << 20, Integer.MAX_VALUE - 8, Integer.MAX_VALUE, r.nextInt(Integer.MAX_VALUE)};
        StringBuilder shape = new StringBuilder("(");
        for (int k = r.nextInt(0, 6); k > 0; k--) shape.append(dims[r.nextInt(dims.length)]).append(", ");
        shape.append(')');
        String[] descr = {"<f4", "<f8", "<i4", "<i8", ">f4", "|u1", "<c16", "O"};
        String dict = "{'descr': '" + descr[r.nextInt(descr.length)] + "', 'fortran_order': " + (r.nextInt(8) == 0 ? "True" : "False")
                + ", 'shape': " + shape + ", }\n";
        byte[] h = dict.getBytes(StandardCharsets.US_ASCII);
        int dataStart = src.length >= 10 ? Math.min(src.length, 10 + ((src[8] & 0xff) | (src[9] & 0xff) << 8)) : src.length;
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + src.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(src, dataStart, src.length - dataStart);
        return b.array();
    }

    /** The manifest with one entry set to a hostile value. */
    private static byte[] lie(byte[] manifest, SplittableRandom r) {
        String[] keys = {"hidden", "layers", "embed", "seqLen", "batch", "vocabSize", "step", "epoch", "streamPos", "adamStep",
                "steps", "lr", "clip", "valFraction", "seed", "format", "formatVersion", "params", "textSha256"};
        String[] values = {"0", "-1", "1", "2", "3", "4096", "100000", "1114112", "2147483647", "2147483640", "-2147483648",
                "9223372036854775807", "99999999999999999999", "NaN", "Infinity", "1e308", "x", "", "4097",
                "embed.W,lstm0.Wx", "\\u0000"};
        String key = keys[r.nextInt(keys.length)], value = values[r.nextInt(values.length)];
        String s = new String(manifest, StandardCharsets.UTF_8);
        return (r.nextInt(6) == 0 ? s.replaceAll("(?m)^" + key + "=.*\\n", "") : s.replaceAll("(?m)^" + key + "=.*$", key + "=" + value))
                .getBytes(StandardCharsets.UTF_8);
    }
}
