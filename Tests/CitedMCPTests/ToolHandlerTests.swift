import CitedAnswer
@testable import CitedEngine
import CitedMCP
import CitedTestSupport
import Foundation
import MCP
import Testing

/// The tools on the demo index: each result carries the CLI's `--json` document and a summary; every
/// failure is a tool error of one line; the server answers a real MCP client (in memory) the same way.
@Suite("tools on the demo index", .serialized)
struct ToolHandlerTests {
    static let olanzapine = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"

    static func tools(askLimit: Int = 8) throws -> CitedTools {
        var options = EngineOptions(indexDirectory: try DemoIndex.index.get())
        options.askLimit = askLimit
        return CitedTools(engine: try CitedEngine(options: options))
    }

    /// The text blocks of a result: the summary, then the JSON document.
    static func texts(_ result: CallTool.Result) -> [String] {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }
    }

    static func document(_ result: CallTool.Result) throws -> [String: Any] {
        let texts = texts(result)
        try #require(texts.count == 2, "\(texts)")
        return try #require(try JSONSerialization.jsonObject(with: Data(texts[1].utf8)) as? [String: Any])
    }

    @Test("search gives the search --json document, its passages cited by source id")
    func search() async throws {
        let result = try await Self.tools().call("search", arguments: ["query": "olanzapine dose for agitation", "k": 5])
        #expect(result.isError != true)
        let json = Self.texts(result)[1]
        let document = try JSONDecoder().decode(SearchOutput.self, from: Data(json.utf8))
        #expect(document.query == "olanzapine dose for agitation" && document.mode == "hybrid")
        #expect((1...5).contains(document.results.count))
        #expect(document.results.map(\.rank) == Array(1...document.results.count))
        #expect(document.results.contains { $0.source.id == "PMID:33046432" })
        let raw = try Self.document(result)
        let first = try #require((raw["results"] as? [[String: Any]])?.first)
        #expect(Set(first.keys).isSuperset(of: ["rank", "score", "passage_id", "source", "text"]))
        #expect(Self.texts(result)[0].contains("PMID:33046432"))
        // The structured content is the same document.
        let structured = try #require(result.structuredContent?.objectValue)
        #expect(structured["query"] == "olanzapine dose for agitation")
        #expect(structured["results"]?.arrayValue?.count == document.results.count)
    }

    @Test("search filters restrict the results; a bad filter is a tool error")
    func searchFilters() async throws {
        let tools = try Self.tools()
        let result = try await tools.call("search", arguments: ["query": "sorting a list", "filters": ["kind": "doc"]])
        let document = try JSONDecoder().decode(SearchOutput.self, from: Data(Self.texts(result)[1].utf8))
        #expect(!document.results.isEmpty && document.results.allSatisfy { $0.source.kind == .doc })
        let bad = try await tools.call("search", arguments: ["query": "x", "filters": ["year": "2020-2010"]])
        #expect(bad.isError == true)
        #expect(Self.texts(bad) == ["error: 'filters': bad filter year=2020-2010: range starts after it ends"])
    }

    @Test("show gives the passage in focus with its neighbours; an unknown reference is a one-line tool error")
    func show() async throws {
        let tools = try Self.tools()
        let result = try await tools.call("show", arguments: ["ref": "PMID:33046432", "context": 1])
        #expect(result.isError != true)
        let document = try Self.document(result)
        #expect(document["reference"] as? String == "PMID:33046432")
        #expect((document["title"] as? String)?.lowercased().contains("olanzapine") == true)
        let passages = try #require(document["passages"] as? [[String: Any]])
        #expect(!passages.isEmpty)
        #expect(passages.allSatisfy { ($0["source"] as? [String: Any])?["pmid"] as? String == "33046432" })
        #expect(passages.allSatisfy { !(($0["text"] as? String) ?? "").isEmpty })

        for reference in ["PMID:99999999", "no/such/file.md:3"] {
            let missing = try await tools.call("show", arguments: ["ref": .string(reference)])
            #expect(missing.isError == true)
            let texts = Self.texts(missing)
            #expect(texts.count == 1 && texts[0].hasPrefix("error: ") && !texts[0].contains("\n"), "\(texts)")
        }
    }

    @Test("an unknown tool is a protocol error (invalid params)")
    func unknownTool() async throws {
        await #expect(throws: MCPError.self) { try await Self.tools().call("delete", arguments: [:]) }
    }

    @Test("ask gives the ask --json document: checked sentences citing PMID:33046432, the notice")
    func ask() async throws {
        let result = try await Self.tools().call("ask", arguments: ["question": .string(Self.olanzapine),
                                                                    "model": "qwen2.5-coder-0.5b"])
        try #require(result.isError != true, "\(Self.texts(result))")
        let texts = Self.texts(result)
        try #require(texts.count == 2, "\(texts)")
        let answer = try JSONDecoder().decode(Answer.self, from: Data(texts[1].utf8))
        #expect(!answer.abstained)
        #expect(answer.citations.contains { $0.source.id == "PMID:33046432" })
        let numbers = Set(answer.citations.map(\.n))
        #expect(!answer.sentences.isEmpty && answer.sentences.allSatisfy { Set($0.citations).isSubset(of: numbers) })
        #expect(answer.notice != nil && answer.auditID != nil)
        #expect(texts[0].contains("PMID:33046432"))
    }

    @Test("an ask while every ask slot is taken is a busy tool error, not a wait or a crash")
    func busy() async throws {
        let tools = try Self.tools(askLimit: 1)
        let model = "qwen2.5-coder-0.5b"
        // The test holds the model, so the first ask keeps its slot until the second has been refused.
        let hold = try ThreadHold { wait in try tools.engine.models.model(model).lock.withLock { wait() } }
        let first = tools.engine.askStream(AskSettings(question: Self.olanzapine, model: model))
        var iterator = first.makeAsyncIterator()
        _ = try await iterator.next()  // the sources: the first ask holds the only slot
        let refused = try await tools.call("ask", arguments: ["question": .string(Self.olanzapine)])
        hold.release()
        #expect(refused.isError == true)
        #expect(Self.texts(refused) == ["error: \(EngineError.busy(retryAfter: 10))"])
        while try await iterator.next() != nil {}
    }

    @Test("a cancelled ask call (the client sent notifications/cancelled) stops its generation and stores nothing")
    func cancelledAsk() async throws {
        let tools = try Self.tools()
        let model = "qwen2.5-coder-0.5b"
        let before = try tools.engine.answerCount()
        // The test holds the model, so the call cannot finish before it is cancelled.
        let hold = try ThreadHold { wait in try tools.engine.models.model(model).lock.withLock { wait() } }
        let call = Task {
            try await tools.call("ask", arguments: ["question": .string(Self.olanzapine), "model": .string(model)])
        }
        let deadline = Date().addingTimeInterval(60)
        while tools.engine.askLoad.inFlight == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        call.cancel()
        let result = try await call.value
        hold.release()
        #expect(result.isError == true)
        #expect(Self.texts(result) == ["error: \(EngineError.cancelled)"])
        while tools.engine.askLoad.inFlight > 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(tools.engine.askLoad.inFlight == 0)
        #expect(try tools.engine.answerCount() == before)
    }

    @Test("a real MCP client (in memory) lists the three tools and calls show")
    func client() async throws {
        let server = await CitedMCPServer(engine: try Self.tools().engine).makeServer()
        let (clientTransport, serverTransport) = await InMemoryTransport.createConnectedPair()
        try await server.start(transport: serverTransport)
        let client = Client(name: "test", version: "1")
        _ = try await client.connect(transport: clientTransport)
        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == ["search", "ask", "show"])
        let (content, isError) = try await client.callTool(name: "show", arguments: ["ref": "PMID:33046432"])
        #expect(isError != true && content.count == 2)
        let (_, refused) = try await client.callTool(name: "show", arguments: ["ref": "PMID:99999999"])
        #expect(refused == true)
        await client.disconnect()
        await server.stop()
    }
}
