package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped PTX against {@link Kernel}: the same entries with the same parameter lists (a launch packs its
 * arguments by Kernel.params, so a mismatch would hand a kernel garbage), a header CUDA 12.0+ drivers accept on
 * sm_75 and newer, and none of the constructs the kernels are meant to do without.
 */
class PtxEntryParamsTest {
    private static final String PTX = ShippedPtx.text(ShippedPtx.PTX);

    @Test
    void entriesAndParametersMatchKernelJava() {
        Map<String, List<Kernel.Param>> expected = new LinkedHashMap<>();
        for (Kernel k : Kernel.values()) expected.put(k.entry, k.params);
        assertEquals(expected, entries(PTX));
    }

    @Test
    void headerLoadsOnCuda12DriversAndSm75Up() {
        Matcher v = single("^\\.version (\\d+)\\.(\\d+)$");
        int major = Integer.parseInt(v.group(1)), minor = Integer.parseInt(v.group(2));
        assertTrue(major < 8 || major == 8 && minor == 0,
                "PTX ISA " + major + "." + minor
                + " > 8.0: a CUDA 12.0 driver refuses it (kernels/build-ptx.sh lowers it)");
        Matcher t = single("^\\.target (\\S+)$");
        Matcher sm = Pattern.compile("sm_(\\d+)").matcher(t.group(1));
        assertTrue(sm.matches(), ".target " + t.group(1)
                + " must be a plain sm_XY (no arch-specific suffix, no debug)");
        assertTrue(Integer.parseInt(sm.group(1)) <= 75, ".target " + t.group(1) + " would not JIT on sm_75 devices");
        single("^\\.address_size 64$");
    }

    /** Elementwise kernels need no shared memory or atomics (determinism), and a module must be self-contained. */
    @Test
    void noSharedMemoryAtomicsOrExternalSymbols() {
        for (String line : PTX.split("\n")) {
            String code = line.replaceFirst("//.*", "").trim();
            assertFalse(code.contains(".shared"), "shared memory in the PTX: " + line);
            assertFalse(code.matches("(@!?%p\\d+\\s+)?(atom|red)\\..*"), "atomic in the PTX: " + line);
            assertFalse(code.contains(".extern"), "external symbol in the PTX: " + line);
        }
    }

    /** Parameter-kind lists by entry name, in PTX order. */
    static Map<String, List<Kernel.Param>> entries(String ptx) {
        Map<String, List<Kernel.Param>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\.visible\\s+)?\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)").matcher(ptx);
        while (m.find()) {
            String name = m.group(2);
            assertTrue(m.group(1) != null, "entry " + name + " is not .visible, so cuModuleGetFunction cannot find it");
            List<Kernel.Param> params = new ArrayList<>();
            for (String decl : m.group(3).split(",")) {
                if (decl.isBlank()) continue;
                String[] tokens = decl.trim().split("\\s+");
                if (!tokens[0].equals(".param")) fail("entry " + name + ": unexpected parameter declaration "
                        + decl.trim());
                params.add(switch (tokens[1]) {
                    case ".u32", ".s32" -> Kernel.Param.INT;
                    case ".u64" -> Kernel.Param.PTR;
                    case ".f32" -> Kernel.Param.FLOAT;
                    default -> fail("entry " + name + ": parameter type " + tokens[1] + " has no Kernel.Param: "
                            + decl.trim());
                });
            }
            if (out.put(name, params) != null) fail("entry " + name + " defined twice");
        }
        return out;
    }

    private static Matcher single(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(PTX);
        List<String> found = new ArrayList<>();
        Matcher first = null;
        while (m.find()) {
            found.add(m.group());
            if (first == null) first = Pattern.compile(regex, Pattern.MULTILINE).matcher(m.group());
        }
        assertEquals(1, found.size(), "lines matching " + regex + ": " + found);
        assertTrue(first.find());
        return first;
    }

    /** The parser itself, on a hand-written entry, so a format change cannot make the test above vacuous. */
    @Test
    void parserReadsKindsAndRejectsUnknownTypes() {
        String ptx = ".visible .entry k(\n\t.param .u32 k_param_0,\n\t.param .u64 .ptr .align 1 k_param_1,\n"
                + "\t.param .f32 k_param_2,\n\t.param .s32 k_param_3\n)\n{\n}\n";
        assertEquals(Map.of("k", List.of(Kernel.Param.INT, Kernel.Param.PTR, Kernel.Param.FLOAT, Kernel.Param.INT)),
                entries(ptx));
        assertThrows(AssertionError.class,
                () -> entries(".visible .entry k(\n\t.param .f64 k_param_0\n)\n{\n}\n"));
    }
}
