/// Why a tool call's arguments were refused; each description is one line an agent can act on.
public enum ToolInputError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing(argument: String)
    case wrongType(argument: String, expected: String)
    case outOfRange(argument: String, range: String, got: String)
    case invalid(argument: String, reason: String)
    case unknownArgument(name: String, known: [String])

    public var description: String {
        switch self {
        case .missing(let argument): "missing required argument '\(argument)'"
        case .wrongType(let argument, let expected): "'\(argument)' must be \(expected)"
        case .outOfRange(let argument, let range, let got): "'\(argument)' must be in \(range) (got \(got))"
        case .invalid(let argument, let reason): "'\(argument)': \(reason)"
        case .unknownArgument(let name, let known):
            "unknown argument '\(name)'; this tool takes \(known.map { "'\($0)'" }.joined(separator: ", "))"
        }
    }
}
