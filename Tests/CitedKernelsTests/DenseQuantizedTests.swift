import Testing
@testable import CitedKernels

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

    @Test("supported sizes")
    func supported() {
        #expect(Dense.QuantizedLinear.supports(outputs: 1152, inputs: 384))
        #expect(!Dense.QuantizedLinear.supports(outputs: 17, inputs: 384))
        #expect(!Dense.QuantizedLinear.supports(outputs: 16, inputs: 3))
    }
}
