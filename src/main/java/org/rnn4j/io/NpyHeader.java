package org.rnn4j.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rnn4j.io.NpyArray.DType;

/**
 * The header dictionary of a {@code .npy} file, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }},
 * parsed by one left-to-right scan (linear in the header's length, whatever it contains) instead of regular
 * expressions, which backtrack quadratically on hostile headers. Accepts exactly the Python literals numpy writes:
 * a dict of the three keys with a string, a boolean and a tuple of non-negative integers.
 */
record NpyHeader(DType dtype, int[] shape, long count) {
    /** Longest header read. numpy's own {@code np.load} refuses longer ones by default (its max_header_size). */
    static final int MAX_BYTES = 10_000;
    /** Header text quoted in a message is cut to this many characters. */
    private static final int QUOTE = 200;
    /** Longest Java array: a few header words below Integer.MAX_VALUE. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    static NpyHeader parse(String text, String what) throws IOException {
        return new Parser(text, what).header();
    }

    /** The header text for messages: control characters shown as '?', cut to {@link #QUOTE} characters. */
    static String quote(String text) { return Quoted.of(text, QUOTE); }

    private static final class Parser {
        private final String s, what;
        private int i;

        Parser(String s, String what) {
            this.s = s;
            this.what = what;
        }

        NpyHeader header() throws IOException {
            String descr = null;
            Boolean fortran = null;
            int[] shape = null;
            skip();
            expect('{');
            skip();
            while (peek() != '}') {
                String key = string("a key");
                skip();
                expect(':');
                skip();
                switch (key) {
                    case "descr" -> {
                        if (descr != null) throw fail("the key 'descr' appears twice");
                        if (peek() == '[')
                            throw fail("unsupported dtype (structured) in header " + quote(s) + "; supported: <f4, <f8, <i4, <i8");
                        descr = string("the descr value");
                    }
                    case "fortran_order" -> {
                        if (fortran != null) throw fail("the key 'fortran_order' appears twice");
                        fortran = bool();
                    }
                    case "shape" -> {
                        if (shape != null) throw fail("the key 'shape' appears twice");
                        shape = tuple();
                    }
                    default -> throw fail("unexpected key '" + quote(key) + "' in header " + quote(s));
                }
                skip();
                if (peek() == ',') { i++; skip(); }
                else if (peek() != '}') throw fail("expected ',' or '}' at offset " + i + " of header " + quote(s));
            }
            i++;
            skip();
            if (i != s.length()) throw fail("text after the header dictionary at offset " + i + ": " + quote(s));
            if (descr == null) throw fail("unsupported dtype (structured or missing descr) in header " + quote(s) + "; supported: <f4, <f8, <i4, <i8");
            if (fortran == null) throw fail(".npy header has no fortran_order: " + quote(s));
            if (shape == null) throw fail(".npy header has no shape: " + quote(s));
            DType dtype = dtype(descr);
            if (fortran)
                throw fail("Fortran-order arrays are not supported; save a C-order array (np.save(path, np.ascontiguousarray(a)))");
            long count = 1;
            try {
                for (int d : shape) count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                count = Long.MAX_VALUE;
            }
            if (count > MAX_ELEMENTS)
                throw fail("shape " + Arrays.toString(shape) + " has " + (count == Long.MAX_VALUE ? "more than 2^63" : count)
                        + " elements, more than a Java array holds (" + MAX_ELEMENTS + ")");
            return new NpyHeader(dtype, shape, count);
        }

        private DType dtype(String d) throws IOException {
            String n = d.startsWith("=") ? "<" + d.substring(1) : d;   // '=' (native) is little-endian wherever this runs
            for (DType t : DType.values()) if (t.descr.equals(n)) return t;
            if (n.startsWith(">")) throw fail("big-endian dtype " + quote(d) + " is not supported; save with a.astype('<" + quote(n.substring(1)) + "')");
            throw fail("unsupported dtype " + quote(d) + "; supported: <f4 (float32), <f8 (float64), <i4 (int32), <i8 (int64)");
        }

        private String string(String what) throws IOException {
            char q = peek();
            if (q != '\'' && q != '"') throw fail("expected " + what + " (a quoted string) at offset " + i + " of header " + quote(s));
            int end = s.indexOf(q, i + 1);
            if (end < 0) throw fail("unterminated string at offset " + i + " of header " + quote(s));
            String v = s.substring(i + 1, end);
            i = end + 1;
            return v;
        }

        private boolean bool() throws IOException {
            if (s.startsWith("True", i)) { i += 4; return true; }
            if (s.startsWith("False", i)) { i += 5; return false; }
            throw fail("fortran_order must be True or False at offset " + i + " of header " + quote(s));
        }

        /** (), (5,), (2, 3), (3L, 4L) (Python 2 longs); every dimension in [0, 2^31-1]. */
        private int[] tuple() throws IOException {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            skip();
            while (peek() != ')') {
                dims.add(dimension());
                skip();
                if (peek() == 'L') { i++; skip(); }
                if (peek() == ',') { i++; skip(); }
                else if (peek() != ')') throw fail("expected ',' or ')' in the shape at offset " + i + " of header " + quote(s));
            }
            i++;
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private int dimension() throws IOException {
            int start = i;
            if (peek() == '-') throw fail("negative dimension in the shape at offset " + i + " of header " + quote(s));
            long v = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                v = v * 10 + (s.charAt(i++) - '0');
                if (v > Integer.MAX_VALUE)
                    throw fail("dimension " + quote(s.substring(start, Math.min(s.length(), start + 40))) + "... in the shape is larger than 2^31-1");
            }
            if (i == start) throw fail("bad dimension at offset " + i + " of the shape in header " + quote(s));
            return (int) v;
        }

        private void skip() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
        }

        private char peek() throws IOException {
            if (i >= s.length()) throw fail("the header ends early: " + quote(s));
            return s.charAt(i);
        }

        private void expect(char c) throws IOException {
            if (peek() != c) throw fail("expected '" + c + "' at offset " + i + " of header " + quote(s));
            i++;
        }

        private IOException fail(String message) { return new IOException(what + ": " + message); }
    }
}
