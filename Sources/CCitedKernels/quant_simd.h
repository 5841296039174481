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

#endif
