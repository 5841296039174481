import Foundation
import Testing
@testable import CitedPostgres

/// The CLI contract on both backends: the same commands on the demo corpus (real MiniLM vectors) into an SQLite
/// folder and into PostgreSQL must print the same documents: ingest, index status, search in every mode with a
/// filter, show, eval retrieval, ask (a real model), index rebuild, and index export both ways.
@Suite("cited commands on SQLite and PostgreSQL", .serialized)
struct CommandLineBackendTests {
    static let demo = TestServer.package.appendingPathComponent("Corpora/demo")

    /// Runs `cited` and parses its standard output as JSON.
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let (status, output) = try TestServer.run(TestServer.citedBinary, arguments)
        try #require(status == 0, "cited \(arguments.joined(separator: " ")) exited \(status)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "not JSON: \(output.prefix(200))")
    }

    /// A JSON value as text with sorted keys (dictionaries print in no fixed order).
    static func canonical(_ value: Any?) -> String {
        guard let value, let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return "nil" }
        return String(decoding: data, as: UTF8.self)
    }

    /// (passage id, score rounded to 1e-4) of a `search --json` document.
    static func hits(_ document: [String: Any]) -> [String] {
        ((document["results"] as? [[String: Any]]) ?? []).map {
            "\($0["passage_id"] ?? "?") \(String(format: "%.4f", ($0["score"] as? Double) ?? -1))"
        }
    }

    @Test("ingest, status, search (3 modes, filters), show, eval, ask, rebuild, export: same answers on both backends")
    func sameOnBoth() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestServer.citedBinary.path), "build first")
        let folder = try TestServer.temporaryFolder("cli-both")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try TestServer.freshDatabase("cli")
        defer { TestServer.drop(database) }
        let sqlite = ["--index", folder.appendingPathComponent("index").path]
        let postgres = ["--store", database.absoluteString]

        var outputs: [[String: Any]] = []
        for store in [sqlite, postgres] {
            let ingest = try Self.json(["ingest", Self.demo.path, "--json"] + store)
            #expect((ingest["documents"] as? [String: Any])?["added"] as? Int == 209)
            let status = try Self.json(["index", "status", "--json"] + store)
            outputs.append(status)
        }
        for key in ["counts", "vectors", "files"] {
            #expect(Self.canonical(outputs[0][key]) == Self.canonical(outputs[1][key]), "status \(key)")
        }
        // Same vectors (the same passages embedded by the same model), same lexical scores, same fusion.
        for (query, filters) in [("What dose of olanzapine is used for agitation?", ["--filter", "year=2015-"]),
                                 ("How does bisect.insort keep a list sorted?", ["--filter", "path=python/*"]),
                                 ("IL-6 in sepsis", []), ("derivative of a product", ["--filter", "domain=math"])] {
            for mode in ["hybrid", "dense", "bm25"] {
                let arguments = ["search", query, "--mode", mode, "--k", "8", "--json"] + filters
                let a = Self.hits(try Self.json(arguments + sqlite))
                let b = Self.hits(try Self.json(arguments + postgres))
                #expect(a == b, "\(mode): \(query)")
                if mode != "bm25" || query.contains("olanzapine") { #expect(!a.isEmpty, "\(mode): \(query)") }
            }
        }
        let shown = try [sqlite, postgres].map { try Self.json(["show", "PMID:33046432", "--json"] + $0) }
        #expect(Self.canonical(shown[0]) == Self.canonical(shown[1]))

        // Retrieval evaluation: identical metrics.
        let questions = folder.appendingPathComponent("questions.jsonl")
        try """
            {"id": "q1", "domain": "clinical", "question": "Is olanzapine or droperidol safer for chemical restraint?", "gold": ["33046432"], "facts": [], "answerable": true}
            {"id": "q2", "domain": "code", "question": "How do I insert into a sorted list keeping it sorted?", "gold": ["python/library/bisect.rst.txt"], "facts": [], "answerable": true}
            """.write(to: questions, atomically: true, encoding: .utf8)
        let metrics = try [sqlite, postgres].map {
            try Self.json(["eval", "retrieval", "--questions", questions.path, "--json"] + $0)["metrics"] as? [String: Double]
        }
        #expect(metrics[0] != nil && metrics[0] == metrics[1])

        // A real answer, checked and stored in the audit log, on each backend.
        for store in [sqlite, postgres] {
            let answer = try Self.json(["ask", "What dose of olanzapine was recommended for chemical restraint?", "--json"] + store)
            let citations = (answer["citations"] as? [[String: Any]]) ?? []
            let sentences = (answer["sentences"] as? [[String: Any]]) ?? []
            let numbers = Set(citations.compactMap { $0["n"] as? Int })
            #expect(answer["abstained"] as? Bool == false, "\(store[0])")
            #expect(!citations.isEmpty)
            #expect(sentences.allSatisfy { (($0["citations"] as? [Int]) ?? []).allSatisfy(numbers.contains) })
        }

        // The demo corpus's passage count, as the index reports it (it moves when a parser improves).
        let passages = (outputs[0]["counts"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["passages"] as? Int) ?? 0) }
        #expect(passages > 700, "the demo corpus was chunked (\(passages) passages)")
        // An online rebuild keeps every vector and every search result.
        let before = Self.hits(try Self.json(["search", "olanzapine agitation", "--json"] + postgres))
        // Twice: the second swap meets the tables and constraints the first one renamed.
        for _ in 0..<2 {
            let rebuilt = try Self.json(["index", "rebuild", "--json"] + postgres)
            #expect(rebuilt["embedded"] as? Int == passages)
            #expect(Self.hits(try Self.json(["search", "olanzapine agitation", "--json"] + postgres)) == before)
        }

        // Export both ways: the copies search as the original does.
        let copy = try TestServer.freshDatabase("export")
        defer { TestServer.drop(copy) }
        let exported = try Self.json(["index", "export", "--to", copy.absoluteString, "--json"] + sqlite)
        #expect(exported["passages"] as? Int == passages && exported["vectors"] as? Int == passages)
        let back = folder.appendingPathComponent("back")
        _ = try Self.json(["index", "export", "--to", back.path, "--json", "--store", copy.absoluteString])
        let original = Self.hits(try Self.json(["search", "bisect insort sorted list", "--json"] + sqlite))
        #expect(Self.hits(try Self.json(["search", "bisect insort sorted list", "--json", "--store", copy.absoluteString])) == original)
        #expect(Self.hits(try Self.json(["search", "bisect insort sorted list", "--json", "--index", back.path])) == original)
        // Into a store that holds documents: refused, exit 1.
        let (status, _) = try TestServer.run(TestServer.citedBinary, ["index", "export", "--to", copy.absoluteString] + sqlite)
        #expect(status == 1)
    }

    @Test("bad store URLs are usage errors naming the input; an unreachable server is a runtime error")
    func badStores() throws {
        for bad in ["postgres://", "postgres://host", "mysql://u@h/db", "postgres://u@h:99999/db",
                    "postgres://u@h/" + String(repeating: "x", count: 3_000)] {
            let (status, _) = try TestServer.run(TestServer.citedBinary, ["index", "status", "--store", bad])
            #expect(status == 2, "\(bad.prefix(40))")
        }
        let (status, _) = try TestServer.run(TestServer.citedBinary, ["index", "status", "--store", "postgres://postgres@127.0.0.1:1/none"])
        #expect(status == 1)
    }
}
