import CitedCore
import Foundation

/// Which model answers which domain: `cited.toml` in the working directory, then
/// `~/.config/cited/config.toml`, then built-in defaults (Qwen2.5-Coder-0.5B everywhere: on 2 AVX2 cores
/// only it meets the first-word-in-2.5-s goal, and the 1.5B scored no better on the dev set).
///
/// ```toml
/// [models]
/// clinical = "qwen2.5-coder-1.5b"
/// code = "qwen2.5-coder-1.5b"
/// math = "qwen2.5-coder-1.5b"
/// fast = "qwen2.5-coder-0.5b"     # used with --fast
/// ```
public struct AnswerConfiguration: Equatable, Sendable {
    public var models: [Domain: String]
    public var fastModel: String

    public static let builtIn = AnswerConfiguration(
        models: [.clinical: "qwen2.5-coder-0.5b", .code: "qwen2.5-coder-0.5b", .math: "qwen2.5-coder-0.5b"],
        fastModel: "qwen2.5-coder-0.5b")

    public init(models: [Domain: String], fastModel: String) {
        self.models = models
        self.fastModel = fastModel
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case malformed(path: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case let .malformed(path, line, reason): "\(path):\(line): \(reason)"
            }
        }
    }

    /// The first configuration file found, laid over the built-in defaults.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AnswerConfiguration {
        var candidates = [URL(fileURLWithPath: "cited.toml")]
        if let home = environment["HOME"] {
            candidates.append(URL(fileURLWithPath: home).appendingPathComponent(".config/cited/config.toml"))
        }
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else { return builtIn }
        return try parse(String(contentsOf: url, encoding: .utf8), path: url.path)
    }

    /// Reads the `[models]` table of a TOML file (string values; comments and other tables ignored).
    public static func parse(_ text: String, path: String) throws -> AnswerConfiguration {
        var configuration = builtIn
        var section = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw ParseError.malformed(path: path, line: index + 1, reason: "unclosed table header")
                }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw ParseError.malformed(path: path, line: index + 1, reason: "expected key = \"value\"") }
            guard section == "models" else { continue }
            let value = parts[1]
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                throw ParseError.malformed(path: path, line: index + 1, reason: "model names are quoted strings")
            }
            let name = String(value.dropFirst().dropLast())
            if parts[0] == "fast" {
                configuration.fastModel = name
            } else if let domain = Domain(rawValue: parts[0]) {
                configuration.models[domain] = name
            } else {
                throw ParseError.malformed(path: path, line: index + 1,
                                           reason: "unknown key \(parts[0]) (clinical, code, math, fast)")
            }
        }
        return configuration
    }
}
