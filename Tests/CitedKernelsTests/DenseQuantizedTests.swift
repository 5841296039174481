import Testing
@testable import CitedKernels

extension Optional where Wrapped == [Float] {
    /// The array's pointer, or nil, for the duration of `body`.
    func withOptionalPointer<T>(_ body: (UnsafePointer<Float>?) -> T) -> T {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

@Suite("Dense quantised linear")
struct DenseQuantizedTests {
    @Test("AVX2 path equals the portable integer path and approximates fp32",
          arguments: [(1, 16, 2), (3, 32, 6), (5, 48, 384), (9, 1152, 384), (67, 384, 1536)])
    func linear(rows: Int, outputs: Int, inputs: Int) {
        let w = denseRandomFloats(outputs * inputs, seed: 11, scale: 0.1)
        let a = denseRandomFloats(rows * inputs, seed: 12, scale: 2)
        let bias = denseRandomFloats(outputs, seed: 13)
        let layer = Dense.QuantizedLinear(weights: w, outputs: outputs, inputs: inputs)
        var fast = [Float](repeating: 0, count: rows * outputs), slow = fast
        var q = [Int16](repeating: 0, count: rows * inputs), s = [Float](repeating: 0, count: rows)
        layer.apply(a, rows: rows, bias: bias, into: &fast, quantized: &q, rowScales: &s)
        layer.applyReference(a, rows: rows, bias: bias, into: &slow, quantized: &q, rowScales: &s)
        var worst: Float = 0, scale: Float = 0
        for i in 0..<rows {
            for o in 0..<outputs {
                #expect(abs(fast[i * outputs + o] - slow[i * outputs + o]) <= 1e-5 * (1 + abs(slow[i * outputs + o])))
                var exact: Float = bias[o]
                for k in 0..<inputs { exact += a[i * inputs + k] * w[o * inputs + k] }
                worst = max(worst, abs(fast[i * outputs + o] - exact))
                scale = max(scale, abs(exact))
            }
        }
        // Two roundings (8-bit weights, 12-bit activations): error well under 2% of the output range.
        #expect(worst <= 0.02 * scale + 1e-3, "worst \(worst) of \(scale)")
    }

    /// Row counts around the 6-row micro tiles and the 64-row blocks; output counts with an odd number of
    /// 16-row panels (the one-panel tail) and the MiniLM shapes.
    @Test("AVX-512 VNNI path is taken and equals the AVX2 path bit for bit",
          .enabled(if: hasAVX512, "this CPU has no AVX-512 (F, BW, VL, DQ, VNNI)"),
          arguments: [(16, 2), (48, 6), (32, 384), (1152, 384), (384, 1536), (80, 1536)])
    func avx512(outputs: Int, inputs: Int) {
        let w = denseRandomFloats(outputs * inputs, seed: 21, scale: 0.1)
        let layer = Dense.QuantizedLinear(weights: w, outputs: outputs, inputs: inputs)
        for rows in [1, 2, 5, 6, 7, 12, 13, 63, 64, 65, 131] {
            let a = denseRandomFloats(rows * inputs, seed: UInt64(22 + rows), scale: 3)
            for bias in [denseRandomFloats(outputs, seed: 23), nil] {
                var want = [Float](repeating: .nan, count: rows * outputs), got = want
                var q = [Int16](repeating: 0, count: rows * inputs), s = [Float](repeating: 0, count: rows)
                let ranAVX2 = bias.withOptionalPointer {
                    layer.apply(isa: isaAVX2, a, rows: rows, bias: $0, into: &want, quantized: &q, rowScales: &s)
                }
                let ranAVX512 = bias.withOptionalPointer {
                    layer.apply(isa: isaAVX512, a, rows: rows, bias: $0, into: &got, quantized: &q, rowScales: &s)
                }
                #expect(ranAVX2 == isaAVX2 && ranAVX512 == isaAVX512)
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "rows \(rows), outputs \(outputs), inputs \(inputs)")
            }
        }
    }

    @Test("supported sizes")
    func supported() {
        #expect(Dense.QuantizedLinear.supports(outputs: 1152, inputs: 384))
        #expect(!Dense.QuantizedLinear.supports(outputs: 17, inputs: 384))
        #expect(!Dense.QuantizedLinear.supports(outputs: 16, inputs: 3))
    }
}
