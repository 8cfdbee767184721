package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;
import org.rnn4j.io.NpyArray.DType;

/** The .npy reader/writer against files numpy wrote (tools/golden/make_npy_fixtures.py) and against itself. */
class NpyTest {
    @TempDir
    Path tmp;

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream("/npy/" + name)) {
            if (in == null) throw new IOException("missing test resource /npy/" + name);
            return in.readAllBytes();
        }
    }

    static NpyArray readFixture(String name) throws IOException {
        return Npy.read(new ByteArrayInputStream(fixture(name)), name);
    }

    /** The fixtures' formula: value[k] = k * 0.5 - 1. */
    static double[] ramp(int n) {
        double[] d = new double[n];
        for (int k = 0; k < n; k++) d[k] = k * 0.5 - 1;
        return d;
    }

    @Test
    void readsNumpyFloatArraysOfEveryVersion() throws IOException {
        for (String name : new String[]{"f32_2x3.npy", "f32_2x3_v2.npy", "f32_2x3_v3.npy"}) {
            NpyArray a = readFixture(name);
            assertEquals(DType.FLOAT32, a.dtype(), name);
            assertArrayEquals(new int[]{2, 3}, a.shape(), name);
            assertArrayEquals(ramp(6), a.doubles(), 0, name);
        }
        NpyArray v = readFixture("f64_5.npy");
        assertEquals(DType.FLOAT64, v.dtype());
        assertArrayEquals(new int[]{5}, v.shape());
        assertArrayEquals(ramp(5), v.doubles(), 0);
        NpyArray c = readFixture("f64_2x3x4.npy");
        assertArrayEquals(new int[]{2, 3, 4}, c.shape());
        assertArrayEquals(ramp(24), c.doubles(), 0);   // C order: the flat index runs fastest over the last axis
        NpyArray s = readFixture("f64_scalar.npy");
        assertArrayEquals(new int[0], s.shape());
        assertArrayEquals(new double[]{-1}, s.doubles(), 0);
    }

    @Test
    void readsNumpyIntegerArrays() throws IOException {
        NpyArray i = readFixture("i32_2x2.npy");
        assertEquals(DType.INT32, i.dtype());
        assertArrayEquals(new int[]{2, 2}, i.shape());
        assertArrayEquals(new int[]{-3, -2, -1, 0}, i.ints());
        assertArrayEquals(new long[]{-3, -2, -1, 0}, i.longs());
        NpyArray l = readFixture("i64_3.npy");
        assertEquals(DType.INT64, l.dtype());
        assertArrayEquals(new int[]{-3, -2, -1}, l.ints());
        assertArrayEquals(new float[]{-3, -2, -1}, l.floats());
    }

    @Test
    void writesTheSameBytesAsNumpy() throws IOException {
        float[] f = new float[6];
        double[] r = ramp(6);
        for (int k = 0; k < 6; k++) f[k] = (float) r[k];
        Path p = tmp.resolve("f32.npy");
        Npy.write(p, f, 2, 3);
        assertArrayEquals(fixture("f32_2x3.npy"), Files.readAllBytes(p), "header and data as np.save writes them");
        Path q = tmp.resolve("f64.npy");
        Npy.writeDouble(q, ramp(5), 5);
        assertArrayEquals(fixture("f64_5.npy"), Files.readAllBytes(q), "a 1-tuple shape is written as (5,)");
        Path s = tmp.resolve("s.npy");
        Npy.writeDouble(s, new double[]{-1}); // 0-d
        assertArrayEquals(fixture("f64_scalar.npy"), Files.readAllBytes(s));
        Path i = tmp.resolve("i.npy");
        Npy.writeInt(i, new int[]{-3, -2, -1, 0}, 2, 2);
        assertArrayEquals(fixture("i32_2x2.npy"), Files.readAllBytes(i));
    }

    @Test
    void roundTripsEveryBitPatternAndRank() throws IOException {
        SplittableRandom r = Numerics.random();
        int[][] shapes = {{7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 2}, {0, 3}};
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] f = Numerics.uniform(r, n, 100);
            double[] d = new double[n];
            for (int k = 0; k < n; k++) d[k] = r.nextGaussian() * 1e6;
            if (n >= 5) { // values that a careless converter would change
                f[0] = Float.NaN; f[1] = -0f; f[2] = Float.MIN_VALUE; f[3] = Float.NEGATIVE_INFINITY; f[4] = Float.MAX_VALUE;
                d[0] = Double.NaN; d[1] = -0d; d[2] = Double.MIN_VALUE; d[3] = Double.POSITIVE_INFINITY;
            }
            Path pf = tmp.resolve("f.npy"), pd = tmp.resolve("d.npy");
            Npy.write(pf, f, shape);
            Npy.writeDouble(pd, d, shape);
            NpyArray af = Npy.read(pf), ad = Npy.read(pd);
            assertArrayEquals(shape, af.shape());
            assertArrayEquals(shape, ad.shape());
            for (int k = 0; k < n; k++) {
                assertEquals(Float.floatToRawIntBits(f[k]), Float.floatToRawIntBits(af.floats()[k]), "float32 element " + k);
                assertEquals(Double.doubleToRawLongBits(d[k]), Double.doubleToRawLongBits(ad.doubles()[k]), "float64 element " + k);
            }
            assertEquals(128, Files.size(pf) - n * 4L, "the data starts at byte 128 (header padded to 64)");
        }
    }

    @Test
    void largeArraysCrossTheReadChunks() throws IOException {
        float[] f = Numerics.uniform(Numerics.random(), 100_003, 1);
        Path p = tmp.resolve("big.npy");
        Npy.write(p, f, 100_003);
        assertArrayEquals(f, Npy.read(p).floats());
    }

    @Test
    void conversionsAreExplicit() throws IOException {
        Path p = tmp.resolve("d.npy");
        Npy.writeDouble(p, new double[]{0.1, 1e300, 3}, 3);
        NpyArray a = Npy.read(p);
        assertArrayEquals(new float[]{0.1f, Float.POSITIVE_INFINITY, 3f}, a.floats(), "float64 rounds to nearest float32");
        IllegalStateException e = assertThrows(IllegalStateException.class, a::ints);
        assertTrue(e.getMessage().contains("FLOAT64"), e.getMessage());
        assertThrows(IllegalStateException.class, a::longs);

        ByteArrayInputStream big = new ByteArrayInputStream(withInt64(1L << 40));
        ArithmeticException ae = assertThrows(ArithmeticException.class, () -> Npy.read(big, "big").ints());
        assertTrue(ae.getMessage().contains("1099511627776"), ae.getMessage());
    }

    /** numpy's header for an int64 (1,) array followed by one value. */
    private static byte[] withInt64(long v) throws IOException {
        byte[] head = Arrays.copyOf(fixture("i64_3.npy"), 128);
        String h = new String(head, 10, 118, java.nio.charset.StandardCharsets.ISO_8859_1).replace("(3,)", "(1,)");
        byte[] out = Arrays.copyOf(head, 136);
        System.arraycopy(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, out, 10, 118);
        for (int i = 0; i < 8; i++) out[128 + i] = (byte) (v >>> (8 * i));
        return out;
    }

    @Test
    void toTensorKeepsShapeAndValues() throws IOException {
        try (Backend cpu = Backend.cpu(); Tensor t = readFixture("f64_2x3x4.npy").toTensor(cpu)) {
            assertArrayEquals(new int[]{2, 3, 4}, t.shape());
            double[] r = ramp(24);
            float[] got = t.toArray();
            for (int k = 0; k < 24; k++) assertEquals((float) r[k], got[k]);
            Path p = tmp.resolve("t.npy");
            Npy.write(p, t);
            assertArrayEquals(got, Npy.read(p).floats());
        }
    }

    private static void assertFails(byte[] bytes, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(bytes), "case.npy"));
        assertTrue(e.getMessage().startsWith("case.npy: "), "names the file: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
    }

    @Test
    void refusesWhatItCannotRepresentWithAClearMessage() throws IOException {
        assertFails(fixture("bad_fortran.npy"), "Fortran-order", "C-order");
        assertFails(fixture("bad_bigendian.npy"), "big-endian", ">f4");
        assertFails(fixture("bad_uint8.npy"), "unsupported dtype |u1", "<f4");
        byte[] good = fixture("f32_2x3.npy");
        assertFails(Arrays.copyOf(good, good.length - 3), "truncated", "needs 24 bytes", "has 21");
        assertFails(Arrays.copyOf(good, good.length + 4), "unexpected bytes after");
        assertFails(Arrays.copyOf(good, 40), "file ends inside the .npy header");
        assertFails("not an array at all".getBytes(), "not a .npy file");
        byte[] v9 = good.clone();
        v9[6] = 9;
        assertFails(v9, "version 9.0 is not supported");
    }

    @Test
    void writeChecksItsArguments() {
        Path p = tmp.resolve("x.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.write(p, new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5 elements") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("needs 6"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Npy.write(p, (float[]) null, 1));
        assertThrows(IllegalArgumentException.class, () -> Npy.writeDouble(p, new double[0], -1, 0));
        assertTrue(Files.notExists(p), "nothing written on bad arguments");
    }

    /** A version-1 .npy preamble and header dictionary (unpadded), followed by {@code data}. */
    static byte[] npy(String dict, byte[] data) {
        byte[] h = dict.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + h.length + data.length);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >>> 8)}).put(h).put(data);
        return b.array();
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aHeaderThatPromisesMoreThanTheFileHoldsAllocatesNothing() throws IOException {
        // 2^31-9 floats promised (8 GB) in a file of about 100 bytes: refused from the file size, before any allocation.
        Path p = tmp.resolve("liar.npy");
        Files.write(p, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483639,), }\n", new byte[16]));
        long before = allocatedBytes();
        IOException e = assertThrows(IOException.class, () -> Npy.read(p));
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("needs 17179869112 bytes, the file has 16"), e.getMessage());
        assertThrows(IOException.class, () -> Npy.shape(p));
        // From a stream of unknown length the array grows with the data that actually arrives: bounded as well.
        before = allocatedBytes();
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483639,), }", new byte[400_000]),
                "truncated", "the file has 400000");
        allocated = allocatedBytes() - before;
        assertTrue(allocated < 8 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void hostileHeadersFailFastWithAShortOneLineMessage() {
        // Repeating an unclosed "'shape':(" made the former regular expression quadratic; the scan is linear and
        // headers longer than numpy's own limit are refused before they are read.
        String repeated = "{'descr': '<f4', 'fortran_order': False, " + "'shape':(".repeat(1100);
        assertTrue(repeated.length() > 9_000 && repeated.length() < 10_000);
        IOException e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(npy(repeated, new byte[0])), "case.npy"));
        assertTrue(e.getMessage().length() < 400 && !e.getMessage().contains("\n"), e.getMessage());
        byte[] big = npy("{'descr': '" + "x".repeat(60_000) + "'}", new byte[0]);
        assertFails(big, "header of 60013 bytes is longer than the 10000 bytes allowed");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (,), }", new byte[0]), "bad dimension");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,,3), }", new byte[0]), "bad dimension");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", new byte[0]), "negative dimension");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", new byte[0]), "larger than 2^31-1");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }", new byte[0]),
                "more than 2^63", "more than a Java array holds");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", new byte[0]),
                "4294967296 elements");
        assertFails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (2,)}", new byte[8]), "appears twice");
        assertFails(npy("{'descr': '<f4', 'shape': (2,)}", new byte[8]), "no fortran_order");
        assertFails(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", new byte[8]), "structured");
        String junk = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x" + "y".repeat(5000) + "': 1}";
        IOException j = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(npy(junk, new byte[8])), "case.npy"));
        assertTrue(j.getMessage().length() < 600, "header text is cut short in messages: " + j.getMessage().length() + " characters");
        // the preamble cut anywhere: a message naming the file, never null
        byte[] good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
        for (int len = 0; len < 12; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            IOException c = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(cut), "case.npy"));
            assertTrue(c.getMessage() != null && c.getMessage().startsWith("case.npy: "), len + ": " + c.getMessage());
        }
    }

    @Test
    void zeroElementArraysRoundTripAsInNumpy() throws IOException {
        // numpy saves and loads arrays with a zero dimension; so does rnn4j (a tensor cannot have one, toTensor says so).
        Path p = tmp.resolve("empty.npy");
        Npy.write(p, new float[0], 2, 0);
        NpyArray a = Npy.read(p);
        assertArrayEquals(new int[]{2, 0}, a.shape());
        assertEquals(0, a.size());
        assertArrayEquals(new int[]{2, 0}, Npy.shape(p));
        NpyArray b = Npy.read(new ByteArrayInputStream(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }", new byte[0])), "e.npy");
        assertEquals(0, b.longs().length);
        try (Backend cpu = Backend.cpu()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.toTensor(cpu));
            assertTrue(e.getMessage().contains("positive"), e.getMessage());
        }
    }
}
