import CitedRetrieve
import Foundation
import MCP

/// What a tool gives back: the CLI's `--json` document, and a short text for people.
public struct ToolReply: Sendable {
    /// The JSON document, as `cited … --json` prints it (keys sorted; compact).
    public var json: Data
    /// A few lines naming what was found and how to cite it; passage text stays in `json` only.
    public var summary: String

    init<Document: Encodable>(document: Document, summary: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        json = try encoder.encode(document)
        self.summary = summary
    }

    /// The result of the call: the summary and the JSON document as text content, and the same document
    /// as structured content, every string in it kept a string (never read as a data URL or anything else).
    public var result: CallTool.Result {
        let text = String(decoding: json, as: UTF8.self)
        let structured = try? JSONDecoder().decode(PlainJSON.self, from: json).value
        return CallTool.Result(content: [.text(text: summary, annotations: nil, _meta: nil),
                                         .text(text: text, annotations: nil, _meta: nil)],
                               structuredContent: structured)
    }

    /// A tool error: one line, marked as an error for the client (and the agent) to act on.
    public static func failure(_ error: any Error) -> CallTool.Result {
        let line = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
        return CallTool.Result(content: [.text(text: "error: " + line, annotations: nil, _meta: nil)], isError: true)
    }
}

/// JSON read into an MCP `Value` as it is: unlike `Value`'s own decoding, a string is always `.string`.
struct PlainJSON: Decodable {
    let value: Value

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            value = .int(integer)
        } else if let number = try? container.decode(Double.self) {
            value = .double(number)
        } else if let text = try? container.decode(String.self) {
            value = .string(text)
        } else if let array = try? container.decode([PlainJSON].self) {
            value = .array(array.map(\.value))
        } else {
            value = .object(try container.decode([String: PlainJSON].self).mapValues(\.value))
        }
    }
}
