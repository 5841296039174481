// Portable quantized kernels (reference numerics of ggml) and run-time dispatch to the AVX2 paths.
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "quant_internal.h"

float cq_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    if (exp == 0) {
        if (man == 0) { bits = sign; }
        else {  // subnormal: normalise
            int e = -1;
            do { e++; man <<= 1; } while ((man & 0x400) == 0);
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3FF) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000 | (man << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    }
    float f; memcpy(&f, &bits, 4); return f;
}

uint16_t cq_f32_to_f16(float f) {
    uint32_t x; memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    uint32_t absx = x & 0x7FFFFFFF;
    if (absx >= 0x7F800000) return (uint16_t)(sign | 0x7C00 | (absx > 0x7F800000 ? 0x200 : 0));
    if (absx >= 0x477FF000) return (uint16_t)(sign | 0x7C00);  // rounds to infinity
    if (absx < 0x38800000) {  // subnormal or zero in half
        if (absx < 0x33000000) return (uint16_t)sign;  // below half of the smallest subnormal
        uint32_t e = absx >> 23, m = (absx & 0x7FFFFF) | 0x800000;
        uint32_t shift = 126 - e;  // 113 - e + 13
        uint32_t r = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (r & 1))) r++;
        return (uint16_t)(sign | r);
    }
    uint32_t r = (absx - 0x38000000) >> 13, rem = absx & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) r++;
    return (uint16_t)(sign | r);
}

static inline float bf16_to_f32(uint16_t h) { uint32_t b = (uint32_t)h << 16; float f; memcpy(&f, &b, 4); return f; }

static inline uint16_t f32_to_bf16(float f) {
    uint32_t u; memcpy(&u, &f, 4);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)((u >> 16) | 64);
    return (uint16_t)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

// ---- instruction-set levels ------------------------------------------------------------------
//
// The process default is the best level the CPU runs, capped once by CITED_ISA (scalar, avx2, avx512);
// a thread may choose its own level (tests, cross-path comparisons). Every entry point reads the level
// on the calling thread and hands it to the pool's workers with the job, so work split over threads
// runs at the caller's level, never at whatever another thread chose.

// Both set once (racing first callers compute the same values); the default is stored last.
static _Atomic int g_isa_cpu = -1;      // best level the CPU and OS run
static _Atomic int g_isa_default = -1;  // the process default (the CPU's, capped by CITED_ISA)
static _Thread_local int tl_isa = -1;

static int isa_of_cpu(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))) return CQ_ISA_SCALAR;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni")) return CQ_ISA_AVX512;
    return CQ_ISA_AVX2;
#else
    return CQ_ISA_SCALAR;
#endif
}

int cq_isa_detected(void) {
    const int d = g_isa_default;
    if (d >= 0) return d;
    const int cpu = isa_of_cpu();
    int isa = cpu;
    const char *env = getenv("CITED_ISA");
    if (env && *env) {
        if (!strcmp(env, "scalar")) isa = CQ_ISA_SCALAR;
        else if (!strcmp(env, "avx2")) isa = CQ_ISA_AVX2;
        else if (!strcmp(env, "avx512")) isa = CQ_ISA_AVX512;
        if (isa > cpu) isa = cpu;
    }
    g_isa_cpu = cpu;
    g_isa_default = isa;
    return isa;
}

int cq_isa_supported(void) { cq_isa_detected(); return g_isa_cpu; }

int cq_isa(void) { return tl_isa >= 0 ? tl_isa : cq_isa_detected(); }

void cq_set_thread_isa(int isa) {
    if (isa < 0) { tl_isa = -1; return; }
    const int cpu = cq_isa_supported();
    tl_isa = isa < cpu ? isa : cpu;
}

const char *cq_isa_name(int isa) {
    switch (isa) {
    case CQ_ISA_AVX2: return "avx2";
    case CQ_ISA_AVX512: return "avx512";
    default: return "scalar";
    }
}

int cq_has_avx2(void) { return cq_isa() >= CQ_ISA_AVX2; }

/// `isa` clamped to what this CPU runs.
static int clamp_isa(int isa) {
    const int cpu = cq_isa_supported();
    return isa < 0 ? 0 : isa > cpu ? cpu : isa;
}

int cq_supported(int t) {
    switch (t) {
    case CQ_F32: case CQ_F16: case CQ_BF16: case CQ_Q4_0: case CQ_Q4_1: case CQ_Q5_0: case CQ_Q5_1:
    case CQ_Q8_0: case CQ_Q4_K: case CQ_Q5_K: case CQ_Q6_K: return 1;
    default: return 0;
    }
}

int cq_act_type(int t) {
    switch (t) {
    case CQ_F32: return CQ_F32;
    case CQ_F16: return CQ_F16;
    case CQ_BF16: return CQ_BF16;
    case CQ_Q4_0: case CQ_Q5_0: case CQ_Q8_0: return CQ_Q8_0;
    case CQ_Q4_1: case CQ_Q5_1: return CQ_Q8_1;
    default: return CQ_Q8_K;
    }
}

size_t cq_row_bytes(int t, int64_t n) {
    switch (t) {
    case CQ_F32: return (size_t)n * 4;
    case CQ_F16: case CQ_BF16: return (size_t)n * 2;
    case CQ_Q4_0: return (size_t)(n / QK) * sizeof(blk_q4_0);
    case CQ_Q4_1: return (size_t)(n / QK) * sizeof(blk_q4_1);
    case CQ_Q5_0: return (size_t)(n / QK) * sizeof(blk_q5_0);
    case CQ_Q5_1: return (size_t)(n / QK) * sizeof(blk_q5_1);
    case CQ_Q8_0: return (size_t)(n / QK) * sizeof(blk_q8_0);
    case CQ_Q8_1: return (size_t)(n / QK) * sizeof(blk_q8_1);
    case CQ_Q4_K: return (size_t)(n / QKK) * sizeof(blk_q4_K);
    case CQ_Q5_K: return (size_t)(n / QKK) * sizeof(blk_q5_K);
    case CQ_Q6_K: return (size_t)(n / QKK) * sizeof(blk_q6_K);
    case CQ_Q8_K: return (size_t)(n / QKK) * sizeof(blk_q8_K);
    default: return 0;
    }
}

size_t cq_act_row_bytes(int wtype, int64_t cols) { return cq_row_bytes(cq_act_type(wtype), cols); }

static void quantize_q8_0_ref(const float *x, blk_q8_0 *y, int64_t n, blk_q8_1 *y1) {
    for (int64_t b = 0; b < n / QK; b++, x += QK) {
        float amax = 0;
        for (int j = 0; j < QK; j++) { float a = fabsf(x[j]); if (a > amax) amax = a; }
        const float d = amax / 127.f, id = amax != 0 ? 127.f / amax : 0.f;
        int8_t *qs = y1 ? y1[b].qs : y[b].qs;
        int sum = 0;
        for (int j = 0; j < QK; j++) { int q = cq_nearest_int(x[j] * id); qs[j] = (int8_t)q; sum += q; }
        if (y1) { y1[b].d = cq_f32_to_f16(d); y1[b].s = cq_f32_to_f16(d * (float)sum); }
        else y[b].d = cq_f32_to_f16(d);
    }
}

static void quantize_q8_K_ref(const float *x, blk_q8_K *y, int64_t n) {
    for (int64_t b = 0; b < n / QKK; b++, x += QKK) {
        float max = 0, amax = 0;
        for (int j = 0; j < QKK; j++) { float a = fabsf(x[j]); if (a > amax) { amax = a; max = x[j]; } }
        if (amax == 0) { memset(&y[b], 0, sizeof(blk_q8_K)); continue; }
        const float iscale = -127.f / max;
        for (int j = 0; j < QKK; j++) { int v = cq_nearest_int(iscale * x[j]); y[b].qs[j] = (int8_t)(v > 127 ? 127 : v); }
        for (int j = 0; j < QKK / 16; j++) {
            int s = 0;
            for (int i = 0; i < 16; i++) s += y[b].qs[j * 16 + i];
            y[b].bsums[j] = (int16_t)s;
        }
        y[b].d = 1 / iscale;
    }
}

static void quantize_act_ref(int wtype, const float *x, void *out, int64_t n) {
    switch (cq_act_type(wtype)) {
    case CQ_F32: memcpy(out, x, (size_t)n * 4); break;
    case CQ_F16: { uint16_t *o = out; for (int64_t i = 0; i < n; i++) o[i] = cq_f32_to_f16(x[i]); break; }
    case CQ_BF16: { uint16_t *o = out; for (int64_t i = 0; i < n; i++) o[i] = f32_to_bf16(x[i]); break; }
    case CQ_Q8_0: quantize_q8_0_ref(x, out, n, NULL); break;
    case CQ_Q8_1: quantize_q8_0_ref(x, NULL, n, out); break;
    case CQ_Q8_K: quantize_q8_K_ref(x, out, n); break;
    }
}

int cq_quantize_act_isa(int isa, int wtype, const float *x, void *out, int64_t cols) {
    isa = clamp_isa(isa);
    if (isa >= CQ_ISA_AVX512 && cq_quantize_act_avx512(wtype, x, out, cols)) return CQ_ISA_AVX512;
    if (isa >= CQ_ISA_AVX2 && cq_quantize_act_avx2(wtype, x, out, cols)) return CQ_ISA_AVX2;
    quantize_act_ref(wtype, x, out, cols);
    return CQ_ISA_SCALAR;
}

void cq_quantize_act(int wtype, const float *x, void *out, int64_t cols) { cq_quantize_act_isa(cq_isa(), wtype, x, out, cols); }

// ---- reference dot products -------------------------------------------------------------

static float dot_q4_0(int64_t n, const blk_q4_0 *x, const blk_q8_0 *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += ((x[b].qs[j] & 0xF) - 8) * y[b].qs[j] + ((x[b].qs[j] >> 4) - 8) * y[b].qs[j + 16];
        }
        s += sumi * cq_f16_to_f32(x[b].d) * cq_f16_to_f32(y[b].d);
    }
    return s;
}

static float dot_q4_1(int64_t n, const blk_q4_1 *x, const blk_q8_1 *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) sumi += (x[b].qs[j] & 0xF) * y[b].qs[j] + (x[b].qs[j] >> 4) * y[b].qs[j + 16];
        s += cq_f16_to_f32(x[b].d) * cq_f16_to_f32(y[b].d) * sumi + cq_f16_to_f32(x[b].m) * cq_f16_to_f32(y[b].s);
    }
    return s;
}

static float dot_q5_0(int64_t n, const blk_q5_0 *x, const blk_q8_0 *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        uint32_t qh; memcpy(&qh, x[b].qh, 4);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
            sumi += (((x[b].qs[j] & 0xF) | h0) - 16) * y[b].qs[j] + (((x[b].qs[j] >> 4) | h1) - 16) * y[b].qs[j + 16];
        }
        s += sumi * cq_f16_to_f32(x[b].d) * cq_f16_to_f32(y[b].d);
    }
    return s;
}

static float dot_q5_1(int64_t n, const blk_q5_1 *x, const blk_q8_1 *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        uint32_t qh; memcpy(&qh, x[b].qh, 4);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
            sumi += ((x[b].qs[j] & 0xF) | h0) * y[b].qs[j] + ((x[b].qs[j] >> 4) | h1) * y[b].qs[j + 16];
        }
        s += cq_f16_to_f32(x[b].d) * cq_f16_to_f32(y[b].d) * sumi + cq_f16_to_f32(x[b].m) * cq_f16_to_f32(y[b].s);
    }
    return s;
}

static float dot_q8_0(int64_t n, const blk_q8_0 *x, const blk_q8_0 *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QK; b++) {
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += x[b].qs[j] * y[b].qs[j];
        s += sumi * cq_f16_to_f32(x[b].d) * cq_f16_to_f32(y[b].d);
    }
    return s;
}

/// Q4_K as llama.cpp's AVX2 repacked (8x8) kernels round it: per super-block the exact integer sums of
/// scale·q·a and of min·bsum, each folded into its own float by fma with d·y.d and dmin·y.d; the mins
/// total is subtracted at the end.
static float dot_q4_K(int64_t n, const blk_q4_K *x, const blk_q8_K *y) {
    float acc = 0, accm = 0;
    for (int64_t b = 0; b < n / QKK; b++) {
        const uint8_t *q = x[b].qs;
        const int8_t *a = y[b].qs;
        int sumi = 0, summ = 0;
        for (int j = 0; j < 4; j++) {
            uint8_t sc0, m0, sc1, m1;
            cq_scale_min_k4(2 * j, x[b].scales, &sc0, &m0);
            cq_scale_min_k4(2 * j + 1, x[b].scales, &sc1, &m1);
            int s0 = 0, s1 = 0;
            for (int l = 0; l < 32; l++) { s0 += (q[l] & 0xF) * a[l]; s1 += (q[l] >> 4) * a[l + 32]; }
            sumi += sc0 * s0 + sc1 * s1;
            summ += m0 * (y[b].bsums[4 * j] + y[b].bsums[4 * j + 1]) + m1 * (y[b].bsums[4 * j + 2] + y[b].bsums[4 * j + 3]);
            q += 32; a += 64;
        }
        acc = fmaf((float)sumi, cq_f16_to_f32(x[b].d) * y[b].d, acc);
        accm = fmaf((float)summ, cq_f16_to_f32(x[b].dmin) * y[b].d, accm);
    }
    return acc - accm;
}

static float dot_q5_K(int64_t n, const blk_q5_K *x, const blk_q8_K *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QKK; b++) {
        const uint8_t *q = x[b].qs;
        const int8_t *a = y[b].qs;
        int sumi = 0, summ = 0;
        for (int j = 0; j < 4; j++) {
            uint8_t sc0, m0, sc1, m1;
            cq_scale_min_k4(2 * j, x[b].scales, &sc0, &m0);
            cq_scale_min_k4(2 * j + 1, x[b].scales, &sc1, &m1);
            int s0 = 0, s1 = 0;
            for (int l = 0; l < 32; l++) {
                int v0 = (q[l] & 0xF) | (((x[b].qh[l] >> (2 * j)) & 1) << 4);
                int v1 = (q[l] >> 4) | (((x[b].qh[l] >> (2 * j + 1)) & 1) << 4);
                s0 += v0 * a[l]; s1 += v1 * a[l + 32];
            }
            sumi += sc0 * s0 + sc1 * s1;
            summ += m0 * (y[b].bsums[4 * j] + y[b].bsums[4 * j + 1]) + m1 * (y[b].bsums[4 * j + 2] + y[b].bsums[4 * j + 3]);
            q += 32; a += 64;
        }
        s += y[b].d * cq_f16_to_f32(x[b].d) * sumi - y[b].d * cq_f16_to_f32(x[b].dmin) * summ;
    }
    return s;
}

static float dot_q6_K(int64_t n, const blk_q6_K *x, const blk_q8_K *y) {
    float s = 0;
    for (int64_t b = 0; b < n / QKK; b++) {
        const uint8_t *ql = x[b].ql, *qh = x[b].qh;
        const int8_t *a = y[b].qs;
        int sumi = 0;
        for (int h = 0; h < 2; h++) {  // two halves of 128 values
            for (int l = 0; l < 32; l++) {
                int v0 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int v1 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int v2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int v3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                int is = h * 8 + l / 16;
                sumi += x[b].scales[is] * v0 * a[l] + x[b].scales[is + 2] * v1 * a[l + 32]
                      + x[b].scales[is + 4] * v2 * a[l + 64] + x[b].scales[is + 6] * v3 * a[l + 96];
            }
            ql += 64; qh += 32; a += 128;
        }
        s += cq_f16_to_f32(x[b].d) * y[b].d * sumi;
    }
    return s;
}

/// Q6_K as llama.cpp's tiled path rounds it: per super-block the exact integer Σ scale·(q-32)·a,
/// times the weight scale (rounded), folded into the sum by fma with the activation scale.
static float dot_q6_K_tiled(int64_t n, const blk_q6_K *x, const blk_q8_K *y) {
    float acc = 0;
    for (int64_t b = 0; b < n / QKK; b++) {
        const uint8_t *ql = x[b].ql, *qh = x[b].qh;
        const int8_t *a = y[b].qs;
        int sumi = 0;
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int v0 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int v1 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int v2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int v3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                int is = h * 8 + l / 16;
                sumi += x[b].scales[is] * v0 * a[l] + x[b].scales[is + 2] * v1 * a[l + 32]
                      + x[b].scales[is + 4] * v2 * a[l + 64] + x[b].scales[is + 6] * v3 * a[l + 96];
            }
            ql += 64; qh += 32; a += 128;
        }
        const float r = cq_f16_to_f32(x[b].d) * (float)sumi;
        acc = fmaf(r, y[b].d, acc);
    }
    return acc;
}

/// Q4_K as llama.cpp's repacked GEMM rounds it: like dot_q4_K, but the float sums take a term every
/// 64 values (a pair of sub-blocks) instead of every super-block.
static float dot_q4_K_gemm(int64_t n, const blk_q4_K *x, const blk_q8_K *y) {
    float acc = 0, accm = 0;
    for (int64_t b = 0; b < n / QKK; b++) {
        const uint8_t *q = x[b].qs;
        const int8_t *a = y[b].qs;
        const float d = cq_f16_to_f32(x[b].d) * y[b].d, dmin = cq_f16_to_f32(x[b].dmin) * y[b].d;
        for (int j = 0; j < 4; j++) {
            uint8_t sc0, m0, sc1, m1;
            cq_scale_min_k4(2 * j, x[b].scales, &sc0, &m0);
            cq_scale_min_k4(2 * j + 1, x[b].scales, &sc1, &m1);
            int s0 = 0, s1 = 0;
            for (int l = 0; l < 32; l++) { s0 += (q[l] & 0xF) * a[l]; s1 += (q[l] >> 4) * a[l + 32]; }
            const int summ = m0 * (y[b].bsums[4 * j] + y[b].bsums[4 * j + 1]) + m1 * (y[b].bsums[4 * j + 2] + y[b].bsums[4 * j + 3]);
            acc = fmaf((float)(sc0 * s0 + sc1 * s1), d, acc);
            accm = fmaf((float)summ, dmin, accm);
            q += 32; a += 64;
        }
    }
    return acc - accm;
}

int cq_kernel_for(int wtype, int64_t ntok, int64_t row) {
    if (wtype == CQ_Q6_K && ntok >= 8) return CQ_Q6_K_TILED;
    if (wtype == CQ_Q4_K && ntok > 3 && row < ntok - ntok % 4) return CQ_Q4_K_GEMM;
    return wtype;
}

float cq_vec_dot_ref(int t, int64_t n, const void *w, const void *a) {
    switch (t) {
    case CQ_F32: { const float *x = w, *y = a; float s = 0; for (int64_t i = 0; i < n; i++) s += x[i] * y[i]; return s; }
    case CQ_F16: { const uint16_t *x = w, *y = a; float s = 0;
        for (int64_t i = 0; i < n; i++) s += cq_f16_to_f32(x[i]) * cq_f16_to_f32(y[i]); return s; }
    case CQ_BF16: { const uint16_t *x = w, *y = a; float s = 0;
        for (int64_t i = 0; i < n; i++) s += bf16_to_f32(x[i]) * bf16_to_f32(y[i]); return s; }
    case CQ_Q4_0: return dot_q4_0(n, w, a);
    case CQ_Q4_1: return dot_q4_1(n, w, a);
    case CQ_Q5_0: return dot_q5_0(n, w, a);
    case CQ_Q5_1: return dot_q5_1(n, w, a);
    case CQ_Q8_0: return dot_q8_0(n, w, a);
    case CQ_Q4_K: return dot_q4_K(n, w, a);
    case CQ_Q5_K: return dot_q5_K(n, w, a);
    case CQ_Q6_K: return dot_q6_K(n, w, a);
    case CQ_Q6_K_TILED: return dot_q6_K_tiled(n, w, a);
    case CQ_Q4_K_GEMM: return dot_q4_K_gemm(n, w, a);
    default: return 0;
    }
}

float cq_vec_dot_isa(int isa, int t, int64_t n, const void *w, const void *a) {
    // AVX-512 has no pair kernels of its own: the AVX2 ones define the rounding of every level above scalar
    if (clamp_isa(isa) >= CQ_ISA_AVX2) return cq_vec_dot_avx2(t, n, w, a);
    return cq_vec_dot_ref(t, n, w, a);
}

float cq_vec_dot(int t, int64_t n, const void *w, const void *a) { return cq_vec_dot_isa(cq_isa(), t, n, w, a); }

int cq_matmul_range_isa(int isa, int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                        float *out, int64_t out_stride, int64_t r0, int64_t r1) {
    isa = clamp_isa(isa);
    if (isa >= CQ_ISA_AVX512 && cq_matmul_range_avx512(t, w, cols, act, ntok, out, out_stride, r0, r1)) return CQ_ISA_AVX512;
    const int avx = isa >= CQ_ISA_AVX2;
    if (avx && cq_matmul_range_avx2(t, w, cols, act, ntok, out, out_stride, r0, r1)) return CQ_ISA_AVX2;
    const size_t wb = cq_row_bytes(t, cols), ab = cq_act_row_bytes(t, cols);
    const int64_t TB = 64;  // activation rows per tile: they stay in L2 while the weight rows stream
    for (int64_t t0 = 0; t0 < ntok; t0 += TB) {
        const int64_t t1 = t0 + TB < ntok ? t0 + TB : ntok;
        for (int64_t r = r0; r < r1; r++) {
            const char *wr = (const char *)w + (size_t)r * wb;
            for (int64_t k = t0; k < t1; k++) {
                const void *ar = (const char *)act + (size_t)k * ab;
                const int kernel = cq_kernel_for(t, ntok, k);
                out[k * out_stride + r] = avx ? cq_vec_dot_avx2(kernel, cols, wr, ar) : cq_vec_dot_ref(kernel, cols, wr, ar);
            }
        }
    }
    return avx ? CQ_ISA_AVX2 : CQ_ISA_SCALAR;
}

void cq_matmul_range(int t, const void *w, int64_t cols, const void *act, int64_t ntok,
                     float *out, int64_t out_stride, int64_t r0, int64_t r1) {
    cq_matmul_range_isa(cq_isa(), t, w, cols, act, ntok, out, out_stride, r0, r1);
}

typedef struct { int t; const void *w; int64_t cols; const void *act; int64_t ntok; float *out; int64_t stride, rows; int isa; } mm_ctx;

/// Rows are handed out in groups of MM_ROW_GROUP, the width of the 8-row kernels.
#define MM_ROW_GROUP 8

static void mm_task(void *c, int64_t b, int64_t e, int thread) {
    (void)thread;
    mm_ctx *m = c;
    const int64_t r0 = b * MM_ROW_GROUP, r1 = e * MM_ROW_GROUP < m->rows ? e * MM_ROW_GROUP : m->rows;
    cq_matmul_range_isa(m->isa, m->t, m->w, m->cols, m->act, m->ntok, m->out, m->stride, r0, r1);
}

void cq_matmul_ex(int isa, int threads, int t, const void *w, int64_t rows, int64_t cols, const void *act, int64_t ntok,
                  float *out, int64_t out_stride) {
    mm_ctx c = { t, w, cols, act, ntok, out, out_stride, rows, clamp_isa(isa) };
    if (rows * cols * ntok < 32768) { cq_matmul_range_isa(c.isa, t, w, cols, act, ntok, out, out_stride, 0, rows); return; }
    cq_parallel_for_threads((rows + MM_ROW_GROUP - 1) / MM_ROW_GROUP, mm_task, &c, threads);
}

void cq_matmul(int t, const void *w, int64_t rows, int64_t cols, const void *act, int64_t ntok,
               float *out, int64_t out_stride) {
    cq_matmul_ex(cq_isa(), cq_threads(), t, w, rows, cols, act, ntok, out, out_stride);
}

typedef struct { const cq_matmul_job *jobs; int count; int isa; } mm_batch_ctx;

static int64_t mm_groups(const cq_matmul_job *j) { return (j->rows + MM_ROW_GROUP - 1) / MM_ROW_GROUP; }

static void mm_batch_task(void *c, int64_t b, int64_t e, int thread) {
    (void)thread;
    const mm_batch_ctx *m = c;
    int64_t first = 0;  // first group index of job i
    for (int i = 0; i < m->count && first < e; i++) {
        const cq_matmul_job *j = &m->jobs[i];
        const int64_t g = mm_groups(j), lo = b > first ? b - first : 0, hi = e - first < g ? e - first : g;
        if (lo < hi) {
            const int64_t r0 = lo * MM_ROW_GROUP, r1 = hi * MM_ROW_GROUP < j->rows ? hi * MM_ROW_GROUP : j->rows;
            cq_matmul_range_isa(m->isa, j->wtype, j->w, j->cols, j->act, j->ntok, j->out, j->out_stride, r0, r1);
        }
        first += g;
    }
}

void cq_matmul_batch_ex(int isa, int threads, const cq_matmul_job *jobs, int count) {
    int64_t groups = 0, work = 0;
    for (int i = 0; i < count; i++) { groups += mm_groups(&jobs[i]); work += jobs[i].rows * jobs[i].cols * jobs[i].ntok; }
    mm_batch_ctx c = { jobs, count, clamp_isa(isa) };
    if (work < 32768) { mm_batch_task(&c, 0, groups, 0); return; }
    cq_parallel_for_threads(groups, mm_batch_task, &c, threads);
}

void cq_matmul_batch(const cq_matmul_job *jobs, int count) { cq_matmul_batch_ex(cq_isa(), cq_threads(), jobs, count); }

void cq_dequantize_row(int t, const void *w, float *y, int64_t n) {
    switch (t) {
    case CQ_F32: memcpy(y, w, (size_t)n * 4); break;
    case CQ_F16: { const uint16_t *x = w; for (int64_t i = 0; i < n; i++) y[i] = cq_f16_to_f32(x[i]); break; }
    case CQ_BF16: { const uint16_t *x = w; for (int64_t i = 0; i < n; i++) y[i] = bf16_to_f32(x[i]); break; }
    case CQ_Q4_0: { const blk_q4_0 *x = w;
        for (int64_t b = 0; b < n / QK; b++, y += QK) { float d = cq_f16_to_f32(x[b].d);
            for (int j = 0; j < 16; j++) { y[j] = ((x[b].qs[j] & 0xF) - 8) * d; y[j + 16] = ((x[b].qs[j] >> 4) - 8) * d; } }
        break; }
    case CQ_Q4_1: { const blk_q4_1 *x = w;
        for (int64_t b = 0; b < n / QK; b++, y += QK) { float d = cq_f16_to_f32(x[b].d), m = cq_f16_to_f32(x[b].m);
            for (int j = 0; j < 16; j++) { y[j] = (x[b].qs[j] & 0xF) * d + m; y[j + 16] = (x[b].qs[j] >> 4) * d + m; } }
        break; }
    case CQ_Q5_0: case CQ_Q5_1: {
        for (int64_t b = 0; b < n / QK; b++, y += QK) {
            const uint8_t *qh8, *qs; float d, m = 0; int off = 16;
            if (t == CQ_Q5_0) { const blk_q5_0 *x = (const blk_q5_0 *)w + b; d = cq_f16_to_f32(x->d); qh8 = x->qh; qs = x->qs; }
            else { const blk_q5_1 *x = (const blk_q5_1 *)w + b; d = cq_f16_to_f32(x->d); m = cq_f16_to_f32(x->m); qh8 = x->qh; qs = x->qs; off = 0; }
            uint32_t qh; memcpy(&qh, qh8, 4);
            for (int j = 0; j < 16; j++) {
                int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
                y[j] = (((qs[j] & 0xF) | h0) - off) * d + m;
                y[j + 16] = (((qs[j] >> 4) | h1) - off) * d + m;
            }
        }
        break; }
    case CQ_Q8_0: { const blk_q8_0 *x = w;
        for (int64_t b = 0; b < n / QK; b++, y += QK) { float d = cq_f16_to_f32(x[b].d); for (int j = 0; j < QK; j++) y[j] = x[b].qs[j] * d; }
        break; }
    case CQ_Q4_K: case CQ_Q5_K: {
        for (int64_t b = 0; b < n / QKK; b++) {
            const uint8_t *scales, *q, *qh = NULL; float d, dmin;
            if (t == CQ_Q4_K) { const blk_q4_K *x = (const blk_q4_K *)w + b; scales = x->scales; q = x->qs; d = cq_f16_to_f32(x->d); dmin = cq_f16_to_f32(x->dmin); }
            else { const blk_q5_K *x = (const blk_q5_K *)w + b; scales = x->scales; q = x->qs; qh = x->qh; d = cq_f16_to_f32(x->d); dmin = cq_f16_to_f32(x->dmin); }
            for (int j = 0; j < 4; j++) {
                uint8_t sc0, m0, sc1, m1;
                cq_scale_min_k4(2 * j, scales, &sc0, &m0);
                cq_scale_min_k4(2 * j + 1, scales, &sc1, &m1);
                const float d0 = d * sc0, mm0 = dmin * m0, d1 = d * sc1, mm1 = dmin * m1;
                for (int l = 0; l < 32; l++) {
                    int h0 = qh ? ((qh[l] >> (2 * j)) & 1) << 4 : 0, h1 = qh ? ((qh[l] >> (2 * j + 1)) & 1) << 4 : 0;
                    y[l] = d0 * ((q[l] & 0xF) | h0) - mm0;
                    y[l + 32] = d1 * ((q[l] >> 4) | h1) - mm1;
                }
                q += 32; y += 64;
            }
        }
        break; }
    case CQ_Q6_K: { const blk_q6_K *x = w;
        for (int64_t b = 0; b < n / QKK; b++) {
            const float d = cq_f16_to_f32(x[b].d);
            const uint8_t *ql = x[b].ql, *qh = x[b].qh; const int8_t *sc = x[b].scales;
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    y[l] = d * sc[is] * (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
                    y[l + 32] = d * sc[is + 2] * (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
                    y[l + 64] = d * sc[is + 4] * (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                    y[l + 96] = d * sc[is + 6] * (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
                }
                y += 128; ql += 64; qh += 32; sc += 8;
            }
        }
        break; }
    default: memset(y, 0, (size_t)n * 4);
    }
}
