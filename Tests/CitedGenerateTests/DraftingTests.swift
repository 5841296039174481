import CitedModel
import Foundation
import Testing
@testable import CitedGenerate

/// Drafted tokens (prompt lookup) must leave greedy output exactly as one-token steps give it.
@Suite("Drafted decoding", .serialized)
struct DraftingTests {
    @Test("a draft is what followed the last occurrence of the last three, else two, tokens")
    func lookup() {
        #expect(Generator.draft(after: [1, 2, 3, 4, 5, 9, 2, 3, 4], limit: 2) == [5, 9])
        // the latest occurrence wins; the continuation may run into the suffix itself
        #expect(Generator.draft(after: [7, 8, 1, 7, 8, 2, 7, 8], limit: 3) == [2, 7, 8])
        // two tokens when three never recur
        #expect(Generator.draft(after: [5, 6, 1, 9, 5, 6], limit: 2) == [1, 9])
        #expect(Generator.draft(after: [1, 2, 3], limit: 2).isEmpty)
        #expect(Generator.draft(after: [4, 4], limit: 2).isEmpty)
        #expect(Generator.draft(after: [4, 4, 4], limit: 2) == [4])
    }

    @Test("forwardEach gives every row bit-equal to one-token forward calls",
          arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"] + (testLargeModel ? ["qwen2.5-coder-1.5b"] : []))
    func rows(model name: String) throws {
        guard let model = loadModel(name) else { return }
        let prompt = model.tokenizer.encode("The dose was 10 mg twice daily; the dose was", addSpecial: true, parseSpecial: false)
        let next: [Int32] = Array(prompt.prefix(LanguageModel.maxStepTokens))
        model.reset()
        try model.forward(prompt)
        var single: [[Float]] = []
        for token in next { single.append(Array(try model.forward([token]))) }
        model.reset()
        try model.forward(prompt)
        let rows = try model.forwardEach(next).map(Array.init)
        #expect(rows.count == next.count)
        for (index, (row, one)) in zip(rows, single).enumerated() {
            #expect(row == one, "row \(index) differs from its one-token step")
        }
        #expect(model.position == prompt.count + next.count)
    }

    /// (The 1.5B is compared with llama.cpp through the drafting Generator in `golden`.)
    @Test("greedy output with drafts equals llama.cpp's and the one-token loop's",
          arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func greedy(model name: String) throws {
        guard let model = loadModel(name) else { return }
        let golden = try GenerateGolden.load(name)
        let generator = Generator(model: model)
        var drafted = 0
        for (n, c) in golden.cases.enumerated() {
            var plain = GenerateParameters.greedy(maxTokens: c.greedy_ids.count)
            plain.stopOnEndOfGeneration = false
            plain.draftTokens = 0
            var withDrafts = plain
            withDrafts.draftTokens = 2
            let a = try generator.generate(prompt: c.prompt_ids, parameters: plain)
            let positionA = model.position
            let b = try generator.generate(prompt: c.prompt_ids, parameters: withDrafts)
            #expect(a.tokens == b.tokens, "case \(n): drafting changed the greedy tokens")
            #expect(a.text == b.text)
            #expect(model.position == positionA, "case \(n): drafting left the cache at another length")
            #expect(a.draftedTokens == 0)
            drafted += b.draftedTokens
        }
        // A text that repeats itself: most of its second half is drafted, and still the same tokens.
        let repeated = try generator.promptTokens(
            "Repeat exactly: the patients received 10 mg of drug A twice daily for 12 weeks, then 5 mg daily.\n"
                + "the patients received 10 mg", chat: false)
        var plain = GenerateParameters.greedy(maxTokens: 40)
        plain.draftTokens = 0
        var withDrafts = plain
        withDrafts.draftTokens = 2
        let a = try generator.generate(prompt: repeated, parameters: plain)
        let b = try generator.generate(prompt: repeated, parameters: withDrafts)
        #expect(a.tokens == b.tokens)
        drafted += b.draftedTokens
        #expect(drafted > 0, "no draft was ever confirmed: the drafted path went untested")
        print("drafting \(name): \(drafted) drafted tokens confirmed; repeat case \(b.draftedTokens)/\(b.tokens.count)")
    }

    @Test("the greedy golden transcripts come out of the drafting Generator",
          arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"] + (testLargeModel ? ["qwen2.5-coder-1.5b"] : []))
    func golden(model name: String) throws {
        guard let model = loadModel(name) else { return }
        let golden = try GenerateGolden.load(name)
        let generator = Generator(model: model)
        for (n, c) in golden.cases.enumerated() {
            var parameters = GenerateParameters.greedy(maxTokens: c.greedy_ids.count)
            parameters.stopOnEndOfGeneration = false
            let r = try generator.generate(prompt: c.prompt_ids, parameters: parameters)
            if let d = zip(r.tokens, c.greedy_ids).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                #expect(c.top2_gaps[d] < 1e-3, "case \(n): diverged from llama.cpp at step \(d)")
            } else {
                #expect(r.tokens == c.greedy_ids, "case \(n)")
            }
        }
    }
}
