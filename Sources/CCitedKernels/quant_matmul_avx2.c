// Multi-token AVX2 matmul kernels. Each weight block is decoded once (nibbles, high bits, scales) and
// dotted with several tokens' activation blocks, instead of one cq_vec_dot call per (row, token).
//
// Rounding: for every output element the float operations are exactly those of the single-pair
// kernel that cq_kernel_for names (see quant_avx2.c); only the exact integer parts are computed in
// another order. Two layouts:
// - 32-value blocks (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0): one 8-lane float accumulator per (row, token), as
//   the pair kernels; a weight row is decoded once per 64-token tile and dotted with 8 tokens at a time
//   (below 4 tokens, each block is decoded in registers).
// - K-quants whose pair kernels fold each integer sum into one float (Q4_K GEMV and GEMM, Q6_K tiled):
//   8 weight rows side by side, row i in float lane i, so the scalar fma of each pair becomes lane i
//   of a vector fma; the 8 rows' blocks are decoded once into a small buffer reused by every token of
//   the tile (Q4_K interleaved 4 bytes per lane, so no horizontal sums are needed). Q4_K below 4 tokens
//   and Q6_K below 8 (its vec_dot rounding) go to the decode kernels of quant_gemv_avx2.c.
#include <math.h>
#include <stdlib.h>
#include "quant_internal.h"

#if defined(__x86_64__)
#include "quant_simd.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/// Token rows per tile: the tile's activations stay in L2 while the weight rows are decoded once per tile.
#ifndef TOKEN_TILE
#define TOKEN_TILE 64
#endif

// ---- 32-value blocks -------------------------------------------------------------------------------

/// One 32-value weight block, decoded: its bytes (offset removed for the signed types) and, for the
/// signed types, their magnitudes (the sign trick of dot_i8).
typedef struct { __m256i q, qa; } blk32_dec;

/// Decodes row wr (nb blocks) into dec, its scales (and mins) into dw (mw) as floats.
AVX2 static ALWAYS_INLINE void blk32_decode_row(const int t, const uint8_t *wr, int64_t nb, blk32_dec *dec, float *dw, float *mw) {
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const size_t wbs = blk32_bytes(t);
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * wbs;
        const __m256i q = blk32_weights(t, blk);
        dec[b].q = q;
        if (!has_min) dec[b].qa = _mm256_sign_epi8(q, q);
        uint16_t h; memcpy(&h, blk, 2); dw[b] = h2f(h);
        if (has_min) { memcpy(&h, blk + 2, 2); mw[b] = h2f(h); }
    }
}

/// A token tile's activations regrouped block-major: block b of the tile's token k at qs[b*TOKEN_TILE + k],
/// its scale (and Q8_1 sum) as floats at d[b*TOKEN_TILE + k] (s[...]); 8 spare floats follow d and s.
typedef struct { __m256i *qs; float *d, *s; } blk32_tile_act;

/// One decoded weight row times T tokens of a tile (from tile token k0) over nb blocks; out[k*stride].
/// Per (row, token) as the pair kernels: acc = fma(d_w*d_a, (float)lane_int, acc) per block, then
/// hsum_ps; Q4_1/Q5_1 add the fma chain of m_w·s_a after it. The T products d_w*d_a of a block are
/// taken in one vector multiply (and the T min chains in one vector fma, token k in lane k).
AVX2 static ALWAYS_INLINE void blk32_tile(const int t, const int T, const blk32_dec *dec, const float *dw, const float *mw,
                                          const blk32_tile_act *ta, int64_t k0, int64_t nb, float *out, int64_t stride) {
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[8], summ = _mm256_setzero_ps();
    float d[8] __attribute__((aligned(32)));
    for (int k = 0; k < T; k++) acc[k] = _mm256_setzero_ps();
    const __m256i *qs = ta->qs + k0;
    const float *da = ta->d + k0, *sa = ta->s + k0;
    for (int64_t b = 0; b < nb; b++, qs += TOKEN_TILE, da += TOKEN_TILE, sa += TOKEN_TILE) {
        const __m256i q = dec[b].q, qa = dec[b].qa;
        // token lanes past T read the tile's next values (the scratch holds TOKEN_TILE + 8 per block)
        _mm256_store_ps(d, _mm256_mul_ps(_mm256_broadcast_ss(dw + b), _mm256_loadu_ps(da)));
        // keep d in memory: each token's scale is then a broadcast load, not two shuffles
        __asm__ volatile("" : : "r"(d) : "memory");
        if (has_min) summ = _mm256_fmadd_ps(_mm256_broadcast_ss(mw + b), _mm256_loadu_ps(sa), summ);
        for (int k = 0; k < T; k++) {
            const __m256i a = _mm256_load_si256(qs + k);
            const __m256i p = has_min ? _mm256_maddubs_epi16(q, a) : _mm256_maddubs_epi16(qa, _mm256_sign_epi8(a, q));
            const __m256 li = _mm256_cvtepi32_ps(_mm256_madd_epi16(p, ones));
            acc[k] = _mm256_fmadd_ps(_mm256_broadcast_ss(d + k), li, acc[k]);
        }
    }
    float sm[8];
    _mm256_storeu_ps(sm, summ);
    for (int k = 0; k < T; k++) out[(int64_t)k * stride] = has_min ? hsum_ps(acc[k]) + sm[k] : hsum_ps(acc[k]);
}

/// Few tokens (decode): each weight block decoded in registers and dotted with the T tokens at once,
/// no scratch; same float sequence as blk32_tile.
AVX2 static ALWAYS_INLINE void blk32_direct(const int t, const int T, const uint8_t *wr, const uint8_t *act, size_t ab,
                                            int64_t nb, float *out, int64_t stride) {
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const size_t wbs = blk32_bytes(t), abs_ = has_min ? sizeof(blk_q8_1) : sizeof(blk_q8_0), aq = has_min ? 4 : 2;
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[3];
    float summ[3];
    for (int k = 0; k < T; k++) { acc[k] = _mm256_setzero_ps(); summ[k] = 0; }
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * wbs;
        const __m256i q = blk32_weights(t, blk);
        const __m256i qa = has_min ? q : _mm256_sign_epi8(q, q);
        uint16_t h; memcpy(&h, blk, 2);
        const float d_w = h2f(h);
        float m_w = 0;
        if (has_min) { memcpy(&h, blk + 2, 2); m_w = h2f(h); }
        for (int k = 0; k < T; k++) {
            const uint8_t *ablk = act + (size_t)k * ab + (size_t)b * abs_;
            const __m256i a = _mm256_loadu_si256((const __m256i *)(ablk + aq));
            const __m256i p = has_min ? _mm256_maddubs_epi16(q, a) : _mm256_maddubs_epi16(qa, _mm256_sign_epi8(a, q));
            const __m256 li = _mm256_cvtepi32_ps(_mm256_madd_epi16(p, ones));
            memcpy(&h, ablk, 2);
            acc[k] = _mm256_fmadd_ps(_mm256_set1_ps(d_w * h2f(h)), li, acc[k]);
            if (has_min) { memcpy(&h, ablk + 2, 2); summ[k] = fmaf(m_w, h2f(h), summ[k]); }
        }
    }
    for (int k = 0; k < T; k++) out[(int64_t)k * stride] = has_min ? hsum_ps(acc[k]) + summ[k] : hsum_ps(acc[k]);
}

/// Per-thread scratch (32-byte aligned) of the 32-value block kernels.
static _Thread_local void *blk32_scratch;
static _Thread_local size_t blk32_scratch_len;

static void *scratch_buffer(size_t n) {
    if (n > blk32_scratch_len) {
        free(blk32_scratch);
        blk32_scratch = aligned_alloc(32, (n + 31) & ~(size_t)31);
        blk32_scratch_len = blk32_scratch ? n : 0;
    }
    return blk32_scratch;
}

/// Rows [r0, r1) × all tokens for one 32-value block type: token tiles outermost (regrouped
/// block-major, scales converted to float once), then each row, decoded once per tile, against groups
/// of 8 tokens and a tail; below 4 tokens, blk32_direct. Returns 0 when the scratch cannot be had.
AVX2 static ALWAYS_INLINE int blk32_matmul(const int t, const uint8_t *w, int64_t cols, const uint8_t *act, int64_t ntok,
                                           float *out, int64_t stride, int64_t r0, int64_t r1) {
    const size_t wb = cq_row_bytes(t, cols), ab = cq_act_row_bytes(t, cols);
    const int64_t nb = cols / QK;
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const size_t abs_ = has_min ? sizeof(blk_q8_1) : sizeof(blk_q8_0), aq = has_min ? 4 : 2;
    if (ntok < 4) {
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *wr = w + (size_t)r * wb;
            switch (ntok) {
            case 3: blk32_direct(t, 3, wr, act, ab, nb, out + r, stride); break;
            case 2: blk32_direct(t, 2, wr, act, ab, nb, out + r, stride); break;
            default: blk32_direct(t, 1, wr, act, ab, nb, out + r, stride); break;
            }
        }
        return 1;
    }
    const size_t tile_vals = (size_t)nb * TOKEN_TILE;
    uint8_t *scratch = scratch_buffer((size_t)nb * sizeof(blk32_dec) + tile_vals * (32 + 2 * sizeof(float)) + 2 * sizeof(float) * (size_t)(nb + 8));
    if (!scratch) return 0;
    blk32_dec *dec = (blk32_dec *)scratch;
    blk32_tile_act ta = { (__m256i *)(dec + nb), NULL, NULL };
    ta.d = (float *)(ta.qs + tile_vals);
    ta.s = ta.d + tile_vals + 8;
    float *dw = ta.s + tile_vals + 8, *mw = dw + nb;
    for (int64_t t0 = 0; t0 < ntok; t0 += TOKEN_TILE) {
        const int64_t t1 = t0 + TOKEN_TILE < ntok ? t0 + TOKEN_TILE : ntok;
        for (int64_t k = t0; k < t1; k++)
            for (int64_t b = 0; b < nb; b++) {
                const uint8_t *ablk = act + (size_t)k * ab + (size_t)b * abs_;
                const size_t at = (size_t)b * TOKEN_TILE + (size_t)(k - t0);
                _mm256_store_si256(ta.qs + at, _mm256_loadu_si256((const __m256i *)(ablk + aq)));
                uint16_t h; memcpy(&h, ablk, 2);
                ta.d[at] = h2f(h);
                if (has_min) { memcpy(&h, ablk + 2, 2); ta.s[at] = h2f(h); }
            }
        for (int64_t r = r0; r < r1; r++) {
            blk32_decode_row(t, w + (size_t)r * wb, nb, dec, dw, mw);
            int64_t k = t0;
#define BLK32_TILE(T) blk32_tile(t, T, dec, dw, mw, &ta, k - t0, nb, out + k * stride + r, stride)
            for (; k + 8 <= t1; k += 8) BLK32_TILE(8);
            for (; k + 4 <= t1; k += 4) BLK32_TILE(4);
            for (; k + 2 <= t1; k += 2) BLK32_TILE(2);
            if (k < t1) BLK32_TILE(1);
#undef BLK32_TILE
        }
    }
    return 1;
}

AVX2 static int matmul_q4_0(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul(CQ_Q4_0, w, c, a, n, o, s, r0, r1); }
AVX2 static int matmul_q4_1(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul(CQ_Q4_1, w, c, a, n, o, s, r0, r1); }
AVX2 static int matmul_q5_0(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul(CQ_Q5_0, w, c, a, n, o, s, r0, r1); }
AVX2 static int matmul_q5_1(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul(CQ_Q5_1, w, c, a, n, o, s, r0, r1); }
AVX2 static int matmul_q8_0(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul(CQ_Q8_0, w, c, a, n, o, s, r0, r1); }

// ---- K-quants, 8 rows in the lanes -----------------------------------------------------------------

/// Sums of 8 int32 vectors, v[i]'s total in lane i.
AVX2 static ALWAYS_INLINE __m256i reduce8_i32(const __m256i v[8]) {
    const __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
    const __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(v[4], v[5]), _mm256_hadd_epi32(v[6], v[7]));
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
}

/// The 8-row group starting at row r: row i is r+i, repeated as the last valid row past `count`.
static ALWAYS_INLINE const uint8_t *group_row(const uint8_t *w, size_t wb, int64_t r, int i, int count) {
    return w + (size_t)(r + (i < count ? i : count - 1)) * wb;
}

/// Stores the lanes of the valid rows.
AVX2 static ALWAYS_INLINE void store_rows(float *dst, __m256 v, int count) {
    if (count == 8) { _mm256_storeu_ps(dst, v); return; }
    float tmp[8];
    _mm256_storeu_ps(tmp, v);
    for (int i = 0; i < count; i++) dst[i] = tmp[i];
}

/// 8x8 transpose of 32-bit elements: out[s] lane i = in[i] lane s.
AVX2 static ALWAYS_INLINE void transpose8_i32(const __m256i in[8], __m256i out[8]) {
    __m256i t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_epi32(in[i], in[i + 1]);
        t[i + 1] = _mm256_unpackhi_epi32(in[i], in[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);
        u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);
        u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);
        u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    for (int i = 0; i < 4; i++) {
        out[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
        out[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
    }
}

/// One Q4_K super-block of 8 rows, interleaved: lane i of every vector belongs to row i.
typedef struct {
    __m256i lo[4][8], hi[4][8];  // [j][s]: row i's values 4s..4s+3 of sub-block 2j (lo) and 2j+1 (hi)
    __m256i sc[4][2];            // [j]: lane i = sub-block 2j (2j+1) scale of row i in both 16-bit halves
    __m256i mins[4];             // [j]: lane i = min(2j) | min(2j+1) << 16 of row i
    __m256 d, dmin;              // lane i: row i's super-block scales
} q4k_rows8;

AVX2 static ALWAYS_INLINE void q4k_decode8(q4k_rows8 *g, const uint8_t *w, size_t wb, int64_t r, int count, int64_t sb) {
    const __m256i m4 = _mm256_set1_epi8(0xF);
    uint16_t d16[8], m16[8];
    uint32_t sc32[4][2][8], mp[4][8];
    const blk_q4_K *x[8];
    for (int i = 0; i < 8; i++) {
        x[i] = (const blk_q4_K *)group_row(w, wb, r, i, count) + sb;
        uint8_t sc[8], mn[8];
        cq_scales_mins_k4(x[i]->scales, sc, mn);
        for (int j = 0; j < 4; j++) {
            sc32[j][0][i] = sc[2 * j] * 0x10001u;
            sc32[j][1][i] = sc[2 * j + 1] * 0x10001u;
            mp[j][i] = (uint32_t)mn[2 * j] | (uint32_t)mn[2 * j + 1] << 16;
        }
        d16[i] = x[i]->d; m16[i] = x[i]->dmin;
    }
    for (int j = 0; j < 4; j++) {
        __m256i rows[8], cols[8];
        for (int i = 0; i < 8; i++) rows[i] = _mm256_loadu_si256((const __m256i *)(x[i]->qs + 32 * j));
        transpose8_i32(rows, cols);
        for (int s = 0; s < 8; s++) {
            g->lo[j][s] = _mm256_and_si256(cols[s], m4);
            g->hi[j][s] = _mm256_and_si256(_mm256_srli_epi16(cols[s], 4), m4);
        }
        g->sc[j][0] = _mm256_loadu_si256((const __m256i *)sc32[j][0]);
        g->sc[j][1] = _mm256_loadu_si256((const __m256i *)sc32[j][1]);
        g->mins[j] = _mm256_loadu_si256((const __m256i *)mp[j]);
    }
    g->d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)d16));
    g->dmin = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)m16));
}

/// lane i: the exact Σ scale·q·a over sub-blocks 2j, 2j+1 of row i (activation values at a, 64 of them).
/// Eight steps of 4 values per row are summed in 16 bits (at most 8·2·15·127 < 2^15) before scaling.
AVX2 static ALWAYS_INLINE __m256i q4k_pair_sums(const q4k_rows8 *g, int j, const int8_t *a) {
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int s = 0; s < 8; s++) {
        int32_t a0, a1;
        memcpy(&a0, a + 4 * s, 4); memcpy(&a1, a + 32 + 4 * s, 4);
        lo = _mm256_add_epi16(lo, _mm256_maddubs_epi16(g->lo[j][s], _mm256_set1_epi32(a0)));
        hi = _mm256_add_epi16(hi, _mm256_maddubs_epi16(g->hi[j][s], _mm256_set1_epi32(a1)));
    }
    return _mm256_add_epi32(_mm256_madd_epi16(lo, g->sc[j][0]), _mm256_madd_epi16(hi, g->sc[j][1]));
}

/// lane i: min(2j)·(bsums of sub-block 2j) + min(2j+1)·(bsums of 2j+1) of row i; bpairs holds the
/// activation's 8 sums of 32 values as 16-bit pairs, pair j in 32-bit lane j.
AVX2 static ALWAYS_INLINE __m256i q4k_min_sums(const q4k_rows8 *g, int j, __m256i bpairs) {
    return _mm256_madd_epi16(g->mins[j], _mm256_permutevar8x32_epi32(bpairs, _mm256_set1_epi32(j)));
}

/// The 8 sums of 32 activation values (pairs of bsums) as 16-bit values, sub-blocks 2j, 2j+1 in lane j.
AVX2 static ALWAYS_INLINE __m256i q8k_pair_bsums(const blk_q8_K *y) {
    const __m128i b0 = _mm_loadu_si128((const __m128i *)y->bsums), b1 = _mm_loadu_si128((const __m128i *)(y->bsums + 8));
    return _mm256_castsi128_si256(_mm_hadd_epi16(b0, b1));
}

/// Q4_K: rows [r0, r1) in groups of 8; tokens below `ngemm` as the GEMM (a float term every 64 values),
/// the others as the GEMV (one per super-block); see dot_q4_K and dot_q4_K_gemm in quant.c.
AVX2 static void matmul_q4_K(const uint8_t *w, int64_t cols, const uint8_t *act, int64_t ntok,
                             float *out, int64_t stride, int64_t r0, int64_t r1, int64_t ngemm) {
    const size_t wb = cq_row_bytes(CQ_Q4_K, cols), ab = cq_act_row_bytes(CQ_Q4_K, cols);
    const int64_t nsb = cols / QKK;
    q4k_rows8 g;
    __m256 acc[TOKEN_TILE], accm[TOKEN_TILE];
    for (int64_t t0 = 0; t0 < ntok; t0 += TOKEN_TILE) {
        const int64_t t1 = t0 + TOKEN_TILE < ntok ? t0 + TOKEN_TILE : ntok;
        for (int64_t r = r0; r < r1; r += 8) {
            const int count = r1 - r < 8 ? (int)(r1 - r) : 8;
            for (int64_t k = t0; k < t1; k++) { acc[k - t0] = _mm256_setzero_ps(); accm[k - t0] = _mm256_setzero_ps(); }
            for (int64_t sb = 0; sb < nsb; sb++) {
                q4k_decode8(&g, w, wb, r, count, sb);
                for (int64_t k = t0; k < t1; k++) {
                    const blk_q8_K *y = (const blk_q8_K *)(act + (size_t)k * ab) + sb;
                    const __m256 yd = _mm256_set1_ps(y->d);
                    const __m256 d = _mm256_mul_ps(g.d, yd), dmin = _mm256_mul_ps(g.dmin, yd);
                    __m256 a = acc[k - t0], am = accm[k - t0];
                    const __m256i bp = q8k_pair_bsums(y);
                    if (k < ngemm) {
                        for (int j = 0; j < 4; j++) {
                            const __m256i s = q4k_pair_sums(&g, j, y->qs + 64 * j);
                            a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), d, a);
                            am = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q4k_min_sums(&g, j, bp)), dmin, am);
                        }
                    } else {
                        __m256i s = _mm256_setzero_si256(), m = _mm256_setzero_si256();
                        for (int j = 0; j < 4; j++) {
                            s = _mm256_add_epi32(s, q4k_pair_sums(&g, j, y->qs + 64 * j));
                            m = _mm256_add_epi32(m, q4k_min_sums(&g, j, bp));
                        }
                        a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), d, a);
                        am = _mm256_fmadd_ps(_mm256_cvtepi32_ps(m), dmin, am);
                    }
                    acc[k - t0] = a; accm[k - t0] = am;
                }
            }
            for (int64_t k = t0; k < t1; k++) store_rows(out + k * stride + r, _mm256_sub_ps(acc[k - t0], accm[k - t0]), count);
        }
    }
}

/// One Q6_K super-block of 8 rows, decoded.
typedef struct {
    __m256i v[8][8];    // [chunk][row]: 6-bit values (0..63) of 32-value chunk c (activation bytes 32c..)
    __m256i sc[8][8];   // [chunk][row]: the chunk's two 16-value scales, 16-bit, low half then high half
    __m256i off[8];     // [row]: the 16 scales times 32 as 16-bit lanes (for the -32 offset with bsums)
    __m256 d;           // lane i: row i's super-block scale
} q6k_rows8;

AVX2 static ALWAYS_INLINE void q6k_decode8(q6k_rows8 *g, const uint8_t *w, size_t wb, int64_t r, int count, int64_t sb) {
    const __m256i m4 = _mm256_set1_epi8(0xF), m3 = _mm256_set1_epi8(3);
    uint16_t d16[8];
    for (int i = 0; i < 8; i++) {
        const blk_q6_K *x = (const blk_q6_K *)group_row(w, wb, r, i, count) + sb;
        const uint8_t *ql = x->ql, *qh = x->qh;
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
            g->v[4 * h + 0][i] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(hb, m3), 4));
            g->v[4 * h + 1][i] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), m3), 4));
            g->v[4 * h + 2][i] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), m3), 4));
            g->v[4 * h + 3][i] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), m3), 4));
            for (int k = 0; k < 4; k++) {
                const int is = h * 8 + 2 * k;
                g->sc[4 * h + k][i] = _mm256_set_m128i(_mm_set1_epi16(x->scales[is + 1]), _mm_set1_epi16(x->scales[is]));
            }
            ql += 64; qh += 32;
        }
        g->off[i] = _mm256_slli_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)x->scales)), 5);
        d16[i] = x->d;
    }
    g->d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)d16));
}

/// Q6_K as the tiled path rounds it (dot_q6_K_tiled in quant.c): per super-block and row,
/// acc = fma(d_w·(float)Σ, d_a, acc).
AVX2 static void matmul_q6_K_tiled(const uint8_t *w, int64_t cols, const uint8_t *act, int64_t ntok,
                                   float *out, int64_t stride, int64_t r0, int64_t r1) {
    const size_t wb = cq_row_bytes(CQ_Q6_K, cols), ab = cq_act_row_bytes(CQ_Q6_K, cols);
    const int64_t nsb = cols / QKK;
    q6k_rows8 g;
    __m256 acc[TOKEN_TILE];
    for (int64_t t0 = 0; t0 < ntok; t0 += TOKEN_TILE) {
        const int64_t t1 = t0 + TOKEN_TILE < ntok ? t0 + TOKEN_TILE : ntok;
        for (int64_t r = r0; r < r1; r += 8) {
            const int count = r1 - r < 8 ? (int)(r1 - r) : 8;
            for (int64_t k = t0; k < t1; k++) acc[k - t0] = _mm256_setzero_ps();
            for (int64_t sb = 0; sb < nsb; sb++) {
                q6k_decode8(&g, w, wb, r, count, sb);
                for (int64_t k = t0; k < t1; k++) {
                    const blk_q8_K *y = (const blk_q8_K *)(act + (size_t)k * ab) + sb;
                    const __m256i bsums = _mm256_loadu_si256((const __m256i *)y->bsums);
                    __m256i v[8];
                    for (int i = 0; i < 8; i++) {
                        __m256i s = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_madd_epi16(bsums, g.off[i]));
                        for (int c = 0; c < 8; c++) {
                            const __m256i p = _mm256_maddubs_epi16(g.v[c][i], _mm256_loadu_si256((const __m256i *)(y->qs + 32 * c)));
                            s = _mm256_add_epi32(s, _mm256_madd_epi16(g.sc[c][i], p));
                        }
                        v[i] = s;
                    }
                    const __m256 rr = _mm256_mul_ps(g.d, _mm256_cvtepi32_ps(reduce8_i32(v)));
                    acc[k - t0] = _mm256_fmadd_ps(rr, _mm256_set1_ps(y->d), acc[k - t0]);
                }
            }
            for (int64_t k = t0; k < t1; k++) store_rows(out + k * stride + r, acc[k - t0], count);
        }
    }
}

int cq_matmul_range_avx2(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                         float *out, int64_t stride, int64_t r0, int64_t r1) {
    const uint8_t *wp = w, *ap = act;
    switch (t) {
    case CQ_Q4_0: return matmul_q4_0(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q4_1: return matmul_q4_1(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q5_0: return matmul_q5_0(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q5_1: return matmul_q5_1(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q8_0: return matmul_q8_0(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q4_K: {
        // below 4 tokens decoding 8 rows into the buffer costs more than it saves
        if (ntok < 4) return cq_gemv_range_avx2(t, w, cols, act, ntok, out, stride, r0, r1);
        // the tokens in whole groups of 4 take the GEMM rounding (see cq_kernel_for)
        const int64_t ngemm = ntok - ntok % 4;
        matmul_q4_K(wp, cols, ap, ntok, out, stride, r0, r1, ngemm);
        return 1;
    }
    case CQ_Q6_K:
        if (cq_kernel_for(CQ_Q6_K, ntok, 0) != CQ_Q6_K_TILED) return cq_gemv_range_avx2(t, w, cols, act, ntok, out, stride, r0, r1);
        matmul_q6_K_tiled(wp, cols, ap, ntok, out, stride, r0, r1);
        return 1;
    default: return 0;
    }
}

#else
int cq_matmul_range_avx2(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                         float *out, int64_t stride, int64_t r0, int64_t r1) {
    (void)t; (void)w; (void)cols; (void)act; (void)ntok; (void)out; (void)stride; (void)r0; (void)r1;
    return 0;
}
#endif
