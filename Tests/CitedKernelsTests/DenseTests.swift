import Foundation
import Testing
@testable import CitedKernels

/// Deterministic pseudo-random floats in [-scale, scale].
func denseRandomFloats(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<n).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
}

@Suite("Dense kernels")
struct DenseTests {
    @Test("exp within 3 ulp-ish of Foundation over [-80, 80]")
    func exp() {
        let x = stride(from: Float(-80), through: 80, by: 0.0137).map { $0 }
        let y = Dense.exp(x)
        for (xi, yi) in zip(x, y) {
            let ref = Foundation.exp(Double(xi))
            #expect(abs(Double(yi) - ref) <= 4e-7 * ref, "exp(\(xi))")
        }
    }

    @Test("logSoftmax matches a Double reference on a vocabulary-sized row, and large logits do not overflow")
    func logSoftmax() {
        let row = denseRandomFloats(151_936, seed: 7, scale: 20)
        let top = Double(row.max()!)
        let sum = row.reduce(0.0) { $0 + Foundation.exp(Double($1) - top) }
        for index in [0, 17, 75_000, 151_935] {
            let reference = Double(row[index]) - top - Foundation.log(sum)
            let value = row.withUnsafeBufferPointer { Dense.logSoftmax($0, at: index) }
            #expect(abs(Double(value) - reference) <= 1e-4, "index \(index): \(value) vs \(reference)")
        }
        let large: [Float] = [1000, 999, 0]
        let first = large.withUnsafeBufferPointer { Dense.logSoftmax($0, at: 0) }
        #expect(first.isFinite && abs(Double(first) + Foundation.log(1 + Foundation.exp(-1.0) + Foundation.exp(-1000.0))) <= 1e-5)
    }

    @Test("erf within 2e-7 of Foundation")
    func erf() {
        let x = stride(from: Float(-6), through: 6, by: 0.00113).map { $0 } + [0, -0, 1e-8, 10, -10]
        let y = Dense.erf(x)
        for (xi, yi) in zip(x, y) {
            #expect(abs(Double(yi) - Foundation.erf(Double(xi))) <= 2.5e-7, "erf(\(xi))")
        }
    }

    @Test("GELU with bias equals the plain loop", arguments: [(1, 1), (3, 7), (5, 33), (2, 1536)])
    func gelu(rows: Int, cols: Int) {
        var x = denseRandomFloats(rows * cols, seed: 1, scale: 5)
        let bias = denseRandomFloats(cols, seed: 2)
        let ref = (0..<(rows * cols)).map { i -> Double in
            let v = Double(x[i]) + Double(bias[i % cols])
            return 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
        }
        x.withUnsafeMutableBufferPointer { Dense.geluBias($0.baseAddress!, bias: bias, rows: rows, cols: cols) }
        for i in x.indices { #expect(abs(Double(x[i]) - ref[i]) < 2e-6) }
    }

    @Test("LayerNorm with bias and residual equals the plain loop", arguments: [(1, 1), (3, 7), (4, 384), (2, 385)])
    func layerNorm(rows: Int, cols: Int) {
        var x = denseRandomFloats(rows * cols, seed: 3, scale: 3)
        let residual = denseRandomFloats(rows * cols, seed: 4), bias = denseRandomFloats(cols, seed: 5)
        let gamma = denseRandomFloats(cols, seed: 6), beta = denseRandomFloats(cols, seed: 7)
        var ref = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            let v = (0..<cols).map { Double(x[r * cols + $0]) + Double(bias[$0]) + Double(residual[r * cols + $0]) }
            let mean = v.reduce(0, +) / Double(cols)
            let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
            for c in 0..<cols {
                ref[r * cols + c] = (v[c] - mean) / (variance + 1e-12).squareRoot() * Double(gamma[c]) + Double(beta[c])
            }
        }
        x.withUnsafeMutableBufferPointer {
            Dense.layerNorm($0.baseAddress!, bias: bias, residual: residual, gamma: gamma, beta: beta,
                            rows: rows, cols: cols, epsilon: 1e-12)
        }
        for i in x.indices { #expect(abs(Double(x[i]) - ref[i]) < 1e-4 * (1 + abs(ref[i]))) }
    }

    @Test("softmax rows with stride equal the plain loop", arguments: [(1, 1), (3, 5), (7, 136), (2, 257)])
    func softmax(rows: Int, cols: Int) {
        let ld = cols + 3
        var x = denseRandomFloats(rows * ld, seed: 8, scale: 20)
        let original = x
        x.withUnsafeMutableBufferPointer { Dense.softmaxRows($0.baseAddress!, rows: rows, cols: cols, ld: ld, scale: 0.5) }
        for r in 0..<rows {
            let v = (0..<cols).map { 0.5 * Double(original[r * ld + $0]) }
            let m = v.max()!
            let e = v.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            for c in 0..<cols { #expect(abs(Double(x[r * ld + c]) - e[c] / s) < 1e-6) }
            for c in cols..<ld { #expect(x[r * ld + c] == original[r * ld + c]) }
        }
    }

    @Test("matmul and matmulTransposed equal the plain loop", arguments: [(1, 1, 1), (3, 5, 7), (17, 33, 65)])
    func gemm(m: Int, n: Int, k: Int) {
        let a = denseRandomFloats(m * k, seed: 9), b = denseRandomFloats(n * k, seed: 10)
        var c = [Float](repeating: 0, count: m * n), d = [Float](repeating: 0, count: m * n)
        Dense.matmulTransposed(a, lda: k, b, ldb: k, &c, ldc: n, m: m, n: n, k: k)
        Dense.matmul(a, lda: k, b, ldb: n, &d, ldc: n, m: m, n: n, k: k)  // b read as (k, n)
        for i in 0..<m {
            for j in 0..<n {
                var t = 0.0, u = 0.0
                for p in 0..<k {
                    t += Double(a[i * k + p]) * Double(b[j * k + p])
                    u += Double(a[i * k + p]) * Double(b[p * n + j])
                }
                #expect(abs(Double(c[i * n + j]) - t) < 1e-4)
                #expect(abs(Double(d[i * n + j]) - u) < 1e-4)
            }
        }
    }

    @Test("L2 normalisation")
    func normalize() {
        var x: [Float] = [3, 4, 0]
        x.withUnsafeMutableBufferPointer { Dense.normalizeL2($0.baseAddress!, count: 3) }
        #expect(x == [0.6, 0.8, 0])
        var z: [Float] = [0, 0]
        z.withUnsafeMutableBufferPointer { Dense.normalizeL2($0.baseAddress!, count: 2) }
        #expect(z == [0, 0])
    }
}
