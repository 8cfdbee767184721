// Just enough of CUDA for kernels/*.cu to compile unmodified as host C++ (g++ -std=c++17), so CI without a
// GPU runs the real kernel code: the qualifiers become plain C++, and threadIdx/blockIdx/blockDim/gridDim are
// thread-local variables the runner (host_kernels_jni.cpp) sets before calling a kernel once per thread.
// Only what the kernels use is defined; a kernel that needs more (shared memory, __syncthreads, atomics) fails
// to compile here, which is intended: one-thread-at-a-time emulation would not be faithful for those.
#ifndef RNN4J_CUDA_HOST_H
#define RNN4J_CUDA_HOST_H

#include <math.h>  // expf, tanhf: the host libm's accurate versions stand in for CUDA's

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline

// Round-to-nearest intrinsics the kernels use to forbid FMA contraction; on the host the library is built
// with -ffp-contract=off, so plain operations round the same way.
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fmul_rn(float a, float b) { return a * b; }

struct uint3 { unsigned int x, y, z; };
struct dim3 { unsigned int x, y, z; };

// Thread-local so that launches from several Java threads at once do not see each other's indices.
inline thread_local uint3 threadIdx = {0, 0, 0};
inline thread_local uint3 blockIdx = {0, 0, 0};
inline thread_local dim3 blockDim = {1, 1, 1};
inline thread_local dim3 gridDim = {1, 1, 1};

#endif
