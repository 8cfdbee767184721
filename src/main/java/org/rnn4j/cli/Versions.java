package org.rnn4j.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Versions of rnn4j and its libraries, read from the Maven metadata inside each jar (no native loading). */
final class Versions implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"rnn4j " + of("org.rnn4j", "rnn4j"), "Java " + System.getProperty("java.version")};
    }

    /** The version in META-INF/maven/GROUP/ARTIFACT/pom.properties, or a note when not running from a jar. */
    static String of(String group, String artifact) {
        String res = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Versions.class.getResourceAsStream(res)) {
            if (in == null) return "(unknown: not running from a packaged jar)";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown)");
        } catch (java.io.IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }
}
