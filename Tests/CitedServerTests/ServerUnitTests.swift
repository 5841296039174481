@testable import CitedServer
import Hummingbird
import Foundation
import Testing

@Suite("server pieces")
struct ServerUnitTests {
    @Test("token comparison is exact whatever the lengths")
    func constantTime() {
        #expect(BearerAuthentication<BasicRequestContext>.constantTimeEqual(Array("secret".utf8), Array("secret".utf8)))
        #expect(!BearerAuthentication<BasicRequestContext>.constantTimeEqual(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!BearerAuthentication<BasicRequestContext>.constantTimeEqual(Array("secret".utf8), Array("secret2".utf8)))
        #expect(!BearerAuthentication<BasicRequestContext>.constantTimeEqual([], Array("x".utf8)))
    }

    @Test("a non-loopback address needs a token")
    func bindRules() throws {
        #expect(throws: ServerConfiguration.Problem.tokenRequired(host: "0.0.0.0")) {
            try ServerConfiguration(host: "0.0.0.0").validated()
        }
        #expect(try ServerConfiguration(host: "0.0.0.0", token: "t").validated().host == "0.0.0.0")
        #expect(try ServerConfiguration(host: "127.0.0.1").validated().port == 8088)
        #expect(ServerConfiguration.isLoopback("::1") && !ServerConfiguration.isLoopback("10.0.0.1"))
    }

    @Test("search requests: filters as an object or a list; bad values are refused")
    func searchRequest() throws {
        let object = try JSONDecoder().decode(SearchRequest.self, from: Data(#"{"query": "dose", "k": 3, "filters": {"year": "2015-"}}"#.utf8))
        #expect(object.filters == ["year=2015-"])
        #expect(try object.parameters().k == 3)
        let list = try JSONDecoder().decode(SearchRequest.self, from: Data(#"{"query": "dose", "mode": "bm25", "filters": ["kind=pubmed"]}"#.utf8))
        #expect(try list.parameters().mode == .bm25)
        for bad in [#"{"query": "  ?? "}"#, #"{"query": "x", "k": 0}"#, #"{"query": "x", "k": 100000}"#,
                    #"{"query": "x", "mode": "fuzzy"}"#, #"{"query": "x", "filters": ["year=abc"]}"#] {
            let request = try JSONDecoder().decode(SearchRequest.self, from: Data(bad.utf8))
            #expect(throws: (any Error).self, "\(bad)") { try request.parameters() }
        }
    }

    @Test("chat requests: the last user message is the question; earlier turns shape the retrieval query")
    func chatRequest() throws {
        let body = #"""
        {"model": "gpt-4o", "messages": [
          {"role": "system", "content": "Be brief."},
          {"role": "user", "content": "What dose of olanzapine is used for agitation?"},
          {"role": "assistant", "content": "5 mg [1]."},
          {"role": "user", "content": [{"type": "text", "text": "and in children?"}]}], "max_tokens": 99, "seed": 7}
        """#
        let request = try JSONDecoder().decode(ChatRequest.self, from: Data(body.utf8))
        let (settings, question) = try request.settings(maxQuestionCharacters: 4000)
        #expect(question == "and in children?")
        #expect(settings.question.contains("olanzapine"), "follow-up carries the topic: \(settings.question)")
        #expect(settings.model == nil, "an unknown model name routes by domain")
        #expect(settings.maxTokens == 99 && settings.seed == 7)
        let long = try JSONDecoder().decode(ChatRequest.self, from: JSONSerialization.data(withJSONObject: [
            "messages": [["role": "user", "content": String(repeating: "why ", count: 2000)]]]))
        #expect(throws: (any Error).self) { try long.settings(maxQuestionCharacters: 4000) }
        let none = try JSONDecoder().decode(ChatRequest.self, from: Data(#"{"messages": [{"role": "system", "content": "hi"}]}"#.utf8))
        #expect(throws: (any Error).self) { try none.settings(maxQuestionCharacters: 4000) }
    }

    @Test("metrics: routes collapse ids; the text has counters, histograms and gauges")
    func metrics() {
        #expect(Metrics.route(of: "/v1/passages/PMID:1") == "/v1/passages/:id")
        #expect(Metrics.route(of: "/v1/answers/12") == "/v1/answers/:id")
        #expect(Metrics.route(of: "/etc/passwd") == "other")
        let metrics = Metrics()
        metrics.record(route: "/v1/search", status: 200, seconds: 0.02)
        metrics.record(route: "/v1/search", status: 200, seconds: 0.2)
        metrics.recordGeneration(tokens: 50, seconds: 2)
        let text = metrics.text(askInFlight: 1, askWaiting: 0)
        #expect(text.contains(#"cited_requests_total{route="/v1/search",code="200"} 2"#))
        #expect(text.contains(#"cited_request_duration_seconds_bucket{route="/v1/search",le="0.025"} 1"#))
        #expect(text.contains(#"cited_request_duration_seconds_count{route="/v1/search"} 2"#))
        #expect(text.contains("cited_ask_in_flight 1"))
        #expect(text.contains("cited_decode_tokens_per_second 25.0"))
    }
}
