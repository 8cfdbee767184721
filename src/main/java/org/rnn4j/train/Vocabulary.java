package org.rnn4j.train;

import java.util.Arrays;
import java.util.TreeSet;

/** The characters (Unicode code points) of a text, sorted; a character's index is its position. */
public final class Vocabulary {
    private final int[] codePoints;

    public Vocabulary(int[] sortedCodePoints) {
        for (int i = 1; i < sortedCodePoints.length; i++)
            if (sortedCodePoints[i] <= sortedCodePoints[i - 1]) throw new IllegalArgumentException("vocabulary must "
                    + "be sorted and distinct");
        if (sortedCodePoints.length == 0) throw new IllegalArgumentException("vocabulary must not be empty");
        this.codePoints = sortedCodePoints.clone();
    }

    public static Vocabulary of(String text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        return new Vocabulary(set.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() { return codePoints.length; }

    public int[] codePoints() { return codePoints.clone(); }

    /** Index of a code point, or -1 if the vocabulary lacks it. */
    public int indexOf(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    /** The indices of the text's characters; throws naming the first character the vocabulary lacks. */
    public int[] encode(String text) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            out[i] = indexOf(cps[i]);
            if (out[i] < 0)
                throw new IllegalArgumentException("character '" + new String(Character.toChars(cps[i])) + "' (U+"
                        + String.format("%04X", cps[i]) + ") is not in the model's vocabulary");
        }
        return out;
    }

    public String decode(int index) { return new String(Character.toChars(codePoints[index])); }
}
