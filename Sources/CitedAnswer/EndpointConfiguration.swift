import Foundation

/// An OpenAI-compatible model server named in `cited.toml` (`[endpoints.NAME]`): a generator behind
/// `/v1/chat/completions` or an embedder behind `/v1/embeddings`.
///
/// ```toml
/// [endpoints.gpu]
/// base_url = "http://10.0.0.5:8000/v1"
/// model = "Qwen2.5-Coder-7B-Instruct"
/// api_key_env = "GPU_API_KEY"     # the key is read from this variable at request time, never stored
/// timeout_s = 60                  # connect, first byte and between streamed chunks
/// retries = 2                     # after a refused connection, a timeout before any text, 429, 500-504
/// constrain = "grammar"           # llama.cpp server; "guided_regex" for vLLM; "none" (default)
/// repeat_penalty = 1              # llama.cpp's field (its servers default to 1.1); 1 with grammar unless set
/// ```
///
/// Only the variable's name is configuration: the key itself never reaches the audit record.
public struct EndpointConfiguration: Equatable, Sendable {
    /// How the server can keep citation markers to the passages given (see `CitationGrammar`).
    public enum Constraint: String, Equatable, Sendable {
        /// No constrained decoding: markers naming passages not given are removed before checking.
        case none
        /// llama.cpp server's GBNF `grammar` field.
        case grammar
        /// vLLM's `guided_regex` field.
        case guidedRegex = "guided_regex"
    }

    public var name: String
    /// The API root, e.g. `http://127.0.0.1:8080/v1` (the paths `chat/completions` and `embeddings` are
    /// appended).
    public var baseURL: String
    /// The `model` field sent with each request, and recorded in answers and index stamps.
    public var model: String
    /// The environment variable holding the API key (sent as `Authorization: Bearer`), if any.
    public var apiKeyEnvironment: String?
    /// Seconds allowed to connect, for the response to start, and between two streamed chunks.
    public var timeoutSeconds: Double = 60
    /// Further attempts after a failure worth retrying (refused connection, timeout before any text, 429,
    /// 500, 502, 503, 504).
    public var retries: Int = 2
    /// The first wait between attempts, doubled after each (a `Retry-After` header takes precedence).
    public var backoffSeconds: Double = 0.5
    /// The longest `Retry-After` honoured; a server asking for more fails the request at once.
    public var maxRetryAfterSeconds: Double = 30
    public var constrain: Constraint = .none
    /// llama.cpp's `repeat_penalty`, sent with every chat request when set (1: none). Unset, it is sent only to a
    /// server known to be llama.cpp's (`constrain = "grammar"`), as 1 for a greedy request: other servers may
    /// refuse a field they do not know, yet llama.cpp's servers default to 1.1, so a llama.cpp server with
    /// `constrain = "none"` needs `repeat_penalty = 1` to decode as the local engine does (plain greedy).
    public var repeatPenalty: Double?
    /// Texts per `/v1/embeddings` request.
    public var batchSize: Int = 32
    /// Embedding requests in flight at once.
    public var maxInFlight: Int = 4
    /// The embedder's input limit in tokens, for the chunker's stamp (MiniLM's 256 by default).
    public var tokenLimit: Int = 256

    public init(name: String, baseURL: String, model: String) {
        self.name = name
        self.baseURL = baseURL
        self.model = model
    }

    /// The prefix that routes a model or embedder name to an endpoint: `endpoint:NAME`.
    public static let prefix = "endpoint:"

    /// The endpoint name in `endpoint:NAME`, or nil for a local model name.
    public static func endpointName(_ spec: String) -> String? {
        spec.hasPrefix(prefix) ? String(spec.dropFirst(prefix.count)) : nil
    }

    /// Sets one `cited.toml` key from its raw TOML value; throws a reason for the parse error.
    mutating func set(_ key: String, raw: String) throws(EndpointKeyError) {
        func string() throws(EndpointKeyError) -> String {
            guard raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") else { throw .init("\(key) is a quoted string") }
            return String(raw.dropFirst().dropLast())
        }
        func number(_ range: ClosedRange<Double>) throws(EndpointKeyError) -> Double {
            guard let value = Double(raw), range.contains(value) else {
                throw .init("\(key) is a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func integer(_ range: ClosedRange<Int>) throws(EndpointKeyError) -> Int {
            guard let value = Int(raw), range.contains(value) else {
                throw .init("\(key) is a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        switch key {
        case "base_url":
            let url = try string()
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), URL(string: url)?.host != nil else {
                throw .init("base_url must be an http:// or https:// URL")
            }
            baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        case "model": model = try string()
        case "api_key_env": apiKeyEnvironment = try string()
        case "timeout_s": timeoutSeconds = try number(0.1...3600)
        case "retries": retries = try integer(0...10)
        case "backoff_s": backoffSeconds = try number(0...60)
        case "max_retry_after_s": maxRetryAfterSeconds = try number(0...3600)
        case "constrain":
            guard let value = Constraint(rawValue: try string()) else {
                throw .init("constrain is \"none\", \"grammar\" (llama.cpp) or \"guided_regex\" (vLLM)")
            }
            constrain = value
        case "repeat_penalty": repeatPenalty = try number(0...10)
        case "batch_size": batchSize = try integer(1...4096)
        case "max_in_flight": maxInFlight = try integer(1...64)
        case "token_limit": tokenLimit = try integer(1...1_000_000)
        default:
            throw .init("unknown key \(key) (base_url, model, api_key_env, timeout_s, retries, backoff_s, "
                        + "max_retry_after_s, constrain, repeat_penalty, batch_size, max_in_flight, token_limit)")
        }
    }
}

/// Why a key of an `[endpoints.NAME]` table was refused.
struct EndpointKeyError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
