package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's usage example is compiled against the project's classes and run, so the README stays true. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    /** The first ```java block after the "## Usage" heading. */
    static String usageExample() throws Exception {
        return javaBlock("Usage");
    }

    /** The first ```java block of the README's section {@code heading} (a "## " heading). */
    static String javaBlock(String heading) throws Exception {
        String readme = Files.readString(Paths.get("README.md"), StandardCharsets.UTF_8);
        int usage = readme.indexOf("\n## " + heading + "\n");
        assertTrue(usage >= 0, "README.md has no '## " + heading + "' section");
        int start = readme.indexOf("```java\n", usage);
        int next = readme.indexOf("\n## ", usage + 1);
        assertTrue(start >= 0 && (next < 0 || start < next), "the " + heading + " section has no ```java block");
        int end = readme.indexOf("\n```", start + 8);
        assertTrue(end > start, "unterminated ```java block");
        return readme.substring(start + 8, end + 1);
    }

    /** The test classpath: surefire's real one when it launched us through a manifest-only jar. */
    static String classpath() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        for (String p : List.of(System.getProperty("surefire.test.class.path", ""),
                System.getProperty("java.class.path", "")))
            for (String e : p.split(File.pathSeparator)) if (!e.isBlank()) entries.add(e);
        entries.add(Paths.get(Backend.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Compiles {@code source} (one public class with a main method) into {@code dir} against the project's classes,
     * runs its main with {@code args} on the CPU backend whatever this machine has, and returns what it printed.
     */
    static String compileAndRun(Path dir, String source, String... args) throws Exception {
        Matcher m = Pattern.compile("public\\s+class\\s+(\\w+)").matcher(source);
        assertTrue(m.find(), "the example declares no public class");
        String name = m.group(1);
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "no system Java compiler (a JRE instead of a JDK?)");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "--release", "17",
                "-classpath", classpath(), "-d", dir.toString(), file.toString());
        assertEquals(0, rc, "the example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

        String previous = System.getProperty(BackendSelection.PROPERTY);
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ClassLoader parent = ReadmeExampleTest.class.getClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, parent)) {
            System.setProperty(BackendSelection.PROPERTY, "cpu");
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass(name).getMethod("main", String[].class);
            main.invoke(null, (Object) args);
        } finally {
            System.setOut(out);
            if (previous == null) System.clearProperty(BackendSelection.PROPERTY);
            else System.setProperty(BackendSelection.PROPERTY, previous);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        return text;
    }

    @Test
    void usageExampleCompilesAndRuns() throws Exception {
        String text = compileAndRun(tmp, usageExample());
        assertTrue(text.contains("cpu: h [2, 5, 4], cT [2, 4], dWx [3, 16]"), "unexpected output: " + text);
        Matcher v = Pattern.compile("h\\[0\\]\\[T-1\\]\\[0\\] = (\\S+)").matcher(text);
        assertTrue(v.find(), "no value printed: " + text);
        float h = Float.parseFloat(v.group(1));
        assertTrue(Float.isFinite(h) && h != 0 && Math.abs(h) < 1,
                "an LSTM hidden state lies in (-1, 1), non-zero here: " + h);
    }
}
