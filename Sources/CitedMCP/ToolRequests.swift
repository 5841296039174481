import Foundation
import CitedCore
import CitedEngine
import CitedRetrieve
import MCP

/// A `search` call, checked: the query and the parameters `cited search` would run it with.
public struct SearchRequest: Sendable {
    public static let arguments = ["query", "k", "mode", "domain", "filters", "cap"]
    public var query: String
    public var parameters: SearchParameters

    public init(_ values: [String: Value]?) throws(ToolInputError) {
        let arguments = try ToolArguments(values, known: Self.arguments)
        query = try arguments.requiredString("query")
        try requireWords(query, "query")
        parameters = SearchParameters()
        parameters.k = try arguments.integer("k", in: ToolRanges.k) ?? parameters.k
        parameters.perDocumentCap = try arguments.integer("cap", in: ToolRanges.cap) ?? parameters.perDocumentCap
        if let mode = try arguments.string("mode") {
            guard let parsed = SearchMode(rawValue: mode) else {
                throw .invalid(argument: "mode", reason: "expected hybrid, dense or bm25 (got \(mode))")
            }
            parameters.mode = parsed
        }
        var assignments: [String] = []
        if let domain = try arguments.string("domain") { assignments.append("domain=\(domain)") }
        if let filters = arguments.values["filters"] { assignments += try Self.assignments(filters) }
        for assignment in assignments {
            do { try parameters.filters.apply(assignment) } catch let error as RetrieveError {
                throw .invalid(argument: "filters", reason: error.description)
            } catch {
                throw .invalid(argument: "filters", reason: "\(error)")
            }
        }
    }

    /// `{"kind": "pubmed", "year": "2015-2020", "mesh": ["Psychomotor Agitation"]}` as `KEY=VALUE` restrictions
    /// (a list repeats the key, as `--filter` may be repeated).
    static func assignments(_ filters: Value) throws(ToolInputError) -> [String] {
        guard let object = filters.objectValue else {
            throw .wrongType(argument: "filters", expected: "an object like {\"kind\": \"pubmed\", \"year\": \"2015-2020\"}")
        }
        var result: [String] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            for item in value.arrayValue ?? [value] {
                if let text = ToolArguments.text(item) {
                    result.append("\(key)=\(text)")
                } else if let number = item.intValue {
                    result.append("\(key)=\(number)")
                } else {
                    throw .wrongType(argument: "filters.\(key)", expected: "a string, an integer, or a list of them")
                }
            }
        }
        return result
    }
}

/// An `ask` call, checked: the settings `cited ask` would answer with.
public struct AskRequest: Sendable {
    public static let arguments = ["question", "domain", "model", "k", "strict"]
    public var settings: AskSettings

    public init(_ values: [String: Value]?) throws(ToolInputError) {
        let arguments = try ToolArguments(values, known: Self.arguments)
        let question = try arguments.requiredString("question")
        try requireWords(question, "question")
        settings = AskSettings(question: question)
        settings.k = try arguments.integer("k", in: ToolRanges.k) ?? settings.k
        settings.strict = try arguments.bool("strict") ?? false
        if let domain = try arguments.string("domain") {
            guard Domain(rawValue: domain) != nil else {
                throw .invalid(argument: "domain", reason: "expected clinical, code or math (got \(domain))")
            }
            settings.domain = domain
        }
        if let model = try arguments.string("model") {
            guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalid(argument: "model", reason: "empty; leave it out for the configured model")
            }
            settings.model = model
        }
    }
}

/// A `show` call, checked.
public struct ShowRequest: Sendable {
    public static let arguments = ["ref", "context"]
    public var reference: String
    public var context: Int

    public init(_ values: [String: Value]?) throws(ToolInputError) {
        let arguments = try ToolArguments(values, known: Self.arguments)
        reference = try arguments.requiredString("ref").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty else { throw .invalid(argument: "ref", reason: "empty") }
        context = try arguments.integer("context", in: ToolRanges.context) ?? 1
    }
}
