package org.rnn4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for file headers (safetensors): objects (as ordered maps, duplicate keys rejected),
 * arrays, strings, integers (as Long; fractions and exponents are rejected, no header needs them), true, false,
 * null. Nesting is bounded. Errors are {@link IllegalArgumentException}s naming the character position; the
 * caller wraps them with the file name. About a hundred lines instead of a dependency for one header format.
 */
final class Json {
    private static final int MAX_DEPTH = 16;
    private final String s;
    private int pos;

    private Json(String s) { this.s = s; }

    /** The value that is the whole of {@code text} (surrounding whitespace allowed). */
    static Object parse(String text) {
        Json j = new Json(text);
        Object v = j.value(0);
        j.space();
        if (j.pos != text.length()) throw j.error("unexpected text after the value");
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        space();
        if (pos >= s.length()) throw error("unexpected end");
        char ch = s.charAt(pos);
        switch (ch) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (ch == '-' || (ch >= '0' && ch <= '9')) return integer();
                throw error("unexpected character '" + ch + "'");
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        space();
        if (peek('}')) return m;
        while (true) {
            space();
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
            String key = string();
            space();
            expect(':');
            Object v = value(depth + 1);
            if (m.containsKey(key)) throw error("duplicate key \"" + key + "\"");
            m.put(key, v);
            space();
            if (peek('}')) return m;
            expect(',');
        }
    }

    private List<Object> array(int depth) {
        List<Object> a = new ArrayList<>();
        pos++;
        space();
        if (peek(']')) return a;
        while (true) {
            a.add(value(depth + 1));
            space();
            if (peek(']')) return a;
            expect(',');
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char ch = s.charAt(pos++);
            if (ch == '"') return b.toString();
            if (ch < 0x20) throw error("control character in a string");
            if (ch != '\\') {
                b.append(ch);
                continue;
            }
            if (pos >= s.length()) throw error("unterminated escape");
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) throw error("short \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Long integer() {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        int digits = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        if (pos == digits) throw error("expected digits");
        if (s.charAt(digits) == '0' && pos - digits > 1) throw error("leading zero");
        if (pos < s.length() && ".eE".indexOf(s.charAt(pos)) >= 0) throw error("only integers are expected");
        try {
            return Long.parseLong(s.substring(start, pos));
        } catch (NumberFormatException x) {
            throw error("integer out of range");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("unexpected character '" + s.charAt(pos) + "'");
        pos += word.length();
        return v;
    }

    private void space() {
        while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
    }

    private boolean peek(char ch) {
        if (pos < s.length() && s.charAt(pos) == ch) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char ch) {
        if (!peek(ch)) throw error("expected '" + ch + "'");
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON header: " + what + " at character " + pos);
    }
}
