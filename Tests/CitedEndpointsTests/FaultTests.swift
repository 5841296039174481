import CitedAnswer
@testable import CitedEndpoints
import Foundation
import Testing

/// The endpoint client against scripts/endpoint-fault-server.py, a loopback server that misbehaves on purpose:
/// each fault ends in a clear error or a retry that succeeds.
@Suite("Endpoint faults: down, slow, 500, 429, malformed, cut", .serialized)
struct FaultTests {
    static let answer = "The sky is blue [1]. Water is wet [2]."

    func client(_ mode: String, timeout: Double = 5, retries: Int = 2) throws -> EndpointClient {
        let server = try Servers.faults.get()
        return try EndpointClient(Support.endpoint(mode, port: server.port, path: "\(mode)/v1", timeout: timeout, retries: retries))
    }

    /// Streams a chat completion, blocking, as the answer pipeline does; returns the pieces and the result.
    func chat(_ client: EndpointClient) throws -> (pieces: [String], result: ChatResult) {
        var pieces: [String] = []
        let result = try Blocking.stream(onItem: { pieces.append($0) }) { yield in
            try await client.streamChat(system: "sys", user: "q", parameters: ChatParameters(maxTokens: 64), onText: yield)
        }
        return (pieces, result)
    }

    func requests(_ mode: String) throws -> Int {
        let server = try Servers.faults.get()
        let data = try Data(contentsOf: URL(string: "http://127.0.0.1:\(server.port)/stats")!)
        let counts = try JSONDecoder().decode([String: Int].self, from: data)
        return counts[mode] ?? 0
    }

    @Test("a healthy stream arrives in pieces and whole")
    func healthy() throws {
        let (pieces, result) = try chat(try client("ok"))
        #expect(pieces.count > 3)
        #expect(pieces.joined() == Self.answer)
        #expect(result.text == Self.answer)
        #expect(result.attempts == 1)
    }

    @Test("the endpoint path's own cost: a 9-chunk stream over loopback, end to end, well under a token's time")
    func overhead() throws {
        let client = try client("ok")
        _ = try chat(client)
        var milliseconds: [Double] = []
        for _ in 0..<30 {
            let start = DispatchTime.now().uptimeNanoseconds
            let (_, result) = try chat(client)
            milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            #expect(result.text == Self.answer)
        }
        milliseconds.sort()
        print(String(format: "endpoint-overhead: 9-chunk stream over loopback, median %.2f ms, p90 %.2f ms (30 requests)",
                     milliseconds[15], milliseconds[27]))
        #expect(milliseconds[15] < 50)
    }

    @Test("server down: a refused connection is retried, then a clear error naming the endpoint and URL")
    func down() throws {
        let port = Support.freePort()
        let client = try EndpointClient(Support.endpoint("down", port: port, retries: 2))
        let start = Date()
        #expect {
            _ = try chat(client)
        } throws: { error in
            guard case let .unreachable(endpoint, url, attempts, _) = error as? EndpointError else { return false }
            return endpoint == "down" && url == "http://127.0.0.1:\(port)/v1/chat/completions" && attempts == 3
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("slow server: no response within timeout_s is a timeout error, after the retries")
    func slow() throws {
        let before = try requests("slow")
        let start = Date()
        #expect {
            _ = try chat(try client("slow", timeout: 0.5, retries: 1))
        } throws: { error in
            guard case let .timeout(endpoint, _, seconds, attempts) = error as? EndpointError else { return false }
            return endpoint == "slow" && seconds == 0.5 && attempts == 2
        }
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(try requests("slow") - before == 2)
    }

    @Test("a stream that stalls after some text times out and keeps nothing")
    func stall() throws {
        #expect {
            _ = try chat(try client("stall", timeout: 0.5, retries: 2))
        } throws: { error in
            guard case .timeout = error as? EndpointError else { return false }
            return true
        }
    }

    @Test("HTTP 500 is retried, then reported with the server's message")
    func serverError() throws {
        let before = try requests("e500")
        #expect {
            _ = try chat(try client("e500", retries: 2))
        } throws: { error in
            guard case let .status(_, _, code, body, attempts) = error as? EndpointError else { return false }
            return code == 500 && body == "internal error (injected)" && attempts == 3
        }
        #expect(try requests("e500") - before == 3)
        let error = EndpointError.status(endpoint: "gpu", url: "http://h/v1/chat/completions", code: 500, body: "boom", attempts: 3)
        #expect(error.description == "endpoint gpu: http://h/v1/chat/completions answered HTTP 500: boom (after 3 attempts)")
    }

    @Test("a single 500 is retried and the answer arrives")
    func transient() throws {
        let (_, result) = try chat(try client("e500once"))
        #expect(result.text == Self.answer)
        #expect(result.attempts == 2)
    }

    @Test("429 with Retry-After: waits the time asked, then succeeds")
    func rateLimited() throws {
        let start = Date()
        let (_, result) = try chat(try client("r429"))
        #expect(result.text == Self.answer)
        #expect(result.attempts == 2)
        #expect(Date().timeIntervalSince(start) >= 0.95)
    }

    @Test("429 asking for longer than max_retry_after_s fails at once")
    func rateLimitedTooLong() throws {
        let start = Date()
        #expect {
            _ = try chat(try client("r429long"))
        } throws: { error in
            guard case let .status(_, _, code, _, attempts) = error as? EndpointError else { return false }
            return code == 429 && attempts == 1
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test("HTTP 400 is not retried")
    func badRequest() throws {
        let before = try requests("e400")
        #expect {
            _ = try chat(try client("e400"))
        } throws: { error in
            guard case let .status(_, _, code, body, _) = error as? EndpointError else { return false }
            return code == 400 && body.contains("does not exist")
        }
        #expect(try requests("e400") - before == 1)
    }

    @Test("an event that is not JSON is a malformed-response error")
    func malformed() throws {
        #expect {
            _ = try chat(try client("malformed"))
        } throws: { error in
            guard case let .malformedResponse(endpoint, _, reason) = error as? EndpointError else { return false }
            return endpoint == "malformed" && reason.contains("not JSON")
        }
    }

    @Test("a stream cut midway is an error, never a shorter answer")
    func cut() throws {
        #expect {
            _ = try chat(try client("cut"))
        } throws: { error in
            guard case let .streamCut(_, _, received) = error as? EndpointError else { return false }
            return received > 0
        }
    }

    @Test("a stream cut before any text is retried")
    func cutEarly() throws {
        let (_, result) = try chat(try client("cutearly"))
        #expect(result.text == Self.answer)
        #expect(result.attempts == 2)
    }

    @Test("embeddings: batched, bounded, in input order; a transient 500 is retried; malformed is an error")
    func embeddings() throws {
        let server = try Servers.faults.get()
        var configuration = Support.endpoint("emb", port: server.port, path: "ok/v1")
        configuration.batchSize = 2
        configuration.maxInFlight = 2
        let embedder = try EndpointEmbedder(client: try EndpointClient(configuration), chunkerVersion: 1)
        #expect(embedder.stamp.dimension == 3)
        #expect(embedder.stamp.name == "endpoint:emb")
        #expect(embedder.stamp.weightsSHA256 == "model:test-model")
        let texts = ["a", "bb", "ccc", "dddd", "eeeee"]
        let before = try requests("ok")
        let vectors = try embedder.embed(texts)
        #expect(try requests("ok") - before == 3)
        #expect(vectors.count == 15)
        for (row, text) in texts.enumerated() {
            let raw: [Float] = [Float(text.count % 7) + 1, 2, 3]
            let norm = raw.map { $0 * $0 }.reduce(0, +).squareRoot()
            for column in 0..<3 { #expect(abs(vectors[row * 3 + column] - raw[column] / norm) < 1e-6) }
        }
        var transient = Support.endpoint("emb", port: server.port, path: "e500once/v1")
        transient.batchSize = 8
        _ = try EndpointEmbedder(client: try EndpointClient(transient), chunkerVersion: 1)
        let bad = Support.endpoint("emb", port: server.port, path: "malformed/v1")
        #expect(throws: EndpointError.self) { _ = try EndpointEmbedder(client: try EndpointClient(bad), chunkerVersion: 1) }
    }

    @Test("the API key comes from the named environment variable, which must be set")
    func apiKey() throws {
        var configuration = Support.endpoint("keyed", port: 1)
        configuration.apiKeyEnvironment = "CITED_TEST_KEY"
        #expect(throws: EndpointError.missingAPIKey(endpoint: "keyed", variable: "CITED_TEST_KEY")) {
            _ = try EndpointClient(configuration, environment: [:])
        }
        _ = try EndpointClient(configuration, environment: ["CITED_TEST_KEY": "secret"])
    }
}
