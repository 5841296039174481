// Dense fp32 kernels for the BERT embedder: fused bias/activation/normalisation passes.
// Each has an AVX2+FMA version chosen at run time and a portable one.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// x[r][c] = gelu(x[r][c] + bias[c]) with GELU(x) = x/2 (1 + erf(x/sqrt 2)); erf accurate to ~2e-7.
void embed_gelu_bias(float *x, const float *bias, size_t rows, size_t cols);

/// x[r] = LayerNorm(x[r] + bias + residual[r]) * gamma + beta, population variance, eps inside sqrt.
/// `bias` and `residual` may be NULL.
void embed_layernorm(float *x, const float *bias, const float *residual, const float *gamma,
                     const float *beta, size_t rows, size_t cols, float eps);

/// Row-wise softmax of scale * x[r][0..<cols] in place; rows are `ld` floats apart.
void embed_softmax_rows(float *x, size_t rows, size_t cols, size_t ld, float scale);

/// x[r][c] += bias[c].
void embed_add_bias(float *x, const float *bias, size_t rows, size_t cols);

/// exp(x) for each element, accurate to ~2 ulp over the float range (reference for tests).
void embed_exp(const float *x, float *y, size_t n);

/// erf(x) for each element, absolute error below 2e-7 (reference for tests).
void embed_erf(const float *x, float *y, size_t n);

/// Whether the kernel handles these sizes: n % 16 == 0 and k % 2 == 0.
int embed_q16_supported(size_t n, size_t k);

/// Packs w `(n, k)` fp32 row-major into `packed` (n·k int16 in ±1023, panels of 16 rows, k in pairs)
/// and per-row scales `scales[n]` (max |w| / 1023).
void embed_q16_pack(const float *w, size_t n, size_t k, int16_t *packed, float *scales);

/// c `(m, n)` = a `(m, k)` · wᵀ + bias, with a quantised per row to ±min(32767, 2^31/(1023k)) into `aq` (m·k int16)
/// and `ascale` (m floats) scratch. `bias` may be NULL.
void embed_q16_linear(const float *a, size_t m, size_t k, const int16_t *packed, const float *wscale,
                     const float *bias, size_t n, float *c, int16_t *aq, float *ascale);

/// `embed_q16_linear` at instruction-set level `isa` (a `cq_isa`, clamped to what the CPU runs); returns the
/// level that ran. AVX-512 (VNNI) and AVX2 give the same bits; `embed_q16_linear` runs at `cq_isa()`.
int embed_q16_linear_isa(int isa, const float *a, size_t m, size_t k, const int16_t *packed, const float *wscale,
                         const float *bias, size_t n, float *c, int16_t *aq, float *ascale);

/// The portable path of `embed_q16_linear` (same integer arithmetic), for tests.
void embed_q16_linear_reference(const float *a, size_t m, size_t k, const int16_t *packed, const float *wscale,
                               const float *bias, size_t n, float *c, int16_t *aq, float *ascale);
