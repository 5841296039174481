// AVX2/FMA/F16C dot products and activation quantization; chosen at run time by quant.c.
#include <math.h>
#include "quant_internal.h"

#if defined(__x86_64__)
#include "quant_simd.h"

AVX2 static float avx_q4_0(int64_t n, const blk_q4_0 *x, const blk_q8_0 *y) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        const __m256i q = _mm256_sub_epi8(unpack_nibbles(x[b].qs), _mm256_set1_epi8(8));
        const __m256i a = _mm256_loadu_si256((const __m256i *)y[b].qs);
        const __m256 d = _mm256_set1_ps(h2f(x[b].d) * h2f(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8(q, a)), acc);
    }
    return hsum_ps(acc);
}

AVX2 static float avx_q4_1(int64_t n, const blk_q4_1 *x, const blk_q8_1 *y) {
    __m256 acc = _mm256_setzero_ps();
    float summs = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        summs += h2f(x[b].m) * h2f(y[b].s);
        const __m256i q = unpack_nibbles(x[b].qs);
        const __m256i a = _mm256_loadu_si256((const __m256i *)y[b].qs);
        const __m256 d = _mm256_set1_ps(h2f(x[b].d) * h2f(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_u8(q, a)), acc);
    }
    return hsum_ps(acc) + summs;
}

AVX2 static float avx_q5_0(int64_t n, const blk_q5_0 *x, const blk_q8_0 *y) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        __m256i q = _mm256_or_si256(unpack_nibbles(x[b].qs), q5_high(x[b].qh));
        q = _mm256_sub_epi8(q, _mm256_set1_epi8(16));
        const __m256i a = _mm256_loadu_si256((const __m256i *)y[b].qs);
        const __m256 d = _mm256_set1_ps(h2f(x[b].d) * h2f(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8(q, a)), acc);
    }
    return hsum_ps(acc);
}

AVX2 static float avx_q5_1(int64_t n, const blk_q5_1 *x, const blk_q8_1 *y) {
    __m256 acc = _mm256_setzero_ps();
    float summs = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        summs += h2f(x[b].m) * h2f(y[b].s);
        const __m256i q = _mm256_or_si256(unpack_nibbles(x[b].qs), q5_high(x[b].qh));
        const __m256i a = _mm256_loadu_si256((const __m256i *)y[b].qs);
        const __m256 d = _mm256_set1_ps(h2f(x[b].d) * h2f(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_u8(q, a)), acc);
    }
    return hsum_ps(acc) + summs;
}

AVX2 static float avx_q8_0(int64_t n, const blk_q8_0 *x, const blk_q8_0 *y) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)x[b].qs);
        const __m256i a = _mm256_loadu_si256((const __m256i *)y[b].qs);
        const __m256 d = _mm256_set1_ps(h2f(x[b].d) * h2f(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8(q, a)), acc);
    }
    return hsum_ps(acc);
}

/// Q4_K with the rounding of llama.cpp's repacked 8x8 kernels (see dot_q4_K in quant.c): exact integer
/// sums per super-block, folded in float by fma.
AVX2 static float avx_q4_K(int64_t n, const blk_q4_K *x, const blk_q8_K *y) {
    float acc = 0, accm = 0;
    const __m256i m4 = _mm256_set1_epi8(0xF);
    for (int64_t b = 0; b < n / QKK; b++) {
        uint8_t sc[8], mn[8];
        cq_scales_mins_k4(x[b].scales, sc, mn);
        // Σ min_j · (sum of the 32 activations of sub-block j)
        const __m128i bpairs = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)y[b].bsums), _mm_loadu_si128((const __m128i *)(y[b].bsums + 8)));
        __m128i m4s = _mm_madd_epi16(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)mn)), bpairs);
        m4s = _mm_add_epi32(m4s, _mm_shuffle_epi32(m4s, 0x4E));
        const int summ = _mm_cvtsi128_si32(_mm_add_epi32(m4s, _mm_shuffle_epi32(m4s, 0xB1)));
        const uint8_t *q = x[b].qs;
        const int8_t *a = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)q);
            const __m256i lo = _mm256_and_si256(bits, m4), hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)a));
            const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p0, _mm256_set1_epi16(sc[2 * j])));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p1, _mm256_set1_epi16(sc[2 * j + 1])));
            q += 32; a += 64;
        }
        acc = fmaf((float)hsum_i32(sumi), h2f(x[b].d) * y[b].d, acc);
        accm = fmaf((float)summ, h2f(x[b].dmin) * y[b].d, accm);
    }
    return acc - accm;
}

/// Q4_K as llama.cpp's repacked GEMM (see dot_q4_K_gemm in quant.c).
AVX2 static float avx_q4_K_gemm(int64_t n, const blk_q4_K *x, const blk_q8_K *y) {
    float acc = 0, accm = 0;
    const __m256i m4 = _mm256_set1_epi8(0xF);
    for (int64_t b = 0; b < n / QKK; b++) {
        uint8_t sc[8], mn[8];
        cq_scales_mins_k4(x[b].scales, sc, mn);
        const float d = h2f(x[b].d) * y[b].d, dmin = h2f(x[b].dmin) * y[b].d;
        const uint8_t *q = x[b].qs;
        const int8_t *a = y[b].qs;
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)q);
            const __m256i lo = _mm256_and_si256(bits, m4), hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)a));
            const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 32)));
            const __m256i s = _mm256_add_epi32(_mm256_madd_epi16(p0, _mm256_set1_epi16(sc[2 * j])),
                                               _mm256_madd_epi16(p1, _mm256_set1_epi16(sc[2 * j + 1])));
            const int summ = mn[2 * j] * (y[b].bsums[4 * j] + y[b].bsums[4 * j + 1])
                           + mn[2 * j + 1] * (y[b].bsums[4 * j + 2] + y[b].bsums[4 * j + 3]);
            acc = fmaf((float)hsum_i32(s), d, acc);
            accm = fmaf((float)summ, dmin, accm);
            q += 32; a += 64;
        }
    }
    return acc - accm;
}

AVX2 static float avx_q5_K(int64_t n, const blk_q5_K *x, const blk_q8_K *y) {
    __m256 acc = _mm256_setzero_ps();
    float accm = 0;
    const __m256i m4 = _mm256_set1_epi8(0xF), one = _mm256_set1_epi8(1);
    for (int64_t b = 0; b < n / QKK; b++) {
        uint8_t sc[8], mn[8];
        cq_scales_mins_k4(x[b].scales, sc, mn);
        int summ = 0;
        for (int j = 0; j < 8; j++) summ += mn[j] * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        const uint8_t *q = x[b].qs;
        const int8_t *a = y[b].qs;
        const __m256i hbits = _mm256_loadu_si256((const __m256i *)x[b].qh);
        __m256i sumi = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)q);
            const __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j), one), 4);
            const __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j + 1), one), 4);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(bits, m4), h0);
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
            const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)a));
            const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p0, _mm256_set1_epi16(sc[2 * j])));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p1, _mm256_set1_epi16(sc[2 * j + 1])));
            q += 32; a += 64;
        }
        const float d = y[b].d * h2f(x[b].d);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
        accm += y[b].d * h2f(x[b].dmin) * summ;
    }
    return hsum_ps(acc) - accm;
}

/// Q6_K as llama.cpp's vec_dot (fewer than 8 tokens): each int32 lane accumulated in float across blocks.
AVX2 static float avx_q6_K(int64_t n, const blk_q6_K *x, const blk_q8_K *y) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QKK; b++) {
        const float d = y[b].d * h2f(x[b].d);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q6_K_block_lanes(&x[b], &y[b])), acc);
    }
    return hsum_ps(acc);
}

/// Q6_K as llama.cpp's tiled matmul (8+ tokens): see dot_q6_K_tiled in quant.c.
AVX2 static float avx_q6_K_tiled(int64_t n, const blk_q6_K *x, const blk_q8_K *y) {
    float acc = 0;
    for (int64_t b = 0; b < n / QKK; b++) {
        const float r = h2f(x[b].d) * (float)hsum_i32(q6_K_block_lanes(&x[b], &y[b]));
        acc = fmaf(r, y[b].d, acc);
    }
    return acc;
}

AVX2 static float avx_f32(int64_t n, const float *x, const float *y) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc);
    float s = hsum_ps(acc);
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}

AVX2 static float avx_f16(int64_t n, const uint16_t *x, const uint16_t *y) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        const __m256 b = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i)));
        acc = _mm256_fmadd_ps(a, b, acc);
    }
    float s = hsum_ps(acc);
    for (; i < n; i++) s += _cvtsh_ss(x[i]) * _cvtsh_ss(y[i]);
    return s;
}

AVX2 float cq_vec_dot_avx2(int t, int64_t n, const void *w, const void *a) {
    switch (t) {
    case CQ_F32: return avx_f32(n, w, a);
    case CQ_F16: return avx_f16(n, w, a);
    case CQ_Q4_0: return avx_q4_0(n, w, a);
    case CQ_Q4_1: return avx_q4_1(n, w, a);
    case CQ_Q5_0: return avx_q5_0(n, w, a);
    case CQ_Q5_1: return avx_q5_1(n, w, a);
    case CQ_Q8_0: return avx_q8_0(n, w, a);
    case CQ_Q4_K: return avx_q4_K(n, w, a);
    case CQ_Q5_K: return avx_q5_K(n, w, a);
    case CQ_Q6_K: return avx_q6_K(n, w, a);
    case CQ_Q6_K_TILED: return avx_q6_K_tiled(n, w, a);
    case CQ_Q4_K_GEMM: return avx_q4_K_gemm(n, w, a);
    default: return cq_vec_dot_ref(t, n, w, a);
    }
}

/// Q8_0/Q8_1 rows: max-abs scale, round to nearest even (as ggml's AVX2 quantize_row_q8_0/q8_1).
AVX2 int cq_quantize_act_avx2(int wtype, const float *x, void *out, int64_t n) {
    const int at = cq_act_type(wtype);
    if (at != CQ_Q8_0 && at != CQ_Q8_1) return 0;
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t b = 0; b < n / QK; b++, x += QK) {
        __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
        __m256 mx = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                                  _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        __m128 m4 = _mm_max_ps(_mm256_extractf128_ps(mx, 1), _mm256_castps256_ps128(mx));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float d = amax / 127.f, id = amax != 0.f ? 127.f / amax : 0.f;
        const __m256 mul = _mm256_set1_ps(id);
        __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        int8_t *qs;
        if (at == CQ_Q8_1) {
            blk_q8_1 *y = (blk_q8_1 *)out + b;
            y->d = _cvtss_sh(d, 0);
            const int sum = hsum_i32(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
            y->s = _cvtss_sh(d * (float)sum, 0);
            qs = y->qs;
        } else {
            blk_q8_0 *y = (blk_q8_0 *)out + b;
            y->d = _cvtss_sh(d, 0);
            qs = y->qs;
        }
        __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)qs, p);
    }
    return 1;
}

#else
float cq_vec_dot_avx2(int t, int64_t n, const void *w, const void *a) { return cq_vec_dot_ref(t, n, w, a); }
int cq_quantize_act_avx2(int wtype, const float *x, void *out, int64_t n) { (void)wtype; (void)x; (void)out; (void)n; return 0; }
#endif
