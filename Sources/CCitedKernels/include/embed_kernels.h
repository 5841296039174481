// Dense fp32 kernels for the BERT embedder: fused bias/activation/normalisation passes.
// Each has an AVX2+FMA version chosen at run time and a portable one.
#pragma once
#include <stddef.h>

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
