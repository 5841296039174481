import CitedCore
import CitedIngest
import CitedStore
import Foundation
import GRDB
import Testing
@testable import CitedPostgres

/// Many `cited ingest` processes writing one PostgreSQL index at once: two shards and a third worker over every
/// file; one is killed with SIGKILL mid-run; a re-run completes the index. Nothing may be missing or doubled
/// against a single SQLite ingest of the same files.
@Suite("PostgreSQL: concurrent ingest workers", .serialized)
struct ConcurrentIngestTests {
    /// The demo corpus, the ingest fixtures and a 30,000-article PubMed file (from the test setup's cache).
    static func corpus() throws -> URL {
        let folder = try TestServer.temporaryFolder("workers")
        let corpus = folder.appendingPathComponent("corpus")
        try FileManager.default.copyItem(at: TestServer.package.appendingPathComponent("Corpora/demo"), to: corpus)
        let fixtures = TestServer.package.appendingPathComponent("Tests/CitedIngestTests/Fixtures")
        for part in ["docs", "notes", "pmc", "pubmed"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(part), to: corpus.appendingPathComponent("fixtures-\(part)"))
        }
        let big = CitedHome().corpora.appendingPathComponent("pubmed/pubmed20n0014.xml.gz")
        try #require(FileManager.default.fileExists(atPath: big.path), "missing \(big.path): scripts/fetch-corpora.sh pubmed")
        try FileManager.default.copyItem(at: big, to: corpus.appendingPathComponent("pubmed/pubmed20n0014.xml.gz"))
        return corpus
    }

    /// Documents (key → passage count) and source files of an index.
    static func contents(_ store: any IndexStore) throws -> (documents: [String: Int], files: Int) {
        var documents: [String: Int] = [:]
        if let postgres = store as? PostgresStore {
            try postgres.pool.with { session in
                for row in try session.query("""
                    SELECT d.key, count(p.id) FROM document d LEFT JOIN passage p ON p.document_id = d.id GROUP BY d.id, d.key
                    """) {
                    let key = try row.get(0, as: String.self)
                    #expect(documents[key] == nil, "document \(key) stored twice")
                    documents[key] = try row.get(1, as: Int.self)
                }
            }
        } else if let sqlite = store as? Store {
            let rows = try sqlite.pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT d.key || char(9) || count(p.id) FROM document d LEFT JOIN passage p ON p.document_id = d.id GROUP BY d.id
                    """)
            }
            for row in rows {
                let parts = row.split(separator: "\t")
                documents[String(parts[0])] = Int(parts[1])!
            }
        }
        return (documents, try store.fileCount())
    }

    @Test("2 shards + 1 full worker, one killed -9, then a re-run: every document once, every passage once")
    func workersWithKill() throws {
        let binary = TestServer.citedBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first (looked at \(binary.path))")
        let corpus = try Self.corpus()
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        let database = try TestServer.freshDatabase("workers")
        defer { TestServer.drop(database) }
        _ = try PostgresStore(url: database)  // migrate once, so that the workers race on data, not on DDL

        let base = ["ingest", corpus.path, "--store", database.absoluteString, "--no-embed"]
        let workers = [base + ["--shard", "0/2"], base + ["--shard", "1/2"], base].map { arguments -> Process in
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for worker in workers { try worker.run() }
        Thread.sleep(forTimeInterval: 2.5)
        // The victim: the shard worker that owns the 30,000-article file, so it dies inside that file's transaction.
        let big = try #require(IngestShard(parsing: "0/2")).owns("pubmed/pubmed20n0014.xml.gz") ? 0 : 1
        let victim = workers[big]
        try #require(victim.isRunning, "the worker to kill finished within 2.5 s: the corpus is too small to test a kill")
        kill(victim.processIdentifier, SIGKILL)
        for worker in workers { worker.waitUntilExit() }
        #expect(victim.terminationReason == Process.TerminationReason.uncaughtSignal)
        #expect(workers[1 - big].terminationStatus == 0)
        #expect(workers[2].terminationStatus == 0)

        // The re-run finds every file done (the killed worker's file was finished by the full worker) or finishes it.
        let (status, _) = try TestServer.run(binary, base)
        #expect(status == 0)

        let reference = try TestServer.temporaryFolder("workers-reference")
        defer { try? FileManager.default.removeItem(at: reference) }
        let (referenceStatus, _) = try TestServer.run(binary, ["ingest", corpus.path, "--index", reference.path, "--no-embed"])
        #expect(referenceStatus == 0)
        let expected = try Self.contents(try Store(url: reference.appendingPathComponent("cited.sqlite")))
        let got = try Self.contents(try PostgresStore(url: database))
        #expect(got.files == expected.files)
        #expect(got.documents.count == expected.documents.count)
        #expect(got.documents == expected.documents)
        #expect(expected.documents.count > 20_000, "the corpus was ingested (\(expected.documents.count) documents)")
    }

    @Test("two --shard workers share the embedding: no passage embedded twice, a final run embeds what is left")
    func shardedEmbedding() throws {
        let binary = TestServer.citedBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first (looked at \(binary.path))")
        let database = try TestServer.freshDatabase("embedshards")
        defer { TestServer.drop(database) }
        _ = try PostgresStore(url: database)
        let demo = TestServer.package.appendingPathComponent("Corpora/demo").path
        let workers = (0..<2).map { shard -> (Process, Pipe) in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["ingest", demo, "--store", database.absoluteString, "--shard", "\(shard)/2"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            return (process, output)
        }
        for (process, _) in workers { try process.run() }
        var computed = 0
        var written = 0
        for (process, output) in workers {
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            // "… passages written: N, vectors computed: M"
            func number(after label: String) -> Int {
                Int(text.components(separatedBy: label).last?.prefix { $0.isNumber } ?? "") ?? -10_000
            }
            computed += number(after: "vectors computed: ")
            written += number(after: "passages written: ")
        }
        let store = try PostgresStore(url: database)
        let counts = try store.vectorCounts()
        // The two shards wrote the whole demo corpus between them, each passage once.
        #expect(counts.passages == written && written > 700, "\(written) written, \(counts.passages) stored")
        #expect(computed == counts.vectors, "each vector computed once: \(computed) computed, \(counts.vectors) stored")
        let (status, output) = try TestServer.run(binary, ["ingest", demo, "--store", database.absoluteString])
        #expect(status == 0)
        let rest = Int(output.components(separatedBy: "vectors computed: ").last?.prefix { $0.isNumber } ?? "") ?? -1
        #expect(rest == counts.missing)
        #expect(try store.vectorCounts().missing == 0)
    }

    @Test("--shard splits a file list deterministically; malformed shards are usage errors")
    func shards() throws {
        let names = (0..<500).map { "folder/file-\($0).xml" }
        let shards = (0..<3).map { IngestShardProbe(index: $0, count: 3) }
        for name in names { #expect(shards.filter { $0.shard.owns(name) }.count == 1) }
        #expect(shards.map { shard in names.filter { shard.shard.owns($0) }.count }.allSatisfy { $0 > 120 })
        let binary = TestServer.citedBinary
        for bad in ["3/3", "-1/2", "1/0", "a/b", "1", "1/2/3", "99999999999/2"] {
            let (status, _) = try TestServer.run(binary, ["ingest", "/nonexistent", "--shard", bad, "--no-embed"])
            #expect(status == 2, "--shard \(bad)")
        }
        // One file, two workers: the one whose share is empty succeeds too; a missing path still fails.
        let folder = try TestServer.temporaryFolder("shards")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = TestServer.package.appendingPathComponent("Corpora/demo/python/library/bisect.rst.txt").path
        for shard in ["0/2", "1/2"] {
            let (status, _) = try TestServer.run(binary, ["ingest", file, "--index", folder.path, "--no-embed", "--shard", shard])
            #expect(status == 0, "--shard \(shard)")
        }
        let (missing, _) = try TestServer.run(binary, ["ingest", "/nonexistent", "--index", folder.path, "--no-embed", "--shard", "0/2"])
        #expect(missing == 1)
    }
}

/// A shard built through its parser, as the command builds it.
struct IngestShardProbe {
    let shard: IngestShard
    init(index: Int, count: Int) { shard = IngestShard(parsing: "\(index)/\(count)")! }
}
