@testable import CitedAnswer
import CitedCore
import CitedEndpoints
import CitedEngine
import CitedModel
import Foundation
import Testing

/// The statements the model wrote, with their citations (before sentences that failed the checks were left out).
func statements(_ answer: Answer) -> [String] {
    (answer.draft.isEmpty ? answer.sentences : answer.draft).map { "\($0.text) \($0.citations)" }
}

/// Answers through llama-cpp-python's OpenAI-compatible server (PyPI `llama-cpp-python[server]`), serving the
/// same GGUF file as the local engine, against the local engine's own answers on the demo corpus.
@Suite("Generator endpoint: llama-cpp-python server", .serialized)
struct LlamaServerTests {
    /// Demo questions over each part of the demo corpus (clinical, code, math), and one it cannot answer.
    static let questions = [
        "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?",
        "How does functools.lru_cache bound its size?",
        "How does bisect.insort work?",
        "What does heapq.heappushpop do?",
        "What does itertools.groupby do?",
        "What is the geometric progression sum formula?",
        "Which ferry route connects Tallinn and Helsinki in winter?",
    ]

    static func configuration(port: Int, constrain: EndpointConfiguration.Constraint = .grammar) -> AnswerConfiguration {
        var configuration = AnswerConfiguration.builtIn
        var endpoint = EndpointConfiguration(name: "llama", baseURL: "http://127.0.0.1:\(port)/v1", model: "qwen2.5-coder-0.5b")
        endpoint.constrain = constrain
        endpoint.timeoutSeconds = 300
        configuration.endpoints["llama"] = endpoint
        return configuration
    }

    @Test("greedy answers through the endpoint match the local engine's on the demo questions")
    func agreement() throws {
        let server = try Servers.llama.get()
        let index = try Support.demoIndex.get()
        let engine = try CitedEngine(options: EngineOptions(indexDirectory: index,
                                                            answerConfiguration: Self.configuration(port: server.port)))
        var same = 0, sameChecked = 0, sameCitations = 0, generated = 0
        var localMS: [Int] = [], remoteMS: [Int] = [], localFirst: [Int] = [], remoteFirst: [Int] = []
        // Warm both paths (model load, prompt cache) before timing.
        _ = try engine.ask(AskSettings(question: Self.questions[1], maxTokens: 8))
        _ = try engine.ask(AskSettings(question: Self.questions[1], model: "endpoint:llama", maxTokens: 8))
        for question in Self.questions {
            let local = try engine.ask(AskSettings(question: question)).answer
            let remote = try engine.ask(AskSettings(question: question, model: "endpoint:llama")).answer
            #expect(local.abstained == remote.abstained || local.abstentionReason == .sentinel
                    || remote.abstentionReason == .sentinel || local.abstentionReason == .unsupported
                    || remote.abstentionReason == .unsupported, "\(question)")
            if remote.abstentionReason == .weakEvidence || remote.abstentionReason == .uncoveredTerms
                || remote.abstentionReason == .absentTerms {
                #expect(remote.model.isEmpty || remote.endpoint == nil)
                continue  // abstained before any model ran
            }
            generated += 1
            #expect(remote.model == "endpoint:llama")
            #expect(remote.endpoint == AnswerEndpoint(name: "llama", model: "qwen2.5-coder-0.5b",
                                                      baseURL: "http://127.0.0.1:\(server.port)/v1", constraint: "grammar"))
            #expect(remote.auditID != nil)
            let agrees = statements(local) == statements(remote)
            if agrees { same += 1 }
            if local.answer == remote.answer { sameChecked += 1 }
            func cited(_ answer: Answer) -> [[Int]] { (answer.draft.isEmpty ? answer.sentences : answer.draft).map(\.citations) }
            if cited(local) == cited(remote) && local.abstained == remote.abstained { sameCitations += 1 }
            localMS.append(local.timingsMS.total)
            remoteMS.append(remote.timingsMS.total)
            localFirst.append(local.timingsMS.firstToken)
            remoteFirst.append(remote.timingsMS.firstToken)
            if !agrees {
                print("endpoint-agreement: differs on \(question)\n  local:  \(statements(local))\n  remote: \(statements(remote))")
            }
        }
        func median(_ values: [Int]) -> Int { values.sorted()[values.count / 2] }
        print("endpoint-agreement: \(same)/\(generated) generated answers identical (statements and citations), "
              + "\(sameChecked)/\(generated) checked answers identical, \(sameCitations)/\(generated) with the same citations "
              + "and abstention; total ms median local \(median(localMS)) "
              + "remote \(median(remoteMS)); first token ms median local \(median(localFirst)) remote \(median(remoteFirst))")
        #expect(generated >= 5)
        // Same weights, same prompt, greedy on both sides: the answers agree; a mismatch in the prompt, the
        // chat template or the sampling parameters would make most of them differ.
        #expect(same * 10 >= generated * 6, "only \(same) of \(generated) agree")
    }

    @Test("llama.cpp's grammar keeps markers to the given passages; without it the model cites what it likes")
    func grammar() throws {
        let server = try Servers.llama.get()
        func say(_ constrain: EndpointConfiguration.Constraint) throws -> String {
            let configuration = try #require(Self.configuration(port: server.port, constrain: constrain).endpoints["llama"])
            let model = EndpointAnswerModel(client: try EndpointClient(configuration))
            let prompt = Prompt(system: "You repeat text exactly.", user: "Repeat exactly, nothing else: Water is wet [7].",
                                passages: [], fixedUserPrefix: "", sha256: "")
            return try model.generate(prompt, maxTokens: 12, seed: 0, stop: [], allowedCitations: [1, 2], mayDecline: true) { _ in }
        }
        let free = try say(.none), constrained = try say(.grammar)
        #expect(free.contains("[7]"), "\(free)")
        #expect(!constrained.contains("[7]") && constrained.hasPrefix("Water is wet"), "\(constrained)")
    }

    @Test("cited ask --json routes a domain to the endpoint by cited.toml and names it")
    func commandLine() throws {
        let server = try Servers.llama.get()
        let index = try Support.demoIndex.get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        [models]
        clinical = "endpoint:llama"

        [endpoints.llama]
        base_url = "http://127.0.0.1:\(server.port)/v1"
        model = "qwen2.5-coder-0.5b"
        constrain = "grammar"
        timeout_s = 300
        """.write(to: folder.appendingPathComponent("cited.toml"), atomically: true, encoding: .utf8)
        let run = try Support.run(Support.citedBinary.path, ["ask", "--json", "--index", index.path, LlamaServerTests.questions[0]],
                                  directory: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(json?["model"] as? String == "endpoint:llama")
        let endpoint = json?["endpoint"] as? [String: Any]
        #expect(endpoint?["name"] as? String == "llama")
        #expect(endpoint?["base_url"] as? String == "http://127.0.0.1:\(server.port)/v1")
        #expect(endpoint?["model"] as? String == "qwen2.5-coder-0.5b")
        #expect(json?["domain"] as? String == "clinical")
    }
}

/// A sentence-transformers embeddings server (scripts/embeddings-server.py, MiniLM from the model cache)
/// against the local embedder, and an index embedded through it.
@Suite("Embedder endpoint: sentence-transformers server", .serialized)
struct EmbeddingServerTests {
    static func endpoint(port: Int, model: String = "all-MiniLM-L6-v2") -> EndpointConfiguration {
        var endpoint = EndpointConfiguration(name: "emb", baseURL: "http://127.0.0.1:\(port)/v1", model: model)
        endpoint.timeoutSeconds = 120
        endpoint.batchSize = 16
        endpoint.maxInFlight = 2
        return endpoint
    }

    @Test("vectors through the endpoint are the local embedder's (cosine ≥ 0.9999)")
    func cosine() throws {
        let server = try Servers.embeddings.get()
        let remote = try EndpointEmbedder(client: try EndpointClient(Self.endpoint(port: server.port)), chunkerVersion: 1)
        #expect(remote.stamp.dimension == 384)
        let local = try BertEmbedder(directory: Support.models.appendingPathComponent("minilm"), chunkerVersion: 1, threads: 2)
        let fixture = Support.package.appendingPathComponent("Tests/CitedModelTests/Fixtures/bert/passages.jsonl")
        var texts = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").prefix(60).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }
        texts += ["olanzapine 10 mg IM", "Café naïve résumé", "数学の問題を解く", "🙂 emoji", "x"]
        let a = try local.embed(texts), b = try remote.embed(texts)
        #expect(a.count == b.count)
        var worst: Float = 1
        for row in texts.indices {
            var dot: Float = 0
            for column in 0..<384 { dot += a[row * 384 + column] * b[row * 384 + column] }
            worst = min(worst, dot)
        }
        print("endpoint-embeddings: \(texts.count) texts, minimum cosine local vs endpoint \(worst)")
        #expect(worst >= 0.9999)
    }

    @Test("ingest and search through the endpoint; the stamp records its model and dimension; another model is refused")
    func index() throws {
        let server = try Servers.embeddings.get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func configure(model: String) throws {
            try """
            [endpoints.emb]
            base_url = "http://127.0.0.1:\(server.port)/v1"
            model = "\(model)"
            batch_size = 16
            max_in_flight = 2
            """.write(to: folder.appendingPathComponent("cited.toml"), atomically: true, encoding: .utf8)
        }
        try configure(model: "all-MiniLM-L6-v2")
        let cited = Support.citedBinary.path
        let corpus = Support.package.appendingPathComponent("Corpora/demo/python/library").path
        let ingest = try Support.run(cited, ["ingest", corpus, "--index", "Index", "--embedder", "endpoint:emb"], directory: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let status = try Support.run(cited, ["index", "status", "--json", "--index", "Index"], directory: folder)
        #expect(status.stdout.contains("endpoint:emb"), "\(status.stdout)")
        #expect(status.stdout.contains("model:all-MiniLM-L6-v2"), "\(status.stdout)")
        #expect(status.stdout.contains("384"), "\(status.stdout)")
        let search = try Support.run(cited, ["search", "--json", "--mode", "dense", "--index", "Index",
                                             "How does lru_cache limit its size?"], directory: folder)
        #expect(search.status == 0, "\(search.stderr)")
        #expect(search.stdout.contains("functools.rst.txt"), "\(search.stdout.prefix(500))")
        // The configured endpoint now serves another model: its vectors are not comparable; refused.
        try configure(model: "another-model")
        let refused = try Support.run(cited, ["search", "--json", "--mode", "dense", "--index", "Index", "lru_cache"],
                                      directory: folder)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("model:all-MiniLM-L6-v2") && refused.stderr.contains("model:another-model"),
                "\(refused.stderr)")
        // And a local embedder is refused against the endpoint's vectors too.
        try configure(model: "all-MiniLM-L6-v2")
        let mixed = try Support.run(cited, ["ingest", corpus, "--index", "Index", "--embedder", "minilm"], directory: folder)
        #expect(mixed.status != 0 || mixed.stderr.contains("embedded with"), "\(mixed.stderr)")
    }
}
