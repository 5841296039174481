// Search kernels: int8 and 2-bit fast-scan first passes, gather rescoring. AVX2 with scalar fallbacks.
#include "search_kernels.h"
#include <math.h>
#include <stdlib.h>
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

void cited_dot_u8i8_rows(const uint8_t *m, size_t rows, size_t dims, const int8_t *x, int32_t *out) {
#ifdef CITED_X86
    if (has_avx2()) { dot_u8i8_avx2(m, rows, dims, x, out); return; }
#endif
    dot_u8i8_scalar(m, rows, dims, x, out);
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

void cited_dot_u8i8_gather(const uint8_t *m, size_t dims, const int64_t *rows, size_t count,
                           const int8_t *x, int32_t *out) {
    for (size_t i = 0; i < count; i++) cited_dot_u8i8_rows(m + (size_t)rows[i] * dims, 1, dims, x, out + i);
}

// --- 2-bit fast scan -------------------------------------------------------------------------------------

size_t cited_fastscan_row_bytes(size_t dims) { return (dims + 3) / 4; }

// Lloyd-Max 2-bit quantizer of a standard normal: thresholds 0, ±0.9816; levels ±0.4528, ±1.5104.
void cited_fastscan_train(const float *m, size_t rows, size_t dims, float *levels, float *cuts) {
    static const float level[4] = {-1.5104f, -0.4528f, 0.4528f, 1.5104f};
    static const float cut[3] = {-0.9816f, 0.0f, 0.9816f};
    double *sum = calloc(2 * dims, sizeof(double)), *sum2 = sum + dims;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < dims; j++) { double v = m[i * dims + j]; sum[j] += v; sum2[j] += v * v; }
    for (size_t j = 0; j < dims; j++) {
        double mean = rows ? sum[j] / (double)rows : 0;
        double var = rows ? sum2[j] / (double)rows - mean * mean : 0;
        float sd = var > 1e-12 ? (float)sqrt(var) : 1e-3f;
        for (int c = 0; c < 4; c++) levels[j * 4 + c] = (float)mean + sd * level[c];
        for (int c = 0; c < 3; c++) cuts[j * 3 + c] = (float)mean + sd * cut[c];
    }
    free(sum);
}

static inline unsigned fastscan_code(float v, const float *cut) {
    return (unsigned)(v > cut[0]) + (unsigned)(v > cut[1]) + (unsigned)(v > cut[2]);
}

void cited_fastscan_pack(const float *m, size_t rows, size_t dims, const float *cuts, uint8_t *blocks) {
    const size_t nbytes = cited_fastscan_row_bytes(dims);
    const size_t nblocks = (rows + 31) / 32;
    memset(blocks, 0, nblocks * nbytes * 32);
    for (size_t i = 0; i < rows; i++) {
        const float *r = m + i * dims;
        uint8_t *o = blocks + (i / 32) * nbytes * 32 + (i % 32);
        for (size_t j = 0; j < dims; j++) {
            unsigned c = fastscan_code(r[j], cuts + j * 3);
            o[(j / 4) * 32] |= (uint8_t)(c << (2 * (j % 4)));
        }
    }
}

// Nibble n's table entry for code v: the query's two components times the two dimensions' levels.
static inline float fastscan_entry(const float *x, size_t dims, const float *levels, size_t n, int v) {
    size_t j0 = 2 * n, j1 = 2 * n + 1;
    float t = 0;
    if (j0 < dims) t += x[j0] * levels[j0 * 4 + (v & 3)];
    if (j1 < dims) t += x[j1] * levels[j1 * 4 + (v >> 2)];
    return t;
}

float cited_fastscan_lut(const float *x, size_t dims, const float *levels, uint8_t *lut) {
    const size_t nibbles = 2 * cited_fastscan_row_bytes(dims);
    // The widest nibble range sets the common scale; each table is shifted to start at 0.
    float span = 0;
    for (size_t n = 0; n < nibbles; n++) {
        float mn = fastscan_entry(x, dims, levels, n, 0), mx = mn;
        for (int v = 1; v < 16; v++) {
            float t = fastscan_entry(x, dims, levels, n, v);
            if (t < mn) mn = t;
            if (t > mx) mx = t;
        }
        if (mx - mn > span) span = mx - mn;
    }
    unsigned cap = (unsigned)(65535 / nibbles);
    if (cap > 255) cap = 255;
    const float scale = span > 0 ? (float)cap / span : 1.0f;
    for (size_t n = 0; n < nibbles; n++) {
        float table[16], mn;
        for (int v = 0; v < 16; v++) table[v] = fastscan_entry(x, dims, levels, n, v);
        mn = table[0];
        for (int v = 1; v < 16; v++) if (table[v] < mn) mn = table[v];
        for (int v = 0; v < 16; v++) {
            float q = nearbyintf((table[v] - mn) * scale);
            if (q < 0) q = 0;
            if (q > (float)cap) q = (float)cap;
            lut[n * 16 + v] = (uint8_t)q;
        }
    }
    return scale;
}

void cited_fastscan_scan_reference(const uint8_t *blocks, size_t nblocks, size_t nbytes, const uint8_t *lut,
                                   uint16_t *out) {
    for (size_t b = 0; b < nblocks; b++) {
        const uint8_t *blk = blocks + b * nbytes * 32;
        for (size_t r = 0; r < 32; r++) {
            uint32_t s = 0;
            for (size_t p = 0; p < nbytes; p++) {
                uint8_t v = blk[p * 32 + r];
                s += lut[(2 * p) * 16 + (v & 15)] + lut[(2 * p + 1) * 16 + (v >> 4)];
            }
            out[b * 32 + r] = (uint16_t)s;
        }
    }
}

#ifdef CITED_X86
// Each 32-byte load holds one code byte of 32 rows; pshufb looks up both nibbles in the (lane-duplicated)
// tables. The uint8 results are summed in 16-bit lanes: `even` collects byte pairs as 16-bit words (odd rows'
// bytes land in the high halves), `odd` the high bytes alone; even rows are `even - (odd << 8)` mod 2^16.
__attribute__((target("avx2")))
static void fastscan_scan_avx2(const uint8_t *blocks, size_t nblocks, size_t nbytes, const uint8_t *lut,
                               uint16_t *out) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    for (size_t b = 0; b < nblocks; b++) {
        const uint8_t *blk = blocks + b * nbytes * 32;
        __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
        __m256i even2 = even, odd2 = odd;
        for (size_t p = 0; p < nbytes; p++) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(blk + p * 32));
            __m256i tl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(lut + 32 * p)));
            __m256i th = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(lut + 32 * p + 16)));
            __m256i a = _mm256_shuffle_epi8(tl, _mm256_and_si256(v, low4));
            __m256i c = _mm256_shuffle_epi8(th, _mm256_and_si256(_mm256_srli_epi16(v, 4), low4));
            even = _mm256_add_epi16(even, a);
            odd = _mm256_add_epi16(odd, _mm256_srli_epi16(a, 8));
            even2 = _mm256_add_epi16(even2, c);
            odd2 = _mm256_add_epi16(odd2, _mm256_srli_epi16(c, 8));
        }
        even = _mm256_add_epi16(even, even2);
        odd = _mm256_add_epi16(odd, odd2);
        even = _mm256_sub_epi16(even, _mm256_slli_epi16(odd, 8));
        // Per lane, word w holds rows 2w (even) and 2w + 1 (odd); interleave back to row order.
        __m256i lo = _mm256_unpacklo_epi16(even, odd);   // rows 0-7 | 16-23
        __m256i hi = _mm256_unpackhi_epi16(even, odd);   // rows 8-15 | 24-31
        _mm256_storeu_si256((__m256i *)(out + b * 32), _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256((__m256i *)(out + b * 32 + 16), _mm256_permute2x128_si256(lo, hi, 0x31));
    }
}

__attribute__((target("avx2")))
static size_t select_u16_avx2(const uint16_t *scores, size_t n, uint16_t bar, int64_t *rows) {
    size_t count = 0, i = 0;
    const __m256i b = _mm256_set1_epi16((short)bar);
    for (; i + 16 <= n; i += 16) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(scores + i));
        uint32_t bits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_max_epu16(v, b), v));
        while (bits) {
            unsigned t = (unsigned)__builtin_ctz(bits);
            rows[count++] = (int64_t)(i + t / 2);
            bits &= ~(3u << t);
        }
    }
    for (; i < n; i++) if (scores[i] >= bar) rows[count++] = (int64_t)i;
    return count;
}
#endif

void cited_fastscan_scan(const uint8_t *blocks, size_t nblocks, size_t nbytes, const uint8_t *lut, uint16_t *out) {
#ifdef CITED_X86
    if (has_avx2()) { fastscan_scan_avx2(blocks, nblocks, nbytes, lut, out); return; }
#endif
    cited_fastscan_scan_reference(blocks, nblocks, nbytes, lut, out);
}

size_t cited_select_u16(const uint16_t *scores, size_t n, uint16_t bar, int64_t *rows) {
#ifdef CITED_X86
    if (has_avx2()) return select_u16_avx2(scores, n, bar, rows);
#endif
    size_t count = 0;
    for (size_t i = 0; i < n; i++) if (scores[i] >= bar) rows[count++] = (int64_t)i;
    return count;
}

uint16_t cited_u16_threshold(const uint16_t *scores, size_t n, size_t count, size_t sample) {
    if (count >= n || n == 0) return 0;
    enum { SHIFT = 4, BINS = 65536 >> SHIFT };
    static _Thread_local uint32_t hist[BINS];
    memset(hist, 0, sizeof hist);
    size_t stride = sample > 0 && sample < n ? n / sample : 1;
    // A sample must hold enough rows above the bar to place it; otherwise count them all.
    if ((double)count / (double)stride < 64) stride = 1;
    size_t taken = 0;
    for (size_t i = 0; i < n; i += stride, taken++) hist[scores[i] >> SHIFT]++;
    // The sample's share of the wanted count, rounded up.
    double want = (double)count * (double)taken / (double)n;
    double seen = 0;
    for (int bin = BINS - 1; bin > 0; bin--) {
        seen += hist[bin];
        if (seen >= want) return (uint16_t)(bin << SHIFT);
    }
    return 0;
}
