// Few-token (decode) AVX2 kernels for the K-quants, where the pair kernels would be called row by row.
// - Q4_K: 8 weight rows per pass, super-block by super-block, so the per-row bookkeeping of avx_q4_K
//   (scale unpacking, horizontal sum, scalar fma) is done once for 8 rows, row i in vector lane i. The
//   rows of a group are read interleaved, which the hardware prefetchers do not follow: the next group
//   is prefetched in software while a group is computed.
// - Q6_K: row by row as avx_q6_K (its per-row float lanes leave nothing to share), prefetching ahead.
//
// Rounding: bit-identical to the pair kernel that cq_kernel_for names for these token counts (see
// quant_avx2.c): Q4_K below 4 tokens (avx_q4_K: exact integer sums per super-block, folded in float by
// fma, lane i doing row i's scalar fma) and Q6_K below 8 (avx_q6_K: per-lane float accumulators, the
// same 8 lanes per row as ggml's vec_dot). Only exact integer parts are computed in another order.
#include "quant_internal.h"

#if defined(__x86_64__)
#include "quant_simd.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define GEMV_ROWS 8
/// Bytes ahead of the row-by-row Q6_K kernel at which its weights are prefetched.
#define Q6K_PREFETCH 2048

/// Row i of the group starting at row r: the last valid row again past `count` (its lanes are not stored).
static ALWAYS_INLINE const uint8_t *gemv_row(const uint8_t *w, size_t wb, int64_t r, int i, int count) {
    return w + (size_t)(r + (i < count ? i : count - 1)) * wb;
}

/// Stores the lanes of the valid rows.
AVX2 static ALWAYS_INLINE void gemv_store(float *dst, __m256 v, int count) {
    if (count == GEMV_ROWS) { _mm256_storeu_ps(dst, v); return; }
    float tmp[GEMV_ROWS];
    _mm256_storeu_ps(tmp, v);
    for (int i = 0; i < count; i++) dst[i] = tmp[i];
}

/// Sums of 8 int32 vectors, v[i]'s total in lane i.
AVX2 static ALWAYS_INLINE __m256i gemv_reduce8(const __m256i v[8]) {
    const __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
    const __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(v[4], v[5]), _mm256_hadd_epi32(v[6], v[7]));
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
}

/// Prefetches part sb of nsb of the bytes [p, p + len): the next row group streams in while this one is
/// computed (the rows of a group are read interleaved, which the hardware prefetchers do not follow).
AVX2 static ALWAYS_INLINE void prefetch_part(const uint8_t *p, size_t len, int64_t sb, int64_t nsb) {
    const size_t b = (len * (size_t)sb / (size_t)nsb) & ~(size_t)63, e = len * (size_t)(sb + 1) / (size_t)nsb;
    for (size_t o = b; o < e; o += 64) _mm_prefetch((const char *)p + o, _MM_HINT_T0);
}

// ---- Q4_K -------------------------------------------------------------------------------------------

/// Scales of one super-block of 8 rows, unpacked with SIMD (the same values as cq_scales_mins_k4).
typedef struct {
    uint32_t sc[8][GEMV_ROWS] __attribute__((aligned(32)));  // [sub-block][row]: the 6-bit scale in both 16-bit halves
    __m256i mins[4];  // [j]: lane i = min(2j) | min(2j+1) << 16 of row i
    __m256 d, dmin;   // lane i: row i's super-block scales
} q4k_scales8;

/// Byte k of each 32-bit lane into both 16-bit halves of the lane (zero-extended).
AVX2 static ALWAYS_INLINE __m256i byte_to_halves(__m256i v, int k) {
    const __m128i c = _mm_setr_epi8(k, -1, k, -1, 4 + k, -1, 4 + k, -1, 8 + k, -1, 8 + k, -1, 12 + k, -1, 12 + k, -1);
    return _mm256_shuffle_epi8(v, _mm256_broadcastsi128_si256(c));
}

/// Bytes k, k+1 of each 32-bit lane as its two 16-bit halves (zero-extended).
AVX2 static ALWAYS_INLINE __m256i bytes_to_halves(__m256i v, int k) {
    const __m128i c = _mm_setr_epi8(k, -1, k + 1, -1, 4 + k, -1, 5 + k, -1, 8 + k, -1, 9 + k, -1, 12 + k, -1, 13 + k, -1);
    return _mm256_shuffle_epi8(v, _mm256_broadcastsi128_si256(c));
}

/// The 16-byte heads (d, dmin, 12 scale bytes) of super-block sb of 8 rows, transposed to 32-bit
/// words: h[0] lane i = d | dmin << 16 of row i, h[1..3] = its scale words. Lanes 0-3 are rows 0-3,
/// lanes 4-7 rows 4-7.
AVX2 static ALWAYS_INLINE void q4k_heads8(const blk_q4_K *const x[8], __m256i h[4]) {
    __m256i r[4];
    for (int i = 0; i < 4; i++)
        r[i] = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)x[i])),
                                       _mm_loadu_si128((const __m128i *)x[i + 4]), 1);
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    h[0] = _mm256_unpacklo_epi64(t0, t2); h[1] = _mm256_unpackhi_epi64(t0, t2);
    h[2] = _mm256_unpacklo_epi64(t1, t3); h[3] = _mm256_unpackhi_epi64(t1, t3);
}

AVX2 static ALWAYS_INLINE void q4k_scales8_load(q4k_scales8 *s, const blk_q4_K *const x[8]) {
    __m256i h[4];
    q4k_heads8(x, h);
    // as cq_scales_mins_k4, on the words of 8 rows at once
    const __m256i m6 = _mm256_set1_epi8(0x3F), m4 = _mm256_set1_epi8(0x0F), top2 = _mm256_set1_epi8(0x30);
    const __m256i s_lo = _mm256_and_si256(h[1], m6), m_lo = _mm256_and_si256(h[2], m6);
    const __m256i s_hi = _mm256_or_si256(_mm256_and_si256(h[3], m4), _mm256_and_si256(_mm256_srli_epi32(h[1], 2), top2));
    const __m256i m_hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(h[3], 4), m4), _mm256_and_si256(_mm256_srli_epi32(h[2], 2), top2));
    for (int k = 0; k < 4; k++) {
        _mm256_store_si256((__m256i *)s->sc[k], byte_to_halves(s_lo, k));
        _mm256_store_si256((__m256i *)s->sc[k + 4], byte_to_halves(s_hi, k));
    }
    s->mins[0] = bytes_to_halves(m_lo, 0); s->mins[1] = bytes_to_halves(m_lo, 2);
    s->mins[2] = bytes_to_halves(m_hi, 0); s->mins[3] = bytes_to_halves(m_hi, 2);
    // d (low halves) and dmin (high halves) packed as 16-bit rows 0-3 | 4-7, then converted
    const __m256i dd = _mm256_packus_epi32(_mm256_and_si256(h[0], _mm256_set1_epi32(0xFFFF)), _mm256_srli_epi32(h[0], 16));
    const __m256i ordered = _mm256_permute4x64_epi64(dd, 0xD8);  // d rows 0-7 | dmin rows 0-7
    s->d = _mm256_cvtph_ps(_mm256_castsi256_si128(ordered));
    s->dmin = _mm256_cvtph_ps(_mm256_extracti128_si256(ordered, 1));
}

/// Exact Σ scale·q·a of one row's super-block in 8 int32 lanes (as avx_q4_K, before its horizontal sum).
AVX2 static ALWAYS_INLINE __m256i q4k_row_sums(const blk_q4_K *x, const int8_t *a, const q4k_scales8 *s, int i) {
    const __m256i m4 = _mm256_set1_epi8(0xF);
    const uint8_t *q = x->qs;
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(q + 32 * j));
        const __m256i lo = _mm256_and_si256(bits, m4), hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
        const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(a + 64 * j)));
        const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 64 * j + 32)));
        sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p0, _mm256_set1_epi32((int)s->sc[2 * j][i])));
        sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p1, _mm256_set1_epi32((int)s->sc[2 * j + 1][i])));
    }
    return sumi;
}

/// lane i: Σ min·(sum of the sub-block's 32 activations) of row i.
AVX2 static ALWAYS_INLINE __m256i q4k_min_sums8(const q4k_scales8 *s, const blk_q8_K *y) {
    uint32_t bp[4];  // pair j: sums of sub-blocks 2j, 2j+1 as 16-bit halves
    _mm_storeu_si128((__m128i *)bp, _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)y->bsums), _mm_loadu_si128((const __m128i *)(y->bsums + 8))));
    __m256i m = _mm256_madd_epi16(s->mins[0], _mm256_set1_epi32((int)bp[0]));
    for (int j = 1; j < 4; j++) m = _mm256_add_epi32(m, _mm256_madd_epi16(s->mins[j], _mm256_set1_epi32((int)bp[j])));
    return m;
}

/// Q4_K rows [r0, r1) × T tokens with the rounding of avx_q4_K.
AVX2 static ALWAYS_INLINE void q4k_gemv(const int T, const uint8_t *w, int64_t cols, const uint8_t *act,
                                        float *out, int64_t stride, int64_t r0, int64_t r1) {
    const size_t wb = cq_row_bytes(CQ_Q4_K, cols), ab = cq_act_row_bytes(CQ_Q4_K, cols);
    const int64_t nsb = cols / QKK;
    q4k_scales8 s;
    for (int64_t r = r0; r < r1; r += GEMV_ROWS) {
        const int count = r1 - r < GEMV_ROWS ? (int)(r1 - r) : GEMV_ROWS;
        const int64_t rn = r1 - r - GEMV_ROWS;  // rows after this group
        const size_t next = rn <= 0 ? 0 : (size_t)(rn < GEMV_ROWS ? rn : GEMV_ROWS) * wb;
        const blk_q4_K *x[GEMV_ROWS];
        for (int i = 0; i < GEMV_ROWS; i++) x[i] = (const blk_q4_K *)gemv_row(w, wb, r, i, count);
        __m256 acc[3], accm[3];
        for (int k = 0; k < T; k++) { acc[k] = _mm256_setzero_ps(); accm[k] = _mm256_setzero_ps(); }
        for (int64_t sb = 0; sb < nsb; sb++) {
            const blk_q4_K *xs[GEMV_ROWS];
            for (int i = 0; i < GEMV_ROWS; i++) xs[i] = x[i] + sb;
            q4k_scales8_load(&s, xs);
            prefetch_part(w + (size_t)(r + GEMV_ROWS) * wb, next, sb, nsb);
            for (int k = 0; k < T; k++) {
                const blk_q8_K *y = (const blk_q8_K *)(act + (size_t)k * ab) + sb;
                __m256i v[GEMV_ROWS];
                for (int i = 0; i < GEMV_ROWS; i++) v[i] = q4k_row_sums(xs[i], y->qs, &s, i);
                const __m256 yd = _mm256_set1_ps(y->d);
                acc[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(gemv_reduce8(v)), _mm256_mul_ps(s.d, yd), acc[k]);
                accm[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q4k_min_sums8(&s, y)), _mm256_mul_ps(s.dmin, yd), accm[k]);
            }
        }
        for (int k = 0; k < T; k++) gemv_store(out + k * stride + r, _mm256_sub_ps(acc[k], accm[k]), count);
    }
}

// ---- Q6_K -------------------------------------------------------------------------------------------

/// Q6_K rows [r0, r1) × one token (activation row y), as avx_q6_K, row by row (several rows at once
/// gain nothing here); the weights are prefetched Q6K_PREFETCH bytes ahead.
AVX2 static void q6k_gemv(const uint8_t *w, int64_t cols, const blk_q8_K *y, float *out, int64_t r0, int64_t r1) {
    const size_t wb = cq_row_bytes(CQ_Q6_K, cols);
    const int64_t nsb = cols / QKK;
    for (int64_t r = r0; r < r1; r++) {
        const blk_q6_K *x = (const blk_q6_K *)(w + (size_t)r * wb);
        __m256 acc = _mm256_setzero_ps();
        for (int64_t sb = 0; sb < nsb; sb++) {
            const char *p = (const char *)&x[sb] + Q6K_PREFETCH;
            for (int l = 0; l < 4; l++) _mm_prefetch(p + 64 * l, _MM_HINT_T0);
            const float d = y[sb].d * h2f(x[sb].d);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q6_K_block_lanes(&x[sb], &y[sb])), acc);
        }
        out[r] = hsum_ps(acc);
    }
}

AVX2 int cq_gemv_range_avx2(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                            float *out, int64_t stride, int64_t r0, int64_t r1) {
    const uint8_t *wp = w, *ap = act;
    if (t == CQ_Q4_K && ntok < 4) {
        switch (ntok) {
        case 1: q4k_gemv(1, wp, cols, ap, out, stride, r0, r1); return 1;
        case 2: q4k_gemv(2, wp, cols, ap, out, stride, r0, r1); return 1;
        case 3: q4k_gemv(3, wp, cols, ap, out, stride, r0, r1); return 1;
        default: return 0;
        }
    }
    if (t == CQ_Q6_K && cq_kernel_for(CQ_Q6_K, ntok, 0) == CQ_Q6_K) {
        const size_t ab = cq_act_row_bytes(CQ_Q6_K, cols);
        for (int64_t k = 0; k < ntok; k++) q6k_gemv(wp, cols, (const blk_q8_K *)(ap + (size_t)k * ab), out + k * stride, r0, r1);
        return 1;
    }
    return 0;
}

#else
int cq_gemv_range_avx2(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                       float *out, int64_t stride, int64_t r0, int64_t r1) {
    (void)t; (void)w; (void)cols; (void)act; (void)ntok; (void)out; (void)stride; (void)r0; (void)r1;
    return 0;
}
#endif
