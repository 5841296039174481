import CitedTestSupport
import Foundation
import Testing

/// `cited serve` and `cited mcp` on a PostgreSQL store, end to end: the demo corpus ingested into a fresh database,
/// the real servers started on it and spoken to as clients do (HTTP on a loopback port; the reference Python MCP
/// client over stdio), their answers compared with the CLI's on the same store and with an SQLite index of the same
/// files.
@Suite("cited serve and cited mcp on PostgreSQL", .serialized)
struct ServeAndMCPTests {
    typealias CLI = CommandLineBackendTests
    static let olanzapine = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"

    /// A fresh database holding the demo corpus (real MiniLM vectors); dropped by `TestServer.drop`.
    static func demoDatabase(_ label: String) throws -> URL {
        try #require(FileManager.default.isExecutableFile(atPath: TestServer.citedBinary.path), "build first")
        let database = try TestServer.freshDatabase(label)
        let ingest = try CLI.json(["ingest", CLI.demo.path, "--json", "--store", database.absoluteString])
        #expect((ingest["documents"] as? [String: Any])?["added"] as? Int == 209)
        return database
    }

    /// The JSON object of a reply, after checking its status.
    static func object(_ reply: HTTPClient.Reply, _ status: Int = 200, _ what: String) throws -> [String: Any] {
        try #require(reply.status == status, "\(what): \(reply.status) \(reply.text.prefix(300))")
        return try reply.json()
    }

    @Test("serve --store: search as the CLI and SQLite rank it, passages as show prints them, a cited answer in PostgreSQL")
    func serve() throws {
        let database = try Self.demoDatabase("serve")
        defer { TestServer.drop(database) }
        let store = ["--store", database.absoluteString]
        let folder = try TestServer.temporaryFolder("serve-sqlite")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = ["--index", folder.appendingPathComponent("index").path]
        _ = try CLI.json(["ingest", CLI.demo.path, "--json"] + sqlite)

        let server = try ServerProcess(location: store)
        defer { server.stop() }
        let client = server.client
        let health = try Self.object(try client.get("/healthz"), 200, "healthz")
        #expect(health["documents"] as? Int == 209)
        #expect(try client.get("/").status == 200, "the web page")

        // Search: the passages, order and scores of `cited search --json` on the same store, and of SQLite.
        for (query, filters) in [("What dose of olanzapine is used for agitation?", ["year": "2015-"]),
                                 ("How does bisect.insort keep a list sorted?", ["kind": "doc"]),
                                 ("IL-6 in sepsis", [:]), ("derivative of a product", ["domain": "math"])] {
            for mode in ["hybrid", "dense", "bm25"] {
                let served = try Self.object(try client.post("/v1/search", json: ["query": query, "k": 8, "mode": mode, "filters": filters]),
                                             200, "search \(mode): \(query)")
                let flags = filters.keys.sorted().flatMap { ["--filter", "\($0)=\(filters[$0]!)"] }
                let arguments = ["search", query, "--mode", mode, "--k", "8", "--json"] + flags
                let cli = try CLI.json(arguments + store)
                #expect(CLI.hits(served) == CLI.hits(cli), "\(mode): \(query)")
                #expect(CLI.canonical(served["results"]) == CLI.canonical(cli["results"]), "\(mode): \(query)")
                let onSQLite = try CLI.json(arguments + sqlite)
                #expect(CLI.hits(served) == CLI.hits(onSQLite), "\(mode): \(query) on SQLite")
                if mode != "bm25" { #expect(!CLI.hits(served).isEmpty, "\(mode): \(query)") }
            }
        }

        // Passages: the document `cited show --json` prints; unknown references and answers are 404s.
        for (reference, context) in [("PMID:33046432", 1), ("PMID:33046432", 0)] {
            let path = "/v1/passages/\(reference.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)?context=\(context)"
            let shown = try Self.object(try client.get(path), 200, "passages \(reference)")
            let cli = try CLI.json(["show", reference, "--context", "\(context)", "--json"] + store)
            #expect(CLI.canonical(shown) == CLI.canonical(cli), "\(reference) context \(context)")
        }
        let missing = try client.get("/v1/passages/PMID:99999999")
        #expect(missing.status == 404, "\(missing.text)")
        #expect(try client.get("/v1/passages/no%2Fsuch%2Ffile.md:3").status == 404)
        #expect(try client.get("/v1/answers/999999").status == 404)

        // An answer: its citations are passages of the store; its audit record is read back from PostgreSQL.
        let answer = try Self.object(try client.post("/v1/chat/completions", json: [
            "model": "cited", "messages": [["role": "user", "content": Self.olanzapine]]]), 200, "chat")
        #expect(answer["abstained"] as? Bool == false)
        let citations = try #require(answer["citations"] as? [[String: Any]])
        #expect(citations.contains { $0["ref"] as? String == "PMID:33046432" }, "\(citations)")
        for citation in citations {
            let reference = try #require(citation["ref"] as? String)
            let passage = try #require(citation["passage_id"] as? Int)
            let shown = try CLI.json(["show", reference, "--context", "0", "--json"] + store)
            let passages = try #require(shown["passages"] as? [[String: Any]])
            let match = passages.first { $0["passage_id"] as? Int == passage }
            #expect(match != nil, "citation \(reference) → passage \(passage) is in the store")
            #expect(CLI.canonical(match?["source"]) == CLI.canonical(citation["source"]), "\(reference)")
        }
        let id = try #require(answer["answer_id"] as? Int)
        let audit = try Self.object(try client.get("/v1/answers/\(id)"), 200, "audit record")
        #expect(audit["question"] as? String == Self.olanzapine)
        #expect(audit["abstained"] as? Bool == false)

        // Streamed: the same citations at the end of the event stream.
        let stream = try client.post("/v1/chat/completions", json: [
            "stream": true, "messages": [["role": "user", "content": Self.olanzapine]]])
        #expect(stream.status == 200)
        let events = stream.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
        #expect(events.last == "[DONE]")
        let lastEvent = try #require(events.dropLast().last)
        let last = try #require(try JSONSerialization.jsonObject(with: Data(lastEvent.utf8)) as? [String: Any])
        #expect((last["citations"] as? [[String: Any]])?.contains { $0["ref"] as? String == "PMID:33046432" } == true)

        let metrics = try client.get("/metrics")
        #expect(metrics.text.contains(#"cited_requests_total{route="/v1/search",code="200"}"#))
        #expect(server.stop() == 0, "SIGTERM stops the server cleanly")
    }

    @Test("mcp --store: the reference Python client lists the tools; search, show and ask answer as the CLI does")
    func mcp() throws {
        let database = try Self.demoDatabase("mcp")
        defer { TestServer.drop(database) }
        let check = try TestScripts.mcpClientCheck(["--store", database.absoluteString])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains(" passed, 0 failed"), "\(check.output)")
    }
}
