import CCitedKernels
import Foundation
import Testing

@Suite("Attention, RMSNorm, RoPE against plain loops")
struct QuantAttentionTests {
    @Test("SIMD threaded attention equals the plain loops", arguments: [(3, 1), (4, 2), (6, 6)])
    func attention(heads: Int, kvHeads: Int) {
        var rng = SystemRandomNumberGeneratorLCG(state: 11)
        let hd = 20, ctx = 13, pos0 = 4, ntok = 3
        let stride = ctx * hd
        let kc = (0..<(kvHeads * stride)).map { _ in cq_f32_to_f16(Float.random(in: -1...1, using: &rng)) }
        let vc = (0..<(kvHeads * stride)).map { _ in cq_f32_to_f16(Float.random(in: -1...1, using: &rng)) }
        let q = (0..<(ntok * heads * hd)).map { _ in Float.random(in: -1...1, using: &rng) }
        var fast = [Float](repeating: 0, count: q.count)
        var slow = fast
        var scratch = [Float](repeating: 0, count: 16 * Int(cq_attention_scratch_row(Int64(ctx))))
        cq_attention(q, Int64(ntok), Int32(heads), Int32(kvHeads), Int32(hd), kc, vc, Int64(stride), Int64(pos0),
                     0.3, &fast, &scratch)
        cq_attention_ref(q, Int64(ntok), Int32(heads), Int32(kvHeads), Int32(hd), kc, vc, Int64(stride), Int64(pos0),
                         0.3, &slow, &scratch)
        // plain-loop softmax attention in double, without the f16 rounding of q and p
        let group = heads / kvHeads
        for t in 0..<ntok {
            for h in 0..<heads {
                let kvh = h / group
                let n = pos0 + t + 1
                var s = [Double](repeating: 0, count: n)
                for j in 0..<n {
                    for i in 0..<hd {
                        s[j] += Double(q[(t * heads + h) * hd + i]) * Double(cq_f16_to_f32(kc[kvh * stride + j * hd + i]))
                    }
                    s[j] *= 0.3
                }
                let m = s.max()!
                let e = s.map { Foundation.exp($0 - m) }
                let z = e.reduce(0, +)
                for i in 0..<hd {
                    var o = 0.0
                    for j in 0..<n { o += e[j] / z * Double(cq_f16_to_f32(vc[kvh * stride + j * hd + i])) }
                    let at = (t * heads + h) * hd + i
                    #expect(abs(Double(slow[at]) - o) < 2e-3)
                    #expect(fast[at] == slow[at], "SIMD and plain loops must round alike")
                }
            }
        }
    }

    @Test("SIMD attention paths (batch: head sizes multiple of 8; one token: multiple of 32) equal the plain loops bit for bit",
          arguments: [(64, 14, 2, 37, 9), (128, 12, 2, 0, 21), (64, 4, 4, 3, 2), (64, 14, 2, 40, 1), (128, 12, 2, 7, 1), (64, 3, 1, 0, 1)])
    func attentionBatch(hd: Int, heads: Int, kvHeads: Int, pos0: Int, ntok: Int) {
        var rng = SystemRandomNumberGeneratorLCG(state: UInt64(hd + pos0 + ntok))
        let ctx = pos0 + ntok + 5, stride = ctx * hd
        let kc = (0..<(kvHeads * stride)).map { _ in cq_f32_to_f16(Float.random(in: -1...1, using: &rng)) }
        let vc = (0..<(kvHeads * stride)).map { _ in cq_f32_to_f16(Float.random(in: -1...1, using: &rng)) }
        // large queries: peaked softmax, so many probabilities round to zero in f16
        let q = (0..<(ntok * heads * hd)).map { _ in Float.random(in: -4...4, using: &rng) }
        var fast = [Float](repeating: 0, count: q.count), slow = fast
        var scratch = [Float](repeating: 0, count: 16 * Int(cq_attention_scratch_row(Int64(ctx))))
        cq_attention(q, Int64(ntok), Int32(heads), Int32(kvHeads), Int32(hd), kc, vc, Int64(stride), Int64(pos0),
                     0.125, &fast, &scratch)
        cq_attention_ref(q, Int64(ntok), Int32(heads), Int32(kvHeads), Int32(hd), kc, vc, Int64(stride), Int64(pos0),
                         0.125, &slow, &scratch)
        let bad = (0..<q.count).filter { fast[$0].bitPattern != slow[$0].bitPattern }
        #expect(bad.isEmpty, "\(bad.count) outputs differ")
    }

    @Test("RMSNorm and SwiGLU equal their definitions")
    func norm() {
        let x: [Float] = (0..<37).map { Float($0) * 0.1 - 1.5 }
        let w: [Float] = (0..<37).map { 1 + Float($0) * 0.01 }
        var y = [Float](repeating: 0, count: 37)
        cq_rms_norm(x, w, &y, 37, 1e-5)
        let ms = x.map { Double($0 * $0) }.reduce(0, +) / 37
        for i in 0..<37 { #expect(abs(Double(y[i]) - Double(x[i]) / (ms + 1e-5).squareRoot() * Double(w[i])) < 1e-5) }
        var s = [Float](repeating: 0, count: 37)
        cq_swiglu(x, w, &s, 1, 37)
        for i in 0..<37 { #expect(abs(s[i] - x[i] / (1 + exp(-x[i])) * w[i]) < 1e-6) }
    }

    @Test("SwiGLU over rows: SIMD equals the plain loop bit for bit, tails included")
    func swigluRows() {
        var rng = SystemRandomNumberGeneratorLCG(state: 5)
        let rows = 3, width = 45
        let g = (0..<(rows * width)).map { _ in Float.random(in: -30...30, using: &rng) }
        let u = (0..<(rows * width)).map { _ in Float.random(in: -2...2, using: &rng) }
        var fast = [Float](repeating: 0, count: g.count), slow = fast
        cq_swiglu(g, u, &fast, Int64(rows), Int64(width))
        cq_swiglu_ref(g, u, &slow, Int64(rows), Int64(width))
        #expect(fast == slow)
        for i in 0..<g.count { #expect(abs(Double(slow[i]) - Double(g[i]) / (1 + exp(-Double(g[i]))) * Double(u[i])) < 1e-5 * (1 + abs(Double(slow[i])))) }
    }

    @Test("ggml-style expf is within 2.5 ulp of exp over the normal float range, and saturates like it")
    func expf() {
        var x: Float = -87.3
        while x < 88.7 {
            let got = Double(cq_expf_ggml(x)), want = Foundation.exp(Double(x))
            #expect(abs(got - want) <= 2.5 * Double(Float(want).ulp), "x = \(x)")
            x += 0.0137
        }
        #expect(cq_expf_ggml(-.infinity) == 0)
        #expect(cq_expf_ggml(-200) == 0)
        #expect(cq_expf_ggml(200) == .infinity)
        #expect(cq_expf_ggml(0) == 1)
    }

    @Test("RoPE rotates adjacent pairs (llama) or halves (neox) by pos·base^(-2i/d)", arguments: [Int32(0), 1])
    func rope(neox: Int32) {
        let hd = 8, heads = 3, pos0 = 5, ntok = 2
        let x0: [Float] = (0..<(ntok * heads * hd)).map { Float($0 % 7) - 3 }
        var x = x0
        cq_rope(&x, Int64(ntok), Int32(heads), Int32(hd), Int32(hd), Int64(pos0), 10000, neox)
        for t in 0..<ntok {
            for h in 0..<heads {
                for i in 0..<(hd / 2) {
                    let theta = Double(pos0 + t) * pow(10000, -2 * Double(i) / Double(hd))
                    let a = neox == 1 ? i : 2 * i, b = neox == 1 ? i + hd / 2 : 2 * i + 1
                    let base = (t * heads + h) * hd
                    let e0 = Double(x0[base + a]) * cos(theta) - Double(x0[base + b]) * sin(theta)
                    let e1 = Double(x0[base + a]) * sin(theta) + Double(x0[base + b]) * cos(theta)
                    #expect(abs(Double(x[base + a]) - e0) < 1e-4)
                    #expect(abs(Double(x[base + b]) - e1) < 1e-4)
                }
            }
        }
    }
}
