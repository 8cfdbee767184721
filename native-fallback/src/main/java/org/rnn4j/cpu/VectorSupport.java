package org.rnn4j.cpu;

/**
 * Whether the optional Vector API classes may be used: the JVM must have been started with
 * {@code --add-modules jdk.incubator.vector}, and {@code -Drnn4j.vector=false} turns them off. The classes that
 * use the API are loaded by name only after this check, so the library runs without the module.
 */
final class VectorSupport {
    private VectorSupport() {}

    /** The JVM flag that enables the Vector API kernels. */
    static final String FLAG = "--add-modules jdk.incubator.vector";

    /**
     * Why the Vector API kernels are off, or null when they may be used: one sentence a user can act on (the
     * flag to add, and that {@code JDK_JAVA_OPTIONS} reaches a {@code java} launched by a script or a tool).
     */
    static String whyOff() {
        if ("false".equals(System.getProperty("rnn4j.vector"))) return "-Drnn4j.vector=false turns them off";
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty())
            return "this JVM was started without the module jdk.incubator.vector; start java with " + FLAG
                    + " (or export JDK_JAVA_OPTIONS=\"" + FLAG + "\") for the Vector API kernels, about 9x faster";
        return null;
    }

    static boolean enabled() {
        return !"false".equals(System.getProperty("rnn4j.vector"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** A new instance of {@code className} (a Vector API class of this package) or {@code fallback}. */
    static <T> T load(String className, Class<T> type, T fallback) {
        if (!enabled()) return fallback;
        try {
            return type.cast(Class.forName("org.rnn4j.cpu." + className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return fallback; // the module is there but unusable (e.g. no vector support): the scalar code always works
        }
    }
}
