// Runs the real kernels/*.cu on the host for tests without a GPU: every thread of every block, one at a time,
// on the calling thread. Loaded by the test class org.rnn4j.cuda.emu.HostCompiledExecutor, which builds this
// file with g++ at first use. Faithful for kernels that need no cooperation between threads (no shared
// memory, barriers or atomics), which is all of rnn4j's; cuda_host.h refuses to compile anything else.
#include "cuda_host.h"
#include "../rnn4j.cu"

#include <jni.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

// Every kernel the host library can run. Adding a kernel is one line here; its parameter kinds come from
// its C++ signature, and Java checks them against org.rnn4j.cuda.Kernel.
#define RNN4J_KERNELS(K)         \
    K(rnn_forward_pointwise)     \
    K(rnn_backward_pointwise)    \
    K(lstm_forward_pointwise)    \
    K(lstm_backward_pointwise)   \
    K(gru_forward_pointwise)     \
    K(gru_backward_pointwise)    \
    K(swap_axes01)               \
    K(column_sum)                \
    K(one_hot)                   \
    K(gather_rows)               \
    K(softmax_cross_entropy)     \
    K(sum_lanes)                 \
    K(scale_inplace)             \
    K(adam_update)

namespace {

// One launch argument: an int, a float or a pointer (kinds I, F, P as in Kernel.Param).
struct Slot {
    int i;
    float f;
    float* p;
};

template <class T> struct Arg;  // no definition: a parameter type not listed here is a compile error
template <> struct Arg<int> {
    static constexpr char kind = 'I';
    static int get(const Slot& s) { return s.i; }
};
template <> struct Arg<float> {
    static constexpr char kind = 'F';
    static float get(const Slot& s) { return s.f; }
};
template <> struct Arg<float*> {
    static constexpr char kind = 'P';
    static float* get(const Slot& s) { return s.p; }
};
template <> struct Arg<const float*> {
    static constexpr char kind = 'P';
    static const float* get(const Slot& s) { return s.p; }
};

template <class... A> std::string kinds_of(void (*)(A...)) { return std::string{Arg<A>::kind...}; }

template <class... A, std::size_t... I>
void call(void (*kernel)(A...), const Slot* args, std::index_sequence<I...>) {
    kernel(Arg<A>::get(args[I])...);
}

// The CUDA execution model reduced to loops: blocks in order, threads in order within each block.
template <class... A> void run_grid(void (*kernel)(A...), const Slot* args, unsigned grid, unsigned block) {
    gridDim = {grid, 1, 1};
    blockDim = {block, 1, 1};
    for (unsigned b = 0; b < grid; b++) {
        blockIdx = {b, 0, 0};
        for (unsigned t = 0; t < block; t++) {
            threadIdx = {t, 0, 0};
            call(kernel, args, std::index_sequence_for<A...>{});
        }
    }
}

struct HostKernel {
    const char* name;
    std::string kinds;
    void (*run)(const Slot*, unsigned, unsigned);
};

#define RNN4J_HOST_KERNEL(name) \
    HostKernel{#name, kinds_of(name), [](const Slot* a, unsigned g, unsigned b) { run_grid(name, a, g, b); }},

const std::vector<HostKernel>& host_kernels() {
    static const std::vector<HostKernel> table{RNN4J_KERNELS(RNN4J_HOST_KERNEL)};
    return table;
}

void throw_illegal_argument(JNIEnv* env, const std::string& message) {
    jclass iae = env->FindClass("java/lang/IllegalArgumentException");
    if (iae != nullptr) env->ThrowNew(iae, message.c_str());
}

}  // namespace

extern "C" {

// "name:kinds" per kernel, one a line, e.g. "column_sum:IIPP".
JNIEXPORT jstring JNICALL Java_org_rnn4j_cuda_emu_HostCompiledExecutor_entries0(JNIEnv* env, jclass) {
    std::string out;
    for (const HostKernel& k : host_kernels()) out += std::string(k.name) + ":" + k.kinds + "\n";
    return env->NewStringUTF(out.c_str());
}

// One launch. scalars[i] is argument i's int value, float bits, or (for a pointer) its offset in floats into
// arrays[array_of_arg[i]]. Java has deduplicated the arrays, so each distinct array is pinned exactly once even
// when several pointers point into it, and the kernel writes straight into the Java arrays.
JNIEXPORT void JNICALL Java_org_rnn4j_cuda_emu_HostCompiledExecutor_launch0(
        JNIEnv* env, jclass, jstring jentry, jstring jkinds, jint grid, jint block, jintArray jscalars,
        jobjectArray jarrays, jintArray jarray_of_arg) {
    const char* entry_chars = env->GetStringUTFChars(jentry, nullptr);
    const char* kinds_chars = env->GetStringUTFChars(jkinds, nullptr);
    if (entry_chars == nullptr || kinds_chars == nullptr) return;  // OutOfMemoryError pending
    const std::string entry(entry_chars), kinds(kinds_chars);
    env->ReleaseStringUTFChars(jentry, entry_chars);
    env->ReleaseStringUTFChars(jkinds, kinds_chars);

    const HostKernel* kernel = nullptr;
    for (const HostKernel& k : host_kernels())
        if (entry == k.name) kernel = &k;
    if (kernel == nullptr) return throw_illegal_argument(env, "no host kernel named " + entry);
    if (kernel->kinds != kinds)
        return throw_illegal_argument(env, entry + ": launch passes parameter kinds " + kinds +
                                               ", the kernel's signature is " + kernel->kinds);
    const jsize n = static_cast<jsize>(kinds.size());
    if (grid < 1 || block < 1 || env->GetArrayLength(jscalars) != n || env->GetArrayLength(jarray_of_arg) != n)
        return throw_illegal_argument(env, entry + ": bad grid, block or argument arrays");

    std::vector<jint> scalars(n), array_of_arg(n);
    env->GetIntArrayRegion(jscalars, 0, n, scalars.data());
    env->GetIntArrayRegion(jarray_of_arg, 0, n, array_of_arg.data());
    const jsize distinct = env->GetArrayLength(jarrays);
    std::vector<jfloatArray> arrays(distinct);
    for (jsize a = 0; a < distinct; a++) arrays[a] = static_cast<jfloatArray>(env->GetObjectArrayElement(jarrays, a));
    for (jsize i = 0; i < n; i++) {
        if (kinds[i] != 'P') continue;
        const jint a = array_of_arg[i];
        if (a < 0 || a >= distinct || arrays[a] == nullptr || scalars[i] < 0 ||
            scalars[i] > env->GetArrayLength(arrays[a]))
            return throw_illegal_argument(env, entry + ": pointer argument " + std::to_string(i) + " out of range");
    }

    // No JNI calls between the first Get and the last Release of the critical arrays.
    std::vector<float*> pinned(distinct, nullptr);
    bool ok = true;
    for (jsize a = 0; a < distinct && ok; a++) {
        pinned[a] = static_cast<float*>(env->GetPrimitiveArrayCritical(arrays[a], nullptr));
        ok = pinned[a] != nullptr;
    }
    if (ok) {
        std::vector<Slot> slots(n, Slot{0, 0.0f, nullptr});
        for (jsize i = 0; i < n; i++) {
            if (kinds[i] == 'I') slots[i].i = scalars[i];
            else if (kinds[i] == 'F') std::memcpy(&slots[i].f, &scalars[i], sizeof(float));
            else slots[i].p = pinned[array_of_arg[i]] + scalars[i];
        }
        kernel->run(slots.data(), static_cast<unsigned>(grid), static_cast<unsigned>(block));
    }
    for (jsize a = distinct - 1; a >= 0; a--)
        if (pinned[a] != nullptr) env->ReleasePrimitiveArrayCritical(arrays[a], pinned[a], 0);
    if (!ok) {
        jclass oom = env->FindClass("java/lang/OutOfMemoryError");
        if (oom != nullptr) env->ThrowNew(oom, "could not pin a float[] for a host kernel launch");
    }
}

}  // extern "C"
