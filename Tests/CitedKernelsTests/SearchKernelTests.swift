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

    @Test("Hamming and bit-plane passes equal the plain loop", arguments: shapes)
    func bitPasses(shape: (rows: Int, dims: Int)) {
        var rng = SplitMix(state: 11)
        let v = rng.unitRows(shape.rows, shape.dims)
        let words = (shape.dims + 63) / 64
        var bits = [UInt64](repeating: 0, count: shape.rows * words)
        cited_sign_bits_rows(v, shape.rows, shape.dims, &bits)
        let qv = rng.unitRows(1, shape.dims)
        var qbits = [UInt64](repeating: 0, count: words)
        cited_sign_bits_rows(qv, 1, shape.dims, &qbits)
        var ham = [UInt32](repeating: 0, count: shape.rows)
        cited_hamming_rows(bits, shape.rows, words, qbits, &ham)
        let planes = (0..<(3 * words)).map { _ in rng.next() }
        let weights: [Int32] = [1, 2, -8]
        var planeScores = [Int32](repeating: 0, count: shape.rows)
        cited_bitplane_rows(bits, shape.rows, words, planes, weights, 3, &planeScores)
        for i in 0..<shape.rows {
            var d: UInt32 = 0
            var s: Int32 = 0
            for j in 0..<shape.dims {
                let bit = v[i * shape.dims + j] > 0
                #expect(bit == (bits[i * words + j / 64] >> UInt64(j % 64) & 1 == 1))
                if bit != (qv[j] > 0) { d += 1 }
                if bit { for p in 0..<3 where planes[p * words + j / 64] >> UInt64(j % 64) & 1 == 1 { s += weights[p] } }
            }
            // Plane bits beyond `dims` meet zero row bits, so they never count.
            #expect(ham[i] == d)
            #expect(planeScores[i] == s)
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

@Suite("Lookup-table and gather kernels against plain loops")
struct SearchLookupTests {
    @Test("byte lookup sums equal the plain loop", arguments: [(1, 48), (7, 48), (5, 6), (3, 1), (9, 49)])
    func lut(shape: (Int, Int)) {
        let (rows, nbytes) = shape
        var rng = SplitMix(state: UInt64(rows * 100 + nbytes))
        let bytes = (0..<(rows * nbytes)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let lut = (0..<(nbytes * 256)).map { _ in Int16(truncatingIfNeeded: rng.next() % 4001) - 2000 }
        var out = [Int32](repeating: 0, count: rows)
        cited_lut8_rows(bytes, rows, nbytes, lut, &out)
        for i in 0..<rows {
            var want: Int32 = 0
            for b in 0..<nbytes { want += Int32(lut[b * 256 + Int(bytes[i * nbytes + b])]) }
            #expect(out[i] == want)
        }
    }

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
