import CitedAnswer
import CitedCore
import CitedEndpoints
import CitedEngine
import Foundation
import Testing

/// The answer pipeline with an endpoint model: failures store nothing, foreign markers are removed and
/// traced, and without an endpoint in the configuration no socket is needed at all.
@Suite("Engine with endpoints", .serialized)
struct EngineEndpointTests {
    static let olanzapine = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"

    func engine(mode: String) throws -> CitedEngine {
        let server = try Servers.faults.get()
        var configuration = AnswerConfiguration.builtIn
        configuration.endpoints["faulty"] = Support.endpoint("faulty", port: server.port, path: "\(mode)/v1", retries: 1)
        return try CitedEngine(options: EngineOptions(indexDirectory: try Support.demoIndex.get(), answerConfiguration: configuration))
    }

    @Test("a failing endpoint is an error and no answer is stored", arguments: ["cut", "malformed", "e500", "stall"])
    func nothingStored(mode: String) throws {
        let engine = try engine(mode: mode)
        let before = try engine.answerCount()
        var streamed = ""
        #expect(throws: EndpointError.self) {
            _ = try engine.ask(AskSettings(question: Self.olanzapine, model: "endpoint:faulty"), onText: { streamed += $0 })
        }
        // Other suites store answers in the same index meanwhile: none of the new records may be this model's.
        let after = try engine.answerCount()
        if after > before {
            for id in Int64(before + 1)...Int64(after) {
                #expect(try engine.answerRecord(id: id).model != "endpoint:faulty")
            }
        }
    }

    @Test("markers naming passages the model was not given are removed before checking, and the trace says so")
    func foreignMarkers() throws {
        let engine = try engine(mode: "foreign")
        let answer = try engine.ask(AskSettings(question: Self.olanzapine, model: "endpoint:faulty")).answer
        #expect(answer.model == "endpoint:faulty")
        #expect(answer.endpoint?.constraint == "none")
        let all = answer.draft.isEmpty ? answer.sentences : answer.draft
        let wet = try #require(all.first { $0.text.hasPrefix("Water is wet") })
        #expect(!wet.citations.contains(9))
        #expect(wet.trace?.first == VerificationStep(rule: .givenPassages, passage: 9, passed: false,
            detail: "marker [9] names a passage the model was not given; removed before checking"))
        let sky = try #require(all.first { $0.text.hasPrefix("The sky is blue") })
        #expect(sky.trace?.contains { $0.rule == .givenPassages } == false)
        #expect(!answer.citations.contains { $0.n == 9 })
        // The audit record keeps the endpoint and no key.
        let record = try engine.answerRecord(id: try #require(answer.auditID))
        #expect(record.model == "endpoint:faulty")
        #expect(record.modelSHA256 == "endpoint-model:test-model")
    }

    @Test("an unknown endpoint name is a clear error")
    func unknownEndpoint() throws {
        let engine = try engine(mode: "ok")
        #expect {
            _ = try engine.ask(AskSettings(question: Self.olanzapine, model: "endpoint:nowhere"))
        } throws: { error in
            String(describing: error) == "no endpoint named nowhere in cited.toml (declared: faulty)"
        }
    }

    /// `unshare -n` gives the process a network namespace of its own with no usable interface (loopback
    /// down): an ask that tried any network would fail there.
    static var canUnshare: Bool {
        guard let status = try? Support.capture("/usr/bin/unshare", ["-n", "true"]).status else { return false }
        return status == 0
    }

    @Test("without an endpoint in the configuration, ask needs no network (unshare -n); with one, a clear error",
          .enabled(if: canUnshare))
    func offline() throws {
        let index = try Support.demoIndex.get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("offline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ask = ["-n", Support.citedBinary.path, "ask", "--json", "--index", index.path, Self.olanzapine]
        let offline = try Support.run("/usr/bin/unshare", ask, directory: folder)
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stdout.contains("\"model\" : \"qwen2.5-coder-0.5b"), "\(offline.stdout.prefix(300))")
        try """
        [models]
        clinical = "endpoint:gpu"
        [endpoints.gpu]
        base_url = "http://127.0.0.1:\(Support.freePort())/v1"
        model = "big"
        retries = 0
        """.write(to: folder.appendingPathComponent("cited.toml"), atomically: true, encoding: .utf8)
        let routed = try Support.run("/usr/bin/unshare", ask, directory: folder)
        #expect(routed.status == 1)
        #expect(routed.stderr.contains("endpoint gpu: cannot connect to http://127.0.0.1:"), "\(routed.stderr)")
    }
}
