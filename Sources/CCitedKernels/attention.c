// Attention, RMSNorm, RoPE and SwiGLU with llama.cpp's numerics (see attention.h).
#include <math.h>
#include <string.h>
#include "attention.h"
#include "quant.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma,f16c")))
#endif

static float dot_f16_ref(const uint16_t *a, const uint16_t *b, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) s += cq_f16_to_f32(a[i]) * cq_f16_to_f32(b[i]);
    return s;
}

static void axpy_f16_ref(float *y, const uint16_t *x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] += a * cq_f16_to_f32(x[i]);
}

#if defined(__x86_64__)
AVX2 static float dot_f16_avx(const uint16_t *a, const uint16_t *b, int n) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i))),
                              _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i))), acc);
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    float s = _mm_cvtss_f32(r);
    for (; i < n; i++) s += _cvtsh_ss(a[i]) * _cvtsh_ss(b[i]);
    return s;
}

AVX2 static void axpy_f16_avx(float *y, const uint16_t *x, float a, int n) {
    const __m256 va = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * _cvtsh_ss(x[i]);
}
#endif

typedef struct {
    const float *q; int64_t ntok; int n_head, n_kv_head, hd;
    const uint16_t *kc, *vc; int64_t head_stride, pos0; float scale; float *out, *scratch; int simd;
} att_ctx;

static void att_one(const att_ctx *c, int64_t t, int h, float *sc) {
    const int group = c->n_head / c->n_kv_head, kvh = h / group, hd = c->hd;
    const int64_t n = c->pos0 + t + 1;
    uint16_t q16[512];
    const float *q = c->q + t * (int64_t)c->n_head * hd + (int64_t)h * hd;
    for (int i = 0; i < hd; i++) q16[i] = cq_f32_to_f16(q[i]);
    const uint16_t *k = c->kc + kvh * c->head_stride, *v = c->vc + kvh * c->head_stride;
    float mx = -INFINITY;
    for (int64_t j = 0; j < n; j++) {
#if defined(__x86_64__)
        const float d = c->simd ? dot_f16_avx(q16, k + j * hd, hd) : dot_f16_ref(q16, k + j * hd, hd);
#else
        const float d = dot_f16_ref(q16, k + j * hd, hd);
#endif
        sc[j] = d * c->scale;
        if (sc[j] > mx) mx = sc[j];
    }
    double sum = 0;
    for (int64_t j = 0; j < n; j++) { const float e = expf(sc[j] - mx); sc[j] = e; sum += e; }
    const float inv = (float)(1.0 / sum);
    float *o = c->out + t * (int64_t)c->n_head * hd + (int64_t)h * hd;
    memset(o, 0, sizeof(float) * (size_t)hd);
    for (int64_t j = 0; j < n; j++) {
        const float p = cq_f16_to_f32(cq_f32_to_f16(sc[j] * inv));
        if (p == 0) continue;
#if defined(__x86_64__)
        if (c->simd) axpy_f16_avx(o, v + j * hd, p, hd); else axpy_f16_ref(o, v + j * hd, p, hd);
#else
        axpy_f16_ref(o, v + j * hd, p, hd);
#endif
    }
}

static void att_task(void *ctx, int64_t b, int64_t e, int thread) {
    const att_ctx *c = ctx;
    float *sc = c->scratch + (int64_t)thread * (c->pos0 + c->ntok);
    for (int64_t i = b; i < e; i++) att_one(c, i / c->n_head, (int)(i % c->n_head), sc);
}

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
                v[a] = x0 * cs[i] - x1 * sn[i];
                v[b] = x0 * sn[i] + x1 * cs[i];
            }
        }
    }
}

void cq_swiglu(const float *g, const float *u, float *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}
