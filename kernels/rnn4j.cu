// The one module rnn4j ships (src/main/resources/org/rnn4j/cuda/rnn4j.ptx): every kernel file, compiled as a
// single translation unit so one cuModuleLoadData gives all entries. kernels/build-ptx.sh compiles this file;
// the host emulation (kernels/host/host_kernels_jni.cpp) includes it too, so both see the same kernels.
// A new kernel file is one more line here.
#include "rnn.cu"
#include "lstm.cu"
#include "gru.cu"
#include "layout.cu"
#include "train.cu"
