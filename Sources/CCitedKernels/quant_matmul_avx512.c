// Multi-token AVX-512 matmul kernels (F, BW, VL, DQ, VNNI) and the Q8_K activation quantizer; chosen
// at run time by quant.c when the CPU runs them (see cq_isa).
//
// Rounding: bit-equal to the AVX2 kernels of quant_matmul_avx2.c, hence to the pair kernels cq_kernel_for
// names. Only exact integer work changes: vpdpbusd (u8·s8, 4 products summed into an int32 lane) replaces
// vpmaddubsw + vpmaddwd, which is exact as long as vpmaddubsw does not saturate (no pair of products
// reaches 2^15 for these formats: |weight| ≤ 128, |activation| ≤ 127, or 6-bit weights). Every float
// operation of an output element (scale products, fma chains, horizontal sums) is the AVX2 one, in the
// same order; the wider registers only hold more rows or tokens side by side.
// - 32-value blocks (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0): two tokens per 512-bit accumulator (a token's 8
//   float lanes in each half); for the signed types the activations are stored as u8 a+128 and each
//   weight row's 4-value sums times -128 start the integer sums, so one vpdpbusd per pair of tokens
//   gives the exact Σ w·a (no sign trick per token); from 4 tokens on.
// - Q4_K: 16 weight rows in the int32 lanes (rows interleaved 4 bytes per lane by gathers), vpdpbusd
//   against the broadcast activation bytes, sub-block scales applied by one multiply per 32 values.
// - Q6_K (tiled rounding, 8+ tokens): 16 rows in the lanes as Q4_K, each 16-value group's sum started
//   from -32·bsum and multiplied by its scale.
#include <math.h>
#include <stdlib.h>
#include "quant_internal.h"

#if defined(__x86_64__)
#include "quant_simd.h"

#define AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define ALWAYS_INLINE inline __attribute__((always_inline))

/// Token rows per tile of the 32-value block kernels (as the AVX2 kernels).
#define TOKEN_TILE 64
/// Token rows per tile of the K-quant kernels: a 16-row super-block is decoded (by gathers) once per tile.
/// A multiple of 4 (the Q4_K groups must not straddle tiles).
#ifndef K_TILE
#define K_TILE 128
#endif

// ---- 32-value blocks -------------------------------------------------------------------------------

/// One decoded 32-value weight block. Signed types (Q4_0, Q5_0, Q8_0): the weights as s8 and -128 times
/// each 4-value sum of them, since the activations are stored as u8 a+128 (Σ w·(a+128) - 128·Σ w = Σ w·a,
/// exact in int32). Q4_1, Q5_1: the weights as u8 (the activations stay s8), init zero.
typedef struct { __m256i w, init; } blk32_dec512;

AVX512 static ALWAYS_INLINE void blk32_decode_row512(const int t, const uint8_t *wr, int64_t nb, blk32_dec512 *dec, float *dw, float *mw) {
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const size_t wbs = blk32_bytes(t);
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * wbs;
        const __m256i q = blk32_weights(t, blk);
        dec[b].w = q;
        dec[b].init = has_min ? _mm256_setzero_si256()
                              : _mm256_sub_epi32(_mm256_setzero_si256(),
                                                 _mm256_slli_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(1), q), 7));
        uint16_t h; memcpy(&h, blk, 2); dw[b] = h2f(h);
        if (has_min) { memcpy(&h, blk + 2, 2); mw[b] = h2f(h); }
    }
}

/// A tile's activations block-major (as blk32_tile_act of the AVX2 file), 16 spare floats after d and s.
typedef struct { __m256i *qs; float *d, *s; } blk32_tile_act512;

/// One decoded row times T tokens (T ≤ 16) from tile token k0; out[k*stride]. Per (row, token), as
/// blk32_tile: acc = fma(d_w*d_a, (float)lane_int, acc) over the blocks, hsum_ps, then + the min chain.
AVX512 static ALWAYS_INLINE void blk32_tile512(const int t, const int T, const blk32_dec512 *dec, const float *dw, const float *mw,
                                               const blk32_tile_act512 *ta, int64_t k0, int64_t nb, float *out, int64_t stride) {
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const int P = T / 2, odd = T & 1;
    __m512 acc[8];
    __m256 acc1 = _mm256_setzero_ps();
    __m512 summ = _mm512_setzero_ps();
    for (int p = 0; p < P; p++) acc[p] = _mm512_setzero_ps();
    const __m256i *qs = ta->qs + k0;
    const float *da = ta->d + k0, *sa = ta->s + k0;
    const __m512i zero = _mm512_setzero_si512();
    for (int64_t b = 0; b < nb; b++, qs += TOKEN_TILE, da += TOKEN_TILE, sa += TOKEN_TILE) {
        // d_w·d_a of 16 tokens (lanes past T read the tile's next values: unused)
        const __m512 d = _mm512_mul_ps(_mm512_set1_ps(dw[b]), _mm512_loadu_ps(da));
        if (has_min) summ = _mm512_fmadd_ps(_mm512_set1_ps(mw[b]), _mm512_loadu_ps(sa), summ);
        const __m512i wq = _mm512_broadcast_i64x4(dec[b].w), init = _mm512_broadcast_i64x4(dec[b].init);
        for (int p = 0; p < P; p++) {
            const __m512i a = _mm512_loadu_si512((const void *)(qs + 2 * p));
            // lane sums of 4 products: u8 weights · s8 activations, or u8 (a+128) · s8 weights from init
            const __m512i li = has_min ? _mm512_dpbusd_epi32(zero, wq, a) : _mm512_dpbusd_epi32(init, a, wq);
            const __m512i pick = _mm512_set_epi32(2 * p + 1, 2 * p + 1, 2 * p + 1, 2 * p + 1, 2 * p + 1, 2 * p + 1, 2 * p + 1, 2 * p + 1,
                                                  2 * p, 2 * p, 2 * p, 2 * p, 2 * p, 2 * p, 2 * p, 2 * p);
            acc[p] = _mm512_fmadd_ps(_mm512_permutexvar_ps(pick, d), _mm512_cvtepi32_ps(li), acc[p]);
        }
        if (odd) {
            const __m256i a = _mm256_loadu_si256(qs + 2 * P);
            const __m256i li = has_min ? _mm256_dpbusd_epi32(_mm256_setzero_si256(), dec[b].w, a) : _mm256_dpbusd_epi32(dec[b].init, a, dec[b].w);
            acc1 = _mm256_fmadd_ps(_mm256_set1_ps(da[2 * P] * dw[b]), _mm256_cvtepi32_ps(li), acc1);
        }
    }
    float sm[16];
    _mm512_storeu_ps(sm, summ);
    for (int p = 0; p < P; p++) {
        const __m256 lo = _mm512_castps512_ps256(acc[p]);
        const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[p]), 1));
        out[(int64_t)(2 * p) * stride] = has_min ? hsum_ps(lo) + sm[2 * p] : hsum_ps(lo);
        out[(int64_t)(2 * p + 1) * stride] = has_min ? hsum_ps(hi) + sm[2 * p + 1] : hsum_ps(hi);
    }
    if (odd) out[(int64_t)(2 * P) * stride] = has_min ? hsum_ps(acc1) + sm[2 * P] : hsum_ps(acc1);
}

static _Thread_local void *scratch512;
static _Thread_local size_t scratch512_len;

static void *scratch_buffer512(size_t n) {
    if (n > scratch512_len) {
        free(scratch512);
        scratch512 = aligned_alloc(64, (n + 63) & ~(size_t)63);
        scratch512_len = scratch512 ? n : 0;
    }
    return scratch512;
}

/// Rows [r0, r1) × all tokens (4 or more) for one 32-value block type: token tiles outermost, each row
/// decoded once per tile, tokens in groups of 16 and tails. 0 when the scratch cannot be had.
AVX512 static ALWAYS_INLINE int blk32_matmul512(const int t, const uint8_t *w, int64_t cols, const uint8_t *act, int64_t ntok,
                                                float *out, int64_t stride, int64_t r0, int64_t r1) {
    const size_t wb = cq_row_bytes(t, cols), ab = cq_act_row_bytes(t, cols);
    const int64_t nb = cols / QK;
    const int has_min = t == CQ_Q4_1 || t == CQ_Q5_1;
    const size_t abs_ = has_min ? sizeof(blk_q8_1) : sizeof(blk_q8_0), aq = has_min ? 4 : 2;
    const size_t tile_vals = (size_t)nb * TOKEN_TILE;
    uint8_t *scratch = scratch_buffer512((size_t)nb * sizeof(blk32_dec512) + tile_vals * (32 + 2 * sizeof(float))
                                         + sizeof(float) * (2 * 16 + 2 * (size_t)nb));
    if (!scratch) return 0;
    blk32_dec512 *dec = (blk32_dec512 *)scratch;
    blk32_tile_act512 ta = { (__m256i *)(dec + nb), NULL, NULL };
    ta.d = (float *)(ta.qs + tile_vals);
    ta.s = ta.d + tile_vals + 16;
    float *dw = ta.s + tile_vals + 16, *mw = dw + nb;
    for (int64_t t0 = 0; t0 < ntok; t0 += TOKEN_TILE) {
        const int64_t t1 = t0 + TOKEN_TILE < ntok ? t0 + TOKEN_TILE : ntok;
        for (int64_t k = t0; k < t1; k++)
            for (int64_t b = 0; b < nb; b++) {
                const uint8_t *ablk = act + (size_t)k * ab + (size_t)b * abs_;
                const size_t at = (size_t)b * TOKEN_TILE + (size_t)(k - t0);
                const __m256i a = _mm256_loadu_si256((const __m256i *)(ablk + aq));
                // signed types: stored as u8 a+128 (see blk32_dec512)
                _mm256_store_si256(ta.qs + at, has_min ? a : _mm256_xor_si256(a, _mm256_set1_epi8((char)0x80)));
                uint16_t h; memcpy(&h, ablk, 2);
                ta.d[at] = h2f(h);
                if (has_min) { memcpy(&h, ablk + 2, 2); ta.s[at] = h2f(h); }
            }
        for (int64_t r = r0; r < r1; r++) {
            blk32_decode_row512(t, w + (size_t)r * wb, nb, dec, dw, mw);
            int64_t k = t0;
#define BLK32_TILE(T) blk32_tile512(t, T, dec, dw, mw, &ta, k - t0, nb, out + k * stride + r, stride)
            for (; k + 16 <= t1; k += 16) BLK32_TILE(16);
            if (k + 8 <= t1) { BLK32_TILE(8); k += 8; }
            if (k + 4 <= t1) { BLK32_TILE(4); k += 4; }
            switch (t1 - k) {
            case 3: BLK32_TILE(3); break;
            case 2: BLK32_TILE(2); break;
            case 1: BLK32_TILE(1); break;
            default: break;
            }
#undef BLK32_TILE
        }
    }
    return 1;
}

AVX512 static int matmul512_q4_0(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul512(CQ_Q4_0, w, c, a, n, o, s, r0, r1); }
AVX512 static int matmul512_q4_1(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul512(CQ_Q4_1, w, c, a, n, o, s, r0, r1); }
AVX512 static int matmul512_q5_0(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul512(CQ_Q5_0, w, c, a, n, o, s, r0, r1); }
AVX512 static int matmul512_q5_1(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul512(CQ_Q5_1, w, c, a, n, o, s, r0, r1); }
AVX512 static int matmul512_q8_0(const uint8_t *w, int64_t c, const uint8_t *a, int64_t n, float *o, int64_t s, int64_t r0, int64_t r1) { return blk32_matmul512(CQ_Q8_0, w, c, a, n, o, s, r0, r1); }

// ---- Q4_K, 16 rows in the lanes --------------------------------------------------------------------

/// One Q4_K super-block of 16 rows, interleaved: int32 lane i of every vector belongs to row i.
typedef struct {
    __m512i lo[4][8], hi[4][8];  // [j][s]: row i's values 4s..4s+3 of sub-block 2j (lo) and 2j+1 (hi)
    __m512i sc[4][2];            // [j]: lane i = scale of sub-block 2j (2j+1) of row i
    __m512i mins[4];             // [j]: lane i = min(2j) | min(2j+1) << 16 of row i
    __m512 d, dmin;              // lane i: row i's super-block scales
} q4k_rows16;

/// Decodes super-block sb of rows r .. r+15 (rows past `count` repeat the last valid one).
AVX512 static ALWAYS_INLINE void q4k_decode16(q4k_rows16 *g, const uint8_t *w, size_t wb, int64_t r, int count, int64_t sb) {
    const __m512i m4 = _mm512_set1_epi8(0xF);
    uint16_t d16[16], m16[16];
    uint32_t sc32[4][2][16], mp[4][16];
    int32_t off[16];
    const uint8_t *base = w + (size_t)r * wb + (size_t)sb * sizeof(blk_q4_K);
    for (int i = 0; i < 16; i++) {
        const int ri = i < count ? i : count - 1;
        off[i] = (int32_t)((size_t)ri * wb);
        const blk_q4_K *x = (const blk_q4_K *)(base + off[i]);
        uint8_t sc[8], mn[8];
        cq_scales_mins_k4(x->scales, sc, mn);
        for (int j = 0; j < 4; j++) {
            sc32[j][0][i] = sc[2 * j];
            sc32[j][1][i] = sc[2 * j + 1];
            mp[j][i] = (uint32_t)mn[2 * j] | (uint32_t)mn[2 * j + 1] << 16;
        }
        d16[i] = x->d; m16[i] = x->dmin;
    }
    const __m512i vidx = _mm512_loadu_si512(off);
    const uint8_t *qs = base + offsetof(blk_q4_K, qs);
    for (int j = 0; j < 4; j++) {
        for (int s = 0; s < 8; s++) {
            const __m512i v = _mm512_i32gather_epi32(vidx, (const void *)(qs + 32 * j + 4 * s), 1);
            g->lo[j][s] = _mm512_and_si512(v, m4);
            g->hi[j][s] = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
        }
        g->sc[j][0] = _mm512_loadu_si512(sc32[j][0]);
        g->sc[j][1] = _mm512_loadu_si512(sc32[j][1]);
        g->mins[j] = _mm512_loadu_si512(mp[j]);
    }
    g->d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)d16));
    g->dmin = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)m16));
}

/// The bsums of sub-blocks 2j and 2j+1 of y as one 32-bit word of two 16-bit sums (q8k_pair_bsums).
static ALWAYS_INLINE int32_t q8k_pair_word(const blk_q8_K *y, int j) {
    const uint16_t b0 = (uint16_t)(y->bsums[4 * j] + y->bsums[4 * j + 1]);
    const uint16_t b1 = (uint16_t)(y->bsums[4 * j + 2] + y->bsums[4 * j + 3]);
    return (int32_t)((uint32_t)b0 | (uint32_t)b1 << 16);
}

/// T tokens (T ≤ 4, from token k) of one super-block against the decoded rows: as matmul_q4_K of the AVX2
/// file, lane i of acc/accm being row i's. `gemm`: a float term per pair of sub-blocks, else per super-block.
AVX512 static ALWAYS_INLINE void q4k_tokens16(const q4k_rows16 *g, const int T, const int gemm, const uint8_t *act, size_t ab,
                                              int64_t k, int64_t sb, __m512 *acc, __m512 *accm) {
    const blk_q8_K *y[4];
    __m512 d[4], dmin[4], a[4], am[4];  // the accumulators in registers for the whole super-block
    __m512i S[4], M[4];
#pragma clang loop unroll(full)
    for (int u = 0; u < T; u++) {
        a[u] = acc[u]; am[u] = accm[u];
        y[u] = (const blk_q8_K *)(act + (size_t)(k + u) * ab) + sb;
        const __m512 yd = _mm512_set1_ps(y[u]->d);
        d[u] = _mm512_mul_ps(g->d, yd);
        dmin[u] = _mm512_mul_ps(g->dmin, yd);
        S[u] = _mm512_setzero_si512(); M[u] = _mm512_setzero_si512();
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < 4; j++) {
        // per token two chains for each of lo and hi (even and odd steps), so T = 1 is not latency-bound
        __m512i lo[4][2], hi[4][2];
#pragma clang loop unroll(full)
        for (int u = 0; u < T; u++) lo[u][0] = lo[u][1] = hi[u][0] = hi[u][1] = _mm512_setzero_si512();
#pragma clang loop unroll(full)
        for (int s = 0; s < 8; s++) {
            const __m512i wl = g->lo[j][s], wh = g->hi[j][s];
#pragma clang loop unroll(full)
            for (int u = 0; u < T; u++) {
                int32_t a0, a1;
                memcpy(&a0, y[u]->qs + 64 * j + 4 * s, 4); memcpy(&a1, y[u]->qs + 64 * j + 32 + 4 * s, 4);
                lo[u][s & 1] = _mm512_dpbusd_epi32(lo[u][s & 1], wl, _mm512_set1_epi32(a0));
                hi[u][s & 1] = _mm512_dpbusd_epi32(hi[u][s & 1], wh, _mm512_set1_epi32(a1));
            }
        }
#pragma clang loop unroll(full)
        for (int u = 0; u < T; u++) {
            const __m512i l = _mm512_add_epi32(lo[u][0], lo[u][1]), h = _mm512_add_epi32(hi[u][0], hi[u][1]);
            const __m512i s = _mm512_add_epi32(_mm512_mullo_epi32(l, g->sc[j][0]), _mm512_mullo_epi32(h, g->sc[j][1]));
            const __m512i m = _mm512_madd_epi16(g->mins[j], _mm512_set1_epi32(q8k_pair_word(y[u], j)));
            if (gemm) {
                a[u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), d[u], a[u]);
                am[u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(m), dmin[u], am[u]);
            } else {
                S[u] = _mm512_add_epi32(S[u], s);
                M[u] = _mm512_add_epi32(M[u], m);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int u = 0; u < T; u++) {
        if (!gemm) {
            a[u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(S[u]), d[u], a[u]);
            am[u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(M[u]), dmin[u], am[u]);
        }
        acc[u] = a[u]; accm[u] = am[u];
    }
}

/// Q4_K, 4 or more tokens: rows [r0, r1) in groups of 16; tokens below `ngemm` (a multiple of 4) with
/// the GEMM rounding, the others with the GEMV one (see dot_q4_K and dot_q4_K_gemm in quant.c).
AVX512 static void matmul512_q4_K(const uint8_t *w, int64_t cols, const uint8_t *act, int64_t ntok,
                                  float *out, int64_t stride, int64_t r0, int64_t r1, int64_t ngemm) {
    const size_t wb = cq_row_bytes(CQ_Q4_K, cols), ab = cq_act_row_bytes(CQ_Q4_K, cols);
    const int64_t nsb = cols / QKK;
    q4k_rows16 g;
    __m512 acc[K_TILE], accm[K_TILE];
    for (int64_t t0 = 0; t0 < ntok; t0 += K_TILE) {
        const int64_t t1 = t0 + K_TILE < ntok ? t0 + K_TILE : ntok;
        for (int64_t r = r0; r < r1; r += 16) {
            const int count = r1 - r < 16 ? (int)(r1 - r) : 16;
            for (int64_t k = t0; k < t1; k++) { acc[k - t0] = _mm512_setzero_ps(); accm[k - t0] = _mm512_setzero_ps(); }
            for (int64_t sb = 0; sb < nsb; sb++) {
                q4k_decode16(&g, w, wb, r, count, sb);
                int64_t k = t0;
                // groups of 4 start at multiples of 4, so each lies wholly below or above ngemm
                for (; k + 4 <= t1; k += 4) q4k_tokens16(&g, 4, k < ngemm, act, ab, k, sb, acc + (k - t0), accm + (k - t0));
                switch (t1 - k) {
                case 3: q4k_tokens16(&g, 3, k < ngemm, act, ab, k, sb, acc + (k - t0), accm + (k - t0)); break;
                case 2: q4k_tokens16(&g, 2, k < ngemm, act, ab, k, sb, acc + (k - t0), accm + (k - t0)); break;
                case 1: q4k_tokens16(&g, 1, k < ngemm, act, ab, k, sb, acc + (k - t0), accm + (k - t0)); break;
                default: break;
                }
            }
            const __mmask16 keep = (__mmask16)((1u << count) - 1);
            for (int64_t k = t0; k < t1; k++) _mm512_mask_storeu_ps(out + k * stride + r, keep, _mm512_sub_ps(acc[k - t0], accm[k - t0]));
        }
    }
}

// ---- Q6_K tiled, 16 rows in the lanes --------------------------------------------------------------

/// One Q6_K super-block of 16 rows, interleaved: int32 lane i of every vector belongs to row i.
typedef struct {
    __m512i w[64];   // [s]: row i's 6-bit values (0..63) of step s: 4 values, activation bytes at q6k_step_at(s)
    __m512i sc[16];  // [g]: lane i = scale g (16 values: steps 4g..4g+3) of row i
    __m512 d;        // lane i: row i's super-block scale
} q6k_rows16;

/// Activation offset of step s = (h·4 + k)·8 + l4: values 128h + 32k + 4·l4 .. +3 (scale 8h + 2k + l4/4 = s/4).
static ALWAYS_INLINE int q6k_step_at(int s) { return 128 * (s >> 5) + 32 * ((s >> 3) & 3) + 4 * (s & 7); }

AVX512 static ALWAYS_INLINE void q6k_decode16(q6k_rows16 *g, const uint8_t *w, size_t wb, int64_t r, int count, int64_t sb) {
    const __m512i m4 = _mm512_set1_epi8(0xF), m3 = _mm512_set1_epi8(3);
    uint16_t d16[16];
    int32_t off[16];
    const uint8_t *base = w + (size_t)r * wb + (size_t)sb * sizeof(blk_q6_K);
    for (int i = 0; i < 16; i++) {
        const int ri = i < count ? i : count - 1;
        off[i] = (int32_t)((size_t)ri * wb);
        d16[i] = ((const blk_q6_K *)(base + off[i]))->d;
    }
    const __m512i vidx = _mm512_loadu_si512(off);
    for (int h = 0; h < 2; h++)
        for (int l4 = 0; l4 < 8; l4++) {
            const __m512i l0 = _mm512_i32gather_epi32(vidx, (const void *)(base + offsetof(blk_q6_K, ql) + 64 * h + 4 * l4), 1);
            const __m512i l1 = _mm512_i32gather_epi32(vidx, (const void *)(base + offsetof(blk_q6_K, ql) + 64 * h + 32 + 4 * l4), 1);
            const __m512i hb = _mm512_i32gather_epi32(vidx, (const void *)(base + offsetof(blk_q6_K, qh) + 32 * h + 4 * l4), 1);
            const int s0 = 32 * h + l4;  // step of k = 0; k adds 8
            g->w[s0] = _mm512_or_si512(_mm512_and_si512(l0, m4), _mm512_slli_epi16(_mm512_and_si512(hb, m3), 4));
            g->w[s0 + 8] = _mm512_or_si512(_mm512_and_si512(l1, m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(hb, 2), m3), 4));
            g->w[s0 + 16] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l0, 4), m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(hb, 4), m3), 4));
            g->w[s0 + 24] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l1, 4), m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(hb, 6), m3), 4));
        }
    for (int k = 0; k < 16; k++) {
        // scale k sign-extended: the low byte of the word at k, or for the last three (a word at k would
        // read past the block) the high byte of the word at k-3
        const __m512i v = _mm512_i32gather_epi32(vidx, (const void *)(base + offsetof(blk_q6_K, scales) + (k < 13 ? k : k - 3)), 1);
        g->sc[k] = k < 13 ? _mm512_srai_epi32(_mm512_slli_epi32(v, 24), 24) : _mm512_srai_epi32(v, 24);
    }
    g->d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)d16));
}

/// T tokens (T ≤ 4, from token k) of one super-block: lane i of acc[u] is row i's, as dot_q6_K_tiled:
/// the exact Σ scale·(q-32)·a (each 16-value group starts from -32·bsum), then fma(d_w·(float)Σ, d_a, acc).
AVX512 static ALWAYS_INLINE void q6k_tokens16(const q6k_rows16 *g, const int T, const uint8_t *act, size_t ab,
                                              int64_t k, int64_t sb, __m512 *acc) {
    const blk_q8_K *y[4];
    __m512i tot[4];
#pragma clang loop unroll(full)
    for (int u = 0; u < T; u++) { y[u] = (const blk_q8_K *)(act + (size_t)(k + u) * ab) + sb; tot[u] = _mm512_setzero_si512(); }
#pragma clang loop unroll(full)
    for (int gi = 0; gi < 16; gi++) {
        __m512i s[4];
#pragma clang loop unroll(full)
        for (int u = 0; u < T; u++) s[u] = _mm512_set1_epi32(-32 * (int32_t)y[u]->bsums[gi]);
#pragma clang loop unroll(full)
        for (int st = 4 * gi; st < 4 * gi + 4; st++) {
            const __m512i wv = g->w[st];
            const int at = q6k_step_at(st);
#pragma clang loop unroll(full)
            for (int u = 0; u < T; u++) {
                int32_t a4;
                memcpy(&a4, y[u]->qs + at, 4);
                s[u] = _mm512_dpbusd_epi32(s[u], wv, _mm512_set1_epi32(a4));
            }
        }
#pragma clang loop unroll(full)
        for (int u = 0; u < T; u++) tot[u] = _mm512_add_epi32(tot[u], _mm512_mullo_epi32(s[u], g->sc[gi]));
    }
#pragma clang loop unroll(full)
    for (int u = 0; u < T; u++) {
        const __m512 rr = _mm512_mul_ps(g->d, _mm512_cvtepi32_ps(tot[u]));
        acc[u] = _mm512_fmadd_ps(rr, _mm512_set1_ps(y[u]->d), acc[u]);
    }
}

/// Q6_K with the tiled rounding (dot_q6_K_tiled in quant.c), as matmul_q6_K_tiled of the AVX2 file:
/// rows [r0, r1) in groups of 16.
AVX512 static void matmul512_q6_K_tiled(const uint8_t *w, int64_t cols, const uint8_t *act, int64_t ntok,
                                        float *out, int64_t stride, int64_t r0, int64_t r1) {
    const size_t wb = cq_row_bytes(CQ_Q6_K, cols), ab = cq_act_row_bytes(CQ_Q6_K, cols);
    const int64_t nsb = cols / QKK;
    q6k_rows16 g;
    __m512 acc[K_TILE];
    for (int64_t t0 = 0; t0 < ntok; t0 += K_TILE) {
        const int64_t t1 = t0 + K_TILE < ntok ? t0 + K_TILE : ntok;
        for (int64_t r = r0; r < r1; r += 16) {
            const int count = r1 - r < 16 ? (int)(r1 - r) : 16;
            for (int64_t k = t0; k < t1; k++) acc[k - t0] = _mm512_setzero_ps();
            for (int64_t sb = 0; sb < nsb; sb++) {
                q6k_decode16(&g, w, wb, r, count, sb);
                int64_t k = t0;
                for (; k + 4 <= t1; k += 4) q6k_tokens16(&g, 4, act, ab, k, sb, acc + (k - t0));
                switch (t1 - k) {
                case 3: q6k_tokens16(&g, 3, act, ab, k, sb, acc + (k - t0)); break;
                case 2: q6k_tokens16(&g, 2, act, ab, k, sb, acc + (k - t0)); break;
                case 1: q6k_tokens16(&g, 1, act, ab, k, sb, acc + (k - t0)); break;
                default: break;
                }
            }
            const __mmask16 keep = (__mmask16)((1u << count) - 1);
            for (int64_t k = t0; k < t1; k++) _mm512_mask_storeu_ps(out + k * stride + r, keep, acc[k - t0]);
        }
    }
}

int cq_matmul_range_avx512(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                           float *out, int64_t stride, int64_t r0, int64_t r1) {
    const uint8_t *wp = w, *ap = act;
    // below 4 tokens (decode) the AVX2 kernels decode in registers; nothing to gain here
    if (ntok < 4) return 0;
    switch (t) {
    case CQ_Q4_0: return matmul512_q4_0(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q4_1: return matmul512_q4_1(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q5_0: return matmul512_q5_0(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q5_1: return matmul512_q5_1(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q8_0: return matmul512_q8_0(wp, cols, ap, ntok, out, stride, r0, r1);
    case CQ_Q4_K:
        matmul512_q4_K(wp, cols, ap, ntok, out, stride, r0, r1, ntok - ntok % 4);
        return 1;
    case CQ_Q6_K:
        if (cq_kernel_for(CQ_Q6_K, ntok, 0) != CQ_Q6_K_TILED) return 0;
        matmul512_q6_K_tiled(wp, cols, ap, ntok, out, stride, r0, r1);
        return 1;
    default: return 0;
    }
}

// ---- activation quantization -----------------------------------------------------------------------

/// Q8_K as quantize_q8_K_ref: the value of largest magnitude (the first of ties) sets the scale
/// -127/max; each value is rounded to nearest even (as cq_nearest_int), capped at 127; bsums per 16.
AVX512 static void quantize_q8_K_512(const float *x, blk_q8_K *y, int64_t n) {
    const __m512 sign = _mm512_set1_ps(-0.0f);
    for (int64_t b = 0; b < n / QKK; b++, x += QKK) {
        __m512 v[16];
        __m512 mx = _mm512_setzero_ps();
        for (int i = 0; i < 16; i++) { v[i] = _mm512_loadu_ps(x + 16 * i); mx = _mm512_max_ps(mx, _mm512_andnot_ps(sign, v[i])); }
        const float amax = _mm512_reduce_max_ps(mx);
        if (amax == 0) { memset(&y[b], 0, sizeof(blk_q8_K)); continue; }
        const __m512 am = _mm512_set1_ps(amax);
        float max = 0;
        for (int i = 0; i < 16; i++) {
            const __mmask16 hit = _mm512_cmp_ps_mask(_mm512_andnot_ps(sign, v[i]), am, _CMP_EQ_OQ);
            if (hit) { max = x[16 * i + __builtin_ctz(hit)]; break; }
        }
        const float iscale = -127.f / max;
        const __m512 mul = _mm512_set1_ps(iscale);
        const __m512i cap = _mm512_set1_epi32(127);
        for (int i = 0; i < 16; i++) {
            const __m512i q = _mm512_min_epi32(_mm512_cvt_roundps_epi32(_mm512_mul_ps(mul, v[i]), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), cap);
            _mm_storeu_si128((__m128i *)(y[b].qs + 16 * i), _mm512_cvtepi32_epi8(q));
            y[b].bsums[i] = (int16_t)_mm512_reduce_add_epi32(q);
        }
        y[b].d = 1 / iscale;
    }
}

int cq_quantize_act_avx512(int wtype, const float *x, void *out, int64_t n) {
    if (cq_act_type(wtype) != CQ_Q8_K) return 0;  // Q8_0 and Q8_1: the AVX2 quantizer
    quantize_q8_K_512(x, out, n);
    return 1;
}

#else
int cq_matmul_range_avx512(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                           float *out, int64_t stride, int64_t r0, int64_t r1) {
    (void)t; (void)w; (void)cols; (void)act; (void)ntok; (void)out; (void)stride; (void)r0; (void)r1;
    return 0;
}
int cq_quantize_act_avx512(int wtype, const float *x, void *out, int64_t n) { (void)wtype; (void)x; (void)out; (void)n; return 0; }
#endif
