// Quantised linear layers for the BERT embedder (declared in embed_kernels.h): 11-bit weights, 11- to
// 16-bit activations, exact int32 sums via AVX2 vpmaddwd. Packed layout: for each
// panel of 16 output rows and each pair of inputs (k, k+1), 32 int16: row r's (w[r][k], w[r][k+1])
// at position 2r. vpmaddwd of a broadcast activation pair with that vector gives 8 rows' partial sums.
#include "embed_kernels.h"
#include "quant.h"
#include <math.h>

#define NR 16
// Weights use 11 bits (±1023): 8 bits cost cosine 0.996 on MiniLM, 11 bits keep it above 0.999.
#define WQ 1023.0f

// Activation range: as wide as int16 allows while k·WQ·qa stays below 2^31 (no int32 overflow).
static inline float activation_range(size_t k) {
    double r = 2147483647.0 / (WQ * (double)k);
    return r > 32767.0 ? 32767.0f : (float)(long)r;
}

int embed_q16_supported(size_t n, size_t k) { return n % NR == 0 && k % 2 == 0 && k <= 4096; }

// lrintf under the default rounding mode (to nearest, ties to even) for |v| < 2^22, without the libm call:
// adding and subtracting 1.5·2^23 leaves v rounded to an integer.
static inline float round_even(float v) {
    return (v + 12582912.0f) - 12582912.0f;
}

void embed_q16_pack(const float *w, size_t n, size_t k, int16_t *packed, float *scales) {
    for (size_t r = 0; r < n; r++) {
        float mx = 0;
        for (size_t j = 0; j < k; j++) mx = fmaxf(mx, fabsf(w[r * k + j]));
        scales[r] = mx > 0 ? mx / WQ : 1.0f;
    }
    for (size_t p = 0; p < n / NR; p++) {
        int16_t *panel = packed + p * NR * k;
        float inv[NR];
        for (size_t r = 0; r < NR; r++) inv[r] = 1.0f / scales[p * NR + r];
        // Row by row: each source row is read once, in order.
        for (size_t r = 0; r < NR; r++) {
            const float *src = w + (p * NR + r) * k;
            for (size_t kk = 0; kk < k; kk += 2) {
                panel[kk * NR + 2 * r] = (int16_t)round_even(src[kk] * inv[r]);
                panel[kk * NR + 2 * r + 1] = (int16_t)round_even(src[kk + 1] * inv[r]);
            }
        }
    }
}

static void quantize_rows(const float *a, size_t m, size_t k, int16_t *aq, float *ascale) {
    for (size_t i = 0; i < m; i++) {
        const float *row = a + i * k;
        float mx = 0;
        for (size_t j = 0; j < k; j++) mx = fmaxf(mx, fabsf(row[j]));
        float s = mx > 0 ? mx / activation_range(k) : 1.0f;
        float inv = 1.0f / s;
        ascale[i] = s;
        for (size_t j = 0; j < k; j++) aq[i * k + j] = (int16_t)lrintf(row[j] * inv);
    }
}

// Portable reference: the same integer arithmetic, one output at a time.
static void linear_generic(size_t m, size_t k, const int16_t *packed, const float *wscale, const float *bias,
                           size_t n, float *c, const int16_t *aq, const float *ascale) {
    for (size_t i = 0; i < m; i++)
        for (size_t col = 0; col < n; col++) {
            const int16_t *panel = packed + (col / NR) * NR * k;
            size_t r = col % NR;
            int32_t acc = 0;
            for (size_t kk = 0; kk < k; kk += 2)
                acc += (int32_t)aq[i * k + kk] * panel[kk * NR + 2 * r]
                     + (int32_t)aq[i * k + kk + 1] * panel[kk * NR + 2 * r + 1];
            c[i * n + col] = (float)acc * ascale[i] * wscale[col] + (bias ? bias[col] : 0.0f);
        }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

// MR rows × 16 outputs. Accumulators: MR × 2 ymm of 8 int32.
#define MICRO(MR)                                                                                   \
AVX2 static inline void micro_##MR(size_t k, const int16_t *panel, const int16_t *a, size_t lda,   \
                                   int32_t *out /* MR x 16 */) {                                   \
    __m256i acc[MR][2];                                                                             \
    for (int i = 0; i < MR; i++) { acc[i][0] = _mm256_setzero_si256(); acc[i][1] = _mm256_setzero_si256(); } \
    for (size_t kk = 0; kk < k; kk += 2) {                                                          \
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(panel + kk * NR));                        \
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(panel + kk * NR + 16));                   \
        for (int i = 0; i < MR; i++) {                                                              \
            int32_t pair;                                                                           \
            __builtin_memcpy(&pair, a + i * lda + kk, 4);                                           \
            __m256i b = _mm256_set1_epi32(pair);                                                    \
            acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(b, w0));                      \
            acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(b, w1));                      \
        }                                                                                           \
    }                                                                                               \
    for (int i = 0; i < MR; i++) {                                                                  \
        _mm256_storeu_si256((__m256i *)(out + i * 16), acc[i][0]);                                  \
        _mm256_storeu_si256((__m256i *)(out + i * 16 + 8), acc[i][1]);                              \
    }                                                                                               \
}
MICRO(4)
MICRO(3)
MICRO(2)
MICRO(1)

AVX2 static void linear_avx2(size_t m, size_t k, const int16_t *packed, const float *wscale, const float *bias,
                             size_t n, float *c, const int16_t *aq, const float *ascale) {
    const size_t MB = 64;  // rows per block: the block's activations stay in L2 across all panels
    int32_t tile[4 * 16];
    for (size_t i0 = 0; i0 < m; i0 += MB) {
        size_t i1 = i0 + MB < m ? i0 + MB : m;
        for (size_t p = 0; p < n / NR; p++) {
            const int16_t *panel = packed + p * NR * k;
            __m256 ws0 = _mm256_loadu_ps(wscale + p * NR), ws1 = _mm256_loadu_ps(wscale + p * NR + 8);
            __m256 b0 = bias ? _mm256_loadu_ps(bias + p * NR) : _mm256_setzero_ps();
            __m256 b1 = bias ? _mm256_loadu_ps(bias + p * NR + 8) : _mm256_setzero_ps();
            for (size_t i = i0; i < i1; i += 4) {
                size_t mr = i1 - i < 4 ? i1 - i : 4;
                const int16_t *a = aq + i * k;
                switch (mr) {
                case 4: micro_4(k, panel, a, k, tile); break;
                case 3: micro_3(k, panel, a, k, tile); break;
                case 2: micro_2(k, panel, a, k, tile); break;
                default: micro_1(k, panel, a, k, tile); break;
                }
                for (size_t r = 0; r < mr; r++) {
                    __m256 s = _mm256_set1_ps(ascale[i + r]);
                    __m256 v0 = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(tile + r * 16)));
                    __m256 v1 = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(tile + r * 16 + 8)));
                    v0 = _mm256_fmadd_ps(_mm256_mul_ps(v0, s), ws0, b0);
                    v1 = _mm256_fmadd_ps(_mm256_mul_ps(v1, s), ws1, b1);
                    _mm256_storeu_ps(c + (i + r) * n + p * NR, v0);
                    _mm256_storeu_ps(c + (i + r) * n + p * NR + 8, v1);
                }
            }
        }
    }
}

AVX2 static void quantize_rows_avx2(const float *a, size_t m, size_t k, int16_t *aq, float *ascale) {
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (size_t i = 0; i < m; i++) {
        const float *row = a + i * k;
        __m256 vmx = _mm256_setzero_ps();
        size_t j = 0;
        for (; j + 8 <= k; j += 8) vmx = _mm256_max_ps(vmx, _mm256_and_ps(_mm256_loadu_ps(row + j), absmask));
        float lanes[8];
        _mm256_storeu_ps(lanes, vmx);
        float mx = 0;
        for (int l = 0; l < 8; l++) mx = fmaxf(mx, lanes[l]);
        for (; j < k; j++) mx = fmaxf(mx, fabsf(row[j]));
        float s = mx > 0 ? mx / activation_range(k) : 1.0f;
        float inv = 1.0f / s;
        ascale[i] = s;
        __m256 vinv = _mm256_set1_ps(inv);
        int16_t *out = aq + i * k;
        j = 0;
        for (; j + 16 <= k; j += 16) {
            __m256i v0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + j), vinv));
            __m256i v1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + j + 8), vinv));
            __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(v0, v1), 0xD8);
            _mm256_storeu_si256((__m256i *)(out + j), packed);
        }
        for (; j < k; j++) out[j] = (int16_t)lrintf(row[j] * inv);
    }
}

// AVX-512 VNNI: one 16-row panel's (k, k+1) pair is 32 int16, one zmm; vpdpwssd of a broadcast activation
// pair with it adds 16 rows' pair products to 16 int32 lanes (lane r = output r), the sum vpmaddwd + vpaddd
// form in two ymm halves. Both are exact (|w| ≤ 1023, and activation_range keeps every int32 sum below
// 2^31), so the integer sums are equal, and the float epilogue is the AVX2 one per lane (convert, times
// the row scale, fma with the weight scale and the bias): bit-equal outputs. Two panels per micro tile
// share each broadcast.
#define AVX512 __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))

AVX512 static inline __attribute__((always_inline)) void
micro512(size_t k, const int16_t *panel0, const int16_t *panel1, const int16_t *a, size_t lda, int mr, int panels,
         const float *ascale, const float *wscale, const float *bias, float *c, size_t ldc) {
    __m512i acc0[6], acc1[6];
    for (int i = 0; i < 6; i++) { acc0[i] = _mm512_setzero_si512(); acc1[i] = _mm512_setzero_si512(); }
    for (size_t kk = 0; kk < k; kk += 2) {
        __m512i w0 = _mm512_loadu_si512((const void *)(panel0 + kk * NR));
        __m512i w1 = panels == 2 ? _mm512_loadu_si512((const void *)(panel1 + kk * NR)) : _mm512_setzero_si512();
        for (int i = 0; i < mr; i++) {
            int32_t pair;
            __builtin_memcpy(&pair, a + i * lda + kk, 4);
            __m512i b = _mm512_set1_epi32(pair);
            acc0[i] = _mm512_dpwssd_epi32(acc0[i], b, w0);
            if (panels == 2) acc1[i] = _mm512_dpwssd_epi32(acc1[i], b, w1);
        }
    }
    for (int p = 0; p < panels; p++) {
        __m512 ws = _mm512_loadu_ps(wscale + p * NR);
        __m512 bb = bias ? _mm512_loadu_ps(bias + p * NR) : _mm512_setzero_ps();
        for (int i = 0; i < mr; i++) {
            __m512 s = _mm512_set1_ps(ascale[i]);
            __m512 v = _mm512_cvtepi32_ps(p == 0 ? acc0[i] : acc1[i]);
            v = _mm512_fmadd_ps(_mm512_mul_ps(v, s), ws, bb);
            _mm512_storeu_ps(c + i * ldc + p * NR, v);
        }
    }
}

#define MICRO512(MR, PANELS)                                                                                    \
AVX512 static void micro512_##MR##_##PANELS(size_t k, const int16_t *p0, const int16_t *p1, const int16_t *a,   \
                                            size_t lda, const float *ascale, const float *wscale,             \
                                            const float *bias, float *c, size_t ldc) {                        \
    micro512(k, p0, p1, a, lda, MR, PANELS, ascale, wscale, bias, c, ldc);                                     \
}
MICRO512(6, 2) MICRO512(5, 2) MICRO512(4, 2) MICRO512(3, 2) MICRO512(2, 2) MICRO512(1, 2)
MICRO512(6, 1) MICRO512(5, 1) MICRO512(4, 1) MICRO512(3, 1) MICRO512(2, 1) MICRO512(1, 1)

typedef void (*micro512_fn)(size_t, const int16_t *, const int16_t *, const int16_t *, size_t, const float *,
                            const float *, const float *, float *, size_t);

AVX512 static void linear_avx512(size_t m, size_t k, const int16_t *packed, const float *wscale, const float *bias,
                                 size_t n, float *c, const int16_t *aq, const float *ascale) {
    static const micro512_fn two[7] = {0, micro512_1_2, micro512_2_2, micro512_3_2, micro512_4_2, micro512_5_2, micro512_6_2};
    static const micro512_fn one[7] = {0, micro512_1_1, micro512_2_1, micro512_3_1, micro512_4_1, micro512_5_1, micro512_6_1};
    const size_t MB = 64;  // rows per block, as the AVX2 path: the block's activations stay in L2
    const size_t panels = n / NR;
    for (size_t i0 = 0; i0 < m; i0 += MB) {
        size_t i1 = i0 + MB < m ? i0 + MB : m;
        for (size_t p = 0; p < panels; p += 2) {
            const int both = p + 1 < panels;
            const int16_t *p0 = packed + p * NR * k, *p1 = both ? p0 + NR * k : p0;
            const float *b = bias ? bias + p * NR : 0;
            for (size_t i = i0; i < i1; i += 6) {
                size_t mr = i1 - i < 6 ? i1 - i : 6;
                (both ? two : one)[mr](k, p0, p1, aq + i * k, k, ascale + i, wscale + p * NR, b, c + i * n + p * NR, n);
            }
        }
    }
}

int embed_has_avx2(void);  // embed_kernels.c
#endif

int embed_q16_linear_isa(int isa, const float *a, size_t m, size_t k, const int16_t *packed, const float *wscale,
                         const float *bias, size_t n, float *c, int16_t *aq, float *ascale) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (isa > cq_isa_supported()) isa = cq_isa_supported();
    if (isa >= CQ_ISA_AVX2 && embed_has_avx2()) {
        quantize_rows_avx2(a, m, k, aq, ascale);
        if (isa >= CQ_ISA_AVX512) {
            linear_avx512(m, k, packed, wscale, bias, n, c, aq, ascale);
            return CQ_ISA_AVX512;
        }
        linear_avx2(m, k, packed, wscale, bias, n, c, aq, ascale);
        return CQ_ISA_AVX2;
    }
#endif
    quantize_rows(a, m, k, aq, ascale);
    linear_generic(m, k, packed, wscale, bias, n, c, aq, ascale);
    return CQ_ISA_SCALAR;
}

void embed_q16_linear(const float *a, size_t m, size_t k, const int16_t *packed, const float *wscale,
                     const float *bias, size_t n, float *c, int16_t *aq, float *ascale) {
    embed_q16_linear_isa(cq_isa(), a, m, k, packed, wscale, bias, n, c, aq, ascale);
}

/// The portable path, for tests against the AVX2 one.
void embed_q16_linear_reference(const float *a, size_t m, size_t k, const int16_t *packed, const float *wscale,
                               const float *bias, size_t n, float *c, int16_t *aq, float *ascale) {
    quantize_rows(a, m, k, aq, ascale);
    linear_generic(m, k, packed, wscale, bias, n, c, aq, ascale);
}
