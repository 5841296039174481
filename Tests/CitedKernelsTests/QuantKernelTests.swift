import CCitedKernels
import Foundation
import Testing

/// Random but valid blocks: fp16 scales in a sane range, random quant bytes.
func randomRow(type: Int32, cols: Int, rng: inout SystemRandomNumberGeneratorLCG) -> [UInt8] {
    let bytes = cq_row_bytes(type, Int64(cols))
    var row = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
    func half(_ at: Int, _ v: Float) { let h = cq_f32_to_f16(v); row[at] = UInt8(h & 0xFF); row[at + 1] = UInt8(h >> 8) }
    func scale() -> Float { Float.random(in: -0.05...0.05, using: &rng) }
    switch type {
    case 0:
        row = []
        for _ in 0..<cols { withUnsafeBytes(of: Float.random(in: -1...1, using: &rng)) { row += $0 } }
    case 1:
        for i in 0..<cols { half(2 * i, Float.random(in: -1...1, using: &rng)) }
    case 30:
        for i in 0..<cols { let f = Float.random(in: -1...1, using: &rng); let b = f.bitPattern >> 16
            row[2 * i] = UInt8(b & 0xFF); row[2 * i + 1] = UInt8(b >> 8) }
    case 2, 6, 8:  // Q4_0 (18), Q5_0 (22), Q8_0 (34): d first
        let bs = type == 2 ? 18 : type == 6 ? 22 : 34
        for b in 0..<(cols / 32) { half(b * bs, scale()) }
    case 3, 7:  // Q4_1 (20), Q5_1 (24): d, m
        let bs = type == 3 ? 20 : 24
        for b in 0..<(cols / 32) { half(b * bs, abs(scale())); half(b * bs + 2, scale()) }
    case 12, 13:  // Q4_K (144), Q5_K (176): d, dmin first
        let bs = type == 12 ? 144 : 176
        for b in 0..<(cols / 256) { half(b * bs, abs(scale()) / 8); half(b * bs + 2, abs(scale()) / 8) }
    case 14:  // Q6_K: d at the end (208)
        for b in 0..<(cols / 256) { half(b * 210 + 208, abs(scale()) / 8) }
    default: break
    }
    return row
}

/// `ntok` rows of activations drawn from ±`range`, quantized to `type`'s activation format.
func randomActivations(type: Int32, cols: Int, ntok: Int, range: Float = 2,
                       rng: inout SystemRandomNumberGeneratorLCG) -> [UInt8] {
    let rb = cq_act_row_bytes(type, Int64(cols))
    var act = [UInt8](repeating: 0, count: rb * ntok)
    for t in 0..<ntok {
        let x = (0..<cols).map { _ in Float.random(in: -range...range, using: &rng) }
        act.withUnsafeMutableBytes { p in cq_quantize_act(type, x, p.baseAddress! + t * rb, Int64(cols)) }
    }
    return act
}

let isaScalar = Int32(CQ_ISA_SCALAR.rawValue), isaAVX2 = Int32(CQ_ISA_AVX2.rawValue), isaAVX512 = Int32(CQ_ISA_AVX512.rawValue)
/// The SIMD levels this CPU runs; each is compared explicitly (no process-wide switch is flipped).
let simdLevels = [isaAVX2, isaAVX512].filter { $0 <= cq_isa_supported() }
let hasAVX512 = cq_isa_supported() >= isaAVX512

/// Runs `cq_matmul_ex` at every SIMD level on 1 and 2 threads and expects every output bit-equal to `expected`.
func expectMatmulBitEqual(type: Int32, _ w: [UInt8], rows: Int, cols: Int, _ act: [UInt8], ntok: Int,
                          _ expected: [Float], _ label: String) {
    #expect(!simdLevels.isEmpty, "no SIMD level on this CPU: nothing compared")
    for isa in simdLevels {
        for threads: Int32 in [1, 2] {
            var out = [Float](repeating: .nan, count: rows * ntok)
            cq_matmul_ex(isa, threads, type, w, Int64(rows), Int64(cols), act, Int64(ntok), &out, Int64(rows))
            let bad = (0..<out.count).filter { out[$0].bitPattern != expected[$0].bitPattern }
            #expect(bad.isEmpty, "\(label) \(String(cString: cq_isa_name(isa))) threads \(threads): \(bad.count) differ, first \(bad.first ?? -1)")
        }
    }
}

/// A seeded generator so failures reproduce.
struct SystemRandomNumberGeneratorLCG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 29)
    }
}

/// Dequantizes one activation row (the formats of cq_quantize_act) with plain loops.
func dequantizeActivation(type wtype: Int32, _ a: [UInt8], cols: Int) -> [Float] {
    let at = cq_act_type(wtype)
    func half(_ i: Int) -> Float { cq_f16_to_f32(UInt16(a[i]) | UInt16(a[i + 1]) << 8) }
    var out = [Float](repeating: 0, count: cols)
    switch at {
    case 0: a.withUnsafeBytes { p in for i in 0..<cols { out[i] = p.load(fromByteOffset: 4 * i, as: Float.self) } }
    case 1: for i in 0..<cols { out[i] = half(2 * i) }
    case 30: for i in 0..<cols { out[i] = Float(bitPattern: (UInt32(a[2 * i]) | UInt32(a[2 * i + 1]) << 8) << 16) }
    case 8, 9:
        let bs = at == 8 ? 34 : 36, q0 = at == 8 ? 2 : 4
        for b in 0..<(cols / 32) {
            let d = half(b * bs)
            for j in 0..<32 { out[b * 32 + j] = d * Float(Int8(bitPattern: a[b * bs + q0 + j])) }
        }
    default:  // Q8_K: float d, 256 int8, 16 int16
        for b in 0..<(cols / 256) {
            let d = a.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: b * 292, as: Float.self) }
            for j in 0..<256 { out[b * 256 + j] = d * Float(Int8(bitPattern: a[b * 292 + 4 + j])) }
        }
    }
    return out
}

let weightTypes: [Int32] = [0, 1, 30, 2, 3, 6, 7, 8, 12, 13, 14]

@Suite("Quantized kernels against plain loops")
struct QuantKernelTests {
    @Test("vec_dot equals a plain float dot of the dequantized rows", arguments: weightTypes)
    func vecDot(type: Int32) {
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(type) + 7)
        let block = [12, 13, 14].contains(type) ? 256 : 32
        for blocks in [1, 3, 5] {
            let cols = block * blocks
            let w = randomRow(type: type, cols: cols, rng: &rng)
            let x = (0..<cols).map { _ in Float.random(in: -2...2, using: &rng) }
            var act = [UInt8](repeating: 0, count: cq_act_row_bytes(type, Int64(cols)))
            cq_quantize_act(type, x, &act, Int64(cols))
            var wf = [Float](repeating: 0, count: cols)
            cq_dequantize_row(type, w, &wf, Int64(cols))
            let af = dequantizeActivation(type: type, act, cols: cols)
            var expected: Double = 0
            var magnitude: Double = 0
            for i in 0..<cols { expected += Double(wf[i]) * Double(af[i]); magnitude += abs(Double(wf[i] * af[i])) }
            let fast = cq_vec_dot(type, Int64(cols), w, act)
            let ref = cq_vec_dot_ref(type, Int64(cols), w, act)
            let tol = 1e-4 * magnitude + 1e-6
            #expect(abs(Double(fast) - expected) <= tol, "type \(type) cols \(cols): \(fast) vs \(expected)")
            #expect(abs(Double(ref) - expected) <= tol, "type \(type) cols \(cols): ref \(ref) vs \(expected)")
            // The activation is within half a quantization step of the input.
            for i in 0..<cols where [8, 9].contains(cq_act_type(type)) {
                #expect(abs(af[i] - x[i]) <= 2.0 / 127 * 0.51 + 1e-3)
            }
        }
    }

    @Test("llama.cpp's batched roundings: SIMD equals the plain loop bit for bit, near the exact dot",
          arguments: [Int32(CQ_Q4_K.rawValue), Int32(CQ_Q4_K_GEMM.rawValue), Int32(CQ_Q6_K_TILED.rawValue)])
    func batchedKernels(kernel: Int32) throws {
        try #require(cq_isa_supported() >= isaAVX2, "the batched roundings are defined by the AVX2 kernels")
        let type = kernel & 0xFF
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(kernel))
        for blocks in [1, 4] {
            let cols = 256 * blocks
            let w = randomRow(type: type, cols: cols, rng: &rng)
            let x = (0..<cols).map { _ in Float.random(in: -2...2, using: &rng) }
            var act = [UInt8](repeating: 0, count: cq_act_row_bytes(type, Int64(cols)))
            cq_quantize_act(type, x, &act, Int64(cols))
            var wf = [Float](repeating: 0, count: cols)
            cq_dequantize_row(type, w, &wf, Int64(cols))
            let af = dequantizeActivation(type: type, act, cols: cols)
            var expected: Double = 0, magnitude: Double = 0
            for i in 0..<cols { expected += Double(wf[i]) * Double(af[i]); magnitude += abs(Double(wf[i] * af[i])) }
            let fast = cq_vec_dot_isa(isaAVX2, kernel, Int64(cols), w, act), ref = cq_vec_dot_ref(kernel, Int64(cols), w, act)
            #expect(fast == ref, "kernel \(kernel) cols \(cols): \(fast) vs \(ref)")
            #expect(abs(Double(ref) - expected) <= 1e-4 * magnitude + 1e-6)
        }
    }

    @Test("kernels are chosen per row as llama.cpp's CPU backend chooses them")
    func kernelChoice() {
        let q4 = Int32(CQ_Q4_K.rawValue), q6 = Int32(CQ_Q6_K.rawValue)
        #expect(cq_kernel_for(q6, 7, 0) == q6)
        #expect(cq_kernel_for(q6, 8, 7) == Int32(CQ_Q6_K_TILED.rawValue))
        #expect(cq_kernel_for(q4, 3, 0) == q4)
        #expect(cq_kernel_for(q4, 9, 7) == Int32(CQ_Q4_K_GEMM.rawValue))
        #expect(cq_kernel_for(q4, 9, 8) == q4)
        #expect(cq_kernel_for(Int32(CQ_Q5_0.rawValue), 64, 0) == Int32(CQ_Q5_0.rawValue))
    }

    @Test("SIMD activation quantization matches the portable one bit for bit, at every level",
          arguments: [Int32(2), 3, 12, 14])
    func quantizeSIMD(type: Int32) {
        var rng = SystemRandomNumberGeneratorLCG(state: 99 + UInt64(type))
        let cols = [12, 14].contains(type) ? 256 * 5 : 96
        var x = (0..<cols).map { _ in Float.random(in: -3...3, using: &rng) }
        x[5] = 0.5 * 3 / 127 * 127  // exercise ties
        if cols >= 1280 {
            // block 1: all zero; block 2: the largest magnitude twice, negative first (the scale's sign
            // comes from the first); block 3: halves of the step (ties to even); block 4: one huge value
            for i in 256..<512 { x[i] = 0 }
            for i in 512..<768 { x[i] *= 0.5 }
            x[512 + 3] = -2.75; x[512 + 200] = 2.75
            for i in 768..<1024 { x[i] = Float(i - 896) * 0.5 * 2.75 / 127 }
            x[768] = -2.75
            x[1024 + 255] = 1e30
        }
        var slow = [UInt8](repeating: 0, count: cq_act_row_bytes(type, Int64(cols)))
        #expect(cq_quantize_act_isa(isaScalar, type, x, &slow, Int64(cols)) == isaScalar)
        #expect(!simdLevels.isEmpty, "no SIMD level on this CPU: nothing compared")
        for isa in simdLevels {
            var fast = [UInt8](repeating: 0xAA, count: slow.count)
            let ran = cq_quantize_act_isa(isa, type, x, &fast, Int64(cols))
            // Q8_K has an AVX-512 quantizer; Q8_0/Q8_1 take the AVX2 one at both levels
            #expect(ran == ([12, 14].contains(type) ? (isa == isaAVX512 ? isaAVX512 : isaScalar) : isaAVX2))
            #expect(fast == slow, "level \(String(cString: cq_isa_name(isa)))")
        }
    }

    @Test("matmul equals per-row dots on odd sizes, 1 and 2 threads", arguments: [Int32(3), 6, 8, 12, 14])
    func matmul(type: Int32) {
        var rng = SystemRandomNumberGeneratorLCG(state: 5)
        let block = [12, 13, 14].contains(type) ? 256 : 32
        let cols = block * 3, rows = 37, ntok = 5
        var w: [UInt8] = []
        for _ in 0..<rows { w += randomRow(type: type, cols: cols, rng: &rng) }
        let rb = cq_act_row_bytes(type, Int64(cols))
        let act = randomActivations(type: type, cols: cols, ntok: ntok, range: 1, rng: &rng)
        let wb = cq_row_bytes(type, Int64(cols))
        var expected = [Float](repeating: 0, count: rows * ntok)
        for t in 0..<ntok {
            for r in 0..<rows {
                expected[t * rows + r] = w.withUnsafeBytes { wp in act.withUnsafeBytes { ap in
                    cq_vec_dot_ref(type, Int64(cols), wp.baseAddress! + r * wb, ap.baseAddress! + t * rb) } }
            }
        }
        for isa in [isaScalar] + simdLevels {
            for threads: Int32 in [1, 2] {
                var out = [Float](repeating: .nan, count: rows * ntok)
                cq_matmul_ex(isa, threads, type, w, Int64(rows), Int64(cols), act, Int64(ntok), &out, Int64(rows))
                for i in 0..<out.count {
                    #expect(abs(out[i] - expected[i]) <= 1e-4 * max(1, abs(expected[i])), "level \(isa), \(threads) threads, \(i)")
                }
            }
        }
    }

    @Test("multi-token matmul equals the per-pair kernel bit for bit (odd rows, token tails, tiles, threads)",
          arguments: [Int32(2), 3, 6, 7, 8, 12, 13, 14])
    func matmulExact(type: Int32) {
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(type) * 31 + 3)
        let block = [12, 13, 14].contains(type) ? 256 : 32
        let cols = block * 3, rows = 37
        var w: [UInt8] = []
        for _ in 0..<rows { w += randomRow(type: type, cols: cols, rng: &rng) }
        let wb = cq_row_bytes(type, Int64(cols)), rb = cq_act_row_bytes(type, Int64(cols))
        for ntok in [1, 2, 3, 4, 5, 8, 9, 13, 16, 17, 31, 70, 133] {
            let act = randomActivations(type: type, cols: cols, ntok: ntok, rng: &rng)
            var expected = [Float](repeating: 0, count: rows * ntok)
            for t in 0..<ntok {
                let kernel = cq_kernel_for(type, Int64(ntok), Int64(t))
                for r in 0..<rows {
                    expected[t * rows + r] = w.withUnsafeBytes { wp in act.withUnsafeBytes { ap in
                        cq_vec_dot_isa(isaAVX2, kernel, Int64(cols), wp.baseAddress! + r * wb, ap.baseAddress! + t * rb) } }
                }
            }
            expectMatmulBitEqual(type: type, w, rows: rows, cols: cols, act, ntok: ntok, expected, "type \(type) ntok \(ntok)")
        }
    }

    @Test("decode matmuls (few tokens, 8-row groups with tails) equal plain loops bit for bit, 1 and 2 threads",
          arguments: [Int32(CQ_Q4_K.rawValue), Int32(CQ_Q6_K.rawValue)])
    func decodeExact(type: Int32) {
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(type) * 17 + 1)
        for (rows, blocks) in [(1, 1), (7, 6), (8, 1), (13, 6), (37, 2), (69, 35)] {
            let cols = 256 * blocks
            let w = (0..<rows).flatMap { _ in randomRow(type: type, cols: cols, rng: &rng) }
            let wb = cq_row_bytes(type, Int64(cols)), rb = cq_act_row_bytes(type, Int64(cols))
            for ntok in [1, 2, 3, 5, 8] {
                let act = randomActivations(type: type, cols: cols, ntok: ntok, rng: &rng)
                var expected = [Float](repeating: 0, count: rows * ntok)
                for t in 0..<ntok {
                    let kernel = cq_kernel_for(type, Int64(ntok), Int64(t))
                    for r in 0..<rows {
                        let wr = Array(w[(r * wb)..<((r + 1) * wb)]), ar = Array(act[(t * rb)..<((t + 1) * rb)])
                        expected[t * rows + r] = kernel == type && type == Int32(CQ_Q6_K.rawValue)
                            ? q6KVecDotLanes(wr, ar, blocks: blocks) : cq_vec_dot_ref(kernel, Int64(cols), wr, ar)
                    }
                }
                expectMatmulBitEqual(type: type, w, rows: rows, cols: cols, act, ntok: ntok, expected,
                                     "type \(type) rows \(rows) cols \(cols) ntok \(ntok)")
            }
        }
    }

    @Test("a batch of matmuls in one parallel region equals the matmuls one by one", arguments: [1, 3, 9])
    func matmulBatch(ntok: Int) {
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(ntok) + 40)
        // Q/K/V-like shapes of mixed types sharing one activation format (Q8_0: Q5_0 and Q8_0 weights)
        let cols = 96, shapes: [(Int32, Int)] = [(6, 45), (6, 13), (8, 21)]
        let act = randomActivations(type: 6, cols: cols, ntok: ntok, rng: &rng)
        let weights = shapes.map { (type, rows) in (0..<rows).flatMap { _ in randomRow(type: type, cols: cols, rng: &rng) } }
        var expected = shapes.map { [Float](repeating: 0, count: $0.1 * ntok) }
        for (i, (type, rows)) in shapes.enumerated() {
            cq_matmul_ex(isaAVX2, 1, type, weights[i], Int64(rows), Int64(cols), act, Int64(ntok), &expected[i], Int64(rows))
        }
        let outs = shapes.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: $0.1 * ntok) }
        let ws = weights.map { w in
            let p = UnsafeMutableRawPointer.allocate(byteCount: w.count, alignment: 16)
            p.copyMemory(from: w, byteCount: w.count)
            return p
        }
        defer { outs.forEach { $0.deallocate() }; ws.forEach { $0.deallocate() } }
        act.withUnsafeBytes { a in
            let jobs = (0..<3).map { i in
                cq_matmul_job(wtype: shapes[i].0, w: ws[i], rows: Int64(shapes[i].1), cols: Int64(cols), act: a.baseAddress!,
                              ntok: Int64(ntok), out: outs[i].baseAddress!, out_stride: Int64(shapes[i].1))
            }
            for isa in simdLevels {
                for threads: Int32 in [1, 2] {
                    for o in outs { o.initialize(repeating: .nan) }
                    cq_matmul_batch_ex(isa, threads, jobs, 3)
                    for i in 0..<3 {
                        #expect(Array(outs[i]).map(\.bitPattern) == expected[i].map(\.bitPattern), "job \(i) level \(isa) threads \(threads)")
                    }
                }
            }
        }
    }

    @Test("f16 conversion rounds to nearest even and round-trips halves")
    func half() {
        for h in stride(from: 0, to: 0x7C00, by: 7) {
            #expect(cq_f32_to_f16(cq_f16_to_f32(UInt16(h))) == UInt16(h))
        }
        #expect(cq_f32_to_f16(1 + 1.0 / 2048) == 0x3C00)  // tie → even
        #expect(cq_f32_to_f16(1 + 3.0 / 2048) == 0x3C02)
        #expect(cq_f16_to_f32(0x0001) == Float(5.9604645e-08))
        #expect(cq_f32_to_f16(70000) == 0x7C00)
    }
}

/// Q6_K as ggml's AVX2 vec_dot rounds it (below 8 tokens), in plain loops: per super-block, 8 integer
/// lanes (lane l: bytes 4l..4l+3 of every 32-value chunk, times their 16-value scale, minus the -32
/// offset of sub-blocks 2l, 2l+1 through bsums), each folded by fma with d_a·d_w into its own float;
/// the 8 floats summed as hsum_ps sums them.
func q6KVecDotLanes(_ w: [UInt8], _ a: [UInt8], blocks: Int) -> Float {
    var acc = [Float](repeating: 0, count: 8)
    for b in 0..<blocks {
        let x = b * 210, y = b * 292
        let scale = { (i: Int) in Int(Int8(bitPattern: w[x + 192 + i])) }
        let act = { (i: Int) in Int(Int8(bitPattern: a[y + 4 + i])) }
        let bsum = { (i: Int) in Int(Int16(bitPattern: UInt16(a[y + 260 + 2 * i]) | UInt16(a[y + 261 + 2 * i]) << 8)) }
        var lanes = [Int](repeating: 0, count: 8)
        for h in 0..<2 {
            let ql = x + 64 * h, qh = x + 128 + 32 * h
            for k in 0..<4 {
                for c in 0..<32 {
                    let lo = k % 2 == 0 ? w[ql + c] : w[ql + 32 + c]
                    let q = (k < 2 ? Int(lo & 0xF) : Int(lo >> 4)) | (Int(w[qh + c] >> (2 * k)) & 3) << 4
                    lanes[c / 4] += scale(8 * h + 2 * k + c / 16) * q * act(128 * h + 32 * k + c)
                }
            }
        }
        let dw = cq_f16_to_f32(UInt16(w[x + 208]) | UInt16(w[x + 209]) << 8)
        let da = a.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: y, as: Float.self) }
        for l in 0..<8 {
            let lane = lanes[l] - 32 * (bsum(2 * l) * scale(2 * l) + bsum(2 * l + 1) * scale(2 * l + 1))
            acc[l] = acc[l].addingProduct(da * dw, Float(lane))
        }
    }
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]))
}
