import CitedCore
import CitedIngest
import CitedRetrieve
import CitedStore
import Foundation
import Testing
@testable import CitedPostgres

/// The PostgreSQL store against a real server (PostgreSQL 18 + pgvector), side by side with the SQLite store.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    static let demo = TestServer.package.appendingPathComponent("Corpora/demo")

    /// The demo corpus ingested into a new PostgreSQL database and a new SQLite folder, with the same chunker.
    static func bothIndexes(_ label: String) throws -> (postgres: PostgresStore, sqlite: Store, database: URL, folder: URL) {
        let database = try TestServer.freshDatabase(label)
        let folder = try TestServer.temporaryFolder(label)
        let postgres = try PostgresStore(url: database)
        let sqlite = try Store(url: folder.appendingPathComponent("cited.sqlite"), migrations: VectorTable.register)
        for store in [postgres, sqlite] as [any IndexStore] {
            let summary = try Ingester(store: store, chunker: Chunker(counter: ApproximateTokenCounter()))
                .ingest(paths: [demo.path]) { Issue.record("ingest error: \($0)") }
            #expect(summary.files.ingested == 10)
        }
        return (postgres, sqlite, database, folder)
    }

    @Test("migrations run once; reopening changes nothing; a database of another program is refused")
    func migrations() throws {
        let database = try TestServer.freshDatabase("migrate")
        defer { TestServer.drop(database) }
        let first = try PostgresStore(url: database)
        let applied = try first.pool.with { try $0.query("SELECT identifier FROM cited_migration ORDER BY 1").map { try $0.get(0, as: String.self) } }
        #expect(applied == PostgresSchema.migrations.map(\.identifier).sorted())
        _ = try PostgresStore(url: database)
        let again = try first.pool.with { try $0.query("SELECT count(*) FROM cited_migration")[0].get(0, as: Int.self) }
        #expect(again == applied.count)

        // A step this build does not know: refused, nothing changed.
        try first.pool.with { try $0.execute("INSERT INTO cited_migration(identifier) VALUES ('v99-future')") }
        #expect(throws: StoreError.newerSchema(path: first.location, migration: "v99-future")) { _ = try PostgresStore(url: database) }

        let foreign = try TestServer.freshDatabase("foreign")
        defer { TestServer.drop(foreign) }
        let other = try PostgresStore.openRaw(foreign)
        try other.with { try $0.execute("CREATE TABLE document (id int)") }
        other.close()
        #expect(throws: StoreError.notAnIndex(path: StoreLocation.redacted(foreign.absoluteString))) { _ = try PostgresStore(url: foreign) }
    }

    @Test("ingest stores what SQLite stores; BM25 ranks and scores as FTS5 does, filters included")
    func parityWithSQLite() throws {
        let (postgres, sqlite, database, folder) = try Self.bothIndexes("parity")
        defer { TestServer.drop(database); try? FileManager.default.removeItem(at: folder) }
        #expect(try postgres.counts() == sqlite.counts())
        #expect(try postgres.fileCount() == sqlite.fileCount())
        #expect(try postgres.chunkerVersions() == sqlite.chunkerVersions())
        let ids = try sqlite.passageIDs()
        let stored = try postgres.passagesWithDocuments(ids: ids) { _ in ids }.passages
        #expect(stored.map(\.text) == (try sqlite.passages(ids: ids).map(\.text)))
        #expect(stored.map(\.locator) == (try sqlite.passages(ids: ids).map(\.locator)))

        var clinical = DocumentFilter()
        clinical.domains = [.clinical]
        var docs = DocumentFilter()
        docs.pathGlob = "python/library/*.rst.txt"
        var recent = DocumentFilter()
        recent.yearFrom = 2019
        for query in ["olanzapine agitation dose", "How does functools.lru_cache bound its size?", "bisect insort",
                      "IL-6 interleukin sepsis", "derivative of sin(x)", "Ünïcödé café naïve", "\"quoted\" AND (broken"] {
            guard let keywords = BM25Query.query(for: query) else { continue }
            for filter in [DocumentFilter(), clinical, docs, recent] {
                let expected = try sqlite.keywordSearch(keywords, limit: 20, filter: filter)
                let got = try postgres.keywordSearch(keywords, limit: 20, filter: filter)
                #expect(got.map(\.passageID) == expected.map(\.passageID), "\(query) \(filter)")
                for (a, b) in zip(got, expected) { #expect(abs(a.score - b.score) < 1e-6 * max(1, abs(b.score)), "\(query)") }
            }
            #expect(try postgres.passageIDs(allowedBy: docs) == sqlite.passageIDs(allowedBy: docs))
        }
        // Compound terms stay one token; a phrase of two tokens is found.
        #expect(try postgres.mentions("lru_cache") == sqlite.mentions("lru_cache"))
        #expect(try postgres.mentions("olanzapine"))
        #expect(try !postgres.mentions("zzyzx-not-a-word"))
        #expect(abs(try postgres.passageShare(mentioning: "the", cap: 100) - sqlite.passageShare(mentioning: "the", cap: 100)) < 1e-9)
    }

    @Test("references resolve as in SQLite; the audit log round-trips")
    func referencesAndAnswers() throws {
        let (postgres, sqlite, database, folder) = try Self.bothIndexes("refs")
        defer { TestServer.drop(database); try? FileManager.default.removeItem(at: folder) }
        for reference in ["PMID:33046432", "33046432", "python/library/bisect.rst.txt:100", "library/bisect.rst.txt#insort",
                          "passage:3"] {
            let (a, pa) = try postgres.resolve(reference: reference)
            let (b, pb) = try sqlite.resolve(reference: reference)
            #expect(a.key == b.key && a.title == b.title && a.metadata == b.metadata && a.year == b.year, "\(reference)")
            #expect(pa == pb, "\(reference)")
        }
        #expect(throws: StoreError.referenceNotFound("no/such/file.md")) { try postgres.resolve(reference: "no/such/file.md") }
        let record = AnswerRecord(question: "Q? ' ; DROP TABLE answer; --", domain: "clinical", model: "m", modelSHA256: "a",
                                  embedder: "e", embedderSHA256: "b", promptSHA256: "c", seed: 7, parameters: "{}",
                                  retrieved: "[]", answer: "{\"answer\": \"😀 漢字\"}", abstained: true, totalMS: 12)
        let id = try postgres.appendAnswer(record)
        let back = try #require(try postgres.answer(id: id))
        #expect(back.question == record.question && back.answer == record.answer && back.abstained && back.seed == 7)
        #expect(try postgres.answerCount() == 1)
    }

    @Test("vectors: HNSW neighbours agree with an exact scan; filters are applied in the same query")
    func vectors() throws {
        let (postgres, _, database, folder) = try Self.bothIndexes("vectors")
        defer { TestServer.drop(database); try? FileManager.default.removeItem(at: folder) }
        let stamp = EmbedderStamp(name: "random", weightsSHA256: "0", dimension: 384, pooling: "mean+l2", tokenLimit: 256,
                                  chunkerVersion: Chunker.version)
        var generator = SystemRandomNumberGenerator()
        var ids: [Int64] = []
        var after: Int64 = 0
        while true {
            let rows = try postgres.passagesWithoutVector(in: .live(stamp), after: after, limit: 300)
            guard let last = rows.last else { break }
            after = last.id
            let vectors = (0..<(rows.count * 384)).map { _ in Float.random(in: -1...1, using: &generator) }
            try postgres.writeVectors(ids: rows.map(\.id), vectors: vectors, to: .live(stamp))
            ids += rows.map(\.id)
        }
        #expect(try postgres.vectorCounts().missing == 0)
        #expect(try postgres.vectorCount() == ids.count)
        #expect(try postgres.meta("embedder").map { try JSONDecoder().decode(EmbedderStamp.self, from: Data($0.utf8)) } == stamp)
        var seen = 0
        try postgres.forEachVector { _, bytes in
            #expect(bytes.count == 384 * 4)
            seen += 1
        }
        #expect(seen == ids.count)
        var hits = 0
        for _ in 0..<20 {
            let query = (0..<384).map { _ in Float.random(in: -1...1, using: &generator) }
            let approximate = try postgres.nearestPassages(to: query, limit: 10, filter: DocumentFilter())
            let exact = try postgres.exactNearestPassages(to: query, limit: 10)
            #expect(approximate.count == 10)
            hits += Set(approximate.map(\.passageID)).intersection(exact.map(\.passageID)).count
        }
        #expect(Double(hits) / 200 >= 0.9, "recall@10 \(Double(hits) / 200)")
        var code = DocumentFilter()
        code.domains = [.code]
        let allowed = Set(try #require(try postgres.passageIDs(allowedBy: code)))
        let filtered = try postgres.nearestPassages(to: (0..<384).map { _ in 0.5 }, limit: 30, filter: code)
        #expect(filtered.count == 30)
        #expect(filtered.allSatisfy { allowed.contains($0.passageID) })
    }
}

extension PostgresStore {
    /// A connection pool to any database, without migrations (to make a foreign one).
    static func openRaw(_ url: URL) throws -> ConnectionPool {
        let configuration = try PostgresStore.configuration(for: url)
        return ConnectionPool(configuration: configuration, store: url.absoluteString, limit: 1, setup: "",
                              logger: .init(label: "test"))
    }
}
