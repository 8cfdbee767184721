package org.rnn4j.cuda.emu;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Picks the kernel executor for the emulated device: the real kernels/*.cu compiled as host C++
 * ({@code HostCompiledExecutor}, when that class is present and a compiler works) or else the Java twins.
 * {@code -Drnn4j.emu.executor=java} forces the twins; {@code =host} demands the compiled kernels.
 * The choice is made once and printed once.
 */
public final class Executors {
    static final String HOST_COMPILED = "org.rnn4j.cuda.emu.HostCompiledExecutor";
    private static KernelExecutor best;

    private Executors() {}

    public static synchronized KernelExecutor best() {
        if (best != null) return best;
        String forced = System.getProperty("rnn4j.emu.executor", "");
        String why;
        KernelExecutor host = null;
        if (forced.equals("java")) {
            why = "forced by -Drnn4j.emu.executor=java";
        } else {
            try {
                host = hostCompiled();
                why = host != null ? "kernels/*.cu compiled as host C++" : "HostCompiledExecutor unavailable: "
                        + unavailableReason();
            } catch (ClassNotFoundException e) {
                why = HOST_COMPILED + " is not in this build";
            } catch (ReflectiveOperationException e) {
                why = "HostCompiledExecutor could not be created: " + e;
            }
            if (host == null && forced.equals("host"))
                throw new IllegalStateException("-Drnn4j.emu.executor=host but " + why);
        }
        best = host != null ? host : new JavaTwinExecutor();
        System.err.println("emulated CUDA device: kernels run by " + best.getClass().getSimpleName() + " (" + why
                + ")");
        return best;
    }

    private static String unavailableReason() {
        try {
            return String.valueOf(Class.forName(HOST_COMPILED).getMethod("unavailableReason").invoke(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "no reason given";
        }
    }

    /**
     * The host-compiled executor if its class exists and says it is available, else null. It is obtained from a
     * static {@code get()} (or a no-argument constructor); an exception from there is a kernel that does not
     * compile, which must fail the tests, not quietly fall back to the twins, so it is thrown on.
     */
    private static KernelExecutor hostCompiled() throws ReflectiveOperationException {
        Class<?> c = Class.forName(HOST_COMPILED);
        Method available = c.getMethod("isAvailable");
        boolean isStatic = Modifier.isStatic(available.getModifiers());
        if (isStatic && !(Boolean) available.invoke(null)) return null;
        Object executor;
        try {
            Method get = null;
            try { get = c.getMethod("get"); } catch (NoSuchMethodException e) { /* use the constructor */ }
            executor = get != null && Modifier.isStatic(get.getModifiers()) ? get.invoke(null)
                    : c.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
        if (!isStatic && !(Boolean) available.invoke(executor)) return null;
        return (KernelExecutor) executor;
    }
}
