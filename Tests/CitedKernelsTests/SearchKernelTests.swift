import CCitedKernels
import Testing
@testable import CitedKernels

/// A small deterministic generator so that every run sees the same vectors.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    /// `rows` unit vectors of `dims` dimensions, row-major.
    mutating func unitRows(_ rows: Int, _ dims: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * dims)
        for r in 0..<rows {
            var norm: Float = 0
            for j in 0..<dims { out[r * dims + j] = uniform(); norm += out[r * dims + j] * out[r * dims + j] }
            norm = norm.squareRoot()
            for j in 0..<dims { out[r * dims + j] /= norm }
        }
        return out
    }
}

@Suite("Search kernels against plain loops")
struct SearchKernelTests {
    static let shapes: [(rows: Int, dims: Int)] = [(1, 1), (3, 31), (5, 32), (7, 33), (9, 64), (13, 100), (6, 384), (4, 385)]

    @Test("u8 × i8 row dots equal the plain loop", arguments: shapes)
    func dotU8I8(shape: (rows: Int, dims: Int)) {
        var rng = SplitMix(state: UInt64(shape.rows * 1000 + shape.dims))
        let m = (0..<(shape.rows * shape.dims)).map { _ in UInt8(1 + rng.next() % 255) }
        let x = (0..<shape.dims).map { _ in Int8(Int(rng.next() % 129) - 64) }
        var out = [Int32](repeating: 0, count: shape.rows)
        cited_dot_u8i8_rows(m, shape.rows, shape.dims, x, &out)
        for i in 0..<shape.rows {
            var want: Int32 = 0
            for j in 0..<shape.dims { want += (Int32(m[i * shape.dims + j]) - 128) * Int32(x[j]) }
            #expect(out[i] == want, "row \(i) of \(shape)")
        }
    }

    @Test("quantized rows report their true rounding error", arguments: shapes)
    func quantizeRows(shape: (rows: Int, dims: Int)) {
        var rng = SplitMix(state: 7)
        let v = rng.unitRows(shape.rows, shape.dims)
        var q = [UInt8](repeating: 0, count: v.count)
        var scale = [Float](repeating: 0, count: shape.rows), resid = scale, qnorm = scale
        cited_quantize_rows_u8(v, shape.rows, shape.dims, &q, &scale, &resid, &qnorm)
        for i in 0..<shape.rows {
            var e2: Double = 0
            for j in 0..<shape.dims {
                let code = Int(q[i * shape.dims + j]) - 128
                #expect(abs(code) <= 127)
                let d = Double(v[i * shape.dims + j]) - Double(scale[i]) * Double(code)
                e2 += d * d
            }
            #expect(abs(e2.squareRoot() - Double(resid[i])) < 1e-5)
            #expect(abs(qnorm[i] - 1) < 0.05)
        }
    }

    @Test("fp32 gather dots equal the plain loop", arguments: shapes)
    func gather(shape: (rows: Int, dims: Int)) {
        var rng = SplitMix(state: 13)
        let v = rng.unitRows(shape.rows, shape.dims)
        let x = rng.unitRows(1, shape.dims)
        let list: [Int64] = (0..<shape.rows).reversed().map { Int64($0) }
        var out = [Float](repeating: 0, count: list.count)
        cited_dot_f32_gather(v, shape.dims, list, list.count, x, &out)
        for (n, r) in list.enumerated() {
            var want: Float = 0
            for j in 0..<shape.dims { want += v[Int(r) * shape.dims + j] * x[j] }
            #expect(abs(out[n] - want) < 1e-5)
        }
    }
}

@Suite("Gather kernels against plain loops")
struct SearchGatherTests {
    @Test("int8 gather equals the row kernel", arguments: [33, 384])
    func gather(dims: Int) {
        var rng = SplitMix(state: UInt64(dims))
        let rows = 11
        let m = (0..<(rows * dims)).map { _ in UInt8(1 + rng.next() % 255) }
        let x = (0..<dims).map { _ in Int8(Int(rng.next() % 129) - 64) }
        let list: [Int64] = [10, 0, 3, 3, 7]
        var got = [Int32](repeating: 0, count: list.count)
        cited_dot_u8i8_gather(m, dims, list, list.count, x, &got)
        for (n, r) in list.enumerated() {
            var want: Int32 = 0
            for j in 0..<dims { want += (Int32(m[Int(r) * dims + j]) - 128) * Int32(x[j]) }
            #expect(got[n] == want)
        }
    }
}
