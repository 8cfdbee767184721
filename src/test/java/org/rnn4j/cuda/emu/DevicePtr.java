package org.rnn4j.cuda.emu;

/** An emulated device pointer resolved to host storage: element {@code offset} of {@code array}. */
public record DevicePtr(float[] array, int offset) {}
