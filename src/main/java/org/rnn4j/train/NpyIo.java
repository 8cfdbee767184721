package org.rnn4j.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few .npy operations checkpoints and golden tests need: write little-endian float32, read float32 or
 * float64 (C order, format 1.0/2.0). Kept to this one class so it can be swapped for the library's general
 * {@code org.rnn4j.io.Npy} once that lands. Malformed files raise {@link IOException} saying what is wrong.
 */
public final class NpyIo {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** An array read from a file: values widened to double, and its shape. */
    public record Array(double[] data, int[] shape) {
        public float[] floats() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
            return f;
        }
    }

    private NpyIo() {}

    /** Writes data with the given shape as a float32 .npy (format 1.0). */
    public static void writeFloat32(Path file, float[] data, int... shape) throws IOException {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != data.length) throw new IllegalArgumentException("npy: shape needs " + n + " values, got " + data.length);
        StringBuilder s = new StringBuilder();
        for (int d : shape) s.append(d).append(shape.length == 1 ? "," : ", ");
        String dims = shape.length == 1 ? s.toString() : s.substring(0, Math.max(0, s.length() - 2));
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";   // data starts 64-byte aligned
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        for (float f : data) b.putFloat(f);
        Files.write(file, b.array());
    }

    /** Reads a float32 or float64 C-order .npy. */
    public static Array read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10) throw new IOException(file + ": too short for a .npy file");
        for (int i = 0; i < MAGIC.length; i++)
            if (all[i] != MAGIC[i]) throw new IOException(file + ": not a .npy file (bad magic)");
        int major = all[6];
        int headerLen;
        int start;
        if (major == 1) { headerLen = Short.toUnsignedInt(b.getShort(8)); start = 10; }
        else if (major == 2 || major == 3) { headerLen = b.getInt(8); start = 12; }
        else throw new IOException(file + ": unsupported .npy version " + major);
        if (headerLen < 0 || start + headerLen > all.length) throw new IOException(file + ": truncated .npy header");
        String header = new String(all, start, headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        if (group(FORTRAN, header, file, "fortran_order").equals("True"))
            throw new IOException(file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        String dims = group(SHAPE, header, file, "shape").trim();
        int[] shape = dims.isEmpty() ? new int[0] : java.util.Arrays.stream(dims.split(","))
                .map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        long n = 1;
        for (int d : shape) n *= d;
        int width = switch (descr) { case "<f4" -> 4; case "<f8" -> 8; default ->
                throw new IOException(file + ": dtype " + descr + " is not supported; expected <f4 or <f8"); };
        int data = start + headerLen;
        if ((long) all.length - data != n * width)
            throw new IOException(file + ": holds " + (all.length - data) + " data bytes but shape needs " + n * width);
        double[] out = new double[(int) n];
        for (int i = 0; i < n; i++) out[i] = width == 4 ? b.getFloat(data + 4 * i) : b.getDouble(data + 8 * i);
        return new Array(out, shape);
    }

    private static String group(Pattern p, String header, Path file, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new IOException(file + ": .npy header has no '" + key + "'");
        return m.group(1);
    }
}
