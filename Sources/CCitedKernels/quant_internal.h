// Block layouts of ggml's quantized types (packed, little-endian) shared by the kernel files.
#pragma once
#include <stdint.h>
#include <string.h>
#include "quant.h"

#define QK 32
#define QKK 256

typedef struct { uint16_t d; uint8_t qs[16]; } blk_q4_0;
typedef struct { uint16_t d, m; uint8_t qs[16]; } blk_q4_1;
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } blk_q5_0;
typedef struct { uint16_t d, m; uint8_t qh[4]; uint8_t qs[16]; } blk_q5_1;
typedef struct { uint16_t d; int8_t qs[32]; } blk_q8_0;
typedef struct { uint16_t d, s; int8_t qs[32]; } blk_q8_1;
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[128]; } blk_q4_K;
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } blk_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } blk_q6_K;
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } blk_q8_K;

_Static_assert(sizeof(blk_q4_0) == 18, "q4_0");
_Static_assert(sizeof(blk_q4_1) == 20, "q4_1");
_Static_assert(sizeof(blk_q5_0) == 22, "q5_0");
_Static_assert(sizeof(blk_q5_1) == 24, "q5_1");
_Static_assert(sizeof(blk_q8_0) == 34, "q8_0");
_Static_assert(sizeof(blk_q8_1) == 36, "q8_1");
_Static_assert(sizeof(blk_q4_K) == 144, "q4_K");
_Static_assert(sizeof(blk_q5_K) == 176, "q5_K");
_Static_assert(sizeof(blk_q6_K) == 210, "q6_K");
_Static_assert(sizeof(blk_q8_K) == 292, "q8_K");

/// 6-bit scale and min of sub-block j of a Q4_K/Q5_K super-block.
static inline void cq_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63; *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/// All 8 scales and mins of a Q4_K/Q5_K super-block at once (same values as cq_scale_min_k4): the 12
/// bytes read as three little-endian words, the low 6 bits of bytes 0-7 and the nibbles of bytes 8-11
/// with the top 2 bits of bytes 0-7 above them.
static inline void cq_scales_mins_k4(const uint8_t *q, uint8_t sc[8], uint8_t mn[8]) {
    uint32_t w0, w1, w2;
    memcpy(&w0, q, 4); memcpy(&w1, q + 4, 4); memcpy(&w2, q + 8, 4);
    const uint32_t s_lo = w0 & 0x3F3F3F3Fu, m_lo = w1 & 0x3F3F3F3Fu;
    const uint32_t s_hi = (w2 & 0x0F0F0F0Fu) | ((w0 & 0xC0C0C0C0u) >> 2);
    const uint32_t m_hi = ((w2 >> 4) & 0x0F0F0F0Fu) | ((w1 & 0xC0C0C0C0u) >> 2);
    memcpy(sc, &s_lo, 4); memcpy(sc + 4, &s_hi, 4);
    memcpy(mn, &m_lo, 4); memcpy(mn + 4, &m_hi, 4);
}

/// Round to nearest, ties to even (as ggml's nearest_int and _mm256_round_ps).
static inline int cq_nearest_int(float f) {
    float v = f + 12582912.f;
    int i; memcpy(&i, &v, sizeof(int));
    return (i & 0x007fffff) - 0x00400000;
}

float cq_vec_dot_avx2(int wtype, int64_t cols, const void *w, const void *act);
int cq_quantize_act_avx2(int wtype, const float *x, void *out, int64_t cols);
/// Multi-token AVX2 matmul of weight rows [r0, r1) (quant_matmul_avx2.c); 0 when the type has none.
int cq_matmul_range_avx2(int wtype, const void *w, int64_t cols, const void *act, int64_t ntok,
                         float *out, int64_t out_stride, int64_t r0, int64_t r1);
/// Few-token AVX2 matmul of Q4_K (below 4 tokens) and Q6_K (below 8) rows [r0, r1), 8 rows per pass
/// (quant_gemv_avx2.c); 0 for other types and token counts.
int cq_gemv_range_avx2(int wtype, const void *w, int64_t cols, const void *act, int64_t ntok,
                       float *out, int64_t out_stride, int64_t r0, int64_t r1);
/// AVX-512 (F, BW, VL, DQ, VNNI) multi-token matmul of rows [r0, r1) (quant_matmul_avx512.c); 0 when
/// the type or token count has none (the AVX2 path then runs: same bits).
int cq_matmul_range_avx512(int wtype, const void *w, int64_t cols, const void *act, int64_t ntok,
                           float *out, int64_t out_stride, int64_t r0, int64_t r1);
/// AVX-512 activation quantization; 0 when the format has none.
int cq_quantize_act_avx512(int wtype, const float *x, void *out, int64_t cols);
