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
        var scratch = [Float](repeating: 0, count: 16 * ctx)
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
                    #expect(abs(fast[at] - slow[at]) < 1e-5)
                }
            }
        }
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
        cq_swiglu(x, w, &s, 37)
        for i in 0..<37 { #expect(abs(s[i] - x[i] / (1 + exp(-x[i])) * w[i]) < 1e-6) }
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
