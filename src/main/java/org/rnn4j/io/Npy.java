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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

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

    /** Reads a {@code .npy} file (format 1.0, 2.0 or 3.0). */
    public static NpyArray read(Path path) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            return read(in, path.toString());
        }
    }

    /** Reads a {@code .npy} stream; {@code what} names it in error messages. The stream must end after the data. */
    public static NpyArray read(InputStream stream, String what) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = new byte[MAGIC.length];
        readFully(in, magic, what, "magic string");
        if (!Arrays.equals(magic, MAGIC))
            throw new IOException(what + ": not a .npy file (missing the \\x93NUMPY magic string)");
        int major = in.readUnsignedByte(), minor = in.readUnsignedByte();
        long headerLen;
        if (major == 1) headerLen = u16(in);
        else if (major == 2 || major == 3) headerLen = u32(in);
        else throw new IOException(what + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
        if (headerLen > 1 << 20) throw new IOException(what + ": .npy header of " + headerLen + " bytes is implausibly large");
        byte[] hb = new byte[(int) headerLen];
        readFully(in, hb, what, "header");
        // Versions 1 and 2 store the header in latin-1, version 3 in utf-8; only ASCII matters here.
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        DType dtype = parseDType(header, what);
        Matcher fm = FORTRAN.matcher(header);
        if (!fm.find()) throw new IOException(what + ": .npy header has no fortran_order: " + header.trim());
        if (fm.group(1).equals("True"))
            throw new IOException(what + ": Fortran-order arrays are not supported; save a C-order array "
                    + "(np.save(path, np.ascontiguousarray(a)))");
        int[] shape = parseShape(header, what);
        long count = 1;
        for (int d : shape) if ((count *= d) > Integer.MAX_VALUE) break;   // each d < 2^31: no overflow
        if (count > Integer.MAX_VALUE - 8)
            throw new IOException(what + ": " + count + " elements do not fit in one Java array");

        int n = (int) count;
        float[] f32 = null; double[] f64 = null; int[] i32 = null; long[] i64 = null;
        switch (dtype) {
            case FLOAT32 -> f32 = new float[n];
            case FLOAT64 -> f64 = new double[n];
            case INT32 -> i32 = new int[n];
            case INT64 -> i64 = new long[n];
        }
        // Read in chunks so a large array never needs a second full-size byte copy.
        byte[] chunk = new byte[Math.max(dtype.bytes, CHUNK - CHUNK % dtype.bytes)];
        int done = 0;
        while (done < n) {
            int take = Math.min(n - done, chunk.length / dtype.bytes);
            int bytes = take * dtype.bytes, got = in.readNBytes(chunk, 0, bytes);
            if (got < bytes)
                throw new IOException(what + ": truncated .npy data: shape " + Arrays.toString(shape) + " of "
                        + dtype.descr + " needs " + count * dtype.bytes + " bytes, the file has "
                        + ((long) done * dtype.bytes + got));
            ByteBuffer bb = ByteBuffer.wrap(chunk, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case FLOAT32 -> bb.asFloatBuffer().get(f32, done, take);
                case FLOAT64 -> bb.asDoubleBuffer().get(f64, done, take);
                case INT32 -> bb.asIntBuffer().get(i32, done, take);
                case INT64 -> bb.asLongBuffer().get(i64, done, take);
            }
            done += take;
        }
        if (in.read() != -1) throw new IOException(what + ": unexpected bytes after the .npy data of shape " + Arrays.toString(shape));
        return new NpyArray(dtype, shape, f32, f64, i32, i64);
    }

    private static DType parseDType(String header, String what) throws IOException {
        Matcher m = DESCR.matcher(header);
        if (!m.find())
            throw new IOException(what + ": unsupported dtype (structured or missing descr) in header " + header.trim()
                    + "; supported: <f4, <f8, <i4, <i8");
        String d = m.group(1);
        // '=' (native) is written by some tools on little-endian machines; '|' never applies to these widths.
        if (d.startsWith("=")) d = "<" + d.substring(1);
        for (DType t : DType.values()) if (t.descr.equals(d)) return t;
        if (d.startsWith(">"))
            throw new IOException(what + ": big-endian dtype " + m.group(1) + " is not supported; save with a.astype('<"
                    + d.substring(1) + "')");
        throw new IOException(what + ": unsupported dtype " + m.group(1) + "; supported: <f4 (float32), <f8 (float64), "
                + "<i4 (int32), <i8 (int64)");
    }

    private static int[] parseShape(String header, String what) throws IOException {
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) throw new IOException(what + ": .npy header has no shape: " + header.trim());
        String body = m.group(1).trim();
        if (body.isEmpty()) return new int[0];
        String[] parts = body.split(",");
        int rank = parts.length;
        if (parts[rank - 1].isBlank()) rank--;   // "(5,)": the trailing comma of a 1-tuple
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            String p = parts[i].trim();
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);   // Python 2 longs: "(3L, 4L)"
            try {
                shape[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IOException(what + ": bad dimension '" + parts[i].trim() + "' in shape (" + body + ")");
            }
            if (shape[i] < 0) throw new IOException(what + ": negative dimension in shape (" + body + ")");
        }
        return shape;
    }

    private static void writeRaw(Path path, DType dtype, int[] shape, byte[] data) throws IOException {
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
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            out.write(MAGIC);
            out.write(new byte[]{1, 0});
            int len = header.length();
            out.write(new byte[]{(byte) len, (byte) (len >>> 8)});
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        }
    }

    private static void checkLength(int length, int[] shape) {
        if (length < 0) throw new NullPointerException("npy: data must not be null");
        if (shape == null) throw new NullPointerException("npy: shape must not be null");
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("npy: negative dimension in shape " + Arrays.toString(shape));
            n *= d;
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

    private static int u16(DataInputStream in) throws IOException {
        int lo = in.readUnsignedByte(), hi = in.readUnsignedByte();
        return lo | hi << 8;
    }

    private static long u32(DataInputStream in) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) v |= (long) in.readUnsignedByte() << (8 * i);
        return v;
    }
}
