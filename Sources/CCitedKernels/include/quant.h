// Quantized weight kernels: ggml block formats read in place, activations quantized to int8 blocks.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ggml type ids (as stored in GGUF).
enum cq_type {
    CQ_F32 = 0, CQ_F16 = 1, CQ_Q4_0 = 2, CQ_Q4_1 = 3, CQ_Q5_0 = 6, CQ_Q5_1 = 7, CQ_Q8_0 = 8, CQ_Q8_1 = 9,
    CQ_Q4_K = 12, CQ_Q5_K = 13, CQ_Q6_K = 14, CQ_Q8_K = 15, CQ_BF16 = 30,
    /// Q6_K rounded as llama.cpp's tiled K-quant matmul does for batches of 8+ tokens (a kernel id,
    /// not a storage type: same blocks as CQ_Q6_K).
    CQ_Q6_K_TILED = 0x100 | CQ_Q6_K,
    /// Q4_K rounded as llama.cpp's repacked 8x8 GEMM (groups of 4 tokens): the sum folded every 64 values.
    CQ_Q4_K_GEMM = 0x200 | CQ_Q4_K,
};

/// The kernel for `wtype` weights applied to activation row `row` of a matmul over `ntok` rows,
/// chosen as llama.cpp's CPU backend chooses it, since each path rounds differently: Q6_K takes the
/// tiled path from 8 rows on; Q4_K (repacked) takes the GEMM for the rows in whole groups of 4 and
/// the GEMV for the rest.
int cq_kernel_for(int wtype, int64_t ntok, int64_t row);

/// 1 if weights of this type have a dot-product kernel.
int cq_supported(int wtype);
/// The activation format paired with a weight type (ggml's vec_dot_type).
int cq_act_type(int wtype);
/// Bytes of one row of `cols` values of `type`.
size_t cq_row_bytes(int type, int64_t cols);
/// Bytes of one activation row for weights of `wtype`.
size_t cq_act_row_bytes(int wtype, int64_t cols);
/// Converts `cols` floats into the activation format of `wtype` (`cols` a multiple of its block).
void cq_quantize_act(int wtype, const float *x, void *out, int64_t cols);
/// Dot product of one weight row with one activation row (`wtype` may be a kernel id of cq_kernel_for).
float cq_vec_dot(int wtype, int64_t cols, const void *w, const void *act);
/// Portable reference of `cq_vec_dot` (no SIMD).
float cq_vec_dot_ref(int wtype, int64_t cols, const void *w, const void *act);
/// out[t*out_stride + r] = dot(W row r, act row t) for r in [r0, r1), t in [0, ntok).
void cq_matmul_range(int wtype, const void *w, int64_t cols, const void *act, int64_t ntok,
                     float *out, int64_t out_stride, int64_t r0, int64_t r1);
/// The whole matmul (rows × cols weights, ntok activation rows), rows split over the thread pool.
void cq_matmul(int wtype, const void *w, int64_t rows, int64_t cols, const void *act, int64_t ntok,
               float *out, int64_t out_stride);
/// One matmul of a cq_matmul_batch: out[t*out_stride + r] = dot(W row r, act row t).
typedef struct {
    int wtype;
    const void *w;
    int64_t rows, cols;
    const void *act;
    int64_t ntok;
    float *out;
    int64_t out_stride;
} cq_matmul_job;
/// Several matmuls in one parallel region (e.g. a layer's Q, K and V): the row groups of all jobs are
/// split over the pool together, so the threads meet once instead of once per matmul.
void cq_matmul_batch(const cq_matmul_job *jobs, int count);
/// Dequantizes one row of `cols` values.
void cq_dequantize_row(int type, const void *w, float *out, int64_t cols);
/// IEEE half <-> float, round to nearest even.
float cq_f16_to_f32(uint16_t h);
uint16_t cq_f32_to_f16(float f);
/// Instruction-set levels of the kernels, lowest first. Every level computes the same bits: the SIMD
/// paths repeat their plain loops' float operations in the same order per output element (AVX-512 and
/// AVX2 are bit-equal; scalar rounds as the reference loops of quant.c).
enum cq_isa { CQ_ISA_SCALAR = 0, CQ_ISA_AVX2 = 1, CQ_ISA_AVX512 = 2 };
/// The process default level: the best this CPU and OS run, capped by the environment variable
/// CITED_ISA (`scalar`, `avx2`, `avx512`) when set. Read once.
int cq_isa_detected(void);
/// The best level this CPU and OS run (AVX-512 means F, BW, VL, DQ and VNNI).
int cq_isa_supported(void);
/// The level the calling thread's kernel calls use: its own (cq_set_thread_isa) or the process default.
/// Work a call hands to the thread pool runs at the caller's level.
int cq_isa(void);
/// Sets the calling thread's level (clamped to what the CPU runs); -1 returns to the process default.
void cq_set_thread_isa(int isa);
/// "scalar", "avx2" or "avx512".
const char *cq_isa_name(int isa);
/// 1 when the calling thread's level is AVX2 or above.
int cq_has_avx2(void);

/// The entry points above at an explicit level (clamped to what the CPU runs) and thread count, for
/// tests that compare paths side by side without touching process-wide settings. The quantizer and the
/// range matmul return the level whose kernel ran (a format without a kernel at `isa` falls back to the
/// next level down), so a test can tell that the path it compares was taken.
int cq_quantize_act_isa(int isa, int wtype, const float *x, void *out, int64_t cols);
float cq_vec_dot_isa(int isa, int wtype, int64_t cols, const void *w, const void *act);
int cq_matmul_range_isa(int isa, int wtype, const void *w, int64_t cols, const void *act, int64_t ntok,
                        float *out, int64_t out_stride, int64_t r0, int64_t r1);
void cq_matmul_ex(int isa, int threads, int wtype, const void *w, int64_t rows, int64_t cols, const void *act,
                  int64_t ntok, float *out, int64_t out_stride);
void cq_matmul_batch_ex(int isa, int threads, const cq_matmul_job *jobs, int count);

/// Runs fn(ctx, i) for i in [0, n) over the pool; each call gets whole task indices.
typedef void (*cq_task_fn)(void *ctx, int64_t begin, int64_t end, int thread);
/// Splits [0, n) into chunks shared by cq_threads() workers (the caller included) and waits for all.
void cq_parallel_for(int64_t n, cq_task_fn fn, void *ctx);
/// cq_parallel_for with an explicit worker count (1 = the caller alone).
void cq_parallel_for_threads(int64_t n, cq_task_fn fn, void *ctx, int threads);
/// Sets the process default thread count (1 = no helper threads); default 2. For the program's
/// configuration only: tests pass a count to the `_ex` entry points instead.
void cq_set_threads(int n);
int cq_threads(void);

#ifdef __cplusplus
}
#endif
