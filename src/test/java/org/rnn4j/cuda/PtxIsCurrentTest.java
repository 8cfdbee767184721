package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped PTX and fatbin were generated from the kernels/ sources as they are now: kernels/build-ptx.sh records a
 * SHA-256
 * per source (the .cu/.cuh files and the script itself) and of the PTX and fatbin it wrote; here they are recomputed.
 * No nvcc
 * needed. Carriage returns are dropped before hashing, as the script does, so a CRLF checkout passes too.
 */
class PtxIsCurrentTest {
    private static final String FIX = "; run kernels/build-ptx.sh (needs nvcc, ptxas and fatbinary) and commit "
            + "src/main/resources/org/rnn4j/cuda/rnn4j.ptx, rnn4j.fatbin and rnn4j.ptx.sources.sha256";

    @Test
    void ptxWasGeneratedFromTheCurrentKernelSources() throws IOException {
        Map<String, String> recorded = recorded(), sources = new TreeMap<>();
        recorded.keySet().removeIf(path -> !path.startsWith("kernels/"));
        Path root = ShippedPtx.projectRoot();
        try (Stream<Path> files = Files.list(root.resolve("kernels"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.equals("build-ptx.sh") || name.endsWith(".cu") || name.endsWith(".cuh"))
                    sources.put("kernels/" + name, sha256(Files.readAllBytes(p)));
            }
        }
        if (!sources.equals(recorded)) {
            StringBuilder diff = new StringBuilder();
            for (String path : union(sources, recorded)) {
                String now = sources.get(path), then = recorded.get(path);
                if (then == null) diff.append("\n  new since the PTX was built: ").append(path);
                else if (now == null) diff.append("\n  gone since the PTX was built: ").append(path);
                else if (!now.equals(then)) diff.append("\n  changed since the PTX was built: ").append(path);
            }
            fail("the shipped PTX is stale:" + diff + "\n" + FIX.substring(2));
        }
    }

    @Test
    void ptxIsTheOneTheScriptWrote() {
        String path = "src/main/resources/org/rnn4j/cuda/" + ShippedPtx.PTX;
        assertEquals(recorded().get(path), sha256(ShippedPtx.bytes(ShippedPtx.PTX)),
                "rnn4j.ptx differs from what kernels/build-ptx.sh wrote (edited by hand?)" + FIX);
    }

    @Test
    void fatbinIsTheOneTheScriptWrote() throws NoSuchAlgorithmException {
        String path = "src/main/resources/org/rnn4j/cuda/" + ShippedPtx.FATBIN;
        String actual = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(ShippedPtx.bytes(ShippedPtx.FATBIN)));
        assertEquals(recorded().get(path), actual, "rnn4j.fatbin differs from what kernels/build-ptx.sh wrote" + FIX);
    }

    /** "sha256  path" lines as sha256sum writes them. */
    private static Map<String, String> recorded() {
        Map<String, String> out = new TreeMap<>();
        for (String line : ShippedPtx.text(ShippedPtx.SOURCES_SHA256).split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.trim().split("\\s+", 2);
            out.put(parts[1], parts[0]);
        }
        return out;
    }

    private static Iterable<String> union(Map<String, String> a, Map<String, String> b) {
        TreeMap<String, String> all = new TreeMap<>(a);
        all.putAll(b);
        return all.keySet();
    }

    private static String sha256(byte[] content) {
        try {
            String text = new String(content, StandardCharsets.UTF_8).replace("\r", "");
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
