import CitedCore
import Foundation

/// Which model answers which domain: `cited.toml` in the working directory, then
/// `~/.config/cited/config.toml`, then built-in defaults: Qwen2.5-Coder-0.5B everywhere. On the dev sets
/// (Corpora/eval/answers-facts-*.jsonl, 2026-12-07, 2 cores) the 1.5B on clinical questions cited a gold source
/// in 11 of 14 tune answers against 7, but took a median of 10-13 s per clinical answer against 5-7 s, over the
/// 8 s budget, and on the confirm split it gained little once its wrong answers were caught; on code questions it
/// did worse (Benchmarks/RESULTS.md, sixteenth pass). To trade speed for it on clinical questions:
///
/// ```toml
/// [models]
/// clinical = "qwen2.5-coder-1.5b"
/// code = "qwen2.5-coder-0.5b"
/// math = "qwen2.5-coder-0.5b"
/// fast = "qwen2.5-coder-0.5b"            # used with --fast
/// counterfactual = "qwen2.5-coder-0.5b"  # scores the counterfactual test of local answer models
/// ```
///
/// A model name `endpoint:NAME` routes to an OpenAI-compatible server declared in an `[endpoints.NAME]`
/// table (see `EndpointConfiguration`); with no such table, Cited opens no socket.
public struct AnswerConfiguration: Equatable, Sendable {
    public var models: [Domain: String]
    public var fastModel: String
    /// The model that runs the counterfactual test on the sentences of a local answer model (the verifier's
    /// rates in Benchmarks/RESULTS.md are this scorer's); nil, or not fetched: each answer model scores its own.
    /// An answer from an endpoint has no such test (`AnswerPolicy.counterfactualModel` names a scorer for every
    /// answer).
    public var counterfactualModel: String?
    /// The `[endpoints.NAME]` tables, by name.
    public var endpoints: [String: EndpointConfiguration] = [:]

    public static let builtIn = AnswerConfiguration(
        models: [.clinical: "qwen2.5-coder-0.5b", .code: "qwen2.5-coder-0.5b", .math: "qwen2.5-coder-0.5b"],
        fastModel: "qwen2.5-coder-0.5b", counterfactualModel: "qwen2.5-coder-0.5b")

    public init(models: [Domain: String], fastModel: String, counterfactualModel: String? = nil) {
        self.models = models
        self.fastModel = fastModel
        self.counterfactualModel = counterfactualModel
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case malformed(path: String, line: Int, reason: String)
        /// `endpoint:NAME` with no `[endpoints.NAME]` table in the configuration.
        case unknownEndpoint(name: String, known: [String])

        public var description: String {
            switch self {
            case let .malformed(path, line, reason): "\(path):\(line): \(reason)"
            case let .unknownEndpoint(name, known):
                "no endpoint named \(name) in cited.toml" + (known.isEmpty ? " (it declares no [endpoints.NAME] table)"
                    : " (declared: \(known.joined(separator: ", ")))")
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

    /// The endpoint `spec` names (`endpoint:NAME`), nil for a local model; throws when no table declares it.
    public func endpoint(for spec: String) throws -> EndpointConfiguration? {
        guard let name = EndpointConfiguration.endpointName(spec) else { return nil }
        guard let endpoint = endpoints[name] else {
            throw ParseError.unknownEndpoint(name: name, known: endpoints.keys.sorted())
        }
        return endpoint
    }

    /// Reads the `[models]` and `[endpoints.NAME]` tables of a TOML file (comments and other tables ignored).
    public static func parse(_ text: String, path: String) throws -> AnswerConfiguration {
        var configuration = builtIn
        var section = ""
        /// Endpoint tables in the order read, with the line each started on.
        var endpointLines: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw ParseError.malformed(path: path, line: index + 1, reason: "unclosed table header")
                }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if section.hasPrefix("endpoints.") {
                    let name = String(section.dropFirst("endpoints.".count))
                    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                        throw ParseError.malformed(path: path, line: index + 1,
                                                   reason: "endpoint names are letters, digits, - and _")
                    }
                    guard configuration.endpoints[name] == nil else {
                        throw ParseError.malformed(path: path, line: index + 1, reason: "endpoint \(name) declared twice")
                    }
                    configuration.endpoints[name] = EndpointConfiguration(name: name, baseURL: "", model: "")
                    endpointLines[name] = index + 1
                }
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw ParseError.malformed(path: path, line: index + 1, reason: "expected key = \"value\"") }
            if section.hasPrefix("endpoints.") {
                let name = String(section.dropFirst("endpoints.".count))
                do {
                    try configuration.endpoints[name]!.set(parts[0], raw: parts[1])
                } catch {
                    throw ParseError.malformed(path: path, line: index + 1, reason: "[\(section)] \(error.reason)")
                }
                continue
            }
            guard section == "models" else { continue }
            let value = parts[1]
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                throw ParseError.malformed(path: path, line: index + 1, reason: "model names are quoted strings")
            }
            let name = String(value.dropFirst().dropLast())
            if parts[0] == "fast" {
                configuration.fastModel = name
            } else if parts[0] == "counterfactual" {
                guard EndpointConfiguration.endpointName(name) == nil else {
                    throw ParseError.malformed(path: path, line: index + 1,
                                               reason: "counterfactual needs a local model's logits, not \(name)")
                }
                configuration.counterfactualModel = name
            } else if let domain = Domain(rawValue: parts[0]) {
                configuration.models[domain] = name
            } else {
                throw ParseError.malformed(path: path, line: index + 1,
                                           reason: "unknown key \(parts[0]) (clinical, code, math, fast, counterfactual)")
            }
        }
        for (name, line) in endpointLines {
            let endpoint = configuration.endpoints[name]!
            if endpoint.baseURL.isEmpty || endpoint.model.isEmpty {
                throw ParseError.malformed(path: path, line: line, reason: "[endpoints.\(name)] needs base_url and model")
            }
        }
        for (key, spec) in configuration.models.map({ ($0.key.rawValue, $0.value) }) + [("fast", configuration.fastModel)] {
            if let name = EndpointConfiguration.endpointName(spec), configuration.endpoints[name] == nil {
                throw ParseError.malformed(path: path, line: 0,
                                           reason: "[models] \(key) = \"\(spec)\": no [endpoints.\(name)] table")
            }
        }
        return configuration
    }
}
