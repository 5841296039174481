@testable import CitedAnswer
import CitedCore
@testable import CitedEndpoints
import Foundation
import Testing

@Suite("cited.toml endpoints")
struct EndpointConfigurationTests {
    static let toml = """
    [models]
    clinical = "endpoint:gpu"   # the big medical model
    code = "qwen2.5-coder-0.5b"

    [endpoints.gpu]
    base_url = "http://10.0.0.5:8000/v1/"
    model = "Qwen2.5-7B-Instruct"
    api_key_env = "GPU_KEY"
    timeout_s = 120
    retries = 4
    constrain = "guided_regex"

    [endpoints.emb]
    base_url = "http://127.0.0.1:9000/v1"
    model = "all-MiniLM-L6-v2"
    batch_size = 64
    max_in_flight = 2
    """

    @Test("endpoint tables and per-domain routing")
    func parses() throws {
        let configuration = try AnswerConfiguration.parse(Self.toml, path: "cited.toml")
        #expect(configuration.models[.clinical] == "endpoint:gpu")
        #expect(configuration.models[.code] == "qwen2.5-coder-0.5b")
        let gpu = try #require(try configuration.endpoint(for: "endpoint:gpu"))
        #expect(gpu.baseURL == "http://10.0.0.5:8000/v1")
        #expect(gpu.model == "Qwen2.5-7B-Instruct")
        #expect(gpu.apiKeyEnvironment == "GPU_KEY")
        #expect(gpu.timeoutSeconds == 120 && gpu.retries == 4 && gpu.constrain == .guidedRegex)
        let emb = try #require(configuration.endpoints["emb"])
        #expect(emb.batchSize == 64 && emb.maxInFlight == 2 && emb.constrain == EndpointConfiguration.Constraint.none)
        #expect(try configuration.endpoint(for: "qwen2.5-coder-0.5b") == nil)
        #expect(throws: AnswerConfiguration.ParseError.unknownEndpoint(name: "cpu", known: ["emb", "gpu"])) {
            _ = try configuration.endpoint(for: "endpoint:cpu")
        }
        #expect(AnswerConfiguration.builtIn.endpoints.isEmpty)
    }

    @Test("bad tables are refused with the line", arguments: [
        ("[endpoints.a]\nmodel = \"m\"", "cited.toml:1: [endpoints.a] needs base_url and model"),
        ("[endpoints.a]\nbase_url = \"ftp://x\"\nmodel = \"m\"", "cited.toml:2: [endpoints.a] base_url must be an http:// or https:// URL"),
        ("[endpoints.a]\nbase_url = \"http://x\"\nmodel = \"m\"\ntimeout_s = -1", "cited.toml:4: [endpoints.a] timeout_s is a number in 0.1...3600.0"),
        ("[endpoints.a]\nbase_url = \"http://x\"\nmodel = \"m\"\nconstrain = \"json\"", "cited.toml:4: [endpoints.a] constrain is \"none\", \"grammar\" (llama.cpp) or \"guided_regex\" (vLLM)"),
        ("[endpoints.a]\nbase_url = \"http://x\"\nmodel = \"m\"\napi_key = \"sk-1\"", "cited.toml:4: [endpoints.a] unknown key api_key (base_url, model, api_key_env, timeout_s, retries, backoff_s, max_retry_after_s, constrain, repeat_penalty, batch_size, max_in_flight, token_limit)"),
        ("[models]\nmath = \"endpoint:none\"", "cited.toml:0: [models] math = \"endpoint:none\": no [endpoints.none] table"),
        ("[endpoints.a b]\n", "cited.toml:1: endpoint names are letters, digits, - and _"),
    ])
    func refused(text: String, message: String) {
        #expect {
            _ = try AnswerConfiguration.parse(text, path: "cited.toml")
        } throws: { error in
            String(describing: error) == message
        }
    }
}

@Suite("Server-sent events and the streamed text")
struct StreamParsingTests {
    @Test("events split across reads, CRLF, comments, multi-line data")
    func events() {
        var parser = ServerSentEvents()
        let stream = ": keep-alive\r\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\nevent: x\ndata: [DONE]\n\n"
        var events: [String] = []
        for byte in Array(stream.utf8) { events += parser.feed([byte]) }
        #expect(events == ["{\"a\":1}", "line one\nline two", "[DONE]"])
        #expect(!parser.hasPartialEvent)
        #expect(parser.feed(Array("data: half".utf8)).isEmpty)
        #expect(parser.hasPartialEvent)
    }

    @Test("text is cut at a stop string, and a possible stop string is held back until it is known")
    func stopStrings() throws {
        var stream = ChatStream(stop: ["```"])
        func chunk(_ text: String) throws -> [String] {
            let body = #"{"choices":[{"delta":{"content":"# + String(decoding: try JSONEncoder().encode(text), as: UTF8.self) + "}}]}"
            return try stream.receive(body, endpoint: "e", url: "u")
        }
        #expect(try chunk("Use it [1].") == ["Use it [1]."])
        #expect(try chunk(" Then `") == [" Then "])
        #expect(try chunk("x`") == ["`x"])
        #expect(try chunk(" ``") == ["` "])
        #expect(try chunk("`python") == [])
        #expect(stream.isDone && stream.finishReason == "stop-string")
        #expect(stream.text == "Use it [1]. Then `x` ")
    }

    @Test("an error object in the stream is reported")
    func errorEvent() {
        var stream = ChatStream(stop: [])
        #expect(throws: EndpointError.malformedResponse(endpoint: "e", url: "u", reason: "the stream reported an error: overloaded")) {
            _ = try stream.receive(#"{"error":{"message":"overloaded"}}"#, endpoint: "e", url: "u")
        }
    }

    @Test("Retry-After in seconds or as an HTTP date")
    func retryAfter() {
        #expect(EndpointClient.seconds(retryAfter: "3") == 3)
        #expect(EndpointClient.seconds(retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT") == 0)
        #expect(EndpointClient.seconds(retryAfter: "soon") == nil)
    }
}

@Suite("Chat request body")
struct ChatBodyTests {
    func body(_ constrain: EndpointConfiguration.Constraint, repeatPenalty: Double? = nil,
              _ parameters: ChatParameters) throws -> [String: Any] {
        var configuration = EndpointConfiguration(name: "s", baseURL: "http://127.0.0.1:1/v1", model: "m")
        configuration.constrain = constrain
        configuration.repeatPenalty = repeatPenalty
        let data = try EndpointClient(configuration).chatBody(system: "S", user: "U", parameters: parameters)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("greedy: repeat_penalty 1 to llama.cpp (grammar); to another server only when configured")
    func repeatPenalty() throws {
        let greedy = ChatParameters(maxTokens: 8, allowedCitations: [1])
        let llama = try body(.grammar, greedy)
        #expect(llama["repeat_penalty"] as? Double == 1 && llama["temperature"] as? Double == 0 && llama["grammar"] != nil)
        let plain = try body(.none, greedy)
        #expect(plain["repeat_penalty"] == nil && plain["grammar"] == nil && plain["guided_regex"] == nil)
        let raw = try body(.none, repeatPenalty: 1, ChatParameters(maxTokens: 8))
        #expect(raw["repeat_penalty"] as? Double == 1 && raw["grammar"] == nil && raw["temperature"] as? Double == 0)
        #expect((raw["messages"] as? [[String: String]])?.map { $0["content"] ?? "" } == ["S", "U"])
        // Earlier exchanges (a worked example) go between the system message and the question, as turns.
        let data = try EndpointClient(EndpointConfiguration(name: "s", baseURL: "http://127.0.0.1:1/v1", model: "m"))
            .chatBody(system: "S", user: "U", history: [("EQ", "EA")], parameters: ChatParameters(maxTokens: 8))
        let turns = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["messages"] as? [[String: String]])
        #expect(turns.map { $0["role"] ?? "" } == ["system", "user", "assistant", "user"]
            && turns.map { $0["content"] ?? "" } == ["S", "EQ", "EA", "U"])
        let configured = try #require(try AnswerConfiguration.parse(
            "[endpoints.a]\nbase_url = \"http://x\"\nmodel = \"m\"\nrepeat_penalty = 1.0", path: "cited.toml").endpoints["a"])
        #expect(configured.repeatPenalty == 1)
    }
}

@Suite("Citation constraint for servers")
struct CitationGrammarTests {
    @Test("the regex accepts markers of given passages only")
    func regex() throws {
        let pattern = try NSRegularExpression(pattern: "^" + CitationGrammar.regex(allowed: [1, 2, 3]) + "$")
        func matches(_ text: String) -> Bool {
            pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        #expect(matches("Olanzapine 10 mg was used [1]. It calmed patients [2, 3]."))
        #expect(matches("A list [] is not a marker [1,2]."))
        // Stricter than the local constraint: any "[" then a digit must be a marker of a given passage.
        #expect(!matches("An index a[0] then [1]."))
        #expect(!matches("It calmed patients [4]."))
        #expect(!matches("It calmed [1, 7]."))
        #expect(!matches("[1] opens with a marker."))
        #expect(!matches(" [1] opens with a marker after a space."))
        #expect(!matches("> opens with a quote mark."))
        // Blank space may come first, as the local engine lets a first token such as " The" through.
        #expect(matches(" Starts with a space [1 , 2 ]."))
    }

    @Test("unless the answer may decline, it cannot open with the sentinel")
    func decline() throws {
        let pattern = try NSRegularExpression(pattern: "^" + CitationGrammar.regex(allowed: [1], mayDecline: false) + "$")
        func matches(_ text: String) -> Bool {
            pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        #expect(!matches("NOT IN SOURCES"))
        #expect(matches("Nitrous oxide is used [1]."))
        #expect(matches("No dose was given [1]."))
        #expect(matches("`heapq.heappushpop` pushes [1]."))
        #expect(!matches("```python"))
        let grammar = CitationGrammar.gbnf(allowed: [1], mayDecline: false)
        #expect(grammar.contains(#""N" ( "O" ( "#) && !CitationGrammar.gbnf(allowed: [1]).contains(#""N" ( "O""#))
    }

    @Test("the GBNF grammar names the given passages")
    func gbnf() {
        let grammar = CitationGrammar.gbnf(allowed: [2, 1])
        #expect(grammar.contains(#"num ::= "1" | "2""#))
        #expect(grammar.hasPrefix("root ::= ( [ \\t\\r\\n]* first )?"))
        // A marker opens after the start or a boundary (rule a), not after a letter (rule b).
        #expect(grammar.contains(#"a ::= ( [ \n(.,;:\]] a | "[" x |"#))
        #expect(grammar.contains(#"b ::= ( [ \n(.,;:\]] a | "[" b |"#))
        #expect(CitationGrammar.gbnf(allowed: []).contains(#"num ::= "0""#))
    }

    @Test("markers naming passages not given are dropped from the sentence, and reported")
    func keepGiven() {
        let sentences = [AnswerSentence(text: "A.", citations: [1, 9]), AnswerSentence(text: "B.", citations: [2])]
        let (kept, removed) = Answerer.keepGivenCitations(sentences, given: [1, 2])
        #expect(kept.map(\.citations) == [[1], [2]])
        #expect(removed == [0: [9]])
    }
}
