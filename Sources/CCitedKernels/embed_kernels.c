// Dense fp32 kernels for the BERT embedder. Plain loops written to auto-vectorise; each public entry
// point dispatches once to a copy compiled for AVX2+FMA when the CPU has it.
#include "embed_kernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define EMBED_X86 1
#define AVX2 __attribute__((target("avx2,fma")))
/// Whether the CPU runs AVX2 with FMA (checked once); shared by the embedder's kernel files.
int embed_has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#endif

// exp(x): Cody-Waite range reduction x = n ln2 + r, degree-6 polynomial for e^r, 2^n by exponent bits.
static inline float exp_approx(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    float n = __builtin_roundf(x * 1.44269504088896341f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// erf(x) = sign(x) (1 - t P(t) e^{-x^2}), t = 1/(1 + p|x|) (Abramowitz & Stegun 7.1.26 form, refit).
// For |x| < 0.5 a Taylor-like odd polynomial is used for relative accuracy near zero.
static inline float erf_approx(float x) {
    float a = fabsf(x);
    // Small |x|: erf(x) = 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)
    float x2 = x * x;
    float s = -1.0f / 1320.0f;
    s = s * x2 + 1.0f / 216.0f;
    s = s * x2 - 1.0f / 42.0f;
    s = s * x2 + 1.0f / 10.0f;
    s = s * x2 - 1.0f / 3.0f;
    s = s * x2 + 1.0f;
    float small = 1.12837916709551257f * x * s;
    // Large |x|: erfc via Numerical Recipes' erfcc Chebyshev fit (fractional error < 1.2e-7).
    float t = 1.0f / (1.0f + 0.5f * a);
    float q = 0.17087277f;
    q = q * t - 0.82215223f;
    q = q * t + 1.48851587f;
    q = q * t - 1.13520398f;
    q = q * t + 0.27886807f;
    q = q * t - 0.18628806f;
    q = q * t + 0.09678418f;
    q = q * t + 0.37409196f;
    q = q * t + 1.00002368f;
    q = q * t - 1.26551223f;
    float erfc = t * exp_approx(-a * a + q);
    float large = 1.0f - erfc;
    large = x < 0 ? -large : large;
    return a < 0.5f ? small : large;
}

#define GELU_BODY                                                                  \
    for (size_t r = 0; r < rows; r++) {                                            \
        float *row = x + r * cols;                                                 \
        for (size_t c = 0; c < cols; c++) {                                        \
            float v = row[c] + bias[c];                                            \
            row[c] = 0.5f * v * (1.0f + erf_approx(v * 0.70710678118654752f));    \
        }                                                                          \
    }

static void gelu_generic(float *x, const float *bias, size_t rows, size_t cols) { GELU_BODY }
#ifdef EMBED_X86
AVX2 static void gelu_avx2(float *x, const float *bias, size_t rows, size_t cols) { GELU_BODY }
#endif

void embed_gelu_bias(float *x, const float *bias, size_t rows, size_t cols) {
#ifdef EMBED_X86
    if (embed_has_avx2()) { gelu_avx2(x, bias, rows, cols); return; }
#endif
    gelu_generic(x, bias, rows, cols);
}

// Reductions use 8 partial sums so that they vectorise without reassociation flags.
static inline float sum8(const float *x, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t c = 0;
    for (; c + 8 <= n; c += 8)
        for (int j = 0; j < 8; j++) acc[j] += x[c + j];
    float s = 0;
    for (; c < n; c++) s += x[c];
    return s + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static inline float sqdev8(const float *x, size_t n, float mean) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t c = 0;
    for (; c + 8 <= n; c += 8)
        for (int j = 0; j < 8; j++) { float d = x[c + j] - mean; acc[j] += d * d; }
    float s = 0;
    for (; c < n; c++) { float d = x[c] - mean; s += d * d; }
    return s + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static inline float max8(const float *x, size_t n) {
    float acc[8];
    for (int j = 0; j < 8; j++) acc[j] = -INFINITY;
    size_t c = 0;
    for (; c + 8 <= n; c += 8)
        for (int j = 0; j < 8; j++) acc[j] = x[c + j] > acc[j] ? x[c + j] : acc[j];
    float m = -INFINITY;
    for (; c < n; c++) m = x[c] > m ? x[c] : m;
    for (int j = 0; j < 8; j++) m = acc[j] > m ? acc[j] : m;
    return m;
}

#define LAYERNORM_BODY                                                             \
    for (size_t r = 0; r < rows; r++) {                                            \
        float *row = x + r * cols;                                                 \
        const float *res = residual ? residual + r * cols : NULL;                  \
        if (bias) for (size_t c = 0; c < cols; c++) row[c] += bias[c];             \
        if (res) for (size_t c = 0; c < cols; c++) row[c] += res[c];               \
        float mean = sum8(row, cols) / (float)cols;                                \
        float var = sqdev8(row, cols, mean) / (float)cols;                         \
        float inv = 1.0f / sqrtf(var + eps);                                       \
        for (size_t c = 0; c < cols; c++)                                          \
            row[c] = (row[c] - mean) * inv * gamma[c] + beta[c];                   \
    }

static void layernorm_generic(float *x, const float *bias, const float *residual, const float *gamma,
                              const float *beta, size_t rows, size_t cols, float eps) { LAYERNORM_BODY }
#ifdef EMBED_X86
AVX2 static void layernorm_avx2(float *x, const float *bias, const float *residual, const float *gamma,
                                const float *beta, size_t rows, size_t cols, float eps) { LAYERNORM_BODY }
#endif

void embed_layernorm(float *x, const float *bias, const float *residual, const float *gamma,
                     const float *beta, size_t rows, size_t cols, float eps) {
#ifdef EMBED_X86
    if (embed_has_avx2()) { layernorm_avx2(x, bias, residual, gamma, beta, rows, cols, eps); return; }
#endif
    layernorm_generic(x, bias, residual, gamma, beta, rows, cols, eps);
}

#define SOFTMAX_BODY                                                               \
    for (size_t r = 0; r < rows; r++) {                                            \
        float *row = x + r * ld;                                                   \
        float mx = max8(row, cols);                                                \
        for (size_t c = 0; c < cols; c++) row[c] = exp_approx((row[c] - mx) * scale); \
        float inv = 1.0f / sum8(row, cols);                                        \
        for (size_t c = 0; c < cols; c++) row[c] *= inv;                           \
    }

static void softmax_generic(float *x, size_t rows, size_t cols, size_t ld, float scale) { SOFTMAX_BODY }
#ifdef EMBED_X86
AVX2 static void softmax_avx2(float *x, size_t rows, size_t cols, size_t ld, float scale) { SOFTMAX_BODY }
#endif

void embed_softmax_rows(float *x, size_t rows, size_t cols, size_t ld, float scale) {
#ifdef EMBED_X86
    if (embed_has_avx2()) { softmax_avx2(x, rows, cols, ld, scale); return; }
#endif
    softmax_generic(x, rows, cols, ld, scale);
}

void embed_add_bias(float *x, const float *bias, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) x[r * cols + c] += bias[c];
}

void embed_exp(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = exp_approx(x[i]);
}

void embed_erf(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = erf_approx(x[i]);
}
