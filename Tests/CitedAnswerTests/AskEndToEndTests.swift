import CitedTestSupport
import Foundation
import Testing

/// The whole product path with real models (MiniLM and Qwen2.5-Coder-0.5B, both fetched by the test setup):
/// `cited ingest` of the demo corpus, then `cited ask` for a question the corpus answers, one it does not,
/// and a replay of the first from the audit log.
@Suite("ask end to end with a real model", .serialized)
struct AskEndToEndTests {
    static var citedBinary: URL { BuiltProducts.cited }
    static var demo: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpora/demo")
    }

    /// Runs `cited` and returns its exit status and standard output.
    static func cited(_ arguments: [String]) throws -> (Int32, Data) {
        let process = Process()
        process.executableURL = citedBinary
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    static func answer(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a cited, checked answer; an honest abstention; a replay that repeats the answer")
    func askDemo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.citedBinary.path), "build first: swift build -c release")
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("ask-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: index) }
        let (ingested, _) = try Self.cited(["ingest", Self.demo.path, "--index", index.path, "--json"])
        #expect(ingested == 0)

        let question = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"
        let (status, data) = try Self.cited(["ask", "--index", index.path, "--model", "qwen2.5-coder-0.5b", "--json", question])
        #expect(status == 0)
        let first = try Self.answer(data)
        #expect(first["abstained"] as? Bool == false)
        #expect(first["domain"] as? String == "clinical")
        #expect((first["notice"] as? String)?.isEmpty == false, "clinical answers carry the notice")
        let sentences = try #require(first["sentences"] as? [[String: Any]])
        let citations = try #require(first["citations"] as? [[String: Any]])
        let given = Set(citations.compactMap { $0["n"] as? Int })
        #expect(sentences.contains { $0["support"] as? String == "supported" })
        for sentence in sentences {
            for n in sentence["citations"] as? [Int] ?? [] { #expect(given.contains(n), "sentence cites [\(n)], not a listed source") }
        }
        #expect(citations.contains { (($0["source"] as? [String: Any])?["id"] as? String)?.hasPrefix("PMID:") == true })

        let (_, elsewhere) = try Self.cited(["ask", "--index", index.path, "--model", "qwen2.5-coder-0.5b", "--json",
                                             "Which ferry route connects Tallinn and Helsinki in winter?"])
        let abstained = try Self.answer(elsewhere)
        #expect(abstained["abstained"] as? Bool == true)
        #expect(abstained["answer"] as? String == "Not found in the indexed sources.")
        #expect((abstained["nearest"] as? [Any])?.isEmpty == false)

        let id = try #require(first["audit_id"] as? Int)
        let (_, replayed) = try Self.cited(["ask", "--index", index.path, "--replay", String(id), "--json"])
        #expect(try Self.answer(replayed)["answer"] as? String == first["answer"] as? String)
    }
}
