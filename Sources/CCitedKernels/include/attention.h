// Causal grouped-query attention over an f16 KV cache, and small row helpers for the forward pass.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Attention for `ntok` new tokens at positions pos0..<pos0+ntok, all heads, split over the pool.
/// q, out: (ntok, n_head*hd) f32. kc, vc: per KV head `head_stride` halfs, laid out (pos, hd).
/// scratch: cq_threads() * cq_attention_scratch_row(pos0+ntok) floats. Numerics as llama.cpp without
/// flash attention, bit for bit on AVX2: q and the probabilities rounded to f16 before their dot
/// products with the f16 cache, exp as cq_expf_ggml, sums in tinyBLAS's lane order.
void cq_attention(const float *q, int64_t ntok, int n_head, int n_kv_head, int hd,
                  const uint16_t *kc, const uint16_t *vc, int64_t head_stride, int64_t pos0,
                  float scale, float *out, float *scratch);
/// Floats of attention scratch one thread needs for `positions` cached tokens.
int64_t cq_attention_scratch_row(int64_t positions);
/// exp(x) with the rounding of ggml's AVX2 expf (polynomial after range reduction by ln 2).
float cq_expf_ggml(float x);
/// Plain-loop reference of cq_attention (one thread, no SIMD).
void cq_attention_ref(const float *q, int64_t ntok, int n_head, int n_kv_head, int hd,
                      const uint16_t *kc, const uint16_t *vc, int64_t head_stride, int64_t pos0,
                      float scale, float *out, float *scratch);
/// Stores ntok rows of (n_kv_head*hd) floats into the cache at pos0 as f16.
void cq_store_kv(const float *x, int64_t ntok, int n_kv_head, int hd, uint16_t *cache, int64_t head_stride, int64_t pos0);
/// y = x / sqrt(mean(x^2) + eps) * w, with the sum of squares in double (as ggml).
void cq_rms_norm(const float *x, const float *w, float *y, int64_t n, float eps);
/// RoPE in place on (ntok, n_heads*hd) rows at positions pos0...; neox = rotate halves, else adjacent pairs.
void cq_rope(float *x, int64_t ntok, int n_heads, int hd, int n_rot, int64_t pos0, float base, int neox);
/// out = silu(g) * u over `rows` rows of `width`, rounded as ggml's swiglu (cq_expf_ggml in groups of 8,
/// libm expf for the tail of a row).
void cq_swiglu(const float *g, const float *u, float *out, int64_t rows, int64_t width);
/// Plain-loop reference of cq_swiglu.
void cq_swiglu_ref(const float *g, const float *u, float *out, int64_t rows, int64_t width);

#ifdef __cplusplus
}
#endif
