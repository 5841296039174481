import CitedCore
import CitedModel
import Foundation
import Testing
@testable import CitedGenerate

@Suite("Prompt cache: a saved prefix gives the same generation as running it", .serialized)
struct PromptCacheTests {
    static let system = "You answer from the numbered sources only, and cite them like [1]."
    static let questions = ["[1] Aspirin 75 mg daily lowered the risk of stroke.\n\nQuestion: what dose was used?",
                            "[1] lru_cache(maxsize=128) memoizes calls.\n\nQuestion: what is the default maxsize?"]

    /// Generates `user` after the fixed start "Sources:" with `cache`, returning the ids and the cached count.
    static func run(_ generator: Generator, _ cache: PromptCache, _ user: String) throws -> ([Int32], Int) {
        let text = try generator.chatText("Sources:\n" + user, system: system)
        let ids = generator.tokens(of: text)
        let head = generator.tokens(of: String(text[..<text.range(of: "Sources:\n")!.upperBound]))
        let cached = try cache.prepare(generator.model, prompt: ids, prefixLength: PromptCache.sharedLength(of: ids, head: head))
        let result = try generator.generate(prompt: ids, parameters: .greedy(maxTokens: 12), cached: cached)
        return (result.tokens, cached)
    }

    @Test("miss, memory hit and disk hit generate the same tokens as a two-batch prefill")
    func sameTokens() throws {
        guard let model = loadModel("smollm2-135m") else { return }
        let generator = Generator(model: model)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for question in Self.questions {
            // Reference: the prefix and the rest run as two batches by hand, no cache object.
            let (missTokens, cached) = try Self.run(generator, PromptCache(directory: folder), question)
            #expect(cached > 10, "the system prompt should be cached, got \(cached) tokens")
            let text = try generator.chatText("Sources:\n" + question, system: Self.system)
            let ids = generator.tokens(of: text)
            model.reset()
            try model.forward(Array(ids[..<cached]))
            let reference = try generator.generate(prompt: ids, parameters: .greedy(maxTokens: 12), cached: cached)
            #expect(missTokens == reference.tokens)

            let memory = PromptCache(directory: nil)
            _ = try Self.run(generator, memory, question)
            #expect(try Self.run(generator, memory, question).0 == reference.tokens, "memory hit differs")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".kv") }
            #expect(files.count == 1, "one prefix, one file: \(files)")
            #expect(try Self.run(generator, PromptCache(directory: folder), question).0 == reference.tokens, "disk hit differs")
        }
    }

    @Test("a prompt run in two batches, split anywhere, gives the logits of one batch", arguments: [1, 7, 33, 150])
    func splitPrefill(at split: Int) throws {
        guard let model = loadModel("smollm2-135m") else { return }
        let generator = Generator(model: model)
        let ids = generator.tokens(of: String(repeating: "The patients received 75 mg of aspirin daily. ", count: 20))
        model.reset()
        let whole = Array(try model.forward(ids))
        model.reset()
        try model.forward(Array(ids[..<split]))
        let parts = Array(try model.forward(Array(ids[split...])))
        let gap = zip(whole, parts).map { abs($0 - $1) }.max()!
        #expect(gap < 0.05, "split at \(split): logits differ by \(gap)")
        #expect(whole.indices.max { whole[$0] < whole[$1] } == parts.indices.max { parts[$0] < parts[$1] })
    }

    @Test("snapshots survive encoding; damaged or foreign files are refused")
    func encoding() throws {
        guard let model = loadModel("smollm2-135m") else { return }
        let tokens: [Int32] = [1, 2, 3, 4, 5]
        model.reset()
        try model.forward(tokens)
        let snapshot = model.snapshot(of: tokens)
        #expect(PromptCache.sharedLength(of: [1, 2, 3, 4], head: [1, 2, 9]) == 2)
        #expect(PromptCache.sharedLength(of: [1, 2, 3], head: [1, 2, 3, 4]) == 3)
        let data = PromptCache.encode(snapshot)
        #expect(PromptCache.decode(data) == snapshot)
        #expect(PromptCache.decode(data.dropLast()) == nil)
        #expect(PromptCache.decode(Data("not a cache".utf8)) == nil)
        var other = snapshot
        other.layers += 1
        #expect(throws: LanguageModelError.snapshotMismatch) { try model.restore(other) }
    }
}
