import CitedCore
import CitedStore
import Foundation
import GRDB
import Testing
@testable import CitedIngest

@Suite("Ingester")
struct IngesterTests {
    func openStore(_ folder: URL) throws -> Store {
        try Store(url: folder.appendingPathComponent("index/cited.sqlite"))
    }

    func totalChanges(_ store: Store) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM passage")! }
    }

    @Test("every fixture format ingests; re-ingest writes nothing; counts and sources are right")
    func allFormats() throws {
        let root = try corpus(["pubmed", "pmc", "docs", "notes"])
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let store = try openStore(root.deletingLastPathComponent())
        let (first, errors) = try ingest(store, [root.path])
        #expect(errors.isEmpty, "\(errors)")
        #expect(first.files.ingested == 9)
        #expect(first.documents.added == 5 + 2 + 1 + 3 + 3)
        #expect(first.passages == first.newPassageIDs.count)
        #expect(try store.integrityCheck() == ["ok"])

        let counts = try store.counts()
        #expect(counts.first { $0.kind == "pubmed" }?.documents == 7)
        #expect(counts.first { $0.kind == "note" }?.domain == "math")
        #expect(counts.first { $0.kind == "doc" }?.domain == "code")

        // Sources: PMID ids, path#entry for docs.
        let pubmed = try #require(try store.document(key: "PMID:10704411"))
        let passages = try store.passages(documentID: pubmed.id!)
        #expect(passages.map(\.locator) == ["Abstract §BACKGROUND", "Abstract §RESULTS", "Abstract §CONCLUSIONS"])
        let source = try store.source(for: passages[1].id!)
        #expect(source.id == "PMID:10704411" && source.pmid == "10704411" && source.year == 2000)
        let hits = try store.fullTextSearch(FTSQuery.expression(for: "lru_cache"), limit: 50)
        #expect(!hits.isEmpty)
        let sources = try hits.map { try store.source(for: $0.passageID) }
        #expect(sources.contains { $0.id == "docs/functools.rst.txt#lru_cache" && $0.locator.contains("(lru_cache)") })

        // Unchanged: nothing written at all.
        let before = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA data_version") }
        let walBefore = try FileManager.default.attributesOfItem(atPath: store.url.path + "-wal")[.size] as? Int
        let (second, _) = try ingest(store, [root.path])
        #expect(second.files.unchanged == 9 && second.passages == 0 && second.documents.added == 0)
        let walAfter = try FileManager.default.attributesOfItem(atPath: store.url.path + "-wal")[.size] as? Int
        #expect(walBefore == walAfter)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA data_version") } == before)

        // Touched but same content: still nothing written.
        let tex = root.appendingPathComponent("notes/primes.tex")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 100)], ofItemAtPath: tex.path)
        let (touched, _) = try ingest(store, [root.path])
        #expect(touched.files.unchanged == 9 && touched.passages == 0)

        // Changed: replaced, no duplicates.
        let passageCount = try totalChanges(store)
        var text = try String(contentsOf: tex, encoding: .utf8)
        text = text.replacingOccurrences(of: "Notes on primes", with: "Notes on prime numbers")
        try text.write(to: tex, atomically: true, encoding: .utf8)
        let (changed, _) = try ingest(store, [root.path])
        #expect(changed.files.updated == 1 && changed.documents.updated == 1)
        #expect(try totalChanges(store) == passageCount)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM document")! } == 14)

        // DeleteCitation removes the record.
        let (deleted, _) = try ingest(store, [fixtures("pubmed-delete").path])
        #expect(deleted.documents.deleted == 1)
        #expect(try store.document(key: "PMID:29636226") == nil)

        // Prune: a vanished file's documents go.
        try FileManager.default.removeItem(at: root.appendingPathComponent("docs/strlen.3.gz"))
        let (pruned, _) = try ingest(store, [root.path], options: IngestOptions(prune: true))
        #expect(pruned.files.pruned == 1 && pruned.documents.deleted == 1)
        #expect(try store.integrityCheck() == ["ok"])
        let ftsRows = try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM passage_fts")! }
        #expect(ftsRows == (try totalChanges(store)))
    }

    @Test("bad inputs: one error line each, the rest ingested, nothing half-written")
    func badInputs() throws {
        let root = try corpus(["bad", "notes"])
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let huge = String(repeating: "a", count: 2 << 20)
        try "# Big\n\n\(huge)\n".write(to: root.appendingPathComponent("bad/huge-line.md"), atomically: true, encoding: .utf8)
        let store = try openStore(root.deletingLastPathComponent())
        let (summary, errors) = try ingest(store, [root.path])
        #expect(summary.files.skipped == 6, "\(errors)")
        #expect(summary.files.ingested == 3)
        let expected = ["bad/binary.md:1: binary", "bad/empty.md:0: empty", "bad/huge-line.md:3: line of",
                        "bad/latin1.md:1: not valid UTF-8", "bad/malformed.xml:", "bad/truncated.xml.gz:"]
        #expect(errors.count == expected.count)
        #expect(errors.contains { $0.contains("truncated.xml.gz:0: cannot read: corrupt or truncated gzip data") },
                "\(errors)")
        for (error, prefix) in zip(errors.sorted(), expected) {
            #expect(error.hasPrefix(root.path + "/" + prefix), "\(error)")
            #expect(!error.contains("\n"))
        }
        // The malformed PubMed file wrote none of its complete articles.
        #expect(try store.document(key: "PMID:10704411") == nil)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM source_file")! } == 3)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test("domain override and file paths as roots")
    func domainOverride() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try openStore(folder)
        let file = fixtures("docs/functools.rst.txt").path
        let (summary, errors) = try ingest(store, [file], options: IngestOptions(domain: .math))
        #expect(errors.isEmpty && summary.files.ingested == 1)
        let counts = try store.counts()
        #expect(counts.count == 1 && counts[0].kind == "doc" && counts[0].domain == "math")
        #expect(counts[0].documents == 1 && counts[0].passages == summary.passages)
        // Same bytes, another domain: the document is re-filed, not skipped.
        let (refiled, _) = try ingest(store, [file], options: IngestOptions(domain: .code))
        #expect(refiled.files.updated == 1 && refiled.documents.updated == 1)
        #expect(try store.counts().map(\.domain) == ["code"])
        let (again, _) = try ingest(store, [file], options: IngestOptions(domain: .code))
        #expect(again.files.unchanged == 1)
        let (_, missing) = try ingest(store, [folder.appendingPathComponent("nope").path])
        #expect(missing.count == 1 && missing[0].contains("no such file"))
    }

    @Test("articles a re-ingested file no longer holds are deleted; the others stay")
    func articlesDroppedFromAFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try openStore(folder)
        let file = folder.appendingPathComponent("set.xml")
        func article(_ pmid: Int) -> String {
            "<PubmedArticle><MedlineCitation><PMID>\(pmid)</PMID><Article><ArticleTitle>Title \(pmid)</ArticleTitle>"
                + "<Abstract><AbstractText>Finding number \(pmid).</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
        }
        try ("<PubmedArticleSet>" + (1...3).map(article).joined() + "</PubmedArticleSet>").write(to: file, atomically: true, encoding: .utf8)
        #expect(try ingest(store, [file.path]).0.documents.added == 3)
        try ("<PubmedArticleSet>" + [1, 3].map(article).joined() + "</PubmedArticleSet>").write(to: file, atomically: true, encoding: .utf8)
        let (second, errors) = try ingest(store, [file.path])
        #expect(errors.isEmpty, "\(errors)")
        #expect(second.documents.deleted == 1 && second.documents.unchanged == 2)
        #expect(try store.document(key: "PMID:2") == nil)
        #expect(try store.document(key: "PMID:1") != nil && store.document(key: "PMID:3") != nil)
    }
}
