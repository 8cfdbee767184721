package org.rnn4j.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.rnn4j.Tensor;
import org.rnn4j.io.NpyArray.DType;

/**
 * numpy's {@code .npy} files, so arrays move between numpy/PyTorch and Java: writes format 1.0, reads 1.0, 2.0
 * and 3.0; float32, float64, int32 and int64, little-endian, C order. Anything else (Fortran order, big-endian,
 * other or structured dtypes, a truncated file) fails with an {@link IOException} that says what was found.
 *
 * <pre>
 *   Npy.write(path, data, 2, 3);          // float32 array of shape (2, 3)
 *   NpyArray a = Npy.read(path);          // a.shape(), a.dtype(), a.floats() / doubles() / ints()
 * </pre>
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Header blocks are padded so the data starts on a multiple of this (numpy's own choice, for mmap). */
    private static final int ALIGN = 64;
    private static final int CHUNK = 1 << 16;


    private Npy() {}

    /** Writes a float32 array; {@code shape} may be empty for a scalar. */
    public static void write(Path path, float[] data, int... shape) throws IOException {
        checkLength(data == null ? -1 : data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        writeRaw(path, DType.FLOAT32, shape, buf.array());
    }

    /** Writes a float64 array. */
    public static void writeDouble(Path path, double[] data, int... shape) throws IOException {
        checkLength(data == null ? -1 : data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(data);
        writeRaw(path, DType.FLOAT64, shape, buf.array());
    }

    /** Writes an int32 array (e.g. token indices). */
    public static void writeInt(Path path, int[] data, int... shape) throws IOException {
        checkLength(data == null ? -1 : data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(data);
        writeRaw(path, DType.INT32, shape, buf.array());
    }

    /** Writes a tensor's contents as float32 with its shape. */
    public static void write(Path path, Tensor t) throws IOException {
        write(path, t.toArray(), t.shape());
    }

    /**
     * Reads a {@code .npy} file (format 1.0, 2.0 or 3.0). The header is checked against the file's size before the
     * array is allocated, so a file that promises more data than it holds fails without allocating it.
     */
    public static NpyArray read(Path path) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            return read(in, path.toString(), Files.size(path));
        }
    }

    /**
     * Reads a {@code .npy} stream; {@code what} names it in error messages. The stream must end after the data.
     * Its length being unknown, the array grows as data arrives: memory stays within twice what the stream holds.
     */
    public static NpyArray read(InputStream stream, String what) throws IOException {
        return read(stream, what, -1);
    }

    private static NpyArray read(InputStream stream, String what, long length) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        long[] dataBytes = new long[1];
        NpyHeader h = header(in, what, length, dataBytes);
        if (length >= 0) checkDataSize(what, h, dataBytes[0]);   // before allocating anything of the header's size
        return data(in, h, length >= 0, what);
    }

    /**
     * The shape in a {@code .npy} file's header, read without the data (checked as {@link #read(Path)} checks it,
     * the data's size included), so a caller can compare it with what it expects before reading the array.
     */
    public static int[] shape(Path path) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 512)) {
            long[] dataBytes = new long[1];
            NpyHeader h = header(new DataInputStream(in), path.toString(), Files.size(path), dataBytes);
            checkDataSize(path.toString(), h, dataBytes[0]);
            return h.shape();
        }
    }

    private static void checkDataSize(String what, NpyHeader h, long have) throws IOException {
        long need = h.count() * h.dtype().bytes;
        if (have < need) throw truncated(what, h, have);
        if (have > need) throw new IOException(what + ": unexpected bytes after the .npy data of shape " + Arrays.toString(h.shape())
                + " (" + need + " bytes expected, " + have + " present)");
    }

    /** Reads and parses the preamble and header; {@code dataBytes[0]} gets the bytes after it when the length is known. */
    private static NpyHeader header(DataInputStream in, String what, long length, long[] dataBytes) throws IOException {
        byte[] pre = new byte[MAGIC.length + 2];
        readFully(in, pre, what, "magic string and version");
        if (!Arrays.equals(Arrays.copyOf(pre, MAGIC.length), MAGIC))
            throw new IOException(what + ": not a .npy file (missing the \\x93NUMPY magic string)");
        int major = pre[6] & 0xff, minor = pre[7] & 0xff;
        if (major < 1 || major > 3)
            throw new IOException(what + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
        byte[] lenBytes = new byte[major == 1 ? 2 : 4];   // little-endian u16 in version 1, u32 after
        readFully(in, lenBytes, what, "header length");
        long headerLen = 0;
        for (int i = lenBytes.length - 1; i >= 0; i--) headerLen = headerLen << 8 | (lenBytes[i] & 0xff);
        if (headerLen > NpyHeader.MAX_BYTES)
            throw new IOException(what + ": .npy header of " + headerLen + " bytes is longer than the " + NpyHeader.MAX_BYTES
                    + " bytes allowed (numpy's np.load has the same limit); the file is corrupt or not an array rnn4j reads");
        long preamble = pre.length + lenBytes.length;
        if (length >= 0 && preamble + headerLen > length)
            throw new IOException(what + ": file ends inside the .npy header (" + headerLen + " bytes promised, "
                    + (length - preamble) + " present)");
        byte[] hb = new byte[(int) headerLen];
        readFully(in, hb, what, "header");
        dataBytes[0] = length - preamble - headerLen;
        // Versions 1 and 2 store the header in latin-1, version 3 in utf-8; only ASCII matters here.
        return NpyHeader.parse(new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), what);
    }

    /** Reads the elements in chunks; without a known size the array starts small and doubles as data arrives. */
    private static NpyArray data(InputStream in, NpyHeader h, boolean sizeChecked, String what) throws IOException {
        DType dtype = h.dtype();
        int n = (int) h.count();
        int perChunk = CHUNK / dtype.bytes;
        Object values = alloc(dtype, sizeChecked ? n : Math.min(n, perChunk));
        byte[] chunk = new byte[perChunk * dtype.bytes];
        int done = 0;
        while (done < n) {
            int take = Math.min(n - done, perChunk);
            int bytes = take * dtype.bytes, got = in.readNBytes(chunk, 0, bytes);
            if (got < bytes) throw truncated(what, h, (long) done * dtype.bytes + got);
            if (done + take > java.lang.reflect.Array.getLength(values))
                values = grow(values, (int) Math.min(n, Math.max(2L * java.lang.reflect.Array.getLength(values), done + take)));
            ByteBuffer bb = ByteBuffer.wrap(chunk, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case FLOAT32 -> bb.asFloatBuffer().get((float[]) values, done, take);
                case FLOAT64 -> bb.asDoubleBuffer().get((double[]) values, done, take);
                case INT32 -> bb.asIntBuffer().get((int[]) values, done, take);
                case INT64 -> bb.asLongBuffer().get((long[]) values, done, take);
            }
            done += take;
        }
        if (in.read() != -1) throw new IOException(what + ": unexpected bytes after the .npy data of shape " + Arrays.toString(h.shape()));
        return new NpyArray(dtype, h.shape(), values instanceof float[] f ? f : null, values instanceof double[] d ? d : null,
                values instanceof int[] i ? i : null, values instanceof long[] l ? l : null);
    }

    private static Object alloc(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
    }

    private static Object grow(Object a, int n) {
        if (a instanceof float[] f) return Arrays.copyOf(f, n);
        if (a instanceof double[] d) return Arrays.copyOf(d, n);
        if (a instanceof int[] i) return Arrays.copyOf(i, n);
        return Arrays.copyOf((long[]) a, n);
    }

    private static IOException truncated(String what, NpyHeader h, long have) {
        return new IOException(what + ": truncated .npy data: shape " + Arrays.toString(h.shape()) + " of " + h.dtype().descr
                + " needs " + h.count() * h.dtype().bytes + " bytes, the file has " + Math.max(0, have));
    }

    private static void writeRaw(Path path, DType dtype, int[] shape, byte[] data) throws IOException {
        byte[] header = header(dtype, shape);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            out.write(header);
            out.write(data);
        }
    }

    /** Writes a float32 array to a stream (format 1.0), e.g. to a file the caller forces to the disk itself. */
    public static void write(OutputStream out, float[] data, int... shape) throws IOException {
        checkLength(data == null ? -1 : data.length, shape);
        out.write(header(DType.FLOAT32, shape));
        ByteBuffer buf = ByteBuffer.allocate(Math.min(data.length, CHUNK) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < data.length; ) {   // in chunks: no second full-size copy of a large array
            int take = Math.min(data.length - done, CHUNK);
            buf.clear();
            buf.asFloatBuffer().put(data, done, take);
            out.write(buf.array(), 0, take * 4);
            done += take;
        }
    }

    /** Magic, version 1.0, length and the padded header dictionary. */
    private static byte[] header(DType dtype, int[] shape) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i > 0 ? ", " : "").append(shape[i]);
        if (shape.length == 1) s.append(',');
        s.append(')');
        String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': " + s + ", }";
        // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of ALIGN.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        if (total - 10 > 0xFFFF) throw new IOException("npy: header too long for format 1.0 (shape " + s + ")");
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put(MAGIC).put((byte) 1).put((byte) 0);
        int len = header.length();
        b.put((byte) len).put((byte) (len >>> 8));
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static void checkLength(int length, int[] shape) {
        if (length < 0) throw new NullPointerException("npy: data must not be null");
        if (shape == null) throw new NullPointerException("npy: shape must not be null");
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("npy: negative dimension in shape " + Arrays.toString(shape));
            n = d != 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;   // saturates instead of wrapping round
        }
        if (n != length)
            throw new IllegalArgumentException("npy: data has " + length + " elements but shape "
                    + Arrays.toString(shape) + " needs " + n);
    }

    private static void readFully(DataInputStream in, byte[] b, String what, String part) throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new IOException(what + ": file ends inside the .npy " + part, e);
        }
    }
}
