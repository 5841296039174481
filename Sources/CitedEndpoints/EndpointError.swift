/// Errors from a model server, each naming the endpoint and saying what went wrong.
public enum EndpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No connection could be made (refused, unreachable, name not resolved) after every attempt.
    case unreachable(endpoint: String, url: String, attempts: Int, reason: String)
    /// The server did not answer (or stopped streaming) within `timeout_s`.
    case timeout(endpoint: String, url: String, seconds: Double, attempts: Int)
    /// The server answered with an error status (after every attempt, for the statuses worth retrying).
    case status(endpoint: String, url: String, code: Int, body: String, attempts: Int)
    /// The response was not the OpenAI shape: bad JSON, missing fields, a vector of the wrong size.
    case malformedResponse(endpoint: String, url: String, reason: String)
    /// The stream ended before the server said it was done, after some text had already been streamed.
    case streamCut(endpoint: String, url: String, receivedCharacters: Int)
    /// The API key's environment variable is not set.
    case missingAPIKey(endpoint: String, variable: String)
    /// The answer was cancelled by its caller.
    case cancelled

    public var description: String {
        switch self {
        case let .unreachable(endpoint, url, attempts, reason):
            "endpoint \(endpoint): cannot connect to \(url) (\(reason)) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case let .timeout(endpoint, url, seconds, attempts):
            "endpoint \(endpoint): no response from \(url) within \(Self.format(seconds)) s (timeout_s) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case let .status(endpoint, url, code, body, attempts):
            "endpoint \(endpoint): \(url) answered HTTP \(code)\(body.isEmpty ? "" : ": \(body)")"
                + (attempts > 1 ? " (after \(attempts) attempts)" : "")
        case let .malformedResponse(endpoint, url, reason):
            "endpoint \(endpoint): malformed response from \(url): \(reason)"
        case let .streamCut(endpoint, url, count):
            "endpoint \(endpoint): the stream from \(url) ended before the answer was complete (after \(count) characters); nothing was stored"
        case let .missingAPIKey(endpoint, variable):
            "endpoint \(endpoint): api_key_env names \(variable), which is not set"
        case .cancelled: "the request was cancelled"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
