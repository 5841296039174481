import CCitedKernels
import CitedModel
import Foundation
import Testing

/// Per-layer hidden states from llama.cpp (Tests/Fixtures/reference/make_activation_golden.py).
struct ActivationGolden: Decodable {
    let model: String
    let prompt_ids: [Int32]
    let next_id: Int32
    let width: Int
    let layers: Int
    /// [step][layer]: base64 little-endian float32, the last token's `l_out`.
    let steps: [[String]]

    static func load(_ model: String) throws -> ActivationGolden {
        let url = try #require(Bundle.module.url(forResource: "activations-\(model)", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(ActivationGolden.self, from: Data(contentsOf: url))
    }

    func values(step: Int, layer: Int) -> [Float] {
        let data = Data(base64Encoded: steps[step][layer]) ?? Data()
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

@Suite("Hidden states against llama.cpp, layer by layer", .serialized)
struct ActivationGoldenTests {
    /// The engine rounds as llama.cpp's AVX2 kernels do (batched and one-token paths alike), so every
    /// layer's output must be equal bit for bit; the first layer that is not is named.
    @Test("every layer's output equals llama.cpp's for a 15-token prompt and one decoded token",
          arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func layers(model name: String) throws { try Self.check(name) }

    @Test("the 1.5B model's layers equal llama.cpp's (CITED_TEST_1_5B=1)", .enabled(if: testLargeModel))
    func layers15() throws { try Self.check("qwen2.5-coder-1.5b") }

    static func check(_ name: String) throws {
        try #require(cq_has_avx2() == 1, "the bit-exact paths are the AVX2 ones")
        guard let model = loadModel(name) else { return }
        let golden = try ActivationGolden.load(name)
        #expect(golden.layers == model.configuration.layers && golden.width == model.configuration.dimension)
        var captured: [String: [Float]] = [:]
        model.activationObserver = { tensor, values in
            guard tensor.hasPrefix("l_out-") else { return }
            captured[tensor] = Array(values.suffix(golden.width))
        }
        defer { model.activationObserver = nil }
        model.reset()
        let logits = try model.forward(golden.prompt_ids)
        #expect(Int32(logits.indices.max { logits[$0] < logits[$1] }!) == golden.next_id)
        for step in 0..<2 {
            if step == 1 { captured = [:]; _ = try model.forward([golden.next_id]) }
            var firstDifferent: Int?
            var maxDiff: Float = 0
            for layer in 0..<golden.layers {
                let want = golden.values(step: step, layer: layer)
                let got = try #require(captured["l_out-\(layer)"])
                #expect(got.count == want.count)
                let diff = zip(got, want).map { abs($0 - $1) }.max() ?? 0
                if diff != 0, firstDifferent == nil { firstDifferent = layer }
                maxDiff = max(maxDiff, diff)
            }
            #expect(firstDifferent == nil,
                    "\(name) step \(step): layer \(firstDifferent ?? -1) is the first to differ (max |Δ| \(maxDiff))")
        }
    }
}
