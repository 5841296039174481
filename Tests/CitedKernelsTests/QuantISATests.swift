import CCitedKernels
import Foundation
import Testing

/// The kernel level is chosen per call or per calling thread, never by a process-wide switch, so
/// suites running in parallel cannot move each other onto another path.
@Suite("Instruction-set levels: explicit, per thread, AVX-512 against AVX2")
struct QuantISATests {
    @Test("this CPU's levels are reported, and the process default is one of them")
    func detected() {
        let supported = cq_isa_supported(), detected = cq_isa_detected()
        #expect(supported >= isaScalar && supported <= isaAVX512)
        #expect(detected <= supported)
        print("kernel levels: CPU runs \(String(cString: cq_isa_name(supported))), process default \(String(cString: cq_isa_name(detected)))")
    }

    /// Every AVX-512 kernel must be taken (the range matmul reports the level that ran) and give the
    /// AVX2 kernel's bits, on row ranges that cut the 8- and 16-row groups and token counts around
    /// the 16-token groups and 64-token tiles.
    @Test("AVX-512 matmul kernels are taken and equal the AVX2 ones bit for bit",
          .enabled(if: hasAVX512, "this CPU has no AVX-512 (F, BW, VL, DQ, VNNI)"),
          arguments: [Int32(2), 3, 6, 7, 8, 12, 14])
    func avx512Matmul(type: Int32) {
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(type) * 131 + 9)
        let block = [12, 14].contains(type) ? 256 : 32
        for (rows, blocks) in [(37, 3), (64, 2), (23, block == 256 ? 7 : 29)] {
            let cols = block * blocks
            let w = (0..<rows).flatMap { _ in randomRow(type: type, cols: cols, rng: &rng) }
            for ntok in [4, 5, 7, 8, 15, 16, 17, 33, 64, 65, 130] {
                let act = randomActivations(type: type, cols: cols, ntok: ntok, rng: &rng)
                var want = [Float](repeating: .nan, count: rows * ntok), got = want
                let ranges = [(0, 8), (8, min(24, rows)), (min(24, rows), rows)]
                for (r0, r1) in ranges where r0 < r1 {
                    #expect(cq_matmul_range_isa(isaAVX2, type, w, Int64(cols), act, Int64(ntok), &want, Int64(rows),
                                                Int64(r0), Int64(r1)) == isaAVX2)
                    let ran = cq_matmul_range_isa(isaAVX512, type, w, Int64(cols), act, Int64(ntok), &got, Int64(rows),
                                                  Int64(r0), Int64(r1))
                    // Q6_K below 8 tokens rounds as the one-pair kernel: the AVX2 decode kernel serves it
                    #expect(ran == (type == 14 && ntok < 8 ? isaAVX2 : isaAVX512), "type \(type) ntok \(ntok): level \(ran)")
                }
                let bad = (0..<want.count).filter { want[$0].bitPattern != got[$0].bitPattern }
                #expect(bad.isEmpty, "type \(type) rows \(rows) cols \(cols) ntok \(ntok): \(bad.count) differ, first \(bad.first ?? -1)")
            }
        }
    }

    /// A thread's own level reaches the pool's workers: the scalar and AVX2 roundings of Q8_0 differ
    /// (one float sum against eight lanes), so a worker on the wrong level would change the bits.
    @Test("a thread's level holds for the work it hands to the pool")
    func threadLevel() throws {
        try #require(!simdLevels.isEmpty, "needs a SIMD level to tell the paths apart")
        var rng = SystemRandomNumberGeneratorLCG(state: 77)
        let type: Int32 = 8, rows = 96, cols = 32 * 24, ntok = 12
        let w = (0..<rows).flatMap { _ in randomRow(type: type, cols: cols, rng: &rng) }
        let act = randomActivations(type: type, cols: cols, ntok: ntok, rng: &rng)
        var scalar = [Float](repeating: .nan, count: rows * ntok), simd = scalar
        cq_matmul_ex(isaScalar, 1, type, w, Int64(rows), Int64(cols), act, Int64(ntok), &scalar, Int64(rows))
        cq_matmul_ex(simdLevels.last!, 1, type, w, Int64(rows), Int64(cols), act, Int64(ntok), &simd, Int64(rows))
        #expect(scalar.map(\.bitPattern) != simd.map(\.bitPattern), "the two roundings must differ for this test to mean anything")
        for (isa, want) in [(isaScalar, scalar), (simdLevels.last!, simd)] {
            cq_set_thread_isa(isa)
            defer { cq_set_thread_isa(-1) }
            #expect(cq_isa() == isa)
            var out = [Float](repeating: .nan, count: rows * ntok)
            cq_matmul(type, w, Int64(rows), Int64(cols), act, Int64(ntok), &out, Int64(rows))  // the pool's default threads
            #expect(out.map(\.bitPattern) == want.map(\.bitPattern), "level \(isa)")
        }
        #expect(cq_isa() == cq_isa_detected())
    }

    @Test("a level above the CPU's is clamped, not trusted")
    func clamp() {
        cq_set_thread_isa(99)
        #expect(cq_isa() == cq_isa_supported())
        cq_set_thread_isa(-1)
        #expect(cq_isa() == cq_isa_detected())
    }
}
