package org.rnn4j.io;

import java.util.regex.Pattern;
import org.apache.commons.lang3.StringUtils;

/**
 * Text read from a file, made safe to quote in a one-line error message: control characters (line breaks
 * included) shown as '?', and cut to a readable length with the full length said, since a hostile file can
 * hold megabytes where a name is expected.
 */
public final class Quoted {
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]");

    private Quoted() {}

    /** {@code text} stripped, cut to {@code max} characters ("... (N characters)" follows a cut); null → "null". */
    public static String of(String text, int max) {
        if (text == null) return "null";
        String t = text.strip();
        String marker = "... (" + t.length() + " characters)";
        return CONTROL.matcher(StringUtils.abbreviate(t, marker, max + marker.length())).replaceAll("?");
    }
}
