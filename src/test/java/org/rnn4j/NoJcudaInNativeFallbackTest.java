package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend in native-fallback/ is what runs where there is no GPU, so it must not touch jcuda: not by
 * import, not by a fully qualified name, not by reflection. Checked twice: in the sources (comments stripped,
 * strings kept, so Class.forName("jcuda...") counts) and in the compiled classes' constant pools.
 */
class NoJcudaInNativeFallbackTest {
    static final Path ROOT = Paths.get("native-fallback");
    static final Path SOURCES = ROOT.resolve("src/main/java");
    static final Path CLASSES = Paths.get("target/classes");
    /** An import of jcuda, or a jcuda package name used in code or in a string. */
    static final Pattern REFERENCE = Pattern.compile("\\bimport\\s+(static\\s+)?jcuda\\b|\\bjcuda\\s*[./]");

    /** Removes // and block comments (a comment saying "no jcuda here" is not a reference); keeps strings. */
    static String stripComments(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0, n = src.length();
        while (i < n) {
            char ch = src.charAt(i);
            if (ch == '"' || ch == '\'') { // copy a string or char literal as is
                int j = i + 1;
                while (j < n && src.charAt(j) != ch) j += src.charAt(j) == '\\' ? 2 : 1;
                out.append(src, i, Math.min(j + 1, n));
                i = j + 1;
            } else if (src.startsWith("//", i)) {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    static boolean references(String javaSource) { return REFERENCE.matcher(stripComments(javaSource)).find(); }

    @Test
    void theDetectorSeesReferencesAndIgnoresComments() {
        assertTrue(references("import jcuda.driver.JCudaDriver;\nclass A {}"));
        assertTrue(references("import static jcuda.driver.JCudaDriver.cuInit;"));
        assertTrue(references("class A { Object p = new jcuda.Pointer(); }"));
        assertTrue(references("class A { Class<?> c = Class.forName(\"jcuda.driver.CUdevice\"); }"));
        assertTrue(references("class A { String s = \"jcuda/runtime/JCuda\"; }"));
        assertFalse(references("/** Nothing here may import jcuda. */ class A { }"));
        assertFalse(references("// import jcuda.driver.JCudaDriver;\nclass A { String s = \"// not a comment\"; }"));
        assertFalse(references("class JCudaLike { int jcudaCount; }"));
    }

    @Test
    void noSourceFileUnderNativeFallbackReferencesJcuda() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the project root: " + SOURCES.toAbsolutePath()
                + " is missing");
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                boolean bad = p.toString().endsWith(".java") ? references(text) : REFERENCE.matcher(text).find();
                if (bad) offenders.add(p.toString());
                scanned++;
            }
        }
        assertTrue(scanned >= 3, "expected the CPU backend's sources under " + ROOT + ", found " + scanned + " files");
        assertEquals(List.of(), offenders, "files under native-fallback/ that reference jcuda");
    }

    @Test
    void noCompiledNativeFallbackClassReferencesJcuda() throws IOException {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> sources = Files.walk(SOURCES)) {
            for (Path src : (Iterable<Path>) sources.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String rel = SOURCES.relativize(src).toString();
                if (rel.endsWith("package-info.java")) continue;
                Path cls = CLASSES.resolve(rel.substring(0, rel.length() - ".java".length()) + ".class");
                assertTrue(Files.exists(cls), "compiled class missing for " + src + ": " + cls);
                String simple = cls.getFileName().toString().replace(".class", "");
                try (Stream<Path> siblings = Files.list(cls.getParent())) { // the class and its nested classes
                    for (Path c : (Iterable<Path>) siblings.filter(s -> {
                        String f = s.getFileName().toString();
                        return f.equals(simple + ".class") || f.startsWith(simple + "$");
                    })::iterator) {
                        classes++;
                        // Class references are stored as "jcuda/driver/..." and strings as "jcuda....", in UTF-8.
                        String pool = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
                        if (pool.contains("jcuda/") || pool.contains("jcuda.")) offenders.add(c.toString());
                    }
                }
            }
        }
        assertTrue(classes >= 3, "expected compiled CPU backend classes in " + CLASSES + ", found " + classes);
        assertEquals(List.of(), offenders, "compiled native-fallback classes that reference jcuda");
    }
}
