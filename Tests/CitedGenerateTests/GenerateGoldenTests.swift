import CCitedKernels
import CitedCore
import CitedModel
import CitedTokenizer
import Foundation
import Testing
@testable import CitedGenerate

/// Greedy transcripts from llama.cpp (Tests/Fixtures/reference/make_generate_golden.py).
struct GenerateGolden: Decodable {
    struct FirstStep: Decodable { let ids: [Int32]; let logits: [Float] }
    struct Case: Decodable {
        let prompt: String
        let chat: Bool
        let prompt_ids: [Int32]
        let greedy_ids: [Int32]
        let top2_gaps: [Float]
        let first_step: FirstStep
    }
    let model: String
    let cases: [Case]

    static func load(_ model: String) throws -> GenerateGolden {
        let url = try #require(Bundle.module.url(forResource: "generate-golden-\(model)", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(GenerateGolden.self, from: Data(contentsOf: url))
    }
}

func loadModel(_ name: String) -> LanguageModel? {
    do {
        return try LanguageModel(url: LanguageModelLocator.resolve(name))
    } catch {
        Issue.record("model \(name) could not be loaded from \(CitedHome().models.path): \(error)")
        return nil
    }
}

/// Opt-in for tests of the 1.5B model (not part of the CI setup).
let testLargeModel = ProcessInfo.processInfo.environment["CITED_TEST_1_5B"] == "1"

@Suite("Greedy generation against llama.cpp", .serialized)
struct GenerateGoldenTests {
    @Test("prompt ids, first-step logits and 64 greedy tokens match llama.cpp",
          arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func golden(model name: String) throws { try Self.check(name) }

    /// The 1.5B model is not fetched by the CI setup (1.1 GB); run with CITED_TEST_1_5B=1 after
    /// `cited models fetch qwen2.5-coder-1.5b`.
    @Test("the 1.5B model's greedy transcripts match llama.cpp", .enabled(if: testLargeModel))
    func golden15() throws { try Self.check("qwen2.5-coder-1.5b") }

    static func check(_ name: String) throws {
        guard let model = loadModel(name) else { return }
        let golden = try GenerateGolden.load(name)
        let generator = Generator(model: model)
        #expect(golden.cases.count >= 5)
        for (n, c) in golden.cases.enumerated() {
            let ids = try generator.promptTokens(c.prompt, chat: c.chat)
            #expect(ids == c.prompt_ids, "case \(n): prompt ids differ")
            model.reset()
            var logits = try model.forward(c.prompt_ids)
            var maxDiff: Float = 0
            for (id, value) in zip(c.first_step.ids, c.first_step.logits) {
                maxDiff = max(maxDiff, abs(logits[Int(id)] - value))
            }
            // bit-identical on the AVX2 paths (0.0 measured); the portable paths round a little differently
            #expect(maxDiff < (cq_has_avx2() == 1 ? 1e-6 : 0.5), "case \(n): first-step logits differ by \(maxDiff)")
            var out: [Int32] = []
            var divergedAt: Int?
            for step in 0..<c.greedy_ids.count {
                let next = Sampler.argmax(logits)
                if next != c.greedy_ids[step] {
                    divergedAt = step
                    break
                }
                out.append(next)
                if step + 1 < c.greedy_ids.count { logits = try model.forward([next]) }
            }
            if let d = divergedAt {
                // Allowed only where llama.cpp itself had a near-tie.
                #expect(c.top2_gaps[d] < 1e-3,
                        "case \(n): diverged at step \(d) (llama.cpp top-2 gap \(c.top2_gaps[d])); got \(out)")
            }
            print("golden \(name) case \(n): prompt \(c.prompt_ids.count) tokens, matched \(out.count)/\(c.greedy_ids.count)"
                  + " tokens, first-step max |Δlogit| \(maxDiff)")
        }
    }

    @Test("the Generator streams the greedy ids and stops at end of generation")
    func generator() throws {
        guard let model = loadModel("smollm2-135m") else { return }
        let golden = try GenerateGolden.load("smollm2-135m")
        let c = golden.cases[3]
        var streamed = ""
        let r = try Generator(model: model).generate(prompt: c.prompt_ids, parameters: .greedy(maxTokens: 64)) {
            streamed += $0
            return true
        }
        let expected = c.greedy_ids.filter { !model.tokenizer.endOfGeneration.contains($0) }
        #expect(Array(r.tokens.prefix(expected.count)) == expected)
        #expect(streamed == r.text)
        #expect(r.text == model.tokenizer.decode(r.tokens))
    }
}

@Suite("Sampling and stopping")
struct SamplingTests {
    @Test("the same seed gives the same sample; top-k 1 is greedy")
    func seeded() {
        let values: [Float] = (0..<100).map { Float(($0 * 37) % 100) / 10 }
        var logits = values
        logits.withUnsafeMutableBufferPointer { buf in
            let p = GenerateParameters(temperature: 1, topK: 0, topP: 1, minP: 0, seed: 42)
            let a = (0..<20).map { _ in Sampler(parameters: p, vocabulary: 100).sample(buf) }
            let s1 = Sampler(parameters: p, vocabulary: 100), s2 = Sampler(parameters: p, vocabulary: 100)
            let x = (0..<50).map { _ in s1.sample(buf) }, y = (0..<50).map { _ in s2.sample(buf) }
            #expect(x == y)
            #expect(Set(x).count > 1)
            #expect(Set(a).count == 1)
            let greedy = Sampler(parameters: GenerateParameters(temperature: 1, topK: 1, seed: 3), vocabulary: 100)
            #expect(greedy.sample(buf) == Sampler.argmax(buf))
            let minP = Sampler(parameters: GenerateParameters(temperature: 1, topK: 0, topP: 1, minP: 0.9, seed: 1),
                               vocabulary: 100)
            for _ in 0..<20 { #expect(values[Int(minP.sample(buf))] >= 9.8) }
        }
    }

    @Test("repetition penalty lowers seen tokens")
    func penalty() {
        var logits: [Float] = [2, -2, 1]
        logits.withUnsafeMutableBufferPointer { buf in
            Sampler(parameters: GenerateParameters(repetitionPenalty: 2), vocabulary: 3).penalize(buf, recent: [0, 1])
        }
        #expect(logits == [1, -4, 1])
    }

    @Test("stop strings cut the text before them")
    func stops() {
        let t = "Answer: yes\nQuestion"
        #expect(Generator.firstStop(in: t, ["\nQuestion", "zzz"]) == t.range(of: "\nQuestion")!.lowerBound)
        #expect(Generator.firstStop(in: t, ["zzz"]) == nil)
    }

    @Test("empty prompt and context overflow are clear errors")
    func errors() throws {
        guard let model = loadModel("smollm2-135m") else { return }
        let g = Generator(model: model)
        #expect(throws: LanguageModelError.emptyInput) { try g.promptTokens("", chat: false) }
        let long = [Int32](repeating: 28, count: model.contextLength + 5)
        #expect(throws: LanguageModelError.contextOverflow(needed: long.count + 1, limit: model.contextLength)) {
            try g.generate(prompt: long, parameters: .greedy(maxTokens: 1))
        }
    }
}
