import Foundation
import CitedMCP
import CitedRetrieve
import MCP
import Testing

/// Tool arguments are checked as the CLI checks its options: types, ranges, known names, words in the text.
@Suite("tool arguments")
struct ToolRequestTests {
    @Test("search: defaults are the CLI's; every argument is read")
    func searchArguments() throws {
        let plain = try SearchRequest(["query": "olanzapine dose"])
        #expect(plain.query == "olanzapine dose")
        #expect(plain.parameters.k == 10 && plain.parameters.mode == .hybrid && plain.parameters.perDocumentCap == 2)
        #expect(plain.parameters.filters.isEmpty)

        let full = try SearchRequest(["query": "bisect", "k": 3, "mode": "bm25", "cap": 0, "domain": "code",
                                      "filters": ["kind": ["doc", "note"], "year": 2018, "path": "library/*"]])
        #expect(full.parameters.k == 3 && full.parameters.mode == .bm25 && full.parameters.perDocumentCap == 0)
        #expect(full.parameters.filters.domains == [.code])
        #expect(full.parameters.filters.kinds == [.doc, .note])
        #expect(full.parameters.filters.yearFrom == 2018 && full.parameters.filters.yearTo == 2018)
        #expect(full.parameters.filters.pathGlob == "library/*")
        #expect(try SearchRequest(["query": "x", "k": 5.0]).parameters.k == 5)
    }

    /// Arguments `search` refuses, and a part of the message it gives.
    static let refusals: [(arguments: [String: Value], message: String)] = {
        var cases: [(arguments: [String: Value], message: String)] = []
        cases.append((["k": .int(10)], "missing required argument 'query'"))
        cases.append((["query": .string("   ?! ")], "'query': has no words"))
        cases.append((["query": .string("")], "'query': has no words"))
        cases.append((["query": .int(42)], "'query' must be a string"))
        cases.append((["query": .string("x"), "k": .int(0)], "'k' must be in 1...1000 (got 0)"))
        cases.append((["query": .string("x"), "k": .int(1001)], "'k' must be in 1...1000 (got 1001)"))
        cases.append((["query": .string("x"), "k": .double(2.5)], "'k' must be an integer"))
        cases.append((["query": .string("x"), "k": .string("5")], "'k' must be an integer"))
        cases.append((["query": .string("x"), "cap": .int(-1)], "'cap' must be in 0...1000 (got -1)"))
        cases.append((["query": .string("x"), "mode": .string("fuzzy")], "'mode': expected hybrid, dense or bm25 (got fuzzy)"))
        cases.append((["query": .string("x"), "filters": .object(["year": .string("20x")])], "bad filter year=20x"))
        cases.append((["query": .string("x"), "filters": .object(["colour": .string("red")])], "bad filter colour=red: unknown key"))
        cases.append((["query": .string("x"), "filters": .string("kind=doc")], "'filters' must be an object"))
        cases.append((["query": .string("x"), "filters": .object(["kind": .bool(true)])], "'filters.kind' must be a string"))
        cases.append((["query": .string("x"), "domain": .string("cooking")], "bad filter domain=cooking"))
        cases.append((["query": .string("x"), "top_k": .int(3)], "unknown argument 'top_k'"))
        return cases
    }()

    @Test("search: bad arguments are refused with a one-line message naming the argument", arguments: refusals)
    func searchRefusals(refusal: (arguments: [String: Value], message: String)) {
        let (arguments, message) = refusal
        let error = #expect(throws: ToolInputError.self) { try SearchRequest(arguments) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains(message) && !text.contains("\n"), "\(text)")
    }

    @Test("search: a query longer than the cap is refused")
    func longQuery() {
        #expect(throws: ToolInputError.self) {
            try SearchRequest(["query": .string(String(repeating: "a", count: ToolRanges.maxTextLength + 1))])
        }
    }

    @Test("a string that looks like a data URL stays the string that was sent")
    func dataURLString() throws {
        let text = "data:text/plain;base64,aGVsbG8="
        // What the SDK's `Value` decoding makes of such a string in a request.
        let decoded = try JSONDecoder().decode(Value.self, from: Data("\"\(text)\"".utf8))
        #expect(decoded.stringValue == nil)
        #expect(try SearchRequest(["query": decoded]).query == text)
    }

    @Test("ask: defaults are the CLI's; domain, model, k and strict are read and checked")
    func askArguments() throws {
        let plain = try AskRequest(["question": "What is lru_cache?"])
        #expect(plain.settings.question == "What is lru_cache?")
        #expect(plain.settings.k == 6 && !plain.settings.strict && plain.settings.domain == nil && plain.settings.model == nil)
        let full = try AskRequest(["question": "Q?", "domain": "code", "model": "qwen2.5-coder-0.5b", "k": 3, "strict": true])
        #expect(full.settings.domain == "code" && full.settings.model == "qwen2.5-coder-0.5b")
        #expect(full.settings.k == 3 && full.settings.strict)
        #expect(try AskRequest(["question": "Q?", "domain": nil]).settings.domain == nil)

        #expect(throws: ToolInputError.invalid(argument: "domain", reason: "expected clinical, code or math (got cooking)")) {
            try AskRequest(["question": "Q?", "domain": "cooking"])
        }
        #expect(throws: ToolInputError.missing(argument: "question")) { try AskRequest([:]) }
        #expect(throws: ToolInputError.missing(argument: "question")) { try AskRequest(nil) }
        #expect(throws: ToolInputError.invalid(argument: "question", reason: "has no words")) { try AskRequest(["question": "??"]) }
        #expect(throws: ToolInputError.wrongType(argument: "strict", expected: "true or false")) {
            try AskRequest(["question": "Q?", "strict": "yes"])
        }
        #expect(throws: ToolInputError.self) { try AskRequest(["question": "Q?", "k": 5000]) }
        #expect(throws: ToolInputError.self) { try AskRequest(["question": "Q?", "model": " "]) }
    }

    @Test("show: a reference and a context in 0...100")
    func showArguments() throws {
        let request = try ShowRequest(["ref": " PMID:33046432 "])
        #expect(request.reference == "PMID:33046432" && request.context == 1)
        #expect(try ShowRequest(["ref": "passage:3", "context": 0]).context == 0)
        #expect(throws: ToolInputError.outOfRange(argument: "context", range: "0...100", got: "101")) {
            try ShowRequest(["ref": "x", "context": 101])
        }
        #expect(throws: ToolInputError.invalid(argument: "ref", reason: "empty")) { try ShowRequest(["ref": "  "]) }
        #expect(throws: ToolInputError.unknownArgument(name: "reference", known: ["ref", "context"])) {
            try ShowRequest(["reference": "PMID:1"])
        }
    }

    @Test("every tool's schema requires its one argument and describes every property it reads")
    func schemas() throws {
        let expected: [(Tool, String, [String])] = [(ToolCatalog.search, "query", SearchRequest.arguments),
                                                    (ToolCatalog.ask, "question", AskRequest.arguments),
                                                    (ToolCatalog.show, "ref", ShowRequest.arguments)]
        for (tool, required, arguments) in expected {
            let schema = try #require(tool.inputSchema.objectValue)
            #expect(schema["required"] == [.string(required)], "\(tool.name)")
            #expect(schema["additionalProperties"] == false, "\(tool.name)")
            let properties = try #require(schema["properties"]?.objectValue)
            #expect(Set(properties.keys) == Set(arguments), "\(tool.name)")
            for (name, property) in properties {
                #expect(property.objectValue?["description"]?.stringValue?.isEmpty == false, "\(tool.name).\(name)")
            }
            #expect(tool.description?.contains("data") == true)
        }
    }
}
