// Search kernels: int8 and sign-bit first passes, fp32 gather rescoring. AVX2 with scalar fallbacks.
#include "search_kernels.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CITED_X86 1
#endif

void cited_quantize_rows_u8(const float *m, size_t rows, size_t dims,
                            uint8_t *q, float *scale, float *resid, float *qnorm) {
    for (size_t i = 0; i < rows; i++) {
        const float *r = m + i * dims;
        uint8_t *o = q + i * dims;
        float amax = 0;
        for (size_t j = 0; j < dims; j++) { float a = fabsf(r[j]); if (a > amax) amax = a; }
        float s = amax > 0 ? amax / 127.0f : 1.0f;
        float inv = 1.0f / s;
        double e2 = 0, n2 = 0;
        for (size_t j = 0; j < dims; j++) {
            float v = nearbyintf(r[j] * inv);
            if (v > 127) v = 127;
            if (v < -127) v = -127;
            o[j] = (uint8_t)((int)v + 128);
            double d = (double)r[j] - (double)s * v;
            e2 += d * d;
            n2 += (double)s * v * (double)s * v;
        }
        scale[i] = s;
        resid[i] = (float)sqrt(e2);
        qnorm[i] = (float)sqrt(n2);
    }
}

float cited_quantize_query_i8(const float *x, size_t dims, int8_t *q, float *error_norm) {
    float amax = 0;
    for (size_t j = 0; j < dims; j++) { float a = fabsf(x[j]); if (a > amax) amax = a; }
    float s = amax > 0 ? amax / 64.0f : 1.0f;
    float inv = 1.0f / s;
    double e2 = 0;
    for (size_t j = 0; j < dims; j++) {
        float v = nearbyintf(x[j] * inv);
        if (v > 64) v = 64;
        if (v < -64) v = -64;
        q[j] = (int8_t)v;
        double d = (double)x[j] - (double)s * v;
        e2 += d * d;
    }
    *error_norm = (float)sqrt(e2);
    return s;
}

static void dot_u8i8_scalar(const uint8_t *m, size_t rows, size_t dims, const int8_t *x, int32_t *out) {
    for (size_t i = 0; i < rows; i++) {
        const uint8_t *r = m + i * dims;
        int32_t acc = 0;
        for (size_t j = 0; j < dims; j++) acc += ((int32_t)r[j] - 128) * (int32_t)x[j];
        out[i] = acc;
    }
}

#ifdef CITED_X86
__attribute__((target("avx2")))
static inline int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

// maddubs multiplies unsigned rows by signed query bytes; |x| <= 64 keeps each pair sum below 2^15.
// The +128 bias is removed once per row with the query's byte sum.
__attribute__((target("avx2")))
static void dot_u8i8_avx2(const uint8_t *m, size_t rows, size_t dims, const int8_t *x, int32_t *out) {
    const size_t body = dims & ~(size_t)31;
    int32_t xsum = 0;
    for (size_t j = 0; j < body; j++) xsum += x[j];
    const int32_t bias = 128 * xsum;
    const __m256i ones = _mm256_set1_epi16(1);
    size_t i = 0;
    for (; i + 4 <= rows; i += 4) {
        const uint8_t *r0 = m + i * dims, *r1 = r0 + dims, *r2 = r1 + dims, *r3 = r2 + dims;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t j = 0; j < body; j += 32) {
            __m256i b = _mm256_loadu_si256((const __m256i *)(x + j));
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(r0 + j)), b), ones));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(r1 + j)), b), ones));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(r2 + j)), b), ones));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(r3 + j)), b), ones));
        }
        int32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (size_t j = body; j < dims; j++) {
            t0 += ((int32_t)r0[j] - 128) * x[j]; t1 += ((int32_t)r1[j] - 128) * x[j];
            t2 += ((int32_t)r2[j] - 128) * x[j]; t3 += ((int32_t)r3[j] - 128) * x[j];
        }
        out[i] = hsum_epi32(a0) - bias + t0;
        out[i + 1] = hsum_epi32(a1) - bias + t1;
        out[i + 2] = hsum_epi32(a2) - bias + t2;
        out[i + 3] = hsum_epi32(a3) - bias + t3;
    }
    for (; i < rows; i++) {
        const uint8_t *r = m + i * dims;
        __m256i a = _mm256_setzero_si256();
        for (size_t j = 0; j < body; j += 32) {
            __m256i b = _mm256_loadu_si256((const __m256i *)(x + j));
            a = _mm256_add_epi32(a, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(r + j)), b), ones));
        }
        int32_t t = 0;
        for (size_t j = body; j < dims; j++) t += ((int32_t)r[j] - 128) * x[j];
        out[i] = hsum_epi32(a) - bias + t;
    }
}

__attribute__((target("avx2,fma")))
static float dot_f32_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 16), _mm256_loadu_ps(b + j + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 24), _mm256_loadu_ps(b + j + 24), s3);
    }
    for (; j + 8 <= n; j += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
    __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    float t = _mm_cvtss_f32(h);
    for (; j < n; j++) t += a[j] * b[j];
    return t;
}

__attribute__((target("popcnt")))
static void hamming_popcnt(const uint64_t *bits, size_t rows, size_t words, const uint64_t *q, uint32_t *out) {
    for (size_t i = 0; i < rows; i++) {
        const uint64_t *r = bits + i * words;
        uint32_t d = 0;
        for (size_t w = 0; w < words; w++) d += (uint32_t)__builtin_popcountll(r[w] ^ q[w]);
        out[i] = d;
    }
}

__attribute__((target("popcnt")))
static void bitplane_popcnt(const uint64_t *bits, size_t rows, size_t words,
                            const uint64_t *planes, const int32_t *weights, int nplanes, int32_t *out) {
    for (size_t i = 0; i < rows; i++) {
        const uint64_t *r = bits + i * words;
        int32_t s = 0;
        for (int p = 0; p < nplanes; p++) {
            const uint64_t *pl = planes + (size_t)p * words;
            int32_t c = 0;
            for (size_t w = 0; w < words; w++) c += __builtin_popcountll(r[w] & pl[w]);
            s += c * weights[p];
        }
        out[i] = s;
    }
}
#endif

static float dot_f32_scalar(const float *a, const float *b, size_t n) {
    float t = 0;
    for (size_t j = 0; j < n; j++) t += a[j] * b[j];
    return t;
}

static int has_avx2(void) {
#ifdef CITED_X86
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return cached;
#else
    return 0;
#endif
}

static int has_popcnt(void) {
#ifdef CITED_X86
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("popcnt");
    return cached;
#else
    return 0;
#endif
}

void cited_dot_u8i8_rows(const uint8_t *m, size_t rows, size_t dims, const int8_t *x, int32_t *out) {
#ifdef CITED_X86
    if (has_avx2()) { dot_u8i8_avx2(m, rows, dims, x, out); return; }
#endif
    dot_u8i8_scalar(m, rows, dims, x, out);
}

void cited_sign_bits_rows(const float *m, size_t rows, size_t dims, uint64_t *bits) {
    const size_t words = (dims + 63) / 64;
    memset(bits, 0, rows * words * sizeof(uint64_t));
    for (size_t i = 0; i < rows; i++) {
        const float *r = m + i * dims;
        uint64_t *o = bits + i * words;
        for (size_t j = 0; j < dims; j++)
            if (r[j] > 0) o[j >> 6] |= (uint64_t)1 << (j & 63);
    }
}

void cited_hamming_rows(const uint64_t *bits, size_t rows, size_t words, const uint64_t *q, uint32_t *out) {
#ifdef CITED_X86
    if (has_popcnt()) { hamming_popcnt(bits, rows, words, q, out); return; }
#endif
    for (size_t i = 0; i < rows; i++) {
        const uint64_t *r = bits + i * words;
        uint32_t d = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t v = r[w] ^ q[w];
            while (v) { v &= v - 1; d++; }
        }
        out[i] = d;
    }
}

void cited_bitplane_rows(const uint64_t *bits, size_t rows, size_t words,
                         const uint64_t *planes, const int32_t *weights, int nplanes, int32_t *out) {
#ifdef CITED_X86
    if (has_popcnt()) { bitplane_popcnt(bits, rows, words, planes, weights, nplanes, out); return; }
#endif
    for (size_t i = 0; i < rows; i++) {
        const uint64_t *r = bits + i * words;
        int32_t s = 0;
        for (int p = 0; p < nplanes; p++) {
            int32_t c = 0;
            for (size_t w = 0; w < words; w++) {
                uint64_t v = r[w] & planes[(size_t)p * words + w];
                while (v) { v &= v - 1; c++; }
            }
            s += c * weights[p];
        }
        out[i] = s;
    }
}

void cited_dot_f32_gather(const float *m, size_t dims, const int64_t *rows, size_t count,
                          const float *x, float *out) {
#ifdef CITED_X86
    if (has_avx2()) {
        for (size_t i = 0; i < count; i++) out[i] = dot_f32_avx2(m + (size_t)rows[i] * dims, x, dims);
        return;
    }
#endif
    for (size_t i = 0; i < count; i++) out[i] = dot_f32_scalar(m + (size_t)rows[i] * dims, x, dims);
}

void cited_lut8_rows(const uint8_t *bytes, size_t rows, size_t nbytes, const int16_t *lut, int32_t *out) {
    if (nbytes == 48) {
        // The 384-dimension case, unrolled by the compiler with a constant trip count.
        for (size_t i = 0; i < rows; i++) {
            const uint8_t *r = bytes + i * 48;
            int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (size_t b = 0; b < 48; b += 4) {
                s0 += lut[b * 256 + r[b]];
                s1 += lut[(b + 1) * 256 + r[b + 1]];
                s2 += lut[(b + 2) * 256 + r[b + 2]];
                s3 += lut[(b + 3) * 256 + r[b + 3]];
            }
            out[i] = s0 + s1 + s2 + s3;
        }
        return;
    }
    for (size_t i = 0; i < rows; i++) {
        const uint8_t *r = bytes + i * nbytes;
        int32_t s = 0;
        for (size_t b = 0; b < nbytes; b++) s += lut[b * 256 + r[b]];
        out[i] = s;
    }
}

void cited_dot_u8i8_gather(const uint8_t *m, size_t dims, const int64_t *rows, size_t count,
                           const int8_t *x, int32_t *out) {
    for (size_t i = 0; i < count; i++) cited_dot_u8i8_rows(m + (size_t)rows[i] * dims, 1, dims, x, out + i);
}
