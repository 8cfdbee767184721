package org.rnn4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The PTX, the fatbin and their source hashes as the jar ships them (classpath resources next to {@link Kernel}). */
final class ShippedPtx {
    static final String PTX = "rnn4j.ptx";
    static final String FATBIN = "rnn4j.fatbin";
    static final String SOURCES_SHA256 = "rnn4j.ptx.sources.sha256";

    private ShippedPtx() {}

    /** The project root (surefire's basedir), where kernels/ lives. */
    static Path projectRoot() { return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))); }

    static byte[] bytes(String resource) {
        try (InputStream in = Kernel.class.getResourceAsStream(resource)) {
            if (in == null)
                throw new IllegalStateException("resource org/rnn4j/cuda/" + resource
                        + " missing; run kernels/build-ptx.sh");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String resource) { return new String(bytes(resource), StandardCharsets.UTF_8); }
}
