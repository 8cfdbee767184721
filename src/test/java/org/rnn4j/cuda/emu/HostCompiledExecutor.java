package org.rnn4j.cuda.emu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.rnn4j.cuda.Kernel;

/**
 * Runs the real {@code kernels/*.cu} on the host: at first use it compiles {@code kernels/host/host_kernels_jni.cpp}
 * (which includes the kernels through {@code kernels/host/cuda_host.h}) with g++ into a shared library under
 * {@code target/host-kernels/}, cached by a hash of the sources and the command, and loads it. Each launch runs
 * every thread of every block one at a time, writing straight into the Java arrays of its {@link DevicePtr}s.
 *
 * <p>Where g++ or jni.h is missing, {@link #isAvailable()} is false and {@link #unavailableReason()} says why, so
 * tests skip with that reason. A compile error is not "unavailable": {@link #get()} throws with the compiler's
 * output, so a broken kernel fails the build instead of being skipped.
 */
public final class HostCompiledExecutor implements KernelExecutor {
    /** g++ flags. -ffp-contract=off: no fused multiply-adds, so host results do not depend on the CI CPU. */
    private static final List<String> FLAGS = List.of("-std=c++17", "-shared", "-fPIC", "-O2", "-ffp-contract=off",
            "-fvisibility=hidden");
    /** The largest block CUDA accepts; a bigger one here would hide a launch the driver refuses. */
    static final int MAX_BLOCK = 1024;

    /** The C++ compiler: g++ unless -Drnn4j.test.cxx names another (a g++-compatible driver such as clang++). */
    private static final String CXX = System.getProperty("rnn4j.test.cxx", "g++");
    private static final Path BASE = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path KERNELS = BASE.resolve("kernels");
    private static final Probe PROBE = Probe.run();
    private static HostCompiledExecutor instance;

    private final Map<String, String> entries;

    private HostCompiledExecutor(Map<String, String> entries) { this.entries = entries; }

    /** True where g++, jni.h and the kernel sources are all present. */
    public static boolean isAvailable() { return PROBE.reason == null; }

    /** Why {@link #isAvailable()} is false; null when it is true. */
    public static String unavailableReason() { return PROBE.reason; }

    /** The executor, compiling and loading the host library on the first call. */
    /** For tests: the executor, or a JUnit skip (with the reason) where the kernels cannot be built here. */
    public static HostCompiledExecutor assumeAvailable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(isAvailable(),
                () -> "kernels not compiled for the host: " + unavailableReason());
        return get();
    }

    public static synchronized HostCompiledExecutor get() {
        if (instance == null) {
            if (!isAvailable()) throw new IllegalStateException("host-compiled kernels unavailable: " + PROBE.reason);
            System.load(compile().toAbsolutePath().toString());
            Map<String, String> entries = new LinkedHashMap<>();
            for (String line : entries0().split("\n"))
                if (!line.isEmpty()) entries.put(line.substring(0, line.indexOf(':')),
                        line.substring(line.indexOf(':') + 1));
            instance = new HostCompiledExecutor(Map.copyOf(entries));
        }
        return instance;
    }

    /** Entry name to parameter kinds (I, F, P per parameter) as the C++ signatures of the compiled kernels say. */
    public Map<String, String> entries() { return entries; }

    /** Kinds string of a kernel's contract: I for INT, F for FLOAT, P for PTR, in order. */
    public static String kinds(Kernel kernel) {
        return kernel.params.stream().map(p -> switch (p) {
            case INT -> "I";
            case FLOAT -> "F";
            case PTR -> "P";
        }).collect(Collectors.joining());
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object[] args) {
        if (gridX < 1) throw new IllegalArgumentException(kernel.entry + ": gridX must be >= 1, got " + gridX);
        if (blockX < 1 || blockX > MAX_BLOCK)
            throw new IllegalArgumentException(kernel.entry + ": blockX must be in [1, " + MAX_BLOCK + "], got "
                    + blockX);
        if (args.length != kernel.params.size())
            throw new IllegalArgumentException(kernel.entry + ": expected " + kernel.params.size() + " arguments "
                    + kernel.params + ", got " + args.length);
        int[] scalars = new int[args.length], arrayOfArg = new int[args.length];
        IdentityHashMap<float[], Integer> distinct = new IdentityHashMap<>();
        for (int i = 0; i < args.length; i++) {
            Kernel.Param p = kernel.params.get(i);
            Object a = args[i];
            arrayOfArg[i] = -1;
            if (p == Kernel.Param.INT && a instanceof Integer v) scalars[i] = v;
            else if (p == Kernel.Param.FLOAT && a instanceof Float v) scalars[i] = Float.floatToRawIntBits(v);
            else if (p == Kernel.Param.PTR && a instanceof DevicePtr d && d.array() != null) {
                if (d.offset() < 0 || d.offset() > d.array().length)
                    throw new IllegalArgumentException(kernel.entry + ": argument " + i + " offset " + d.offset()
                            + " outside its array of " + d.array().length + " floats");
                scalars[i] = d.offset();
                arrayOfArg[i] = distinct.computeIfAbsent(d.array(), k -> distinct.size());
            } else {
                throw new IllegalArgumentException(kernel.entry + ": argument " + i + " must be " + p + ", got "
                        + (a == null ? "null" : a.getClass().getSimpleName() + " " + a));
            }
        }
        float[][] arrays = new float[distinct.size()][];
        distinct.forEach((array, index) -> arrays[index] = array);
        launch0(kernel.entry, kinds(kernel), gridX, blockX, scalars, arrays, arrayOfArg);
    }

    private static native String entries0();

    private static native void launch0(String entry, String kinds, int gridX, int blockX, int[] scalars,
                                       float[][] arrays, int[] arrayOfArg);

    /** Builds the library unless a build of the same sources and command is already in target/. */
    private static Path compile() {
        try {
            List<Path> sources;
            try (Stream<Path> s = Files.walk(KERNELS)) {
                sources = s.filter(p -> p.toString().matches(".*\\.(cu|cuh|h|cpp)")).sorted().toList();
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : sources) {
                sha.update(KERNELS.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(p));
            }
            List<String> command = new ArrayList<>(List.of(CXX));
            command.addAll(FLAGS);
            command.addAll(List.of("-I" + PROBE.jniInclude, "-I" + PROBE.jniPlatformInclude));
            sha.update(String.join(" ", command).getBytes(StandardCharsets.UTF_8));
            sha.update(PROBE.compilerVersion.getBytes(StandardCharsets.UTF_8));
            String key = HexFormat.of().formatHex(sha.digest()).substring(0, 16);

            Path dir = BASE.resolve("target").resolve("host-kernels");
            Path lib = dir.resolve("librnn4j-host-kernels-" + key + ".so");
            if (Files.isRegularFile(lib)) return lib;
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "build-", ".so");
            command.addAll(List.of("-o", tmp.toString(), KERNELS.resolve("host/host_kernels_jni.cpp").toString()));
            Exec result = Exec.run(command, 300);
            if (result.exit != 0) {
                Files.deleteIfExists(tmp);
                throw new IllegalStateException(CXX + " failed to build the host kernels (exit " + result.exit + "):\n"
                        + String.join(" ", command) + "\n" + result.output);
            }
            // Atomic so a concurrent test JVM never loads a half-written library.
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return lib;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("could not build the host kernels: " + e, e);
        }
    }

    /** What the build needs, looked up once per JVM. */
    private record Probe(String reason, String compilerVersion, Path jniInclude, Path jniPlatformInclude) {
        static Probe run() {
            if (!Files.isRegularFile(KERNELS.resolve("host/host_kernels_jni.cpp")))
                return missing("kernel sources not found under " + KERNELS + " (run the tests from the project root)");
            Exec gxx;
            try {
                gxx = Exec.run(List.of(CXX, "--version"), 60);
            } catch (IOException e) {
                return missing(CXX + " not found on PATH (" + e.getMessage() + ")");
            }
            if (gxx.exit != 0) return missing(CXX + " --version exited with " + gxx.exit + ": " + gxx.output);
            Path include = Path.of(System.getProperty("java.home"), "include");
            if (!Files.isRegularFile(include.resolve("jni.h")) && System.getenv("JAVA_HOME") != null)
                include = Path.of(System.getenv("JAVA_HOME"), "include");
            if (!Files.isRegularFile(include.resolve("jni.h")))
                return missing("jni.h not found under java.home or JAVA_HOME (the test JVM must be a JDK)");
            Path platform;
            try (Stream<Path> s = Files.list(include)) {
                platform = s.filter(p -> Files.isRegularFile(p.resolve("jni_md.h"))).findFirst().orElse(null);
            } catch (IOException e) {
                platform = null;
            }
            if (platform == null) return missing("jni_md.h not found in a subfolder of " + include);
            return new Probe(null, gxx.output, include, platform);
        }

        static Probe missing(String reason) { return new Probe(reason, null, null, null); }
    }

    private record Exec(int exit, String output) {
        static Exec run(List<String> command, int timeoutSeconds) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                // Output is small (a version or compiler diagnostics); reading it to the end also waits for exit.
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Exec(-1, "timed out after " + timeoutSeconds + " s\n" + out);
                }
                return new Exec(p.exitValue(), out);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command, e);
            }
        }
    }
}
