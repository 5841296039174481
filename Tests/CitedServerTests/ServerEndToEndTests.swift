import CitedTestSupport
import Foundation
import Testing

/// `cited serve` as a client sees it: the real server on a free loopback port over the demo index, with the
/// real embedder and answer model (Qwen2.5-Coder-0.5B).
@Suite("cited serve end to end", .serialized)
struct ServerEndToEndTests {
    static let olanzapine = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"

    @Test("health, search, passages, errors and metrics")
    func routes() throws {
        let server = try ServerProcess(index: try ServerProcess.demoIndex.get())
        defer { server.stop() }
        let client = server.client
        let health = try client.get("/healthz")
        #expect(health.status == 200)
        #expect((try health.json()["documents"] as? Int ?? 0) > 100)

        let search = try client.post("/v1/search", json: ["query": "olanzapine droperidol chemical restraint", "k": 3])
        #expect(search.status == 200)
        let results = try #require(try search.json()["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.contains { ($0["source"] as? [String: Any])?["id"] as? String == "PMID:33046432" })
        let filtered = try client.post("/v1/search", json: ["query": "sorted list insert", "k": 5, "filters": ["kind": "doc"]])
        #expect(try (filtered.json()["results"] as? [[String: Any]])?.allSatisfy {
            ($0["source"] as? [String: Any])?["kind"] as? String == "doc" } == true)

        let shown = try client.get("/v1/passages/PMID:33046432?context=0")
        #expect(shown.status == 200)
        #expect((try shown.json()["title"] as? String)?.contains("olanzapine") == true)
        #expect(try client.get("/v1/passages/no%2Fsuch%2Ffile.md:3").status == 404)
        #expect(try client.get("/v1/answers/999999").status == 404)

        // Bad input: a clear 4xx with a JSON message, never a crash.
        for (body, status) in [(#"{"query": "   "}"#, 400), (#"{"query": "x", "k": 0}"#, 400), (#"{"query": "#, 400),
                               (#"{"query": "x", "filters": ["year=soon"]}"#, 400)] {
            let reply = try client.send("POST", "/v1/search", body: Data(body.utf8))
            #expect(reply.status == status, "\(body): \(reply.text)")
            #expect((try? reply.json()["error"]) != nil, "\(body): \(reply.text)")
        }
        let huge = try client.send("POST", "/v1/search", body: Data(("{\"query\": \"" + String(repeating: "a", count: 100_000) + "\"}").utf8))
        #expect(huge.status == 413)
        let longQuestion = try client.post("/v1/chat/completions", json: ["messages": [["role": "user", "content": String(repeating: "why ", count: 1500)]]])
        #expect(longQuestion.status == 400)

        let metrics = try client.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains(#"cited_requests_total{route="/v1/search",code="200"}"#))
        #expect(metrics.text.contains("cited_request_duration_seconds_bucket"))
        #expect(metrics.text.contains("cited_ask_queue_length 0"))
        #expect(server.stop() == 0, "SIGTERM stops the server cleanly")
    }

    @Test("chat completions: a cited answer with verdicts, streamed and whole; the audit record; an abstention")
    func chat() throws {
        let server = try ServerProcess(index: try ServerProcess.demoIndex.get())
        defer { server.stop() }
        let client = server.client
        let whole = try client.post("/v1/chat/completions", json: [
            "model": "cited", "messages": [["role": "user", "content": Self.olanzapine]]])
        #expect(whole.status == 200, "\(whole.text)")
        let answer = try whole.json()
        #expect(answer["object"] as? String == "chat.completion")
        #expect(answer["abstained"] as? Bool == false)
        let content = try #require(((answer["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
        #expect(content.range(of: #"\[\d+\]"#, options: .regularExpression) != nil && content.contains("PMID:33046432"), "\(content)")
        let citations = try #require(answer["citations"] as? [[String: Any]])
        #expect(citations.contains { $0["ref"] as? String == "PMID:33046432" })
        let verdicts = citations.flatMap { $0["sentences"] as? [[String: Any]] ?? [] }.compactMap { $0["support"] as? String }
        #expect(verdicts.contains("supported"))
        #expect((answer["notice"] as? String)?.isEmpty == false, "clinical answers carry the notice")
        let id = try #require(answer["answer_id"] as? Int)
        let audit = try client.get("/v1/answers/\(id)")
        #expect(audit.status == 200)
        #expect(try audit.json()["question"] as? String == Self.olanzapine)

        let stream = try client.post("/v1/chat/completions", json: [
            "stream": true, "messages": [["role": "user", "content": Self.olanzapine]]])
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let events = stream.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
        #expect(events.last == "[DONE]")
        let chunks = try events.dropLast().map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(chunks.first?["sources"] != nil, "the sources come first")
        #expect(chunks.contains { $0["draft"] != nil }, "the draft streams")
        let last = try #require(chunks.last)
        #expect(((last["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String) == "stop")
        #expect((last["citations"] as? [[String: Any]])?.contains { $0["ref"] as? String == "PMID:33046432" } == true)

        let elsewhere = try client.post("/v1/chat/completions", json: [
            "messages": [["role": "user", "content": "Which ferry route connects Tallinn and Helsinki in winter?"]]])
        #expect(try elsewhere.json()["abstained"] as? Bool == true)
    }

    @Test("a token is required when configured; a full ask queue answers 503 with Retry-After")
    func tokenAndBusy() throws {
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let server = try ServerProcess(index: try ServerProcess.demoIndex.get(), extra: ["--token-file", tokenFile.path, "--ask-limit", "1"])
        defer { server.stop() }
        let client = server.client
        #expect(try client.get("/healthz").status == 200, "health stays open for probes")
        #expect(try client.post("/v1/search", json: ["query": "olanzapine"]).status == 401)
        #expect(try client.post("/v1/search", json: ["query": "olanzapine"], headers: ["Authorization": "Bearer wrong"]).status == 401)
        let auth = ["Authorization": "Bearer s3cret-token"]
        #expect(try client.post("/v1/search", json: ["query": "olanzapine"], headers: auth).status == 200)

        // One slot: while a streamed answer runs, a second question is refused at once.
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var firstStatus = 0
        Thread.detachNewThread {
            var signalled = false
            let reply = try? client.send("POST", "/v1/chat/completions", body: try? JSONSerialization.data(withJSONObject: [
                "stream": true, "messages": [["role": "user", "content": Self.olanzapine]]]), headers: auth) { data in
                if !signalled, String(decoding: data, as: UTF8.self).contains("\"sources\"") { signalled = true; started.signal() }
                return true
            }
            firstStatus = reply?.status ?? -1
            if !signalled { started.signal() }
            finished.signal()
        }
        started.wait()
        let busy = try client.post("/v1/chat/completions", json: ["messages": [["role": "user", "content": Self.olanzapine]]], headers: auth)
        #expect(busy.status == 503, "\(busy.text)")
        #expect(busy.headers["retry-after"] != nil)
        finished.wait()
        #expect(firstStatus == 200)
    }

    @Test("SIGTERM lets an answer in flight finish; kill -9 mid-answer leaves an index the next server serves")
    func drainAndCrash() throws {
        let index = try ServerProcess.demoIndex.get()
        let server = try ServerProcess(index: index)
        let client = server.client
        let started = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var drained: HTTPClient.Reply?
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var signalled = false
            drained = try? client.send("POST", "/v1/chat/completions", body: try? JSONSerialization.data(withJSONObject: [
                "stream": true, "messages": [["role": "user", "content": Self.olanzapine]]])) { data in
                if !signalled, String(decoding: data, as: UTF8.self).contains("\"draft\"") { signalled = true; started.signal() }
                return true
            }
            if !signalled { started.signal() }
            done.signal()
        }
        started.wait()
        let status = server.stop()
        done.wait()
        #expect(status == 0)
        #expect(drained?.text.contains("data: [DONE]") == true, "the answer in flight completed: \(drained?.text.suffix(200) ?? "")")

        let victim = try ServerProcess(index: index)
        let victimClient = victim.client
        let midway = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var signalled = false
            _ = try? victimClient.send("POST", "/v1/chat/completions", body: try? JSONSerialization.data(withJSONObject: [
                "stream": true, "messages": [["role": "user", "content": Self.olanzapine]]])) { data in
                if !signalled, String(decoding: data, as: UTF8.self).contains("\"draft\"") { signalled = true; midway.signal() }
                return true
            }
            if !signalled { midway.signal() }
        }
        midway.wait()
        kill(victim.process.processIdentifier, SIGKILL)
        victim.process.waitUntilExit()
        let restarted = try ServerProcess(index: index)
        defer { restarted.stop() }
        #expect(try restarted.client.get("/healthz").status == 200)
        let again = try restarted.client.post("/v1/chat/completions", json: ["messages": [["role": "user", "content": Self.olanzapine]]])
        #expect(again.status == 200)
        #expect(try again.json()["abstained"] as? Bool == false)
    }
}
