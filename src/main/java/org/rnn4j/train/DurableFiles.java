package org.rnn4j.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file-system steps a checkpoint save is made of, each one durable when it returns (written data and renames
 * forced to the disk). One interface so that tests can stop a save after any step, as a crash would.
 */
interface DurableFiles {
    /** Creates a new directory (its parent must exist). */
    void createDirectory(Path dir) throws IOException;

    /** Creates (or replaces) a file with what {@code body} writes, and forces it to the disk before returning. */
    void write(Path file, Body body) throws IOException;

    /** Renames atomically: afterwards {@code to} is the old {@code from}, never a mixture; {@code to} must not exist. */
    void move(Path from, Path to) throws IOException;

    /** Forces a directory's entries (created, renamed, deleted names) to the disk. */
    void syncDirectory(Path dir) throws IOException;

    /** Deletes one file or empty directory, if present. */
    void delete(Path path) throws IOException;

    /** What a written file holds. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Deletes a directory tree, its manifest first: a half-deleted checkpoint is never mistaken for a complete one.
     */
    default void deleteTree(Path root, String manifest) throws IOException {
        if (!Files.isDirectory(root)) {
            delete(root);
            return;
        }
        delete(root.resolve(manifest));
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) delete(p);
    }

    /** The real file system. */
    DurableFiles SYSTEM = new DurableFiles() {
        @Override
        public void createDirectory(Path dir) throws IOException { Files.createDirectory(dir); }

        @Override
        public void write(Path file, Body body) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + from + " to " + to + " atomically on this file system; "
                        + "write checkpoints to a local disk", e);
            }
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                // Some platforms (Windows) cannot open a directory; their renames are durable without it.
            }
        }

        @Override
        public void delete(Path path) throws IOException {
            try {
                Files.deleteIfExists(path);
            } catch (NoSuchFileException ignored) {
                // gone already: what was wanted
            }
        }
    };
}
