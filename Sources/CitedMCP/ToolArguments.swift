import Foundation
import MCP

/// The arguments of one tool call, read with the checks the CLI's options get (types, ranges, known names).
struct ToolArguments {
    let values: [String: Value]

    /// Refuses arguments the tool does not take, so that a misspelt name is an error, not a silent default.
    init(_ values: [String: Value]?, known: [String]) throws(ToolInputError) {
        self.values = (values ?? [:]).filter { !$0.value.isNull }
        if let unknown = self.values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownArgument(name: unknown, known: known)
        }
    }

    /// A string argument, exactly as sent (a string the SDK read as a data URL is given back as written).
    func string(_ name: String) throws(ToolInputError) -> String? {
        guard let value = values[name] else { return nil }
        guard let text = Self.text(value) else { throw .wrongType(argument: name, expected: "a string") }
        return text
    }

    func requiredString(_ name: String) throws(ToolInputError) -> String {
        guard let text = try string(name) else { throw .missing(argument: name) }
        return text
    }

    /// An integer argument in `range` (a JSON number with no fractional part, like `5.0`, counts).
    func integer(_ name: String, in range: ClosedRange<Int>) throws(ToolInputError) -> Int? {
        guard let value = values[name] else { return nil }
        let number: Int
        switch value {
        case .int(let n): number = n
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: number = Int(d)
        default: throw .wrongType(argument: name, expected: "an integer")
        }
        guard range.contains(number) else {
            throw .outOfRange(argument: name, range: "\(range.lowerBound)...\(range.upperBound)", got: "\(number)")
        }
        return number
    }

    func bool(_ name: String) throws(ToolInputError) -> Bool? {
        guard let value = values[name] else { return nil }
        guard let flag = value.boolValue else { throw .wrongType(argument: name, expected: "true or false") }
        return flag
    }

    /// The text of a string value. The SDK decodes a string that looks like a data URL into `.data`;
    /// encoding it again gives back the string that was sent.
    static func text(_ value: Value) -> String? {
        switch value {
        case .string(let text): return text
        case .data:
            guard let data = try? JSONEncoder().encode(value) else { return nil }
            return try? JSONDecoder().decode(String.self, from: data)
        default: return nil
        }
    }
}

/// Words, not only punctuation or spaces: the check `cited search` and `cited ask` make on their text.
func requireWords(_ text: String, _ name: String) throws(ToolInputError) {
    if !text.contains(where: { $0.isLetter || $0.isNumber }) { throw .invalid(argument: name, reason: "has no words") }
    if text.count > ToolRanges.maxTextLength {
        throw .invalid(argument: name, reason: "longer than \(ToolRanges.maxTextLength) characters")
    }
}

/// The bounds every tool argument is held to: those of the CLI's options (`OptionRanges` in the executable).
public enum ToolRanges {
    /// Passages to retrieve (`--k`).
    public static let k = 1...1000
    /// At most this many passages per document in search results (`--cap`; 0: no cap).
    public static let cap = 0...1000
    /// Passages of context either side of a shown passage (`show --context`).
    public static let context = 0...100
    /// A query or question longer than this is refused (a question, not a document).
    public static let maxTextLength = 4096
}
