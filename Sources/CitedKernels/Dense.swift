import CBLAS
#if canImport(Glibc)
import Glibc
#endif
import CCitedKernels

/// Dense fp32 kernels for encoder forward passes: OpenBLAS GEMM plus fused element-wise passes.
public enum Dense {
    /// `c = a · bᵀ` (+ `beta·c`): `a` is `(m, k)` with row stride `lda`, `b` is `(n, k)` with row stride `ldb`,
    /// `c` is `(m, n)` with row stride `ldc`. This is a linear layer with PyTorch's `(out, in)` weights.
    @inline(__always)
    public static func matmulTransposed(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, beta: Float = 0
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `c = a · b`: `a` is `(m, k)`, `b` is `(k, n)`, all row-major with the given strides.
    @inline(__always)
    public static func matmul(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// Sets how many threads OpenBLAS uses inside one call (1 when the caller runs its own workers).
    public static func setBLASThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// Stops OpenBLAS's worker threads, which spin (`sched_yield`) for about 0.1 s after the library loads
    /// and so take a core from a short command; OpenBLAS starts them again if a threaded call needs them.
    /// Does nothing when the library has no such entry point.
    public static func stopIdleBLASThreads() {
        typealias Shutdown = @convention(c) () -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
    }

    /// `x = gelu(x + bias)` row by row, exact-erf GELU. `x` is `(rows, cols)`.
    @inline(__always)
    public static func geluBias(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, cols: Int) {
        embed_gelu_bias(x, bias, rows, cols)
    }

    /// `x = LayerNorm(x + bias + residual)·gamma + beta` row by row; `bias`, `residual` optional.
    @inline(__always)
    public static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, rows: Int, cols: Int, epsilon: Float
    ) {
        embed_layernorm(x, bias, residual, gamma, beta, rows, cols, epsilon)
    }

    /// Softmax of `scale·x` over the first `cols` values of each of `rows` rows, `ld` floats apart.
    @inline(__always)
    public static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int, scale: Float) {
        embed_softmax_rows(x, rows, cols, ld, scale)
    }

    /// `x += bias` on every row of `(rows, cols)`.
    @inline(__always)
    public static func addBias(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, cols: Int) {
        embed_add_bias(x, bias, rows, cols)
    }

    /// Scales `x` (length `n`) to unit L2 norm; leaves an all-zero vector as is.
    @inline(__always)
    public static func normalizeL2(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        let norm = cblas_snrm2(Int32(n), x, 1)
        if norm > 0 { cblas_sscal(Int32(n), 1 / norm, x, 1) }
    }

    /// `exp` as the softmax uses it (for tests).
    public static func exp(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        embed_exp(x, &y, x.count)
        return y
    }

    /// `erf` as the GELU uses it (for tests).
    public static func erf(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        embed_erf(x, &y, x.count)
        return y
    }
}
