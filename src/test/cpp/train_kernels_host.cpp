// Runs the kernels of kernels/train.cu on the host, every thread of every block one at a time, and checks
// them against plain loops. No GPU needed: it proves the kernels' indexing, grid-stride loops, in-place rules
// and arithmetic. Built and run by org.rnn4j.cuda.TrainKernelsOnHostTest with
//   g++ -std=c++17 -O1 -ffp-contract=off (no FMA contraction, like __fadd_rn/__fmul_rn on the device).
// Prints the bits of two deterministic sums for the Java test to compare with the CPU twin, then "ok".
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

struct Dim { unsigned x = 0, y = 0, z = 0; };
static Dim blockIdx, blockDim, threadIdx, gridDim;
#define __global__
#define __device__
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
#include "../../../kernels/train.cu"

template <class F> static void launch(unsigned grid, unsigned block, F kernel) {
    gridDim.x = grid; blockDim.x = block;
    for (unsigned b = 0; b < grid; b++)
        for (unsigned t = 0; t < block; t++) { blockIdx.x = b; threadIdx.x = t; kernel(); }
}

static int failures = 0;
static void expect(bool ok, const char* what, double got, double want) {
    if (!ok) { std::printf("FAIL %s: got %.9g want %.9g\n", what, got, want); failures++; }
}
static unsigned seed = 12345;
static float rnd() { seed = seed * 1103515245u + 12345u; return ((seed >> 8) & 0xFFFF) / 32768.0f - 1.0f; }

int main() {
    const unsigned grids[][2] = {{1, 32}, {3, 32}, {64, 128}};   // fewer threads than work and more
    for (auto& g : grids) {
        unsigned G = g[0], B = g[1];
        // one_hot and gather_rows
        int rows = 37, v = 11, d = 5;
        std::vector<float> idx(rows), table(v * d), hot(rows * v, -7.f), out(rows * d, -7.f);
        for (int r = 0; r < rows; r++) idx[r] = (float) ((r * 7 + 3) % v);
        for (auto& t : table) t = rnd();
        launch(G, B, [&] { one_hot(rows, v, idx.data(), hot.data()); });
        launch(G, B, [&] { gather_rows(rows, d, idx.data(), table.data(), out.data()); });
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < v; j++) expect(hot[r * v + j] == (j == (int) idx[r] ? 1.f : 0.f), "one_hot", hot[r * v + j], j == (int) idx[r]);
            for (int j = 0; j < d; j++) expect(out[r * d + j] == table[(int) idx[r] * d + j], "gather_rows", out[r * d + j], table[(int) idx[r] * d + j]);
        }
        // softmax_cross_entropy, separate output and in place
        int sr = 23, sv = 13;
        float scale = 0.25f;
        std::vector<float> s(sr * sv), y(sr), mask(sr), loss(sr, -7.f), ds(sr * sv, -7.f);
        for (auto& x : s) x = 8 * rnd();
        for (int r = 0; r < sr; r++) { y[r] = (float) ((r * 5) % sv); mask[r] = r % 4 == 3 ? 0.f : 1.f; }
        std::vector<float> inplace = s;
        launch(G, B, [&] { softmax_cross_entropy(sr, sv, scale, s.data(), y.data(), mask.data(), loss.data(), ds.data()); });
        launch(G, B, [&] { softmax_cross_entropy(sr, sv, scale, inplace.data(), y.data(), mask.data(), loss.data(), inplace.data()); });
        for (int r = 0; r < sr; r++) {
            double mx = -1e300, z = 0;
            for (int j = 0; j < sv; j++) mx = std::fmax(mx, s[r * sv + j]);
            for (int j = 0; j < sv; j++) z += std::exp(s[r * sv + j] - mx);
            double want = mask[r] * (std::log(z) + mx - s[r * sv + (int) y[r]]);
            expect(std::fabs(loss[r] - want) <= 1e-5 * (1 + std::fabs(want)), "softmax loss", loss[r], want);
            for (int j = 0; j < sv; j++) {
                double p = std::exp(s[r * sv + j] - mx) / z, dw = scale * mask[r] * (p - (j == (int) y[r]));
                expect(std::fabs(ds[r * sv + j] - dw) <= 1e-6, "softmax dscores", ds[r * sv + j], dw);
                expect(inplace[r * sv + j] == ds[r * sv + j], "softmax in place", inplace[r * sv + j], ds[r * sv + j]);
            }
        }
        // scale_inplace and adam_update against the same float expressions
        int n = 1000;
        std::vector<float> x(n), p(n), grad(n), m(n), vv(n);
        for (int i = 0; i < n; i++) { x[i] = rnd(); p[i] = rnd(); grad[i] = rnd(); m[i] = 0.1f * rnd(); vv[i] = 0.01f * std::fabs(rnd()); }
        std::vector<float> x0 = x, p0 = p, m0 = m, v0 = vv;
        launch(G, B, [&] { scale_inplace(n, 0.37f, x.data()); });
        launch(G, B, [&] { adam_update(n, 0.01f, 0.9f, 0.999f, 1e-8f, 0.19f, 0.002f, p.data(), grad.data(), m.data(), vv.data()); });
        for (int i = 0; i < n; i++) {
            expect(x[i] == x0[i] * 0.37f, "scale_inplace", x[i], x0[i] * 0.37f);
            float mi = 0.9f * m0[i] + (1.0f - 0.9f) * grad[i], vi = 0.999f * v0[i] + (1.0f - 0.999f) * grad[i] * grad[i];
            float pi = p0[i] - 0.01f * (mi / 0.19f) / (std::sqrt(vi / 0.002f) + 1e-8f);
            expect(m[i] == mi && vv[i] == vi && p[i] == pi, "adam_update", p[i], pi);
        }
    }
    // The deterministic sum, three passes as Compute.sum does them, with two different grids: same bits.
    int n = 10007;
    std::vector<float> x(n);
    for (int i = 0; i < n; i++) x[i] = (float) ((i * 7919) % 2001 - 1000) / 1024.0f;   // exact in float
    float result[2][2];
    for (int sq = 0; sq < 2; sq++) {
        for (int k = 0; k < 2; k++) {
            unsigned G = k == 0 ? 2 : 40, B = k == 0 ? 64 : 256;
            std::vector<float> p1(4096, -7.f), p2(64, -7.f), out(1, -7.f);
            launch(G, B, [&] { sum_lanes(n, 4096, sq, x.data(), p1.data()); });
            launch(G, B, [&] { sum_lanes(4096, 64, 0, p1.data(), p2.data()); });
            launch(G, B, [&] { sum_lanes(64, 1, 0, p2.data(), out.data()); });
            result[sq][k] = out[0];
        }
        double want = 0;
        for (float f : x) want += sq ? (double) f * f : f;
        expect(std::memcmp(&result[sq][0], &result[sq][1], 4) == 0, "sum_lanes grid-independent", result[sq][0], result[sq][1]);
        expect(std::fabs(result[sq][0] - want) <= 1e-5 * (1 + std::fabs(want)), "sum_lanes value", result[sq][0], want);
    }
    unsigned a, b;
    std::memcpy(&a, &result[0][0], 4);
    std::memcpy(&b, &result[1][0], 4);
    std::printf("sum %u sumsq %u\n", a, b);
    if (failures) { std::printf("%d failures\n", failures); return 1; }
    std::printf("ok\n");
    return 0;
}
