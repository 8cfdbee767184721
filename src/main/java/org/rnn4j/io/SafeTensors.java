package org.rnn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code .safetensors} files, what
 * {@code safetensors.torch.save_file(model.state_dict(), path)} writes:
 * an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then
 * the raw little-endian data. Read as a file from anywhere: the header length is capped ({@link #MAX_HEADER}),
 * the header is parsed strictly, every byte range is checked against its dtype and shape and against the file
 * size (ranges must tile the data exactly, as the format requires) before any tensor is read, and a tensor is
 * read only when asked for. F32 is read as is and F64 converted to float32 (or read as double); other dtypes
 * are listed but refused when read. Every failure is one {@link IOException} line naming the file.
 *
 * <pre>
 *   SafeTensors st = SafeTensors.open(path);
 *   for (String name : st.names()) { int[] shape = st.shape(name); float[] v = st.floats(name); }
 * </pre>
 */
public final class SafeTensors {
    /** Largest header accepted, in bytes (the reference implementation's own limit). */
    public static final long MAX_HEADER = 100L << 20;
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E4M3", 1),
            Map.entry("F8_E5M2", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
            Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

    /** One tensor of the header: dtype, shape, and its byte range within the data section. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public int[] shape() { return shape.clone(); }

        public int size() {
            long n = 1;
            for (int d : shape) n *= d;
            return (int) n;
        }
    }

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Reads and checks the header; the data is read later, tensor by tensor. */
    public static SafeTensors open(Path path) throws IOException {
        if (path == null) throw new NullPointerException("SafeTensors.open: path must not be null");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw fail(path, "file has " + size + " bytes, shorter than the 8-byte header length");
            ByteBuffer len = read(ch, path, 0, 8);
            long n = len.order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 2 || n > MAX_HEADER)
                throw fail(path, "header length " + Long.toUnsignedString(n) + " is outside [2, " + MAX_HEADER + "]");
            if (n > size - 8) throw fail(path,
                    "header length " + n + " runs past the end of the " + size + "-byte file");
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(read(ch, path, 8, (int) n)).toString();
            } catch (CharacterCodingException e) {
                throw fail(path, "header is not UTF-8");
            }
            Object header;
            try {
                header = Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw fail(path, e.getMessage());
            }
            return parse(path, header, 8 + n, size - 8 - n);
        }
    }

    @SuppressWarnings("unchecked")
    private static SafeTensors parse(Path path, Object header, long dataStart, long dataBytes) throws IOException {
        if (!(header instanceof Map)) throw fail(path, "header is not a JSON object");
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) header).entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map)) throw fail(path, "__metadata__ is not an object");
                for (Map.Entry<String, Object> m : ((Map<String, Object>) e.getValue()).entrySet()) {
                    if (!(m.getValue() instanceof String v)) throw fail(path,
                            "__metadata__." + m.getKey() + " is not a string");
                    meta.put(m.getKey(), v);
                }
                continue;
            }
            entries.put(name, entry(path, name, e.getValue()));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long at = 0;
        for (Entry t : byOffset) {
            if (t.begin() != at)
                throw fail(path, "tensor " + t.name() + " starts at byte " + t.begin()
                        + " but the previous one ends at " + at
                        + " (ranges must tile the data)");
            at = t.end();
        }
        if (at != dataBytes)
            throw fail(path, "the tensors cover " + at + " bytes of data but the file holds " + dataBytes
                    + " after the header");
        return new SafeTensors(path, dataStart, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(meta));
    }

    @SuppressWarnings("unchecked")
    private static Entry entry(Path path, String name, Object v) throws IOException {
        if (!(v instanceof Map)) throw fail(path, "tensor " + name + " is not described by an object");
        Map<String, Object> m = (Map<String, Object>) v;
        if (!(m.get("dtype") instanceof String dtype)) throw fail(path, "tensor " + name + " has no dtype string");
        Integer bytes = DTYPE_BYTES.get(dtype);
        if (bytes == null) throw fail(path, "tensor " + name + " has unknown dtype " + dtype);
        if (!(m.get("shape") instanceof List<?> dims)) throw fail(path, "tensor " + name + " has no shape array");
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2)
            throw fail(path, "tensor " + name + " has no data_offsets [begin, end]");
        for (String key : m.keySet())
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets"))
                throw fail(path, "tensor " + name + " has an unexpected field " + key);
        int[] shape = new int[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE)
                throw fail(path, "tensor " + name + " has a bad shape " + dims);
            shape[i] = (int) (long) d;
            count *= d;
            if (count > Integer.MAX_VALUE - 8) throw fail(path,
                    "tensor " + name + " has more elements than one Java array holds");
        }
        if (!(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end) || begin < 0 || end < begin)
            throw fail(path, "tensor " + name + " has bad data_offsets " + off);
        if (end - begin != count * bytes)
            throw fail(path, "tensor " + name + ": shape " + dims + " of " + dtype + " needs " + count * bytes
                    + " bytes but data_offsets " + off + " give " + (end - begin));
        return new Entry(name, dtype, shape, begin, end);
    }

    public Path path() { return path; }

    /** Tensor names in header order. */
    public List<String> names() { return List.copyOf(entries.keySet()); }

    public Map<String, Entry> entries() { return entries; }

    /** The header's {@code __metadata__} (empty if none). */
    public Map<String, String> metadata() { return metadata; }

    public boolean contains(String name) { return entries.containsKey(name); }

    public Entry entry(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) throw fail(path, "no tensor named " + name);
        return e;
    }

    public int[] shape(String name) throws IOException { return entry(name).shape(); }

    /** A tensor's values as float32: F32 as stored, F64 rounded. */
    public float[] floats(String name) throws IOException {
        Entry e = entry(name);
        ByteBuffer b = data(e);
        float[] out = new float[e.size()];
        if (e.dtype().equals("F32")) b.asFloatBuffer().get(out);
        else for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble(8 * i);
        return out;
    }

    /** A tensor's values as float64 (F32 widened exactly). */
    public double[] doubles(String name) throws IOException {
        Entry e = entry(name);
        ByteBuffer b = data(e);
        double[] out = new double[e.size()];
        if (e.dtype().equals("F64")) b.asDoubleBuffer().get(out);
        else for (int i = 0; i < out.length; i++) out[i] = b.getFloat(4 * i);
        return out;
    }

    private ByteBuffer data(Entry e) throws IOException {
        if (!e.dtype().equals("F32") && !e.dtype().equals("F64"))
            throw fail(path, "tensor " + e.name() + " is " + e.dtype() + "; only F32 and F64 can be read");
        if (e.end() - e.begin() > Integer.MAX_VALUE - 8)
            throw fail(path, "tensor " + e.name() + " has " + (e.end() - e.begin())
                    + " bytes, more than one read holds");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (dataStart + e.end() > ch.size()) throw fail(path,
                    "file is shorter than its header says (changed since it was opened?)");
            return read(ch, path, dataStart + e.begin(), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static ByteBuffer read(FileChannel ch, Path path, long at, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int r = ch.read(b, at + b.position());
            if (r < 0) throw fail(path, "unexpected end of file at byte " + (at + b.position()));
        }
        return b.flip();
    }

    /**
     * Writes F32 tensors, in the given order, as safetensors does: the JSON header padded with spaces to a multiple
     * of 8 bytes, then the data, each tensor's bytes right after the previous one's. Each value is a float[] whose
     * length matches its shape.
     */
    public static void write(Path path, Map<String, float[]> values, Map<String, int[]> shapes) throws IOException {
        StringBuilder h = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            int[] shape = shapes.get(e.getKey());
            long n = 1;
            if (shape == null) throw new IllegalArgumentException("SafeTensors.write: no shape for " + e.getKey());
            for (int d : shape) n *= d;
            if (n != e.getValue().length)
                throw new IllegalArgumentException("SafeTensors.write: " + e.getKey() + " has " + e.getValue().length
                        + " values but shape " + java.util.Arrays.toString(shape) + " needs " + n);
            if (h.length() > 1) h.append(',');
            h.append(quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int i = 0; i < shape.length; i++) h.append(i > 0 ? "," : "").append(shape[i]);
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + 4 * n).append("]}");
            offset += 4 * n;
        }
        h.append('}');
        while ((h.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) h.append(' ');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + header.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (float[] v : values.values()) for (float f : v) b.putFloat(f);
        java.nio.file.Files.write(path, b.array());
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') q.append('\\').append(ch);
            else if (ch < 0x20) q.append(String.format("\\u%04x", (int) ch));
            else q.append(ch);
        }
        return q.append('"').toString();
    }

    static IOException fail(Path path, String what) {
        return new IOException(path + ": " + what);
    }
}
