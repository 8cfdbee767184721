package org.rnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The training text: a UTF-8 file, or the embedded corpus (four books of the King James Bible). */
record TextSource(String name, String text) {
    static final String CORPUS = "/org/rnn4j/corpus/kjv.txt";

    static TextSource load(Path file) {
        if (file == null) return embedded();
        if (!Files.exists(file)) throw new UserError("text file " + file
                + " does not exist; pass an existing UTF-8 text file with --text");
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
            throw new UserError("text file " + file + " is not a readable file; pass a UTF-8 text file with --text");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read text file " + file + " (" + e.getMessage() + ")", e);
        }
        String text = decode(bytes, file.toString());
        if (text.isBlank()) throw new UserError("text file " + file
                + " is empty; pass a text of at least a few KB with --text");
        return new TextSource(file.toString(), text);
    }

    static TextSource embedded() {
        try (InputStream in = TextSource.class.getResourceAsStream(CORPUS)) {
            if (in == null) throw new UserError("the embedded corpus is missing from this build; pass --text FILE");
            return new TextSource("embedded corpus: King James Bible (Genesis, Ruth, Esther, Jonah)",
                    decode(in.readAllBytes(), CORPUS));
        } catch (IOException e) {
            throw new UserError("cannot read the embedded corpus (" + e.getMessage() + "); pass --text FILE", e);
        }
    }

    private static String decode(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UserError(
                    what + " is not UTF-8 text; convert it (e.g. iconv -t UTF-8) or pass another --text", e);
        }
    }
}
