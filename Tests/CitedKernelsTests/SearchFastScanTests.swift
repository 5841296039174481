import CCitedKernels
import Testing
@testable import CitedKernels

@Suite("2-bit fast-scan kernels against plain loops")
struct SearchFastScanTests {
    @Test("AVX2 block sums equal the plain loop", arguments: [(1, 96), (3, 96), (2, 1), (5, 10), (4, 128)])
    func scan(shape: (blocks: Int, nbytes: Int)) {
        let (nblocks, nbytes) = shape
        var rng = SplitMix(state: UInt64(nblocks * 1000 + nbytes))
        let blocks = (0..<(nblocks * nbytes * 32)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let lut = (0..<(2 * nbytes * 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var got = [UInt16](repeating: 0, count: nblocks * 32)
        var want = got
        cited_fastscan_scan(blocks, nblocks, nbytes, lut, &got)
        cited_fastscan_scan_reference(blocks, nblocks, nbytes, lut, &want)
        #expect(got == want)
        // And the reference against the layout as documented.
        for b in 0..<nblocks {
            for r in 0..<32 {
                var s = 0
                for p in 0..<nbytes {
                    let v = Int(blocks[(b * nbytes + p) * 32 + r])
                    s += Int(lut[2 * p * 16 + v & 15]) + Int(lut[(2 * p + 1) * 16 + v >> 4])
                }
                #expect(Int(want[b * 32 + r]) == s)
            }
        }
    }

    @Test("packed codes are each dimension's quantizer bucket", arguments: [(40, 384), (3, 7), (33, 5)])
    func pack(shape: (rows: Int, dims: Int)) {
        let (rows, dims) = shape
        var rng = SplitMix(state: 5)
        let v = rng.unitRows(rows, dims)
        var levels = [Float](repeating: 0, count: dims * 4), cuts = [Float](repeating: 0, count: dims * 3)
        cited_fastscan_train(v, rows, dims, &levels, &cuts)
        let nbytes = cited_fastscan_row_bytes(dims)
        var blocks = [UInt8](repeating: 0xFF, count: (rows + 31) / 32 * nbytes * 32)
        cited_fastscan_pack(v, rows, dims, cuts, &blocks)
        for i in 0..<rows {
            for j in 0..<dims {
                let byte = blocks[((i / 32) * nbytes + j / 4) * 32 + i % 32]
                let code = Int(byte >> UInt8(2 * (j % 4))) & 3
                let x = v[i * dims + j]
                let want = (x > cuts[j * 3] ? 1 : 0) + (x > cuts[j * 3 + 1] ? 1 : 0) + (x > cuts[j * 3 + 2] ? 1 : 0)
                #expect(code == want)
                #expect(levels[j * 4] < levels[j * 4 + 1] && levels[j * 4 + 2] < levels[j * 4 + 3])
            }
        }
    }

    @Test("query tables: shifted to 0, scaled, and ranking like the dot with the reconstructed rows")
    func tables() {
        let rows = 64, dims = 384
        var rng = SplitMix(state: 17)
        let v = rng.unitRows(rows, dims)
        let x = rng.unitRows(1, dims)
        var levels = [Float](repeating: 0, count: dims * 4), cuts = [Float](repeating: 0, count: dims * 3)
        cited_fastscan_train(v, rows, dims, &levels, &cuts)
        let nbytes = cited_fastscan_row_bytes(dims)
        var blocks = [UInt8](repeating: 0, count: (rows + 31) / 32 * nbytes * 32)
        cited_fastscan_pack(v, rows, dims, cuts, &blocks)
        var lut = [UInt8](repeating: 0, count: 2 * nbytes * 16)
        let scale = cited_fastscan_lut(x, dims, levels, &lut)
        #expect(scale > 0)
        for n in 0..<(2 * nbytes) { #expect(lut[(n * 16)..<(n * 16 + 16)].min() == 0) }
        var scores = [UInt16](repeating: 0, count: rows)
        cited_fastscan_scan(blocks, rows / 32, nbytes, lut, &scores)
        // Differences between rows' scores match the reconstructed dots' differences within rounding.
        func reconstructed(_ i: Int) -> Float {
            var s: Float = 0
            for j in 0..<dims {
                let byte = blocks[((i / 32) * nbytes + j / 4) * 32 + i % 32]
                s += x[j] * levels[j * 4 + Int(byte >> UInt8(2 * (j % 4))) & 3]
            }
            return s
        }
        let r0 = reconstructed(0)
        for i in 1..<rows {
            let got = (Float(scores[i]) - Float(scores[0])) / scale
            #expect(abs(got - (reconstructed(i) - r0)) <= Float(2 * nbytes) / scale)
        }
    }

    @Test("selection keeps exactly the rows at or above the bar, in order", arguments: [0, 1, 15, 16, 17, 100, 1000])
    func select(n: Int) {
        var rng = SplitMix(state: UInt64(n + 1))
        let scores = (0..<n).map { _ in UInt16(truncatingIfNeeded: rng.next() % 3000) }
        for bar: UInt16 in [0, 1500, 2990, 5000] {
            var rows = [Int64](repeating: -1, count: max(n, 1))
            let count = cited_select_u16(scores, n, bar, &rows)
            #expect(Array(rows[0..<count]) == scores.indices.filter { scores[$0] >= bar }.map { Int64($0) })
        }
    }

    @Test("threshold: at least the wanted count reach it, fewer reach the next bin")
    func threshold() {
        var rng = SplitMix(state: 3)
        let n = 50_000
        let scores = (0..<n).map { _ in UInt16(truncatingIfNeeded: rng.next() % 40_000) }
        for count in [10, 500, 5000] {
            let bar = cited_u16_threshold(scores, n, count, n)
            #expect(scores.filter { $0 >= bar }.count >= count)
            #expect(scores.filter { $0 >= bar + 16 }.count < count)
            // A strided sample lands close to the exact bar.
            let sampled = cited_u16_threshold(scores, n, count, 8192)
            let reached = scores.filter { $0 >= sampled }.count
            #expect(reached > count / 2 && reached < count * 2 + 64, "count \(count) sampled \(reached)")
        }
        #expect(cited_u16_threshold(scores, n, n, n) == 0)
    }
}
