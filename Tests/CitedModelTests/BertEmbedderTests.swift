import CitedCore
import Foundation
import Testing
@testable import CitedModel

/// The MiniLM folder in the model cache; records a clear failure if missing.
func miniLMDirectory() throws -> URL {
    let dir = CitedHome().models.appendingPathComponent("minilm")
    guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) else {
        Issue.record("missing \(dir.path)/model.safetensors: fetch all-MiniLM-L6-v2 into the cache first")
        throw CocoaError(.fileNoSuchFile)
    }
    return dir
}

struct GoldenPassage: Decodable {
    var domain: String
    var text: String
}

/// Passages and sentence-transformers vectors from Tests/Fixtures/reference/make_bert_golden.py.
func bertGolden() throws -> (passages: [GoldenPassage], vectors: [Float]) {
    let passagesURL = try #require(Bundle.module.url(forResource: "Fixtures/bert/passages", withExtension: "jsonl"))
    let vectorsURL = try #require(Bundle.module.url(forResource: "Fixtures/bert/vectors", withExtension: "f16"))
    let passages = try String(contentsOf: passagesURL, encoding: .utf8).split(separator: "\n")
        .map { try JSONDecoder().decode(GoldenPassage.self, from: Data($0.utf8)) }
    let data = try Data(contentsOf: vectorsURL)
    let vectors = data.withUnsafeBytes { raw in
        (0..<(data.count / 2)).map { Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))) }
    }
    return (passages, vectors)
}

func bertCosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x * y); na += Double(x * x); nb += Double(y * y) }
    return dot / (na.squareRoot() * nb.squareRoot())
}

/// Per-index results written by concurrent workers.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[Float]?]

    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: [Float]?) { lock.lock(); values[i] = value; lock.unlock() }
    func get(_ i: Int) -> [Float]? { lock.lock(); defer { lock.unlock() }; return values[i] }
}

@Suite("BERT embedder", .serialized)
struct BertEmbedderTests {
    @Test("fp32 vectors match sentence-transformers (cosine ≥ 0.9999) on 240 passages of three domains")
    func golden() throws {
        let embedder = try BertEmbedder(directory: try miniLMDirectory(), chunkerVersion: 1, precision: .fp32)
        let (passages, reference) = try bertGolden()
        #expect(passages.count >= 200)
        #expect(Set(passages.map(\.domain)).isSuperset(of: ["clinical", "code", "math"]))
        let dim = embedder.stamp.dimension
        #expect(reference.count == passages.count * dim)
        let vectors = try embedder.embed(passages.map(\.text))
        var worst = 1.0
        for i in passages.indices {
            let c = bertCosine(vectors[(i * dim)..<((i + 1) * dim)], reference[(i * dim)..<((i + 1) * dim)])
            worst = min(worst, c)
            #expect(c >= 0.9999, "passage \(i) (\(passages[i].domain)): cosine \(c)")
        }
        print("BERT golden: \(passages.count) passages, worst cosine \(worst)")
    }

    @Test("stamp: name, weights sha256, dimension, pooling, token limit, chunker version")
    func stamp() throws {
        let embedder = try BertEmbedder(directory: try miniLMDirectory(), chunkerVersion: 7)
        #expect(embedder.stamp == EmbedderStamp(
            name: "minilm", weightsSHA256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            dimension: 384, pooling: "mean+l2", tokenLimit: 256, chunkerVersion: 7))
    }

    @Test("results do not depend on batching or thread count")
    func batching() throws {
        let dir = try miniLMDirectory()
        let texts = try bertGolden().passages.prefix(40).map(\.text)
        let a = try BertEmbedder(directory: dir, chunkerVersion: 1, threads: 2, batchTokens: 256).embed(texts)
        let b = try BertEmbedder(directory: dir, chunkerVersion: 1, threads: 1, batchTokens: 8192).embed(texts)
        let dim = 384
        for i in texts.indices {
            #expect(bertCosine(a[(i * dim)..<((i + 1) * dim)], b[(i * dim)..<((i + 1) * dim)]) > 0.99999)
        }
        #expect(try BertEmbedder(directory: dir, chunkerVersion: 1).embed([]).isEmpty)
    }
}

@Suite("BERT embedder, int16 linear layers", .serialized)
struct BertQuantizedTests {
    @Test("concurrent calls are combined into shared passes, each vector bit-equal to the text's own pass",
          arguments: [1, 2])
    func combined(concurrentPasses: Int) throws {
        let embedder = try BertEmbedder(directory: try miniLMDirectory(), chunkerVersion: 1, threads: 1,
                                        concurrentPasses: concurrentPasses, precision: .int16)
        let texts = try bertGolden().passages.prefix(48).map { String($0.text.prefix(40 + $0.text.count % 200)) }
        let alone = try texts.map { try embedder.embed([$0]) }
        let before = embedder.passes
        #expect(before == (texts.count, texts.count))
        let results = Results(count: texts.count)
        // 48 callers at once: while one pass runs, the others queue and go together into the next ones.
        let done = DispatchGroup()
        for i in texts.indices {
            done.enter()
            Thread.detachNewThread {
                results.set(i, try? embedder.embed([texts[i], texts[(i + 1) % texts.count]]))
                done.leave()
            }
        }
        done.wait()
        let after = embedder.passes
        #expect(after.calls - before.calls == texts.count)
        #expect(after.passes - before.passes < texts.count, "no call was combined")
        for i in texts.indices {
            let pair = try #require(results.get(i))
            #expect(pair.count == 2 * 384)
            #expect(Array(pair[0..<384]).map(\.bitPattern) == alone[i].map(\.bitPattern), "text \(i)")
            #expect(Array(pair[384...]).map(\.bitPattern) == alone[(i + 1) % texts.count].map(\.bitPattern), "text \(i) + 1")
        }
        print("BERT combining: \(texts.count) concurrent calls in \(after.passes - before.passes) passes, \(concurrentPasses) at a time")
    }

    @Test("int16 vectors stay within cosine 0.9999 of fp32 and of sentence-transformers")
    func int16() throws {
        let dir = try miniLMDirectory()
        let (passages, reference) = try bertGolden()
        let texts = passages.map(\.text)
        let fp32 = try BertEmbedder(directory: dir, chunkerVersion: 1, precision: .fp32).embed(texts)
        let int16 = try BertEmbedder(directory: dir, chunkerVersion: 1, precision: .int16)
        #expect(int16.encoder.precision == .int16)
        let q = try int16.embed(texts)
        let dim = 384
        var worstFP32 = 1.0, worstST = 1.0
        for i in passages.indices {
            let r = (i * dim)..<((i + 1) * dim)
            let c = bertCosine(q[r], fp32[r])
            if c < 0.9999 { print("int16 cosine \(c) for passage \(i): \(texts[i].prefix(60).debugDescription)") }
            worstFP32 = min(worstFP32, c)
            worstST = min(worstST, bertCosine(q[r], reference[r]))
        }
        print("BERT int16: worst cosine to fp32 \(worstFP32), to sentence-transformers \(worstST)")
        #expect(worstFP32 >= 0.9999)
        #expect(worstST >= 0.9999)
    }
}
