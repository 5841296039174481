import CitedCore
import CitedKernels
import Foundation
import Testing
@testable import CitedRetrieve

@Suite("Retriever: modes, filters, per-document cap, vector cache")
struct RetrieverTests {
    @Test("each mode returns the relevant passage first", arguments: SearchMode.allCases)
    func modes(mode: SearchMode) throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let embedder = HashingEmbedder()
        let retriever = try Retriever(store: corpus.store, embedder: embedder, dense: corpus.denseIndex(embedder))
        let hits = try retriever.search("metformin lactic acidosis", parameters: .init(k: 3, mode: mode))
        #expect(hits.first?.source.pmid == "102")
        #expect(hits.map(\.rank) == Array(1...hits.count))
    }

    @Test("the query cache embeds a repeated query once, returns the same hits, and evicts the least recently used")
    func queryCache() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let embedder = CountingEmbedder()
        let retriever = try Retriever(store: corpus.store, embedder: embedder, dense: corpus.denseIndex(embedder.base))
        let uncached = try retriever.search("metformin lactic acidosis", parameters: .init(k: 3, mode: .dense))
        retriever.queryCache = QueryVectorCache(capacity: 2)
        let before = embedder.calls
        let first = try retriever.search("metformin lactic acidosis", parameters: .init(k: 3, mode: .dense))
        let again = try retriever.search("metformin lactic acidosis", parameters: .init(k: 3, mode: .hybrid))
        #expect(embedder.calls == before + 1)
        #expect(first.map(\.passageID) == uncached.map(\.passageID) && first.map(\.score) == uncached.map(\.score))
        #expect(again.first?.source.pmid == "102")
        _ = try retriever.search("lru_cache decorator", parameters: .init(k: 3, mode: .dense))      // miss
        _ = try retriever.search("metformin lactic acidosis", parameters: .init(k: 3, mode: .dense)) // hit: now newest
        _ = try retriever.search("solve equation roots", parameters: .init(k: 3, mode: .dense))     // miss, evicts lru_cache
        #expect(embedder.calls == before + 3)
        _ = try retriever.search("metformin lactic acidosis", parameters: .init(k: 3, mode: .dense)) // still cached
        #expect(embedder.calls == before + 3)
        _ = try retriever.search("lru_cache decorator", parameters: .init(k: 3, mode: .dense))      // evicted: embeds
        #expect(embedder.calls == before + 4)
        #expect(retriever.queryCache!.counts == (hits: 3, misses: 4))
    }

    @Test("per-document cap keeps results diverse")
    func cap() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let retriever = try Retriever(store: corpus.store, embedder: nil, dense: nil)
        let capped = try retriever.search("IL-6 interleukin sepsis", parameters: .init(k: 10, mode: .bm25, perDocumentCap: 2))
        #expect(capped.filter { $0.source.pmid == "100" }.count == 2)
        let uncapped = try retriever.search("IL-6 interleukin sepsis", parameters: .init(k: 10, mode: .bm25, perDocumentCap: 0))
        #expect(uncapped.filter { $0.source.pmid == "100" }.count == 3)
    }

    @Test("filters apply before the cut", arguments: [
        ("year=2015-2020", ["102"]), ("year=2012", ["100"]), ("journal=diabetes", ["102"]),
        ("type=randomized controlled trial", ["102"]), ("mesh=sepsis", ["100"]), ("kind=doc", ["functools"]),
        ("domain=math", ["sympy"]), ("path=library/*", ["functools"]), ("mesh=nothing", []),
    ])
    func filters(pair: (String, [String])) throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let embedder = HashingEmbedder()
        let retriever = try Retriever(store: corpus.store, embedder: embedder, dense: corpus.denseIndex(embedder))
        var filters = SearchFilters()
        try filters.apply(pair.0)
        for mode in SearchMode.allCases {
            // A query that matches every document a little, so that only the filter decides.
            let hits = try retriever.search("function patients sepsis metformin solve cache", parameters: .init(k: 10, mode: mode, filters: filters))
            let found = Set(hits.map { $0.source.pmid ?? ($0.source.path!.contains("functools") ? "functools" : "sympy") })
            #expect(found.isSubset(of: Set(pair.1)), "\(pair.0) \(mode): \(found)")
            if mode != .dense { #expect(!pair.1.isEmpty == !found.isEmpty, "\(pair.0) \(mode)") }
        }
    }

    @Test("bad filters are refused with the key named", arguments: ["year=20x", "year=2020-2010", "colour=red", "domain=law", "nokey", "kind="])
    func badFilters(text: String) {
        var filters = SearchFilters()
        #expect(throws: RetrieveError.self) { try filters.apply(text) }
    }

    @Test("a different embedder than the index's is refused")
    func mismatch() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let embedder = HashingEmbedder()
        var other = embedder.stamp
        other.name = "other"
        let index = try corpus.denseIndex(embedder)
        let foreign = DenseIndex(ids: index.ids, matrix: index.matrix, stamp: other)
        #expect(throws: RetrieveError.self) { try Retriever(store: corpus.store, embedder: embedder, dense: foreign) }
    }

    final class FakeSource: VectorSource {
        var generation = "g1"
        var reads = 0
        let rows: [(Int64, [Float])]
        let stamp: EmbedderStamp
        init(rows: [(Int64, [Float])], stamp: EmbedderStamp) { self.rows = rows; self.stamp = stamp }
        func vectorGeneration() throws -> String { generation }
        func vectorStamp() throws -> EmbedderStamp? { stamp }
        func vectorCount() throws -> Int { rows.count }
        func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
            reads += 1
            for (id, v) in rows { try v.withUnsafeBytes { try body(id, $0) } }
        }
    }

    @Test("vector cache is reused while current and rebuilt when stale")
    func cache() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let embedder = HashingEmbedder()
        let texts = ["a b", "c d", "e f", "g"]
        let vectors = try embedder.embed(texts)
        var rows: [(Int64, [Float])] = []
        for i in 0..<4 {
            let row: [Float] = Array(vectors[(i * 64)..<(i * 64 + 64)])
            rows.append((Int64(10 + i * 3), row))
        }
        let source = FakeSource(rows: rows, stamp: embedder.stamp)
        let url = corpus.folder.appendingPathComponent("vectors.cache")
        let first = try VectorCache.load(url, source: source)
        #expect(source.reads == 1)
        #expect(first.ids == [10, 13, 16, 19])
        let second = try VectorCache.load(url, source: source)
        #expect(source.reads == 1)
        #expect(second.matrix.row(2) == Array(vectors[128..<192]))
        let q = Array(vectors[64..<128])
        #expect(second.search(q, parameters: DenseSearchParameters(k: 1)).first?.passageID == 13)
        source.generation = "g2"
        _ = try VectorCache.load(url, source: source)
        #expect(source.reads == 2)
        // A truncated file is rejected, then rebuilt.
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 5000)
        try handle.close()
        #expect(throws: RetrieveError.self) { try VectorCache.open(url, generation: "g2", stamp: embedder.stamp) }
        _ = try VectorCache.load(url, source: source)
        #expect(source.reads == 3)
    }
}
