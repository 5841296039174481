import CCitedKernels
import CitedModel
import Foundation
import Testing
@testable import CitedGenerate

/// The replay promise: the same answer on any machine. A model run on this thread at the AVX2 level and
/// again at the AVX-512 level (cq_set_thread_isa: the calling thread and the pool work it hands out,
/// nothing process-wide) must give the same logits, bit for bit, and the same greedy tokens.
@Suite("AVX2 and AVX-512 paths give the same model outputs", .serialized)
struct CrossPathTests {
    static let avx2 = Int32(CQ_ISA_AVX2.rawValue), avx512 = Int32(CQ_ISA_AVX512.rawValue)

    struct Run: Equatable { var promptLogits: [UInt32]; var tokens: [Int32]; var lastLogits: [UInt32] }

    /// Prefill of `prompt` (logits of its last token), then `steps` greedy tokens, at `isa` on this thread.
    static func run(_ model: LanguageModel, _ prompt: [Int32], steps: Int, isa: Int32) throws -> Run {
        cq_set_thread_isa(isa)
        defer { cq_set_thread_isa(-1) }
        #expect(cq_isa() == isa)
        model.reset()
        var logits = try model.forward(prompt)
        let first = logits.map(\.bitPattern)
        var tokens: [Int32] = []
        for _ in 0..<steps {
            let next = Sampler.argmax(logits)
            tokens.append(next)
            logits = try model.forward([next])
        }
        return Run(promptLogits: first, tokens: tokens, lastLogits: logits.map(\.bitPattern))
    }

    /// A prompt of 4 golden prompts joined (about 100–200 tokens: several 64-token tiles and a tail).
    static func longPrompt(_ model: String) throws -> [Int32] {
        let golden = try GenerateGolden.load(model)
        return Array(golden.cases.prefix(4).flatMap(\.prompt_ids).prefix(157))
    }

    @Test("prefill logits and 24 greedy tokens are bit-identical on AVX2 and AVX-512",
          .enabled(if: cq_isa_supported() >= Int32(CQ_ISA_AVX512.rawValue), "this CPU has no AVX-512"),
          arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func sameOutputs(model name: String) throws { try Self.check(name) }

    @Test("the 1.5B model's outputs are bit-identical on AVX2 and AVX-512 (CITED_TEST_1_5B=1)",
          .enabled(if: testLargeModel && cq_isa_supported() >= Int32(CQ_ISA_AVX512.rawValue)))
    func sameOutputs15() throws { try Self.check("qwen2.5-coder-1.5b") }

    static func check(_ name: String) throws {
        guard let model = loadModel(name) else { return }
        let prompt = try Self.longPrompt(name)
        #expect(prompt.count > 64)
        let a = try Self.run(model, prompt, steps: 24, isa: Self.avx2)
        let b = try Self.run(model, prompt, steps: 24, isa: Self.avx512)
        #expect(a.promptLogits == b.promptLogits, "\(name): prefill logits differ between AVX2 and AVX-512")
        #expect(a.tokens == b.tokens, "\(name): greedy tokens differ: \(a.tokens) vs \(b.tokens)")
        #expect(a.lastLogits == b.lastLogits, "\(name): logits after decoding differ")
        // odd prompt lengths exercise the token tails (Q4_K: GEMV rows after the groups of 4)
        for n in [5, 13, 66] {
            let p = Array(prompt.prefix(n))
            let x = try Self.run(model, p, steps: 1, isa: Self.avx2), y = try Self.run(model, p, steps: 1, isa: Self.avx512)
            #expect(x == y, "\(name): prompt of \(n) tokens differs between AVX2 and AVX-512")
        }
    }
}
