package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.rnn4j.AllOps;
import org.rnn4j.AllOps.Inputs;
import org.rnn4j.AllOps.Shape;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.extension.Extension;

/**
 * CUDA graphs for the time loops on the emulated device, which captures and replays them (the captured work runs
 * again at each launch, on the buffers it was captured with): same bits as without graphs, captured once and
 * replayed while the buffers repeat, off by flag, and a device that cannot capture falls back with one log line.
 */
class TimeLoopGraphsTest {
    private static Map<String, float[]> run(EmulatedDeviceApi device, boolean graphs, Inputs in, int times) {
        Map<String, float[]> last = null;
        try (Backend b = Extension.backend(new CudaCompute(device, graphs), graphs ? "graphs" : "eager")) {
            for (int i = 0; i < times; i++) {
                Map<String, float[]> got = AllOps.run(b, in);
                if (last != null) AllOps.assertBitIdentical("rerun " + i, last, got);
                last = got;
            }
        }
        assertEquals(List.of(), device.violations(), "device contract violations");
        assertEquals(0, device.liveAllocations());
        return last;
    }

    @Test
    void graphsGiveTheEagerBitsAndReplayWhileTheBuffersRepeat() {
        Inputs in = Inputs.random(Numerics.random(), new Shape(3, 7, 5, 6));
        EmulatedDeviceApi eagerDevice = new EmulatedDeviceApi(Executors.best()),
                graphDevice = new EmulatedDeviceApi(Executors.best());
        Map<String, float[]> eager = run(eagerDevice, false, in, 1);
        Map<String, float[]> graphed = run(graphDevice, true, in, 4);
        AllOps.assertBitIdentical("graphs vs eager", eager, graphed);
        assertEquals(0, eagerDevice.graphCounts()[0], "no graphs when switched off");
        int[] counts = graphDevice.graphCounts();
        assertTrue(counts[0] > 0, "time loops were captured");
        assertTrue(counts[1] > counts[0], "and replayed more often than captured: " + counts[0] + " captures, "
                + counts[1] + " launches");
        assertTrue(counts[0] <= TimeLoopGraphs.MAX_GRAPHS * 2, "captures stay bounded: " + counts[0]);
    }

    @Test
    void aDeviceThatCannotCaptureRunsEagerlyAfterOneLogLine() {
        Inputs in = Inputs.random(Numerics.random(), new Shape(2, 5, 3, 4));
        EmulatedDeviceApi plain = new EmulatedDeviceApi(Executors.best());
        Map<String, float[]> want = run(plain, false, in, 1);
        EmulatedDeviceApi inner = new EmulatedDeviceApi(Executors.best());
        DeviceApi noCapture = new ForwardingDevice(inner) {
            @Override public void beginCapture() { throw new CudaException("cuStreamBeginCapture",
                    "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", null); }
        };
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { warnings.add(r.getMessage()); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger log = Logger.getLogger("org.rnn4j");
        log.addHandler(h);
        Map<String, float[]> got;
        CudaCompute compute = new CudaCompute(noCapture, true);
        try (Backend b = Extension.backend(compute, "no capture")) {
            got = AllOps.run(b, in);
            got = AllOps.run(b, in);
            assertTrue(compute.describe().contains("CUDA graphs off"), compute.describe());
        } finally {
            log.removeHandler(h);
        }
        AllOps.assertBitIdentical("eager fallback", want, got);
        assertEquals(1, warnings.stream().filter(w -> w.contains("capturing a CUDA graph failed")).count(),
                "one line: " + warnings);
        assertEquals(List.of(), inner.violations());
    }

    @Test
    void theEmulatorRefusesAGraphWhoseBuffersWereFreed() {
        EmulatedDeviceApi dev = new EmulatedDeviceApi(Executors.best());
        dev.makeCurrent();
        long a = dev.malloc(64), b = dev.malloc(64);
        dev.beginCapture();
        dev.copyDeviceToDevice(a, b, 64);
        long graph = dev.endCapture();
        assertEquals(0, dev.queued(), "captured work does not run");
        dev.launchGraph(graph);
        dev.synchronize();
        dev.free(a);
        CudaException e = assertThrows(CudaException.class, () -> dev.launchGraph(graph));
        assertTrue(e.getMessage().contains("uses freed memory"), e.getMessage());
        assertFalse(dev.violations().isEmpty());
    }

    @Test
    void aCallOutsideTheLoopIssuesTheRecordedStepsFirstSoTheOrderHolds() {
        EmulatedDeviceApi dev = new EmulatedDeviceApi(Executors.best());
        TimeLoopGraphs graphs = new TimeLoopGraphs(dev, true);
        graphs.makeCurrent();
        long x = graphs.malloc(4 * 8);
        graphs.copyToDevice(new float[]{1, 1, 1, 1, 1, 1, 1, 1}, 0, x, 8);
        graphs.beginLoop();
        for (int i = 0; i < TimeLoopGraphs.MIN_CALLS; i++) graphs.launch(Kernel.SCALE_INPLACE, 1, 32, 8, 2f, x);
        assertEquals(1, dev.queued(), "the loop's launches are recorded, not queued");
        graphs.memsetD32(x, Float.floatToRawIntBits(7f), 1); // not part of a graph: the recorded launches go first
        graphs.endLoop();
        float[] host = new float[8];
        graphs.synchronize();
        graphs.copyToHost(x, host, 0, 8);
        assertEquals(7f, host[0], "the memset came after the scaling");
        assertEquals(16f, host[1], "all four scalings ran, once each");
        assertEquals(0, dev.graphCounts()[0], "a loop cut short by another call is not captured");
        graphs.free(x);
        graphs.close();
        assertEquals(java.util.List.of(), dev.violations());
    }
}
