// AVX2 helpers shared by the quantized kernel files (x86-64 only; included after quant_internal.h).
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include <stdint.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static inline __attribute__((always_inline)) float h2f(uint16_t h) { return _cvtsh_ss(h); }

AVX2 static inline __attribute__((always_inline)) float hsum_ps(__m256 v) {
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

AVX2 static inline __attribute__((always_inline)) int hsum_i32(__m256i v) {
    __m128i r = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    r = _mm_add_epi32(r, _mm_shuffle_epi32(r, 0x4E));
    r = _mm_add_epi32(r, _mm_shuffle_epi32(r, 0xB1));
    return _mm_cvtsi128_si32(r);
}

/// 32 nibbles of 16 bytes: low nibbles in bytes 0-15, high nibbles in 16-31.
AVX2 static inline __attribute__((always_inline)) __m256i unpack_nibbles(const uint8_t *q) {
    const __m128i t = _mm_loadu_si128((const __m128i *)q);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(t, 4), t);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// Sum of signed bytes x*y in 8 int32 lanes.
AVX2 static inline __attribute__((always_inline)) __m256i dot_i8(__m256i x, __m256i y) {
    const __m256i ax = _mm256_sign_epi8(x, x);
    const __m256i sy = _mm256_sign_epi8(y, x);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1));
}

/// Sum of unsigned x times signed y in 8 int32 lanes.
AVX2 static inline __attribute__((always_inline)) __m256i dot_u8(__m256i x, __m256i y) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
}

/// The 32 high bits of a Q5_0 block as 0x10 bytes.
AVX2 static inline __attribute__((always_inline)) __m256i q5_high(const uint8_t *qh8) {
    uint32_t qh; memcpy(&qh, qh8, 4);
    const __m256i shuf = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000);
    __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), shuf);
    const __m256i bit = _mm256_set1_epi64x((long long)0x7fbfdfeff7fbfdfe);
    b = _mm256_or_si256(b, bit);
    b = _mm256_cmpeq_epi8(b, _mm256_set1_epi64x(-1));
    return _mm256_and_si256(b, _mm256_set1_epi8(0x10));
}

/// Integer lanes of one Q6_K super-block: lane l holds scale·q·a over its bytes minus the -32 offset
/// 32·(bsums[2l]·s[2l] + bsums[2l+1]·s[2l+1]), as ggml's AVX2 vec_dot splits them. The two high bits
/// of each value are moved to bits 4-5 by one 16-bit shift each (bits crossing bytes are masked off).
AVX2 static inline __attribute__((always_inline)) __m256i q6_K_block_lanes(const blk_q6_K *x, const blk_q8_K *y) {
    const __m256i m4 = _mm256_set1_epi8(0xF), m30 = _mm256_set1_epi8(0x30);
    const uint8_t *ql = x->ql, *qh = x->qh;
    const int8_t *a = y->qs;
    const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)x->scales));
    const __m256i offset = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y->bsums), scales16), 5);
    __m256i sumi = _mm256_setzero_si256();
    for (int h = 0; h < 2; h++) {
        // this half's 8 scales (16-bit) in both 128-bit lanes
        const __m256i half = h ? _mm256_permute2x128_si256(scales16, scales16, 0x11) : _mm256_permute2x128_si256(scales16, scales16, 0x00);
        const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
        const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
        const __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
        __m256i v[4];
        v[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(hb, 4), m30));
        v[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(hb, 2), m30));
        v[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(hb, m30));
        v[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(hb, 2), m30));
        for (int k = 0; k < 4; k++) {
            const __m256i p = _mm256_maddubs_epi16(v[k], _mm256_loadu_si256((const __m256i *)(a + 32 * k)));
            // 16 int16 lanes: scale 2k of the half in the low 8 int16 lanes, 2k+1 in the high 8 (the two groups of 16 values)
            const __m256i pick = _mm256_setr_epi8(4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
                                                  4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
                                                  4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3,
                                                  4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3);
            const __m256i s = _mm256_shuffle_epi8(half, pick);
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(s, p));
        }
        ql += 64; qh += 32; a += 128;
    }
    return _mm256_sub_epi32(sumi, offset);
}

/// Weights of one 32-value block as bytes (offsets removed for the signed types).
AVX2 static inline __attribute__((always_inline)) __m256i blk32_weights(int t, const uint8_t *blk) {
    switch (t) {
    case CQ_Q4_0: return _mm256_sub_epi8(unpack_nibbles(blk + 2), _mm256_set1_epi8(8));
    case CQ_Q4_1: return unpack_nibbles(blk + 4);
    case CQ_Q5_0: return _mm256_sub_epi8(_mm256_or_si256(unpack_nibbles(blk + 6), q5_high(blk + 2)), _mm256_set1_epi8(16));
    case CQ_Q5_1: return _mm256_or_si256(unpack_nibbles(blk + 8), q5_high(blk + 4));
    default: return _mm256_loadu_si256((const __m256i *)(blk + 2));  // Q8_0
    }
}

static inline __attribute__((always_inline)) size_t blk32_bytes(int t) {
    switch (t) {
    case CQ_Q4_0: return sizeof(blk_q4_0);
    case CQ_Q4_1: return sizeof(blk_q4_1);
    case CQ_Q5_0: return sizeof(blk_q5_0);
    case CQ_Q5_1: return sizeof(blk_q5_1);
    default: return sizeof(blk_q8_0);
    }
}

#endif
