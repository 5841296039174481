/// Why a file could not be ingested; each case names the file and, where known, the line.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case malformedXML(path: String, line: Int, reason: String)
    case unreadable(path: String, reason: String)
    case binary(path: String)
    case notUTF8(path: String, line: Int)
    case empty(path: String)
    case lineTooLong(path: String, line: Int, length: Int)
    case unsupportedFormat(path: String)
    case noDocuments(path: String, reason: String)
    /// The file expands past `ExpansionLimits` (a compression bomb) or another size bound.
    case tooLarge(path: String, reason: String)
    /// A setting (environment variable or option) that is not valid.
    case badSetting(name: String, value: String, reason: String)

    /// `path:line: reason`, as printed after `error: ` on stderr.
    public var description: String {
        switch self {
        case .malformedXML(let path, let line, let reason): "\(path):\(line): malformed XML: \(reason)"
        case .unreadable(let path, let reason): "\(path):0: cannot read: \(reason)"
        case .binary(let path): "\(path):1: binary file (NUL bytes), not text"
        case .notUTF8(let path, let line): "\(path):\(line): not valid UTF-8"
        case .empty(let path): "\(path):0: empty file"
        case .lineTooLong(let path, let line, let length): "\(path):\(line): line of \(length) bytes exceeds the limit"
        case .unsupportedFormat(let path): "\(path):0: unsupported format"
        case .noDocuments(let path, let reason): "\(path):0: \(reason)"
        case .tooLarge(let path, let reason): "\(path):0: too large: \(reason)"
        case .badSetting(let name, let value, let reason): "\(name)=\(value): \(reason)"
        }
    }
}
