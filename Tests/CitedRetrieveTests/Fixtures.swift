import CitedCore
import CitedStore
import Foundation
import GRDB
@testable import CitedRetrieve

/// A fake embedder for tests: hashes words into a few dimensions and normalises. Similar words, similar vectors.
final class HashingEmbedder: Embedder {
    let stamp = EmbedderStamp(name: "hashing-test", weightsSHA256: "0", dimension: 64, pooling: "mean",
                              tokenLimit: 256, chunkerVersion: 1)
    func embed(_ texts: [String]) throws -> [Float] {
        var out: [Float] = []
        for text in texts {
            var v = [Float](repeating: 0, count: 64)
            for term in BM25Query.terms(text) {
                var h: UInt64 = 1469598103934665603
                for b in term.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
                v[Int(h % 64)] += 1
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            out += norm > 0 ? v.map { $0 / norm } : v.enumerated().map { $0.offset == 0 ? 1 : 0 }
        }
        return out
    }
}

/// The hashing embedder, counting its calls.
final class CountingEmbedder: Embedder {
    let base = HashingEmbedder()
    private(set) var calls = 0
    var stamp: EmbedderStamp { base.stamp }
    func embed(_ texts: [String]) throws -> [Float] {
        calls += 1
        return try base.embed(texts)
    }
}

/// A small corpus in a fresh temporary store.
struct TestCorpus {
    let folder: URL
    let store: Store
    var passageIDs: [Int64] = []

    struct Doc {
        var key: String
        var kind: DocumentKind
        var path: String
        var title: String
        var year: Int?
        var journal: String?
        var mesh: [String] = []
        var types: [String] = []
        var passages: [String]
    }

    static let docs: [Doc] = [
        Doc(key: "PMID:100", kind: .pubmed, path: "pubmed.xml", title: "Interleukin-6 in sepsis", year: 2012,
            journal: "Critical Care", mesh: ["Sepsis", "Interleukin-6"], types: ["Journal Article"],
            passages: ["Serum IL-6 levels predicted mortality in septic shock.",
                       "Interleukin-6 blockade was not studied.",
                       "Sepsis patients had high IL-6 on admission."]),
        Doc(key: "PMID:102", kind: .pubmed, path: "pubmed.xml", title: "Metformin and lactic acidosis", year: 2019,
            journal: "Diabetes Care", mesh: ["Metformin", "Acidosis, Lactic"], types: ["Randomized Controlled Trial"],
            passages: ["Metformin rarely causes lactic acidosis in patients with normal renal function."]),
        Doc(key: "file:functools", kind: .doc, path: "library/functools.rst.txt", title: "functools",
            passages: ["The lru_cache decorator memoizes a function with a least recently used cache.",
                       "partial objects freeze some arguments of a function."]),
        Doc(key: "file:sympy", kind: .note, path: "modules/solvers/solvers.rst.txt", title: "Solvers",
            passages: ["solve finds the roots of an equation symbolically, e.g. solve(x**2 - 4, x)."]),
    ]

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cited-retrieve-\(UUID().uuidString)")
        store = try Store(url: folder.appendingPathComponent("cited.sqlite"))
        var ids: [Int64] = []
        try store.pool.write { db in
            for doc in Self.docs {
                var record = DocumentRecord(key: doc.key, kind: doc.kind, domain: doc.kind.defaultDomain, root: "/corpus",
                                            path: doc.path, pmid: doc.key.hasPrefix("PMID:") ? String(doc.key.dropFirst(5)) : nil,
                                            title: doc.title, year: doc.year, journal: doc.journal,
                                            metadata: DocumentMetadata(mesh: doc.mesh.map { .init(descriptor: $0, major: false) },
                                                                       publicationTypes: doc.types),
                                            contentHash: doc.key, chunkerVersion: 1)
                let passages = doc.passages.enumerated().map {
                    PassageRecord(ordinal: $0.offset, text: $0.element, headingPath: "", locator: "\(doc.path) ¶\($0.offset + 1)",
                                  tokenCount: 10)
                }
                ids += try Store.replace(document: &record, passages: passages, in: db)
            }
        }
        passageIDs = ids
    }

    /// Dense vectors of every passage from `embedder`.
    func denseIndex(_ embedder: HashingEmbedder) throws -> DenseIndex {
        let texts = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT text FROM passage ORDER BY id") }
        let vectors = try embedder.embed(texts)
        return DenseIndex(ids: passageIDs.sorted(), matrix: .init(vectors: vectors, dims: 64), stamp: embedder.stamp)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
