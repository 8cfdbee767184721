package org.rnn4j.cpu;

/**
 * Whether the optional Vector API classes may be used: the JVM must have been started with
 * {@code --add-modules jdk.incubator.vector}, and {@code -Drnn4j.vector=false} turns them off. The classes that
 * use the API are loaded by name only after this check, so the library runs without the module.
 */
final class VectorSupport {
    private VectorSupport() {}

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
