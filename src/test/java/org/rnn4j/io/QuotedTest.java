package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuotedTest {
    @Test
    void shortTextIsKeptStrippedWithControlCharactersShown() {
        assertEquals("a?b\u00e9", Quoted.of("  a\nb\u00e9 ", 10));
        assertEquals("null", Quoted.of(null, 10));
    }

    @Test
    void longTextIsCutAndItsLengthSaid() {
        String q = Quoted.of("x".repeat(1_000_000), 200);
        assertEquals("x".repeat(200) + "... (1000000 characters)", q);
    }
}
