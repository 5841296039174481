// Attention, RMSNorm, RoPE and SwiGLU with llama.cpp's numerics (see attention.h).
#include <math.h>
#include <string.h>
#include "attention.h"
#include "quant.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma,f16c")))
#endif

static uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

// exp(x) as ggml's SIMD expf computes it (so softmax and SiLU round like llama.cpp): x = n·ln2 + b with
// n = round(x / ln2) taken from the 1.5·2^23 shift, ln2 split in two parts, e^b - 1 by a degree-5
// polynomial in b, and 2^n built in the exponent bits. |n| > 126 splits 2^n into two factors so that
// results near the ends of the float range scale correctly; |n| > 192 saturates to 0 or infinity.
#define EXP_SHIFT 0x1.8p23f
#define EXP_INV_LN2 0x1.715476p+0f
#define EXP_LN2_HI 0x1.62e4p-1f
#define EXP_LN2_LO 0x1.7f7d1cp-20f
#define EXP_C1 0x1.ffffecp-1f
#define EXP_C2 0x1.fffdb6p-2f
#define EXP_C3 0x1.555e66p-3f
#define EXP_C4 0x1.573e2ep-5f
#define EXP_C5 0x1.0e4020p-7f

float cq_expf_ggml(float x) {
    const float z = fmaf(x, EXP_INV_LN2, EXP_SHIFT);
    const float n = z - EXP_SHIFT;
    const float b = fmaf(-n, EXP_LN2_LO, fmaf(-n, EXP_LN2_HI, x));
    const uint32_t e = f32_bits(z) << 23;
    const float k = bits_f32(e + f32_bits(1.0f));
    const float u = b * b;
    const float p = fmaf(fmaf(fmaf(EXP_C5, b, EXP_C4), u, fmaf(EXP_C3, b, EXP_C2)), u, EXP_C1 * b);
    if (!(fabsf(n) > 126)) return fmaf(p, k, k);
    const uint32_t g = n <= 0 ? 0x82000000u : 0;
    const float s1 = bits_f32(g + 0x7f000000u), s2 = bits_f32(e - g);
    if (fabsf(n) > 192) return s1 * s1;
    return fmaf(s2, p, s2) * s1;
}

static float hsum8_ref(const float *l) {
    return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

/// Sum of ggml's four 8-lane accumulators (lane i of accumulator k at l[8k+i]) in its reduce order:
/// k0+k2, k1+k3, then those two, then halves of 4 and two pairwise (hadd) steps.
static float reduce32_ref(const float *l) {
    float c[8];
    for (int i = 0; i < 8; i++) c[i] = (l[i] + l[16 + i]) + (l[8 + i] + l[24 + i]);
    const float t0 = c[0] + c[4], t1 = c[1] + c[5], t2 = c[2] + c[6], t3 = c[3] + c[7];
    return (t0 + t1) + (t2 + t3);
}

/// q·k as ggml_vec_dot_f16 (the single-token path): 32 lanes, leftovers added in double.
static float dot_f16_vec_ref(const uint16_t *a, const uint16_t *b, int n) {
    float lane[32] = {0};
    const int np = n & ~31;
    for (int i = 0; i < np; i++) lane[i & 31] += cq_f16_to_f32(a[i]) * cq_f16_to_f32(b[i]);
    double s = reduce32_ref(lane);
    for (int i = np; i < n; i++) s += (double)(cq_f16_to_f32(a[i]) * cq_f16_to_f32(b[i]));
    return (float)s;
}

static float dot_f16_ref(const uint16_t *a, const uint16_t *b, int n) {
    float lane[8] = {0};
    for (int i = 0; i < n; i++) lane[i & 7] += cq_f16_to_f32(a[i]) * cq_f16_to_f32(b[i]);
    return hsum8_ref(lane);
}

#if defined(__x86_64__)
AVX2 static __m256 exp8(__m256 x) {
    const __m256 shift = _mm256_set1_ps(EXP_SHIFT);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(EXP_INV_LN2), shift);
    const __m256 n = _mm256_sub_ps(z, shift);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_LN2_LO), _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_LN2_HI), x));
    const __m256i e = _mm256_slli_epi32(_mm256_castps_si256(z), 23);
    const __m256 k = _mm256_castsi256_ps(_mm256_add_epi32(e, _mm256_castps_si256(_mm256_set1_ps(1))));
    const __m256 absn = _mm256_andnot_ps(_mm256_set1_ps(-0.f), n);
    const __m256 big = _mm256_cmp_ps(absn, _mm256_set1_ps(126), _CMP_GT_OQ);
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 p = _mm256_fmadd_ps(
        _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(EXP_C5), b, _mm256_set1_ps(EXP_C4)), u,
                        _mm256_fmadd_ps(_mm256_set1_ps(EXP_C3), b, _mm256_set1_ps(EXP_C2))),
        u, _mm256_mul_ps(_mm256_set1_ps(EXP_C1), b));
    const __m256 normal = _mm256_fmadd_ps(p, k, k);
    if (!_mm256_movemask_ps(big)) return normal;
    const __m256i g = _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ)),
                                       _mm256_set1_epi32((int)0x82000000u));
    const __m256 s1 = _mm256_castsi256_ps(_mm256_add_epi32(g, _mm256_set1_epi32(0x7f000000)));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_sub_epi32(e, g));
    const __m256 huge = _mm256_cmp_ps(absn, _mm256_set1_ps(192), _CMP_GT_OQ);
    const __m256 scaled = _mm256_mul_ps(_mm256_fmadd_ps(s2, p, s2), s1);
    return _mm256_blendv_ps(_mm256_blendv_ps(normal, scaled, big), _mm256_mul_ps(s1, s1), huge);
}

/// Sum of 8 lanes in tinyBLAS's order: halves added, then ((0+2)+(1+3)).
AVX2 static float hsum8(__m256 v) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

AVX2 static float dot_f16_avx(const uint16_t *a, const uint16_t *b, int n) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i))),
                              _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i))), acc);
    if (i == n) return hsum8(acc);
    float lane[8];
    _mm256_storeu_ps(lane, acc);
    for (; i < n; i++) lane[i & 7] += _cvtsh_ss(a[i]) * _cvtsh_ss(b[i]);
    return hsum8_ref(lane);
}

/// e[j] = exp(s[j] - mx) for j < n (zero up to the next multiple of 8); returns the sum as ggml adds
/// it: each group of 8 summed in float, the groups in double.
AVX2 static double softmax_exp_avx(float *s, int64_t n, float mx) {
    double sum = 0;
    const __m256 vmx = _mm256_set1_ps(mx);
    for (int64_t j = 0; j < n; j += 8) {
        const int64_t left = n - j;
        if (left < 8) for (int64_t i = left; i < 8; i++) s[j + i] = -INFINITY;
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(s + j), vmx));
        _mm256_storeu_ps(s + j, e);
        sum += (double)hsum8(e);
    }
    return sum;
}

/// ggml_vec_dot_f16 on AVX2: four 8-lane accumulators over steps of 32, reduced as reduce32_ref.
AVX2 static float dot_f16_vec_avx(const uint16_t *a, const uint16_t *b, int n) {
    __m256 s[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps() };
    const int np = n & ~31;
    for (int i = 0; i < np; i += 32)
        for (int k = 0; k < 4; k++)
            s[k] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 8 * k))),
                                   _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i + 8 * k))), s[k]);
    s[0] = _mm256_add_ps(s[0], s[2]);
    s[1] = _mm256_add_ps(s[1], s[3]);
    s[0] = _mm256_add_ps(s[0], s[1]);
    const __m128 t0 = _mm_add_ps(_mm256_castps256_ps128(s[0]), _mm256_extractf128_ps(s[0], 1));
    const __m128 t1 = _mm_hadd_ps(t0, t0);
    double r = _mm_cvtss_f32(_mm_hadd_ps(t1, t1));
    for (int i = np; i < n; i++) r += (double)(_cvtsh_ss(a[i]) * _cvtsh_ss(b[i]));
    return (float)r;
}

/// lanes[j % 8] += p * v_j, as tinyBLAS accumulates the probabilities times the transposed V cache.
AVX2 static void axpy_f16_avx(float *y, const uint16_t *x, float a, int n) {
    const __m256 va = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))), va, _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * _cvtsh_ss(x[i]);
}

#endif

static double softmax_exp_ref(float *s, int64_t n, float mx) {
    double sum = 0;
    for (int64_t j = 0; j < n; j += 8) {
        float lane[8];
        for (int i = 0; i < 8; i++) lane[i] = j + i < n ? cq_expf_ggml(s[j + i] - mx) : 0.f;
        for (int i = 0; i < 8 && j + i < n; i++) s[j + i] = lane[i];
        sum += (double)hsum8_ref(lane);
    }
    return sum;
}

static void axpy_f16_ref(float *y, const uint16_t *x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] += a * cq_f16_to_f32(x[i]);
}

typedef struct {
    const float *q; int64_t ntok; int n_head, n_kv_head, hd;
    const uint16_t *kc, *vc; int64_t head_stride, pos0; float scale; float *out, *scratch; int simd;
} att_ctx;

/// llama.cpp multiplies by tinyBLAS for 2+ tokens (8 lanes) and by ggml_vec_dot_f16 for one (32 lanes).
static int sum_lanes(const att_ctx *c) { return c->ntok == 1 ? 32 : 8; }

/// One head of one token: scores, softmax and the weighted sum of values, each rounded as llama.cpp
/// rounds them (q and p to f16; exp by cq_expf_ggml; sums in tinyBLAS's lane order).
static void att_one(const att_ctx *c, int64_t t, int h, float *sc) {
    const int group = c->n_head / c->n_kv_head, kvh = h / group, hd = c->hd;
    const int64_t n = c->pos0 + t + 1;
    uint16_t q16[512];
    const float *q = c->q + t * (int64_t)c->n_head * hd + (int64_t)h * hd;
    for (int i = 0; i < hd; i++) q16[i] = cq_f32_to_f16(q[i]);
    const uint16_t *k = c->kc + kvh * c->head_stride, *v = c->vc + kvh * c->head_stride;
    float mx = -INFINITY;
    for (int64_t j = 0; j < n; j++) {
        float d;
#if defined(__x86_64__)
        if (sum_lanes(c) == 32) d = c->simd ? dot_f16_vec_avx(q16, k + j * hd, hd) : dot_f16_vec_ref(q16, k + j * hd, hd);
        else d = c->simd ? dot_f16_avx(q16, k + j * hd, hd) : dot_f16_ref(q16, k + j * hd, hd);
#else
        if (sum_lanes(c) == 32) d = dot_f16_vec_ref(q16, k + j * hd, hd);
        else d = dot_f16_ref(q16, k + j * hd, hd);
#endif
        sc[j] = d * c->scale;
        if (sc[j] > mx) mx = sc[j];
    }
#if defined(__x86_64__)
    const double sum = c->simd ? softmax_exp_avx(sc, n, mx) : softmax_exp_ref(sc, n, mx);
#else
    const double sum = softmax_exp_ref(sc, n, mx);
#endif
    const float inv = (float)(1.0 / sum);
    const int nl = sum_lanes(c);
    float lanes[32 * 512];
    memset(lanes, 0, sizeof(float) * (size_t)nl * (size_t)hd);
    for (int64_t j = 0; j < n; j++) {
        const float p = cq_f16_to_f32(cq_f32_to_f16(sc[j] * inv));
        if (p == 0) continue;
        float *acc = lanes + (j % nl) * hd;
#if defined(__x86_64__)
        if (c->simd) axpy_f16_avx(acc, v + j * hd, p, hd);
        else axpy_f16_ref(acc, v + j * hd, p, hd);
#else
        axpy_f16_ref(acc, v + j * hd, p, hd);
#endif
    }
    float *o = c->out + t * (int64_t)c->n_head * hd + (int64_t)h * hd;
    for (int i = 0; i < hd; i++) {
        float l[32];
        for (int r = 0; r < nl; r++) l[r] = lanes[r * hd + i];
        o[i] = nl == 32 ? reduce32_ref(l) : hsum8_ref(l);
    }
}

#if defined(__x86_64__)
/// The 8-lane path of att_one (two or more query tokens) for head sizes that are multiples of 8, with
/// the same float sequence per output:
/// - score j = hsum8 of the fma chain of f16(q)·k_j over hd/8 steps, times scale;
/// - o[i] = hsum8 of lanes l = 0..7, lane l the fma chain of p_j·v_j[i] over j ≡ l (mod 8), j rising.
/// Keys are scored four at a time (q converted once); for the values, each 8-wide chunk of the head
/// keeps its 8 lane accumulators in registers over all positions. A group of 8 positions whose p are
/// all zero is skipped, as att_one skips zero p; a zero p inside a group adds 0·v, which leaves the
/// lane unchanged for finite cache values.
AVX2 static void att_one_batch_avx(const att_ctx *c, int64_t t, int h, float *sc) {
    const int group = c->n_head / c->n_kv_head, kvh = h / group, hd = c->hd;
    const int64_t n = c->pos0 + t + 1;
    float qf[512] __attribute__((aligned(32)));
    const float *q = c->q + t * (int64_t)c->n_head * hd + (int64_t)h * hd;
    for (int i = 0; i < hd; i += 8)
        _mm256_store_ps(qf + i, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(q + i), _MM_FROUND_TO_NEAREST_INT)));
    const uint16_t *k = c->kc + kvh * c->head_stride, *v = c->vc + kvh * c->head_stride;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const uint16_t *k0 = k + j * hd, *k1 = k0 + hd, *k2 = k1 + hd, *k3 = k2 + hd;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < hd; i += 8) {
            const __m256 qi = _mm256_load_ps(qf + i);
            a0 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k0 + i))), a0);
            a1 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k1 + i))), a1);
            a2 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k2 + i))), a2);
            a3 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k3 + i))), a3);
        }
        // four hsum8 side by side: u = (l0+l4, l1+l5, l2+l6, l3+l7), then (u0+u2) + (u1+u3)
        const __m256 u01 = _mm256_add_ps(_mm256_permute2f128_ps(a0, a1, 0x31), _mm256_permute2f128_ps(a0, a1, 0x20));
        const __m256 u23 = _mm256_add_ps(_mm256_permute2f128_ps(a2, a3, 0x31), _mm256_permute2f128_ps(a2, a3, 0x20));
        const __m256 s01 = _mm256_add_ps(u01, _mm256_permute_ps(u01, 0x4E));
        const __m256 s23 = _mm256_add_ps(u23, _mm256_permute_ps(u23, 0x4E));
        const __m256 f01 = _mm256_add_ps(s01, _mm256_permute_ps(s01, 0xB1));  // totals in lanes 0 and 4
        const __m256 f23 = _mm256_add_ps(s23, _mm256_permute_ps(s23, 0xB1));
        const __m128 x01 = _mm_unpacklo_ps(_mm256_castps256_ps128(f01), _mm256_extractf128_ps(f01, 1));
        const __m128 x23 = _mm_unpacklo_ps(_mm256_castps256_ps128(f23), _mm256_extractf128_ps(f23, 1));
        _mm_storeu_ps(sc + j, _mm_mul_ps(_mm_movelh_ps(x01, x23), _mm_set1_ps(c->scale)));
    }
    for (; j < n; j++) {
        const uint16_t *kj = k + j * hd;
        __m256 a = _mm256_setzero_ps();
        for (int i = 0; i < hd; i += 8)
            a = _mm256_fmadd_ps(_mm256_load_ps(qf + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(kj + i))), a);
        sc[j] = hsum8(a) * c->scale;
    }
    float mx = -INFINITY;
    for (j = 0; j < n; j++) if (sc[j] > mx) mx = sc[j];
    const double sum = softmax_exp_avx(sc, n, mx);  // zeroes sc up to the next multiple of 8
    const __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
    const int64_t groups = (n + 7) / 8;
    uint8_t live[4096 / 8 + 1];
    uint8_t *nz = groups <= (int64_t)sizeof live ? live : NULL;
    for (int64_t m = 0; m < groups; m++) {
        const __m256 p = _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_mul_ps(_mm256_loadu_ps(sc + 8 * m), inv), _MM_FROUND_TO_NEAREST_INT));
        _mm256_storeu_ps(sc + 8 * m, p);
        if (nz) nz[m] = _mm256_movemask_ps(_mm256_cmp_ps(p, _mm256_setzero_ps(), _CMP_NEQ_UQ)) != 0;
    }
    const int64_t full = n / 8;
    float *o = c->out + t * (int64_t)c->n_head * hd + (int64_t)h * hd;
    for (int i = 0; i < hd; i += 8) {
        __m256 l[8];
        for (int r = 0; r < 8; r++) l[r] = _mm256_setzero_ps();
        const uint16_t *vi = v + i;
        for (int64_t m = 0; m < full; m++) {
            if (nz && !nz[m]) continue;
            const uint16_t *vm = vi + 8 * m * hd;
            const float *pm = sc + 8 * m;
            for (int r = 0; r < 8; r++)
                l[r] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(vm + r * hd))), _mm256_broadcast_ss(pm + r), l[r]);
        }
        for (int64_t jj = 8 * full; jj < n; jj++)
            l[jj & 7] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(vi + jj * hd))), _mm256_broadcast_ss(sc + jj), l[jj & 7]);
        const __m256 r = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(l[0], l[4]), _mm256_add_ps(l[2], l[6])),
                                       _mm256_add_ps(_mm256_add_ps(l[1], l[5]), _mm256_add_ps(l[3], l[7])));
        _mm256_storeu_ps(o + i, r);
    }
}

/// The 32-lane path of att_one (one query token, ggml_vec_dot_f16 numerics) for head sizes that are
/// multiples of 32, with the same float sequence per output:
/// - score j = reduce32-style sum of four 8-lane fma chains over steps of 32 (no leftovers), times scale;
/// - o[i] = reduce32_ref of lanes l = 0..31, lane l the fma chain of p_j·v_j[i] over j ≡ l (mod 32).
/// Two keys are scored at once (q converted once); the values are summed per 8-wide chunk of the head
/// in four passes of 8 lanes held in registers. A zero p adds 0·v, which leaves the lane unchanged for
/// finite cache values, as att_one's skip does.
AVX2 static void att_one_vec_avx(const att_ctx *c, int h, float *sc) {
    const int group = c->n_head / c->n_kv_head, kvh = h / group, hd = c->hd;
    const int64_t n = c->pos0 + 1;
    float qf[512] __attribute__((aligned(32)));
    const float *q = c->q + (int64_t)h * hd;
    for (int i = 0; i < hd; i += 8)
        _mm256_store_ps(qf + i, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(q + i), _MM_FROUND_TO_NEAREST_INT)));
    const uint16_t *k = c->kc + kvh * c->head_stride, *v = c->vc + kvh * c->head_stride;
    for (int64_t j = 0; j < n; j++) {
        const uint16_t *kj = k + j * hd;
        __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < hd; i += 32) {
            s0 = _mm256_fmadd_ps(_mm256_load_ps(qf + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(kj + i))), s0);
            s1 = _mm256_fmadd_ps(_mm256_load_ps(qf + i + 8), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(kj + i + 8))), s1);
            s2 = _mm256_fmadd_ps(_mm256_load_ps(qf + i + 16), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(kj + i + 16))), s2);
            s3 = _mm256_fmadd_ps(_mm256_load_ps(qf + i + 24), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(kj + i + 24))), s3);
        }
        s0 = _mm256_add_ps(_mm256_add_ps(s0, s2), _mm256_add_ps(s1, s3));
        const __m128 t0 = _mm_add_ps(_mm256_castps256_ps128(s0), _mm256_extractf128_ps(s0, 1));
        const __m128 t1 = _mm_hadd_ps(t0, t0);
        sc[j] = _mm_cvtss_f32(_mm_hadd_ps(t1, t1)) * c->scale;
    }
    float mx = -INFINITY;
    for (int64_t j = 0; j < n; j++) if (sc[j] > mx) mx = sc[j];
    const double sum = softmax_exp_avx(sc, n, mx);  // zeroes sc up to the next multiple of 8
    const __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
    for (int64_t j = 0; j < n; j += 8)
        _mm256_storeu_ps(sc + j, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_mul_ps(_mm256_loadu_ps(sc + j), inv), _MM_FROUND_TO_NEAREST_INT)));
    float *o = c->out + (int64_t)h * hd;
    for (int i = 0; i < hd; i += 8) {
        __m256 lanes[32];
        const uint16_t *vi = v + i;
        for (int pass = 0; pass < 4; pass++) {
            __m256 l[8];
            for (int r = 0; r < 8; r++) l[r] = _mm256_setzero_ps();
            int64_t j0 = 8 * pass;
            for (; j0 + 8 <= n; j0 += 32)
                for (int r = 0; r < 8; r++)
                    l[r] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(vi + (j0 + r) * hd))), _mm256_broadcast_ss(sc + j0 + r), l[r]);
            for (int r = 0; j0 + r < n && r < 8; r++)
                l[r] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(vi + (j0 + r) * hd))), _mm256_broadcast_ss(sc + j0 + r), l[r]);
            for (int r = 0; r < 8; r++) lanes[8 * pass + r] = l[r];
        }
        __m256 cc[8];
        for (int r = 0; r < 8; r++)
            cc[r] = _mm256_add_ps(_mm256_add_ps(lanes[r], lanes[16 + r]), _mm256_add_ps(lanes[8 + r], lanes[24 + r]));
        const __m256 u0 = _mm256_add_ps(cc[0], cc[4]), u1 = _mm256_add_ps(cc[1], cc[5]);
        const __m256 u2 = _mm256_add_ps(cc[2], cc[6]), u3 = _mm256_add_ps(cc[3], cc[7]);
        _mm256_storeu_ps(o + i, _mm256_add_ps(_mm256_add_ps(u0, u1), _mm256_add_ps(u2, u3)));
    }
}
#endif

static void att_task(void *ctx, int64_t b, int64_t e, int thread) {
    const att_ctx *c = ctx;
    float *sc = c->scratch + (int64_t)thread * cq_attention_scratch_row(c->pos0 + c->ntok);
#if defined(__x86_64__)
    if (c->simd && sum_lanes(c) == 8 && c->hd % 8 == 0 && c->hd <= 512) {
        for (int64_t i = b; i < e; i++) att_one_batch_avx(c, i / c->n_head, (int)(i % c->n_head), sc);
        return;
    }
    if (c->simd && sum_lanes(c) == 32 && c->hd % 32 == 0 && c->hd <= 512) {
        for (int64_t i = b; i < e; i++) att_one_vec_avx(c, (int)i, sc);
        return;
    }
#endif
    for (int64_t i = b; i < e; i++) att_one(c, i / c->n_head, (int)(i % c->n_head), sc);
}

int64_t cq_attention_scratch_row(int64_t positions) { return (positions + 7) & ~(int64_t)7; }

void cq_attention(const float *q, int64_t ntok, int n_head, int n_kv_head, int hd,
                  const uint16_t *kc, const uint16_t *vc, int64_t head_stride, int64_t pos0,
                  float scale, float *out, float *scratch) {
    att_ctx c = { q, ntok, n_head, n_kv_head, hd, kc, vc, head_stride, pos0, scale, out, scratch, cq_has_avx2() };
    cq_parallel_for(ntok * n_head, att_task, &c);
}

void cq_attention_ref(const float *q, int64_t ntok, int n_head, int n_kv_head, int hd,
                      const uint16_t *kc, const uint16_t *vc, int64_t head_stride, int64_t pos0,
                      float scale, float *out, float *scratch) {
    att_ctx c = { q, ntok, n_head, n_kv_head, hd, kc, vc, head_stride, pos0, scale, out, scratch, 0 };
    for (int64_t i = 0; i < ntok * n_head; i++) att_one(&c, i / n_head, (int)(i % n_head), scratch);
}

void cq_store_kv(const float *x, int64_t ntok, int n_kv_head, int hd, uint16_t *cache, int64_t head_stride, int64_t pos0) {
    for (int64_t t = 0; t < ntok; t++)
        for (int h = 0; h < n_kv_head; h++) {
            const float *src = x + t * (int64_t)n_kv_head * hd + (int64_t)h * hd;
            uint16_t *dst = cache + h * head_stride + (pos0 + t) * hd;
            for (int i = 0; i < hd; i++) dst[i] = cq_f32_to_f16(src[i]);
        }
}

void cq_rms_norm(const float *x, const float *w, float *y, int64_t n, float eps) {
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    const float mean = (float)(sum / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int64_t i = 0; i < n; i++) y[i] = (x[i] * scale) * w[i];
}

/// Rotation as ggml's rope: cos/sin from libm at theta = pos * base^(-2i/n_rot), accumulated in float;
/// the two products fused as GCC contracts ggml's expressions (a*c - b*s -> fma(a, c, -(b*s))).
void cq_rope(float *x, int64_t ntok, int n_heads, int hd, int n_rot, int64_t pos0, float base, int neox) {
    const float theta_scale = powf(base, -2.0f / (float)n_rot);
    float cs[512], sn[512];
    for (int64_t t = 0; t < ntok; t++) {
        float theta = (float)(pos0 + t);
        for (int i = 0; i < n_rot / 2; i++) { cs[i] = cosf(theta); sn[i] = sinf(theta); theta *= theta_scale; }
        for (int h = 0; h < n_heads; h++) {
            float *v = x + t * (int64_t)n_heads * hd + (int64_t)h * hd;
            for (int i = 0; i < n_rot / 2; i++) {
                const int a = neox ? i : 2 * i, b = neox ? i + n_rot / 2 : 2 * i + 1;
                const float x0 = v[a], x1 = v[b];
                v[a] = fmaf(x0, cs[i], -(x1 * sn[i]));
                v[b] = fmaf(x0, sn[i], x1 * cs[i]);
            }
        }
    }
}

static void swiglu_ref(const float *g, const float *u, float *out, int64_t n) {
    int64_t i = 0;
    for (; i < (n & ~(int64_t)7); i++) out[i] = g[i] / (1.0f + cq_expf_ggml(-g[i])) * u[i];
    for (; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

#if defined(__x86_64__)
AVX2 static void swiglu_avx(const float *g, const float *u, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(g + i);
        const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1), e)), _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}
#endif

void cq_swiglu(const float *g, const float *u, float *out, int64_t rows, int64_t width) {
    for (int64_t r = 0; r < rows; r++) {
#if defined(__x86_64__)
        if (cq_has_avx2()) { swiglu_avx(g + r * width, u + r * width, out + r * width, width); continue; }
#endif
        swiglu_ref(g + r * width, u + r * width, out + r * width, width);
    }
}

void cq_swiglu_ref(const float *g, const float *u, float *out, int64_t rows, int64_t width) {
    for (int64_t r = 0; r < rows; r++) swiglu_ref(g + r * width, u + r * width, out + r * width, width);
}
