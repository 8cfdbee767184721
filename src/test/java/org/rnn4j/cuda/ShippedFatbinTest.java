package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fatbin holds exactly the images the loader counts on: an uncompressed ELF cubin for each architecture in
 * {@link KernelModule#CUBIN_SMS} (the same list as kernels/build-ptx.sh) and the PTX for compute_75 with every kernel.
 * Parsed from the fatbin container's own headers (magic 0xBA55ED50; per image: kind 1 = PTX, 2 = ELF, its header
 * and payload sizes, and the architecture at byte 28).
 */
class ShippedFatbinTest {
    private record Image(int kind, int sm, byte[] payload) {}

    private static List<Image> images() {
        ByteBuffer b = ByteBuffer.wrap(ShippedPtx.bytes(ShippedPtx.FATBIN)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xBA55ED50, b.getInt(0), "fatbin magic");
        int headerSize = b.getShort(6);
        long size = b.getLong(8);
        assertEquals(b.capacity(), headerSize + size, "fatbin size field");
        List<Image> out = new ArrayList<>();
        for (int at = headerSize; at < b.capacity(); ) {
            int kind = b.getShort(at), entryHeader = b.getInt(at + 4), sm = b.getInt(at + 28);
            int payload = Math.toIntExact(b.getLong(at + 8));
            byte[] bytes = Arrays.copyOfRange(b.array(), at + entryHeader, at + entryHeader + payload);
            out.add(new Image(kind, sm, bytes));
            at += entryHeader + payload;
        }
        return out;
    }

    @Test
    void oneCubinPerShippedArchitectureThenThePtx() {
        List<Image> images = images();
        int[] cubins = images.stream().filter(i -> i.kind == 2).mapToInt(Image::sm).toArray();
        assertArrayEquals(KernelModule.CUBIN_SMS, cubins);
        for (Image i : images)
            if (i.kind == 2) assertTrue(i.payload.length > 4 && i.payload[0] == 0x7f && i.payload[1] == 'E', "sm_"
                    + i.sm + " is no ELF");
        List<Image> ptx = images.stream().filter(i -> i.kind == 1).toList();
        assertEquals(1, ptx.size(), "one PTX image");
        assertEquals(75, ptx.get(0).sm);
        assertEquals(KernelModule.CUBIN_SMS.length + 1, images.size(), "no other images");
    }

    @Test
    void theEmbeddedPtxDeclaresIsa80AndHasEveryKernel() {
        Image ptx = images().stream().filter(i -> i.kind == 1).findFirst().orElseThrow();
        String text = new String(ptx.payload, StandardCharsets.US_ASCII);
        assertTrue(text.contains(".version 8.0\n") && text.contains(".target sm_75\n"), "PTX header");
        for (Kernel k : Kernel.values())
            assertTrue(text.contains(".visible .entry " + k.entry + "("), "the fatbin's PTX lacks " + k.entry);
    }

    @Test
    void theLoadersListIsTheBuildScriptsList() throws IOException {
        String script = Files.readString(ShippedPtx.projectRoot().resolve("kernels/build-ptx.sh"));
        Matcher m = Pattern.compile("(?m)^CUBIN_SMS=\"([0-9 ]+)\"$").matcher(script);
        assertTrue(m.find(), "CUBIN_SMS line in build-ptx.sh");
        assertArrayEquals(KernelModule.CUBIN_SMS,
                Arrays.stream(m.group(1).split(" ")).mapToInt(Integer::parseInt).toArray());
    }
}
