import CitedAnswer
@testable import CitedEngine
import CitedRetrieve
import CitedTestSupport
import Foundation
import Testing

/// The engine on a real index (the demo corpus, ingested by the built `cited` with the real MiniLM):
/// concurrent searches agree with serial ones; concurrent asks share one model and give the answers a
/// lone ask gives; a cancelled ask stores nothing; a full ask queue refuses at once.
@Suite("engine on the demo index", .serialized)
struct EngineTests {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A fresh index of the demo corpus, made once per test run.
    static let demoIndex: Result<URL, Error> = Result {
        let binary = BuiltProducts.cited
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: swift build -c release")
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ingest", package.appendingPathComponent("Corpora/demo").path, "--index", index.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "cited ingest of the demo corpus failed")
        return index
    }

    static func engine(askLimit: Int = 8) throws -> CitedEngine {
        var options = EngineOptions(indexDirectory: try demoIndex.get())
        options.askLimit = askLimit
        return try CitedEngine(options: options)
    }

    static let queries = ["olanzapine dose for agitation", "bisect insort", "droperidol QT prolongation",
                          "integrate a rational function", "lru_cache maxsize", "vitamin K2 osteoporosis",
                          "heparin induced thrombocytopenia", "matrix determinant"]

    @Test("32 concurrent searches return what the same searches return one at a time")
    func concurrentSearch() async throws {
        let engine = try Self.engine()
        var serial: [String: [Int64]] = [:]
        for query in Self.queries { serial[query] = try await engine.search(query).hits.map(\.passageID) }
        #expect(serial.values.allSatisfy { !$0.isEmpty })
        let results = try await withThrowingTaskGroup(of: (String, [Int64]).self) { group in
            for i in 0..<32 {
                let query = Self.queries[i % Self.queries.count]
                group.addTask { (query, try await engine.search(query).hits.map(\.passageID)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        for (query, ids) in results { #expect(ids == serial[query], "\(query)") }
    }

    @Test("show and status read the index; an unknown reference is a clear error")
    func showAndStatus() throws {
        let engine = try Self.engine()
        let status = try engine.status()
        #expect(status.documents > 100 && status.vectors.vectors == status.passages)
        let shown = try engine.show("PMID:33046432", context: 0)
        #expect(shown.title.contains("olanzapine"))
        #expect(!shown.passages.isEmpty)
        #expect(throws: (any Error).self) { try engine.show("no/such/file.md:3") }
    }

    @Test("two concurrent asks share the model and answer as a lone ask does; both are stored")
    func concurrentAsks() async throws {
        let engine = try Self.engine()
        let questions = ["What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?",
                         "How does bisect.insort keep a list sorted?"]
        var lone: [String] = []
        for question in questions {
            lone.append(try engine.ask(AskSettings(question: question, model: "qwen2.5-coder-0.5b")).answer.answer)
        }
        let together = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
            for (i, question) in questions.enumerated() {
                group.addTask {
                    for try await event in engine.askStream(AskSettings(question: question, model: "qwen2.5-coder-0.5b")) {
                        if case .finished(let outcome) = event { return (i, outcome.answer) }
                    }
                    throw EngineError.cancelled
                }
            }
            return try await group.reduce(into: [Int: Answer]()) { $0[$1.0] = $1.1 }
        }
        for i in questions.indices {
            #expect(together[i]?.answer == lone[i], "question \(i)")
            #expect(together[i]?.auditID != nil)
        }
        #expect(engine.askLoad.inFlight == 0 && engine.askLoad.waiting == 0)
    }

    @Test("a stream ended early cancels its answer and stores nothing; a full queue refuses at once")
    func cancelAndBusy() async throws {
        let engine = try Self.engine(askLimit: 1)
        let question = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"
        let model = "qwen2.5-coder-0.5b"
        let before = try engine.answerCount()

        // The test holds the model, so the ask cannot finish before the stream ends, however busy the machine.
        var hold = try ThreadHold { wait in try engine.models.model(model).lock.withLock { wait() } }
        for try await event in engine.askStream(AskSettings(question: question, model: model)) {
            if case .sources = event { break }
        }
        hold.release()
        // The cancelled ask leaves its slot once it has seen the cancellation.
        let deadline = Date().addingTimeInterval(60)
        while engine.askLoad.inFlight > 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(engine.askLoad.inFlight == 0)
        #expect(try engine.answerCount() == before)

        // One slot: a second ask while the first waits for the model is refused as busy.
        hold = try ThreadHold { wait in try engine.models.model(model).lock.withLock { wait() } }
        let first = engine.askStream(AskSettings(question: question, model: model))
        var iterator = first.makeAsyncIterator()
        _ = try await iterator.next()  // the sources: the first ask holds the slot
        await #expect(throws: EngineError.busy(retryAfter: 10)) {
            for try await _ in engine.askStream(AskSettings(question: question)) {}
        }
        hold.release()
        var finished = false
        while let event = try await iterator.next() { if case .finished = event { finished = true } }
        #expect(finished)
        #expect(try engine.answerCount() == before + 1)
    }
}
