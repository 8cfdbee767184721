package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Backend;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * {@link SafeTensors} reads what safetensors writes and refuses hostile files with one line naming the file;
 * {@link PyTorchRecurrent} refuses state dicts with a missing key, an extra key or a wrong shape.
 */
class SafeTensorsTest {
    static final Backend CPU = Backend.cpu();

    @TempDir
    Path tmp;

    @AfterAll
    static void close() { CPU.close(); }

    /** A file with the given header text and data bytes. */
    Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = Files.createTempFile(tmp, "t", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    /** F32 tensors in order, written as safetensors does (offsets tiling the data). */
    Path f32(Map<String, float[]> values, Map<String, int[]> shapes) throws IOException {
        StringBuilder h = new StringBuilder("{");
        int bytes = values.values().stream().mapToInt(v -> 4 * v.length).sum();
        ByteBuffer data = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (var e : values.entrySet()) {
            int begin = data.position();
            for (float f : e.getValue()) data.putFloat(f);
            if (h.length() > 1) h.append(',');
            h.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(shapes.get(e.getKey())).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(begin).append(',').append(data.position()).append("]}");
        }
        return file(h.append('}').toString(), data.array());
    }

    @Test
    void readsF32AndF64() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        d.putFloat(1.5f).putFloat(-2f).putDouble(0.1).putDouble(3);
        Path p = file("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[8,24]}}", d.array());
        SafeTensors st = SafeTensors.open(p);
        assertEquals(java.util.List.of("a", "b"), st.names());
        assertEquals("pt", st.metadata().get("format"));
        assertArrayEquals(new float[]{1.5f, -2f}, st.floats("a"));
        assertArrayEquals(new int[]{1, 2}, st.shape("b"));
        assertArrayEquals(new float[]{0.1f, 3f}, st.floats("b"));
        assertArrayEquals(new double[]{0.1, 3}, st.doubles("b"));
    }

    @Test
    void hostileFilesFailWithOneLineNamingTheFile() throws IOException {
        String ok = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] eight = new byte[8];
        Map<String, Path> bad = new LinkedHashMap<>();
        bad.put("shorter than the 8-byte header length", write(new byte[3]));
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        bad.put("is outside [2, ", write(huge.array()));
        ByteBuffer past = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        bad.put("runs past the end", write(past.array()));
        bad.put("expected a string key", file("{a:1}", eight));
        bad.put("duplicate key", file("{" + ok + "," + ok + "}", eight));
        bad.put("unknown dtype Q8", file("{\"a\":{\"dtype\":\"Q8\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight));
        bad.put("needs 8 bytes but data_offsets",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", eight));
        bad.put("the file holds 8 after the header",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight));
        bad.put("ranges must tile", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight));
        bad.put("bad shape", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight));
        bad.put("more elements than one Java array",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", eight));
        bad.put("only integers", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", eight));
        bad.put("unexpected field", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}",
                eight));
        bad.put("nested deeper", file("{\"__metadata__\":" + "[".repeat(40) + "]".repeat(40) + "}", new byte[0]));
        bad.put("not a JSON object", file("[1]", new byte[0]));
        for (var e : bad.entrySet()) {
            IOException x = assertThrows(IOException.class, () -> SafeTensors.open(e.getValue()), e.getKey());
            assertTrue(x.getMessage().contains(e.getValue().toString()) && x.getMessage().contains(e.getKey())
                    && !x.getMessage().contains("\n"),
                            "message '" + x.getMessage() + "' should name the file and say: " + e.getKey());
        }
        SafeTensors st = SafeTensors.open(file("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                eight));
        IOException x = assertThrows(IOException.class, () -> st.floats("i"));
        assertTrue(x.getMessage().contains("only F32 and F64"), x.getMessage());
        x = assertThrows(IOException.class, () -> st.floats("nope"));
        assertTrue(x.getMessage().contains("no tensor named nope"), x.getMessage());
    }

    Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "raw", ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    /** An nn.RNN(2, 3) state dict, optionally altered. */
    Map<String, float[]> rnnDict(Map<String, int[]> shapes) {
        Map<String, float[]> v = new LinkedHashMap<>();
        put(v, shapes, "weight_ih_l0", 3, 2);
        put(v, shapes, "weight_hh_l0", 3, 3);
        put(v, shapes, "bias_ih_l0", 3);
        put(v, shapes, "bias_hh_l0", 3);
        return v;
    }

    static void put(Map<String, float[]> v, Map<String, int[]> shapes, String key, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = 0.1f * (i + 1);
        v.put(key, a);
        shapes.put(key, shape);
    }

    @Test
    void loaderChecksNamesAndShapes() throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> good = rnnDict(shapes);
        try (Recurrent r = PyTorchRecurrent.load(CPU, f32(good, shapes), Kind.RNN)) {
            assertEquals(new Recurrent.Config(Kind.RNN, 2, 3, 1, false, 0), r.config());
            // wx = weight_ihᵀ: wx[d][j] = weight_ih[j][d]; b = bias_ih + bias_hh
            assertArrayEquals(new float[]{0.1f, 0.3f, 0.5f, 0.2f, 0.4f, 0.6f}, r.weights(0, 0).wx().toArray());
            assertArrayEquals(new float[]{0.2f, 0.4f, 0.6f}, r.weights(0, 0).b().toArray(), 1e-7f);
        }
        Map<String, float[]> noBias = rnnDict(shapes);
        noBias.remove("bias_ih_l0");
        noBias.remove("bias_hh_l0");
        try (Recurrent r = PyTorchRecurrent.load(CPU, f32(noBias, shapes), Kind.RNN)) {   // saved with bias=False
            assertArrayEquals(new float[3], r.weights(0, 0).b().toArray());
        }
        Map<String, float[]> missing = rnnDict(shapes);
        missing.remove("bias_hh_l0");
        expect(f32(missing, shapes), Kind.RNN, "missing key bias_hh_l0");
        Map<String, float[]> extra = rnnDict(shapes);
        put(extra, shapes, "weight_hr_l0", 3, 3);
        expect(f32(extra, shapes), Kind.RNN, "unexpected key weight_hr_l0 (LSTM projections");
        Map<String, int[]> wrong = new LinkedHashMap<>();
        Map<String, float[]> reshaped = rnnDict(wrong);
        put(reshaped, wrong, "weight_hh_l0", 3, 2);
        expect(f32(reshaped, wrong), Kind.RNN, "weight_hh_l0 has shape [3, 2]");
        expect(f32(good, shapes), Kind.LSTM, "weight_hh_l0 has shape [3, 3] but nn.LSTM needs (4·H, H)");
        Map<String, float[]> none = new LinkedHashMap<>();
        none.put("fc.weight", new float[]{1});
        shapes.put("fc.weight", new int[]{1});
        expect(f32(none, shapes), Kind.GRU, "missing key weight_ih_l0 (not a PyTorch nn.GRU state dict?)");
    }

    /** save writes what load reads back, bit for bit, under PyTorch's names: a PyTorch-made file of each kind. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rnn_2layer_bi_varlen", "lstm_2layer_bi_varlen",
            "gru_2layer_bi_varlen"})
    void saveIsTheInverseOfLoad(String name) throws Exception {
        Path original = Path.of(getClass().getResource("/golden-recurrent/" + name + ".model.safetensors").toURI());
        Kind kind = Kind.valueOf(name.substring(0, name.indexOf('_')).toUpperCase(java.util.Locale.ROOT));
        Path copy = tmp.resolve(name + ".safetensors");
        try (Recurrent a = PyTorchRecurrent.load(CPU, original, kind)) {
            PyTorchRecurrent.save(a, copy);
            SafeTensors st = SafeTensors.open(copy), orig = SafeTensors.open(original);
            assertEquals(new java.util.TreeSet<>(orig.names()), new java.util.TreeSet<>(st.names()), "PyTorch's keys");
            for (String key : orig.names()) {
                assertArrayEquals(orig.shape(key), st.shape(key), key);
                if (key.startsWith("weight") || kind == Kind.GRU)
                    assertArrayEquals(orig.floats(key), st.floats(key), key + " written back exactly");
            }
            try (Recurrent b = PyTorchRecurrent.load(CPU, copy, kind)) {
                for (int k = 0; k < a.weights().size(); k++) {
                    Recurrent.Weights wa = a.weights().get(k), wb = b.weights().get(k);
                    assertArrayEquals(wa.wx().toArray(), wb.wx().toArray());
                    assertArrayEquals(wa.wh().toArray(), wb.wh().toArray());
                    assertArrayEquals(wa.b().toArray(), wb.b().toArray());
                    if (wa.bh() != null) assertArrayEquals(wa.bh().toArray(), wb.bh().toArray());
                }
            }
        }
    }

    void expect(Path p, Kind kind, String part) {
        IOException x = assertThrows(IOException.class, () -> PyTorchRecurrent.load(CPU, p, kind));
        assertTrue(x.getMessage().startsWith(p.toString()) && x.getMessage().contains(part),
                "message '" + x.getMessage() + "' should contain '" + part + "'");
    }
}
