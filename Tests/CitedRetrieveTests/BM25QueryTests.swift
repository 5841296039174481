import Testing
@testable import CitedRetrieve

@Suite("BM25 query builder")
struct BM25QueryTests {
    static let hostile = [
        "\"unbalanced quote", "(a OR b", "a OR b)", "NEAR(sepsis il-6, 3)", "sepsis AND", "OR", "AND OR NOT NEAR",
        "*", "il*", "-", "--sepsis", "IL-6", "lru_cache", "foo\"bar", "^sepsis", "text:sepsis", "'single'", "a NOT b",
        "", "   ", "🦠 sepsis", "敗血症", "e\u{301}te\u{301}", "\\", "{text title}: sepsis", "sepsis +", "a - b",
        "\"\"\"", "((((", "))))", "NEAR", "NOT sepsis", "x**2 - 4", "what is the", String(repeating: "sepsis ", count: 5000),
    ]

    @Test("hostile text never breaks FTS5", arguments: hostile)
    func neverBreaks(text: String) throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let retriever = try Retriever(store: corpus.store, embedder: nil, dense: nil)
        _ = try retriever.bm25Search(text, limit: 5)
    }

    @Test("operators are searched as words, not syntax")
    func operatorsQuoted() {
        #expect(BM25Query.expression(for: "sepsis AND (shock") == "\"sepsis\" OR \"sepsis-\"* OR \"sepsis_\"* OR \"shock\" OR \"shock-\"* OR \"shock_\"*")
        #expect(BM25Query.expression(for: "*") == nil)
        #expect(BM25Query.expression(for: "") == nil)
        #expect(BM25Query.expression(for: "and or") == "\"and\" OR \"or\"")
    }

    @Test("compounds and identifiers are found", arguments: [
        ("IL-6 mortality", "Serum IL-6 levels"), ("interleukin", "Interleukin-6 blockade"),
        ("lru_cache", "The lru_cache decorator"), ("lru cache", "The lru_cache decorator"),
    ])
    func findsCompounds(pair: (String, String)) throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let retriever = try Retriever(store: corpus.store, embedder: nil, dense: nil)
        let hits = try retriever.search(pair.0, parameters: .init(k: 3, mode: .bm25, perDocumentCap: 0))
        #expect(hits.contains { $0.text.hasPrefix(pair.1) }, "\(pair.0) → \(hits.map(\.text))")
    }
}
